import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { notFound } from '../../fields/ids';
import { CREDITOR, CREDITOR_ID } from '../../resources/creditor';
import { apiPath } from '../../transport';
import type { RequestKind } from '../../transport/types';
import { idProperty } from '../descriptions';
import { readId } from '../readers';
import { outputItems, request, unwrapTwice } from '../requests';
import type { RunContext, Send } from '../types';

export const description: INodeProperties[] = [
	...idProperty(CREDITOR_ID, 'creditor', 'get', 'The encrypted ID of the creditor to get'),
];

/** What it returns, of which version 2's Simplify and a tool's output keep some fields (see outputShape). */
export const reads = CREDITOR;

/** Creditors (`creditors.md`): no Create or Delete; Get wraps the creditor twice, Update once. */
export const kind: RequestKind = 'read';

export function prepare(this: IExecuteFunctions, itemIndex: number, run: RunContext): Send {
	const creditorId = readId(this, itemIndex, CREDITOR_ID);
	return async () => {
		const response = await request.call(this, run, itemIndex, { method: 'GET', path: apiPath`/creditors/${creditorId}` }, {
			action: `get creditor "${creditorId}"`,
			notFound: notFound(CREDITOR_ID, creditorId),
		});
		return outputItems(unwrapTwice(response), itemIndex);
	};
}
