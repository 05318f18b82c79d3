/** What the debt lists share: Return All / Limit, the Status filter, one paged read. */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { showFor } from '../../fields/properties';
import type { GetBillRequest } from '../../transport';
import type { About, RunContext, Send } from '../shared';
import { outputItems, pagingProperties, readLimit, requestPages } from '../shared';

/** Return All, Limit and (where GetBill documents it) the Status filter of a debt list. */
export function listProperties(operation: string, withStatusFilter: boolean): INodeProperties[] {
	const properties = pagingProperties('debt', operation);
	if (withStatusFilter) {
		properties.push({
			displayName: 'Filters',
			name: 'filters',
			type: 'collection',
			placeholder: 'Add Filter',
			default: {},
			displayOptions: showFor('debt', [operation]),
			options: [
				{
					displayName: 'Status',
					name: 'status',
					type: 'string',
					default: '',
					placeholder: 'e.g. status.default.paid',
					description:
						'Only debts with this status, sent as typed: GetBill does not document which form its filter takes (debts show e.g. status.default.paid; its examples filter with active)',
				},
			],
		});
	}
	return properties;
}

/** Reads the list for one item: the limit and filters are checked before any request. */
export function prepareList(
	ctx: IExecuteFunctions,
	itemIndex: number,
	run: RunContext,
	req: GetBillRequest,
	about: About,
	withStatusFilter: boolean,
): Send {
	const limit = readLimit(ctx, itemIndex, 'debt');
	const qs: IDataObject = {};
	if (withStatusFilter) {
		const status = (ctx.getNodeParameter('filters', itemIndex, {}) as IDataObject).status;
		if (typeof status === 'string' && status.trim() !== '') qs.status = status.trim();
	}
	return async () => outputItems(await requestPages.call(ctx, run, itemIndex, { ...req, qs }, about, limit), itemIndex);
}
