import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { DEBT_ID } from '../../resources/debt';
import { apiPath } from '../../transport';
import type { RequestKind } from '../../transport/types';
import { notFound } from '../../fields/ids';
import { FOLLOWUP } from '../../resources/followup';
import { idProperty, pagingProperties } from '../descriptions';
import { readId, readLimit } from '../readers';
import { outputItems, requestPages } from '../requests';
import type { RunContext, Send } from '../types';

export const description: INodeProperties[] = [
	...idProperty(DEBT_ID, 'followup', 'getAllByDebt', 'The encrypted ID of the debt whose followups to return'),
	...pagingProperties('followup', 'getAllByDebt'),
];

/** What it returns, of which version 2's Simplify and a tool's output keep some fields (see outputShape). */
export const reads = FOLLOWUP;

/** A read: safe to send again, so items may run concurrently. */
export const kind: RequestKind = 'read';

export function prepare(this: IExecuteFunctions, itemIndex: number, run: RunContext): Send {
	const debtId = readId(this, itemIndex, DEBT_ID);
	const limit = readLimit(this, itemIndex, 'followup');
	return async () =>
		outputItems(
			await requestPages.call(
				this,
				run,
				itemIndex,
				{ method: 'GET', path: apiPath`/followups/debt/${debtId}` },
				{ action: `list the followups of debt "${debtId}"`, notFound: notFound(DEBT_ID, debtId) },
				limit,
			),
			itemIndex,
		);
}
