import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { apiPath } from '../../transport';
import { CREDITOR } from '../../resources/creditor';
import type { RunContext, Send } from '../shared';
import { listProperties, prepareList } from '../shared';

export const description: INodeProperties[] = [
	...listProperties('creditor', 'getAll'),
];

/** Version 2's Simplify keeps these fields. */
export const simplified = CREDITOR.simplified;

/** Safe to send again: items may run concurrently. */
export const safeToRepeat = true;

export function prepare(this: IExecuteFunctions, itemIndex: number, run: RunContext): Send {
	return prepareList(this, itemIndex, run, { method: 'GET', path: apiPath`/creditors` }, { action: 'list creditors' });
}
