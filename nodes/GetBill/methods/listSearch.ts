/**
 * Version 2's "From List": one `listSearch` method per ID parameter, over
 * the resource's list endpoint. GetBill's lists have no documented search
 * parameter, so the search box is matched here, against the label a person
 * recognises, the ID and a few more fields (e.g. the email), page by page.
 */
import type { IDataObject, ILoadOptionsFunctions, INodeListSearchItems, INodeListSearchResult } from 'n8n-workflow';

import type { IdSpec } from '../fields/ids';
import { CREDITOR_ID } from '../resources/creditor';
import { DEBT_ID } from '../resources/debt';
import { DEBTOR_ID } from '../resources/debtor';
import { FOLLOWUP_ID } from '../resources/followup';
import { REPORT_ID } from '../resources/report';
import { API_PREFIX, getBaseUrl, getBillApiRequestPage, MAX_PAGE_SIZE } from '../transport';
import type { RetryPolicy } from '../transport/retry';
import { DEFAULT_RETRY_POLICY } from '../transport/retry';

/** With a search, at most this many pages are read per call (the next call goes on from there). */
export const PAGES_PER_SEARCH = 5;
/** A search stops reading pages once it has this many matches. */
export const ENOUGH_MATCHES = 20;

/** The editor waits for the list: a short rate-limit wait at most, few retries. */
const LIST_RETRY_POLICY: RetryPolicy = { ...DEFAULT_RETRY_POLICY, maxRetries: 1, maxRateLimitWaitSeconds: 5 };

function matches(entry: IDataObject, item: INodeListSearchItems, id: IdSpec, needle: string): boolean {
	const texts = [item.name, String(item.value), ...(id.picker.searchAlso ?? []).map((name) => entry[name])];
	return texts.some((text) => (typeof text === 'string' || typeof text === 'number') && String(text).toLowerCase().includes(needle));
}

/**
 * The `listSearch` method of an ID parameter. Without a search: one page of
 * 100 per call. With one: pages are read until 20 matches or 5 pages, so a
 * match far down the list is still found. `paginationToken` is the next page.
 */
export function searchMethod(id: IdSpec) {
	const plural = `${id.noun}s`;
	return async function (this: ILoadOptionsFunctions, filter?: string, paginationToken?: string): Promise<INodeListSearchResult> {
		const baseUrl = await getBaseUrl.call(this);
		const needle = (filter ?? '').trim().toLowerCase();
		const first = Math.max(1, Number.parseInt(paginationToken ?? '', 10) || 1);
		const results: INodeListSearchItems[] = [];
		for (let page = first; ; page++) {
			const { entries, last } = await getBillApiRequestPage.call(
				this,
				{ method: 'GET', path: `${API_PREFIX}${id.picker.path}` },
				{ action: `list ${plural}`, noun: id.noun, wording: 2 },
				baseUrl,
				LIST_RETRY_POLICY,
				page,
				MAX_PAGE_SIZE,
			);
			for (const entry of entries) {
				if (entry?.id === undefined || entry.id === null || entry.id === '') continue;
				const item = { name: id.picker.label(entry) || String(entry.id), value: String(entry.id) };
				if (!needle || matches(entry, item, id, needle)) results.push(item);
			}
			if (last) return { results };
			const readEnough = !needle || results.length >= ENOUGH_MATCHES || page - first + 1 >= PAGES_PER_SEARCH;
			if (readEnough) return { results, paginationToken: String(page + 1) };
		}
	};
}

/** The methods, by the name each ID parameter's "From List" names. */
export const listSearch = Object.fromEntries(
	[CREDITOR_ID, DEBT_ID, DEBTOR_ID, FOLLOWUP_ID, REPORT_ID].map((id) => [id.listMethod, searchMethod(id)]),
) as Record<string, (this: ILoadOptionsFunctions, filter?: string, paginationToken?: string) => Promise<INodeListSearchResult>>;
