import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { notFound } from '../../fields/ids';
import { fieldsCollection } from '../../fields/properties';
import { DEBTOR, DEBTOR_ID } from '../../resources/debtor';
import { apiPath } from '../../transport';
import type { RequestKind } from '../../transport/types';
import { idProperty } from '../descriptions';
import { readFields, readId } from '../readers';
import { outputItems, request, unwrapTwice } from '../requests';
import type { RunContext, Send } from '../types';

const COLLECTION = { name: 'updateFields', label: 'Update Fields' };

export const description: INodeProperties[] = [
	...idProperty(DEBTOR_ID, 'debtor', 'update', 'The encrypted ID of the debtor to update'),
	fieldsCollection(DEBTOR, {
		name: COLLECTION.name,
		displayName: COLLECTION.label,
		description: 'The fields to change. Only the fields added here are sent.',
		operation: 'update',
		purpose: 'update',
		withFieldsToSend: false,
	}),
];

/** An update: safe to send again, so items may run concurrently. */
export const kind: RequestKind = 'update';

export function prepare(this: IExecuteFunctions, itemIndex: number, run: RunContext): Send {
	const debtorId = readId(this, itemIndex, DEBTOR_ID);
	const body = readFields(this, itemIndex, run, DEBTOR, { collection: COLLECTION }, 'update', true);
	return async () => {
		const response = await request.call(this, run, itemIndex, { method: 'PUT', path: apiPath`/debtors/${debtorId}`, body }, {
			action: `update debtor "${debtorId}"`,
			notFound: notFound(DEBTOR_ID, debtorId),
		});
		return outputItems(unwrapTwice(response), itemIndex);
	};
}
