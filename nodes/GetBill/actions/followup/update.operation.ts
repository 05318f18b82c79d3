import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { fieldsCollection, fieldsToSendProperties } from '../../fields/properties';
import { FOLLOWUP, FOLLOWUP_ID } from '../../resources/followup';
import { apiPath } from '../../transport';
import type { RequestKind } from '../../transport/types';
import { notFound } from '../../fields/ids';
import { idProperty } from '../descriptions';
import { readFields, readId } from '../readers';
import { dataOf, outputItems, request } from '../requests';
import type { RunContext, Send } from '../types';

const COLLECTION = { name: 'updateFields', label: 'Update Fields' };

export const description: INodeProperties[] = [
	...idProperty(FOLLOWUP_ID, 'followup', 'update', 'The encrypted ID of the followup to update, as GetBill gives it'),
	...fieldsToSendProperties(FOLLOWUP, 'update', COLLECTION.label, 'update'),
	fieldsCollection(FOLLOWUP, {
		name: COLLECTION.name,
		displayName: COLLECTION.label,
		description: 'The fields to change. Only the fields added here are sent; all others keep their value in GetBill.',
		operation: 'update',
		purpose: 'update',
	}),
];

/** An update: safe to send again, so items may run concurrently. */
export const kind: RequestKind = 'update';

export function prepare(this: IExecuteFunctions, itemIndex: number, run: RunContext): Send {
	const followupId = readId(this, itemIndex, FOLLOWUP_ID);
	const body = readFields(this, itemIndex, run, FOLLOWUP, { collection: COLLECTION }, 'update', true);
	return async () => {
		const response = await request.call(this, run, itemIndex, { method: 'PUT', path: apiPath`/followups/${followupId}`, body }, {
			action: `update followup "${followupId}"`,
			notFound: notFound(FOLLOWUP_ID, followupId),
		});
		return outputItems(dataOf(response), itemIndex);
	};
}
