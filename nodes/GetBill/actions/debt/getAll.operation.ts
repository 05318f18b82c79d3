import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { apiPath } from '../../transport';
import type { RequestKind } from '../../transport/types';
import { DEBT } from '../../resources/debt';
import { listProperties } from '../descriptions';
import { readTextFilters } from '../readers';
import { prepareList } from '../requests';
import type { RunContext, Send } from '../types';
import { STATUS_FILTER } from './list';

export const description: INodeProperties[] = listProperties('debt', 'getAll', STATUS_FILTER);

/** What it returns, of which version 2's Simplify and a tool's output keep some fields (see outputShape). */
export const reads = DEBT;

/** A read: safe to send again, so items may run concurrently. */
export const kind: RequestKind = 'read';

export function prepare(this: IExecuteFunctions, itemIndex: number, run: RunContext): Send {
	const qs = readTextFilters(this, itemIndex, ['status']);
	return prepareList(this, itemIndex, run, { method: 'GET', path: apiPath`/debts`, qs }, { action: 'list debts' });
}
