import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { apiPath } from '../../transport';
import { DEBT } from '../../resources/debt';
import type { RunContext, Send } from '../shared';
import { listProperties, prepareList, readTextFilters } from '../shared';
import { STATUS_FILTER } from './list';

export const description: INodeProperties[] = listProperties('debt', 'getAll', STATUS_FILTER);

/** Version 2's Simplify keeps these fields. */
export const simplified = DEBT.simplified;

/** Safe to send again: items may run concurrently. */
export const safeToRepeat = true;

export function prepare(this: IExecuteFunctions, itemIndex: number, run: RunContext): Send {
	const qs = readTextFilters(this, itemIndex, ['status']);
	return prepareList(this, itemIndex, run, { method: 'GET', path: apiPath`/debts`, qs }, { action: 'list debts' });
}
