import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { notFound } from '../../fields/ids';
import { DEBTOR_ID } from '../../resources/debtor';
import { apiPath } from '../../transport';
import type { RequestKind } from '../../transport/types';
import { DEBT } from '../../resources/debt';
import { idProperty, listProperties } from '../descriptions';
import { readId } from '../readers';
import { prepareList } from '../requests';
import type { RunContext, Send } from '../types';

export const description: INodeProperties[] = [
	...idProperty(DEBTOR_ID, 'debt', 'getAllByDebtor', 'The encrypted ID of the debtor whose debts to return'),
	...listProperties('debt', 'getAllByDebtor'),
];

/** What it returns, of which version 2's Simplify and a tool's output keep some fields (see outputShape). */
export const reads = DEBT;

/** A read: safe to send again, so items may run concurrently. */
export const kind: RequestKind = 'read';

export function prepare(this: IExecuteFunctions, itemIndex: number, run: RunContext): Send {
	const debtorId = readId(this, itemIndex, DEBTOR_ID);
	return prepareList(
		this,
		itemIndex,
		run,
		{ method: 'GET', path: apiPath`/debts/by-debtor/${debtorId}` },
		{ action: `list the debts of debtor "${debtorId}"`, notFound: notFound(DEBTOR_ID, debtorId) },
	);
}
