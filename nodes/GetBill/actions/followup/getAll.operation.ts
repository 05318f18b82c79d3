import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { getFollowupField } from '../../followup/fields';
import { FieldValueError, normaliseFieldValue } from '../../followup/values';
import { apiPath, getBillApiRequestPages } from '../../transport';
import type { RunContext, Send } from './common';
import { outputItems, pagingProperties, readLimit, showFor, toProperty } from './common';

/** The list filters GetBill documents, with the field table's values. */
const FILTER_FIELDS = ['status', 'type'].map((name) => getFollowupField(name)!);

export const description: INodeProperties[] = [
	...pagingProperties('getAll'),
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		displayOptions: showFor(['getAll']),
		options: FILTER_FIELDS.map((field) => ({
			...toProperty(field),
			description: `Only followups with this ${field.displayName.toLowerCase()}`,
		})),
	},
];

function readFilters(ctx: IExecuteFunctions, itemIndex: number): IDataObject {
	const filters = ctx.getNodeParameter('filters', itemIndex, {}) as IDataObject;
	const qs: IDataObject = {};
	for (const field of FILTER_FIELDS) {
		if (filters[field.name] === undefined || filters[field.name] === '') continue;
		try {
			qs[field.name] = normaliseFieldValue(field, filters[field.name], ctx.getTimezone());
		} catch (error) {
			throw new NodeOperationError(ctx.getNode(), `Filter ${(error as Error).message} [item ${itemIndex}]`, {
				itemIndex,
				description: error instanceof FieldValueError ? error.hint : undefined,
			});
		}
	}
	return qs;
}

/** Safe to send again: items may run concurrently. */
export const safeToRepeat = true;

export function prepare(this: IExecuteFunctions, itemIndex: number, run: RunContext): Send {
	const limit = readLimit(this, itemIndex);
	const qs = readFilters(this, itemIndex);
	const policy = run.retryPolicy(itemIndex);
	return async () => {
		const followups = await getBillApiRequestPages.call(
			this,
			{ method: 'GET', path: apiPath`/followups`, qs },
			{ action: 'list followups', itemIndex },
			run.baseUrl,
			policy,
			limit,
		);
		return outputItems(followups, itemIndex);
	};
}
