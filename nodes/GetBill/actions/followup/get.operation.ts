import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { FOLLOWUP, FOLLOWUP_ID } from '../../resources/followup';
import { apiPath } from '../../transport';
import type { RequestKind } from '../../transport/types';
import { notFound } from '../../fields/ids';
import { idProperty } from '../descriptions';
import { readId } from '../readers';
import { dataOf, outputItems, request } from '../requests';
import type { RunContext, Send } from '../types';

export const description: INodeProperties[] = [
	...idProperty(FOLLOWUP_ID, 'followup', 'get', 'The encrypted ID of the followup to get, as GetBill gives it'),
];

/** What it returns, of which version 2's Simplify and a tool's output keep some fields (see outputShape). */
export const reads = FOLLOWUP;

/** A read: safe to send again, so items may run concurrently. */
export const kind: RequestKind = 'read';

export function prepare(this: IExecuteFunctions, itemIndex: number, run: RunContext): Send {
	const followupId = readId(this, itemIndex, FOLLOWUP_ID);
	return async () => {
		const response = await request.call(this, run, itemIndex, { method: 'GET', path: apiPath`/followups/${followupId}` }, {
			action: `get followup "${followupId}"`,
			notFound: notFound(FOLLOWUP_ID, followupId),
		});
		return outputItems(dataOf(response), itemIndex);
	};
}
