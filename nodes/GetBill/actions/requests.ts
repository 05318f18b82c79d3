/**
 * Requests and paging for one item: one call for a request or a paged list,
 * with the run's base URL, retry policy and quotas, GetBill's envelope
 * unwrapped, and the item's paired output.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { GetBillRequest } from '../transport';
import { getBillApiRequest, getBillApiRequestPages } from '../transport';
import type { ErrorContext } from '../transport/types';
import { readLimit, runsAsTool } from './readers';
import type { About, RunContext, Send } from './types';

/** A Send that makes one request, `req`, and says which (a create's or a delete's). */
export function sendOne(req: GetBillRequest, send: () => Promise<INodeExecutionData[]>): Send {
	return Object.assign(send, { request: req });
}

/** What an item's request is about, for its errors (written for the model when the node runs as a tool). */
const context = (ctx: IExecuteFunctions, run: RunContext, about: About, itemIndex: number): ErrorContext => ({
	noun: run.noun,
	kind: run.kind,
	...about,
	itemIndex,
	wording: run.version >= 2 ? 2 : 1,
	forTool: runsAsTool(ctx),
});

/** Sends one request for an item, with the run's base URL and the item's retry policy. */
export async function request(
	this: IExecuteFunctions,
	run: RunContext,
	itemIndex: number,
	req: GetBillRequest,
	about: About,
): Promise<IDataObject> {
	return await getBillApiRequest.call(this, req, context(this, run, about, itemIndex), run.baseUrl, run.retryPolicy(itemIndex), run.gate);
}

/** Reads a paged list for an item: all entries, or `limit`. */
export async function requestPages(
	this: IExecuteFunctions,
	run: RunContext,
	itemIndex: number,
	req: GetBillRequest,
	about: About,
	limit: number | undefined,
): Promise<IDataObject[]> {
	return await getBillApiRequestPages.call(this, req, context(this, run, about, itemIndex), run.baseUrl, run.retryPolicy(itemIndex), limit, run.gate);
}

/** The `data` of GetBill's envelope (or the answer itself). */
export function dataOf(response: IDataObject): IDataObject {
	return ((response?.data ?? response) as IDataObject) ?? {};
}

/** The output of one input item: an object, or the entries of a list, each paired to it. */
export function outputItems(data: IDataObject | IDataObject[], itemIndex: number): INodeExecutionData[] {
	return (Array.isArray(data) ? data : [data]).map((json) => ({ json, pairedItem: { item: itemIndex } }));
}

/** A paged list for one item: the limit is checked before any request; one output item per entry. */
export function prepareList(
	ctx: IExecuteFunctions,
	itemIndex: number,
	run: RunContext,
	req: GetBillRequest,
	about: About,
): Send {
	const limit = readLimit(ctx, itemIndex, run.noun);
	return async () => outputItems(await requestPages.call(ctx, run, itemIndex, req, about, limit), itemIndex);
}

/** The object GetBill wraps twice (`data.data`: Get and Update Debtor, Get Creditor), or the plain `data`. */
export function unwrapTwice(response: IDataObject): IDataObject {
	const data = dataOf(response);
	const inner = data.data;
	return typeof inner === 'object' && inner !== null && !Array.isArray(inner) ? (inner as IDataObject) : data;
}
