import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { apiPath, getBillApiRequest } from '../../transport';
import type { RunContext } from './common';
import { idProperty, outputItems, readId } from './common';
import { FOLLOWUP_ID_HINT } from './update.operation';

export const description: INodeProperties[] = [
	idProperty('followup', 'get', 'The encrypted ID of the followup to get, as GetBill gives it'),
];

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	run: RunContext,
): Promise<INodeExecutionData[]> {
	const followupId = readId(this, itemIndex, 'followupId', 'Followup ID', FOLLOWUP_ID_HINT);
	const response = await getBillApiRequest.call(
		this,
		{ method: 'GET', path: apiPath`/followups/${followupId}` },
		{ action: `get followup "${followupId}"`, followupId, itemIndex },
		run.baseUrl,
		run.retryPolicy(itemIndex),
	);
	return outputItems((response?.data ?? response) as IDataObject, itemIndex);
}
