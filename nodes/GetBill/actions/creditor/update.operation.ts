import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { notFound } from '../../fields/ids';
import { fieldsCollection } from '../../fields/properties';
import { CREDITOR, CREDITOR_ID } from '../../resources/creditor';
import { apiPath } from '../../transport';
import type { RequestKind } from '../../transport/types';
import { idProperty } from '../descriptions';
import { readFields, readId } from '../readers';
import { dataOf, outputItems, request } from '../requests';
import type { RunContext, Send } from '../types';

const COLLECTION = { name: 'updateFields', label: 'Update Fields' };

export const description: INodeProperties[] = [
	...idProperty(CREDITOR_ID, 'creditor', 'update', 'The encrypted ID of the creditor to update'),
	fieldsCollection(CREDITOR, {
		name: COLLECTION.name,
		displayName: COLLECTION.label,
		description: 'The fields to change. Only the fields added here are sent; the others keep their value.',
		operation: 'update',
		purpose: 'update',
		withFieldsToSend: false,
	}),
];

/**
 * Sent as PATCH: GetBill documents PUT as a full update and PATCH as a partial
 * one, and whether PUT clears the fields left out is unknown, so PATCH is the
 * one that cannot erase a creditor's other fields. An update, as with PUT:
 * safe to send again, so items may run concurrently and a 5xx is retried.
 */
export const kind: RequestKind = 'update';

export function prepare(this: IExecuteFunctions, itemIndex: number, run: RunContext): Send {
	const creditorId = readId(this, itemIndex, CREDITOR_ID);
	const body = readFields(this, itemIndex, run, CREDITOR, { collection: COLLECTION }, 'update', true);
	return async () => {
		const response = await request.call(this, run, itemIndex, { method: 'PATCH', path: apiPath`/creditors/${creditorId}`, body }, {
			action: `update creditor "${creditorId}"`,
			notFound: notFound(CREDITOR_ID, creditorId),
		});
		return outputItems(dataOf(response), itemIndex);
	};
}
