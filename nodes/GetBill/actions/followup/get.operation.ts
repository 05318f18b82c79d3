import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { apiPath, getBillApiRequest } from '../../transport';
import type { RunContext, Send } from './common';
import { idProperty, outputItems, readId } from './common';
import { FOLLOWUP_ID_HINT } from './update.operation';

export const description: INodeProperties[] = [
	idProperty('followup', 'get', 'The encrypted ID of the followup to get, as GetBill gives it'),
];

/** Safe to send again: items may run concurrently. */
export const safeToRepeat = true;

export function prepare(this: IExecuteFunctions, itemIndex: number, run: RunContext): Send {
	const followupId = readId(this, itemIndex, 'followupId', 'Followup ID', FOLLOWUP_ID_HINT);
	const policy = run.retryPolicy(itemIndex);
	return async () => {
		const response = await getBillApiRequest.call(
			this,
			{ method: 'GET', path: apiPath`/followups/${followupId}` },
			{ action: `get followup "${followupId}"`, followupId, itemIndex },
			run.baseUrl,
			policy,
		);
		return outputItems((response?.data ?? response) as IDataObject, itemIndex);
	};
}
