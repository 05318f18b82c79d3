import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { apiPath, getBillApiRequest } from '../../transport';
import type { RunContext, Send } from './common';
import { fieldsCollection, fieldsToSendProperties, idProperty, outputItems, readFollowupFields, readId } from './common';

const COLLECTION = { name: 'updateFields', label: 'Update Fields' };

export const description: INodeProperties[] = [
	idProperty('followup', 'update', 'The encrypted ID of the followup to update, as GetBill gives it'),
	...fieldsToSendProperties('update', COLLECTION.label),
	fieldsCollection(
		COLLECTION.name,
		COLLECTION.label,
		'The fields to change. Only the fields added here are sent; all others keep their value in GetBill.',
		'update',
	),
];

export const FOLLOWUP_ID_HINT =
	'Enter the encrypted ID of the followup (e.g. abc123def456), or map it from a previous node with an expression.';

/** Safe to send again: items may run concurrently. */
export const safeToRepeat = true;

export function prepare(this: IExecuteFunctions, itemIndex: number, run: RunContext): Send {
	const followupId = readId(this, itemIndex, 'followupId', 'Followup ID', FOLLOWUP_ID_HINT);
	const body = readFollowupFields(this, itemIndex, run, COLLECTION, true);
	const policy = run.retryPolicy(itemIndex);
	return async () => {
		const response = await getBillApiRequest.call(
			this,
			{ method: 'PUT', path: apiPath`/followups/${followupId}`, body },
			{ action: `update followup "${followupId}"`, followupId, itemIndex },
			run.baseUrl,
			policy,
		);
		return outputItems((response?.data ?? response) as IDataObject, itemIndex);
	};
}
