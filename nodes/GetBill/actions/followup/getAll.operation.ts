import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { showFor, toProperty } from '../../fields/properties';
import { FOLLOWUP } from '../../resources/followup';
import { apiPath } from '../../transport';
import type { RequestKind } from '../../transport/types';
import { pagingProperties } from '../descriptions';
import { readFilters, readLimit } from '../readers';
import { outputItems, requestPages } from '../requests';
import type { RunContext, Send } from '../types';

/** The list filters GetBill documents, with the field table's values. */
const FILTERS = ['status', 'type'];

export const description: INodeProperties[] = [
	...pagingProperties('followup', 'getAll'),
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		displayOptions: showFor('followup', ['getAll']),
		options: FOLLOWUP.fields
			.filter((field) => FILTERS.includes(field.name))
			.map((field) => ({ ...toProperty(field), description: `Only followups with this ${field.displayName.toLowerCase()}` })),
	},
];

/** What it returns, of which version 2's Simplify and a tool's output keep some fields (see outputShape). */
export const reads = FOLLOWUP;

/** A read: safe to send again, so items may run concurrently. */
export const kind: RequestKind = 'read';

export function prepare(this: IExecuteFunctions, itemIndex: number, run: RunContext): Send {
	const limit = readLimit(this, itemIndex, 'followup');
	const qs = readFilters(this, itemIndex, FOLLOWUP, FILTERS);
	return async () =>
		outputItems(
			await requestPages.call(this, run, itemIndex, { method: 'GET', path: apiPath`/followups`, qs }, { action: 'list followups' }, limit),
			itemIndex,
		);
}
