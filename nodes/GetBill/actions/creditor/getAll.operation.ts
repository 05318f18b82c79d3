import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { apiPath } from '../../transport';
import type { RequestKind } from '../../transport/types';
import { CREDITOR } from '../../resources/creditor';
import { listProperties } from '../descriptions';
import { prepareList } from '../requests';
import type { RunContext, Send } from '../types';

export const description: INodeProperties[] = [
	...listProperties('creditor', 'getAll'),
];

/** What it returns, of which version 2's Simplify and a tool's output keep some fields (see outputShape). */
export const reads = CREDITOR;

/** A read: safe to send again, so items may run concurrently. */
export const kind: RequestKind = 'read';

export function prepare(this: IExecuteFunctions, itemIndex: number, run: RunContext): Send {
	return prepareList(this, itemIndex, run, { method: 'GET', path: apiPath`/creditors` }, { action: 'list creditors' });
}
