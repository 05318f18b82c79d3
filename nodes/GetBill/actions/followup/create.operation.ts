import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { fieldsCollection, fieldsToSendProperties } from '../../fields/properties';
import { DEBT_ID } from '../../resources/debt';
import { FOLLOWUP } from '../../resources/followup';
import type { GetBillRequest } from '../../transport';
import { apiPath } from '../../transport';
import type { RequestKind } from '../../transport/types';
import { notFound } from '../../fields/ids';
import { idProperty } from '../descriptions';
import { readFields, readId } from '../readers';
import { dataOf, outputItems, request, sendOne } from '../requests';
import type { RunContext, Send } from '../types';

const COLLECTION = { name: 'additionalFields', label: 'Additional Fields' };

export const description: INodeProperties[] = [
	...idProperty(DEBT_ID, 'followup', 'create', 'The encrypted ID of the debt the new followup belongs to'),
	...fieldsToSendProperties(FOLLOWUP, 'create', COLLECTION.label, 'create'),
	fieldsCollection(FOLLOWUP, {
		name: COLLECTION.name,
		displayName: COLLECTION.label,
		description: 'The fields of the new followup. Fields not added here are left to GetBill (the status starts as On Hold).',
		operation: 'create',
		purpose: 'create',
	}),
];

/** A create sent twice makes two followups: items run one at a time, none after a failure that stops the run. */
export const kind: RequestKind = 'create';

export function prepare(this: IExecuteFunctions, itemIndex: number, run: RunContext): Send {
	const debtId = readId(this, itemIndex, DEBT_ID);
	const fields = readFields(this, itemIndex, run, FOLLOWUP, { collection: COLLECTION }, 'create', false);
	const req: GetBillRequest = { method: 'POST', path: apiPath`/followups`, body: { debt_id: debtId, ...fields } };
	return sendOne(req, async () => {
		const response = await request.call(this, run, itemIndex, req, {
			action: `create a followup for debt "${debtId}"`,
			notFound: notFound(DEBT_ID, debtId),
		});
		return outputItems(dataOf(response), itemIndex);
	});
}
