import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { notFound } from '../../fields/ids';
import { fieldsCollection } from '../../fields/properties';
import { DEBT, DEBT_ID } from '../../resources/debt';
import { apiPath } from '../../transport';
import type { RequestKind } from '../../transport/types';
import { idProperty } from '../descriptions';
import { readFields, readId } from '../readers';
import { dataOf, outputItems, request } from '../requests';
import type { RunContext, Send } from '../types';

const COLLECTION = { name: 'updateFields', label: 'Update Fields' };

export const description: INodeProperties[] = [
	...idProperty(DEBT_ID, 'debt', 'update', 'The encrypted ID of the debt to update'),
	fieldsCollection(DEBT, {
		name: COLLECTION.name,
		displayName: COLLECTION.label,
		description: 'The fields to change (e.g. Status Paid). Only the fields added here are sent; all others keep their value in GetBill.',
		operation: 'update',
		purpose: 'update',
		withFieldsToSend: false,
	}),
];

/** An update: safe to send again, so items may run concurrently. */
export const kind: RequestKind = 'update';

export function prepare(this: IExecuteFunctions, itemIndex: number, run: RunContext): Send {
	const debtId = readId(this, itemIndex, DEBT_ID);
	const body = readFields(this, itemIndex, run, DEBT, { collection: COLLECTION }, 'update', true);
	return async () => {
		const response = await request.call(this, run, itemIndex, { method: 'PUT', path: apiPath`/debts/${debtId}`, body }, {
			action: `update debt "${debtId}"`,
			notFound: notFound(DEBT_ID, debtId),
		});
		return outputItems(dataOf(response), itemIndex);
	};
}
