import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { notFound } from '../../fields/ids';
import { DEBTOR, DEBTOR_ID } from '../../resources/debtor';
import { apiPath } from '../../transport';
import type { RequestKind } from '../../transport/types';
import { idProperty } from '../descriptions';
import { readId } from '../readers';
import { outputItems, request, unwrapTwice } from '../requests';
import type { RunContext, Send } from '../types';

export const description: INodeProperties[] = [
	...idProperty(DEBTOR_ID, 'debtor', 'get', 'The encrypted ID of the debtor to get'),
];

/** What it returns, of which version 2's Simplify and a tool's output keep some fields (see outputShape). */
export const reads = DEBTOR;

/** Debtors (`debtors.md`): no Create or Delete; Get and Update answer with the debtor wrapped twice (`data.data`). */
export const kind: RequestKind = 'read';

export function prepare(this: IExecuteFunctions, itemIndex: number, run: RunContext): Send {
	const debtorId = readId(this, itemIndex, DEBTOR_ID);
	return async () => {
		const response = await request.call(this, run, itemIndex, { method: 'GET', path: apiPath`/debtors/${debtorId}` }, {
			action: `get debtor "${debtorId}"`,
			notFound: notFound(DEBTOR_ID, debtorId),
		});
		return outputItems(unwrapTwice(response), itemIndex);
	};
}
