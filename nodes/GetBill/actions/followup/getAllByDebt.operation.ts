import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { apiPath, getBillApiRequestPages } from '../../transport';
import type { RunContext, Send } from './common';
import { idProperty, outputItems, pagingProperties, readId, readLimit } from './common';
import { DEBT_ID_HINT, debtNotFound } from './create.operation';

export const description: INodeProperties[] = [
	idProperty('debt', 'getAllByDebt', 'The encrypted ID of the debt whose followups to return'),
	...pagingProperties('getAllByDebt'),
];

/** Safe to send again: items may run concurrently. */
export const safeToRepeat = true;

export function prepare(this: IExecuteFunctions, itemIndex: number, run: RunContext): Send {
	const debtId = readId(this, itemIndex, 'debtId', 'Debt ID', DEBT_ID_HINT);
	const limit = readLimit(this, itemIndex);
	const policy = run.retryPolicy(itemIndex);
	return async () => {
		const followups = await getBillApiRequestPages.call(
			this,
			{ method: 'GET', path: apiPath`/followups/debt/${debtId}` },
			{
				action: `list the followups of debt "${debtId}"`,
				itemIndex,
				notFound: debtNotFound(debtId),
			},
			run.baseUrl,
			policy,
			limit,
		);
		return outputItems(followups, itemIndex);
	};
}
