import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { REPORT } from '../../resources/report';
import { apiPath } from '../../transport';
import type { RequestKind } from '../../transport/types';
import { listProperties } from '../descriptions';
import { readTextFilters } from '../readers';
import { prepareList } from '../requests';
import type { RunContext, Send } from '../types';

export const description: INodeProperties[] = listProperties('report', 'getAll', [
	{
		displayName: 'Type',
		name: 'type',
		type: 'string',
		default: '',
		placeholder: 'e.g. financial',
		description: 'Only reports of this type, sent as typed (GetBill documents financial and collection; its full list is not documented)',
	},
]);

/** What it returns, of which a tool's output may keep some fields (see outputShape). */
export const reads = REPORT;

/** A read: safe to send again, so items may run concurrently. */
export const kind: RequestKind = 'read';

export function prepare(this: IExecuteFunctions, itemIndex: number, run: RunContext): Send {
	const qs = readTextFilters(this, itemIndex, ['type']);
	return prepareList(this, itemIndex, run, { method: 'GET', path: apiPath`/reports`, qs }, { action: 'list reports' });
}
