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

/**
 * With a search, at most this many pages (of 100) are read per call, each one
 * read against GetBill's 1,000 reads an hour: 2,000 records for 2% of the hour.
 * n8n's editor sends a search each time typing pauses (300 ms in 2.41, 1 s in
 * 2.8) and does not stop the one before, so a few searches while typing a name
 * stay well inside the quota the workflows need, and the editor waits for 20
 * requests at most, not for the whole list. The token goes on from there.
 */
export const PAGES_PER_SEARCH = 20;
/** A search stops reading pages once it has this many matches. */
export const ENOUGH_MATCHES = 20;

/** The editor waits for the list: a short rate-limit wait at most, few retries. */
const LIST_RETRY_POLICY: RetryPolicy = { ...DEFAULT_RETRY_POLICY, maxRetries: 1, maxRateLimitWaitSeconds: 5 };

function matches(entry: IDataObject, item: INodeListSearchItems, id: IdSpec, needle: string): boolean {
	const texts = [item.name, String(item.value), ...(id.picker.searchAlso ?? []).map((name) => entry[name])];
	return texts.some((text) => (typeof text === 'string' || typeof text === 'number') && String(text).toLowerCase().includes(needle));
}

/** 1234 → "1,234" */
const count = (n: number) => n.toLocaleString('en-US');

/**
 * The entry that ends a page when a search used its pages before the end of
 * the list: what was searched, and that the rest was not. With a search, n8n's
 * editor asks for the next page only when a list longer than its box is
 * scrolled to the bottom, so the entry does not say "scroll". n8n has no
 * disabled entry for a node's list, so its value is '' (n8n's "nothing
 * picked"), never an ID: the editor ignores Enter on it, a click leaves the
 * parameter empty (marked required, not run), and a run refuses an empty ID
 * before any request. The editor shows one entry per value: after scrolling,
 * the first call's entry stays and a later call's is not added.
 */
export function notSearchedFurther(plural: string, from: number, to: number, total: number | undefined, matched: number): INodeListSearchItems {
	const range = from === 1 ? `the first ${count(to)}` : `${count(from)}–${count(to)}`;
	const of = total !== undefined && total > to ? ` of ${count(total)}` : '';
	const searched = from === 1 ? `${range}${of} ${plural}` : `${plural} ${range}${of}`;
	const budget = `a search reads ${count(PAGES_PER_SEARCH * MAX_PAGE_SIZE)}`;
	const name = matched
		? `Searched ${searched} only (${budget}): later ones may match too`
		: `No match in ${searched} (${budget}): use By ID for a later one`;
	return { name, value: '' };
}

/**
 * The `listSearch` method of an ID parameter. Without a search: one page of
 * 100 per call. With one: pages are read until 20 matches, the last page, or
 * 20 pages (the budget), so a match far down the list is still found.
 * `paginationToken` is the next page. A page with a token is never empty (n8n
 * shows "No results" and asks no further): a search that used its budget
 * before the end says so in an entry of its own.
 */
export function searchMethod(id: IdSpec) {
	const plural = `${id.noun}s`;
	return async function (this: ILoadOptionsFunctions, filter?: string, paginationToken?: string): Promise<INodeListSearchResult> {
		const baseUrl = await getBaseUrl.call(this);
		const needle = (filter ?? '').trim().toLowerCase();
		const first = Math.max(1, Number.parseInt(paginationToken ?? '', 10) || 1);
		const results: INodeListSearchItems[] = [];
		let read = 0;
		for (let page = first; ; page++) {
			const { entries, last, total } = await getBillApiRequestPage.call(
				this,
				{ method: 'GET', path: `${API_PREFIX}${id.picker.path}` },
				{ action: `list ${plural}`, noun: id.noun, wording: 2 },
				baseUrl,
				LIST_RETRY_POLICY,
				page,
				MAX_PAGE_SIZE,
			);
			read += entries.length;
			for (const entry of entries) {
				if (entry?.id === undefined || entry.id === null || entry.id === '') continue;
				const item = { name: id.picker.label(entry) || String(entry.id), value: String(entry.id) };
				if (!needle || matches(entry, item, id, needle)) results.push(item);
			}
			if (last) return { results };
			const next = String(page + 1);
			if (results.length >= (needle ? ENOUGH_MATCHES : 1)) return { results, paginationToken: next };
			if (page - first + 1 >= PAGES_PER_SEARCH) {
				const from = (first - 1) * MAX_PAGE_SIZE + 1;
				const notice = notSearchedFurther(plural, from, from + read - 1, total, results.length);
				return { results: [...results, notice], paginationToken: next };
			}
		}
	};
}

/** The methods, by the name each ID parameter's "From List" names. */
export const listSearch = Object.fromEntries(
	[CREDITOR_ID, DEBT_ID, DEBTOR_ID, FOLLOWUP_ID, REPORT_ID].map((id) => [id.listMethod, searchMethod(id)]),
) as Record<string, (this: ILoadOptionsFunctions, filter?: string, paginationToken?: string) => Promise<INodeListSearchResult>>;
