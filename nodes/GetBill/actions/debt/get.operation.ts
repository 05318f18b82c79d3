import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { notFound } from '../../fields/ids';
import { DEBT, DEBT_ID } from '../../resources/debt';
import { apiPath } from '../../transport';
import type { RequestKind } from '../../transport/types';
import { idProperty } from '../descriptions';
import { readId } from '../readers';
import { dataOf, outputItems, request } from '../requests';
import type { RunContext, Send } from '../types';

export const description: INodeProperties[] = [...idProperty(DEBT_ID, 'debt', 'get', 'The encrypted ID of the debt to get')];

/** What it returns, of which version 2's Simplify and a tool's output keep some fields (see outputShape). */
export const reads = DEBT;

/** A read: safe to send again, so items may run concurrently. */
export const kind: RequestKind = 'read';

export function prepare(this: IExecuteFunctions, itemIndex: number, run: RunContext): Send {
	const debtId = readId(this, itemIndex, DEBT_ID);
	return async () => {
		const response = await request.call(this, run, itemIndex, { method: 'GET', path: apiPath`/debts/${debtId}` }, {
			action: `get debt "${debtId}"`,
			notFound: notFound(DEBT_ID, debtId),
		});
		return outputItems(dataOf(response), itemIndex);
	};
}
