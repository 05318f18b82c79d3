import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { notFound } from '../../fields/ids';
import { CREDITOR_ID } from '../../resources/creditor';
import { apiPath } from '../../transport';
import type { RequestKind } from '../../transport/types';
import { DEBT } from '../../resources/debt';
import { idProperty, listProperties } from '../descriptions';
import { readId, readTextFilters } from '../readers';
import { prepareList } from '../requests';
import type { RunContext, Send } from '../types';
import { STATUS_FILTER } from './list';

export const description: INodeProperties[] = [
	...idProperty(CREDITOR_ID, 'debt', 'getAllByCreditor', 'The encrypted ID of the creditor whose debts to return (from Creditor → Get Many)'),
	...listProperties('debt', 'getAllByCreditor', STATUS_FILTER),
];

/** What it returns, of which version 2's Simplify and a tool's output keep some fields (see outputShape). */
export const reads = DEBT;

/** A read: safe to send again, so items may run concurrently. */
export const kind: RequestKind = 'read';

export function prepare(this: IExecuteFunctions, itemIndex: number, run: RunContext): Send {
	const creditorId = readId(this, itemIndex, CREDITOR_ID);
	return prepareList(
		this,
		itemIndex,
		run,
		{ method: 'GET', path: apiPath`/debts/by-creditor/${creditorId}`, qs: readTextFilters(this, itemIndex, ['status']) },
		{ action: `list the debts of creditor "${creditorId}"`, notFound: notFound(CREDITOR_ID, creditorId) },
	);
}
