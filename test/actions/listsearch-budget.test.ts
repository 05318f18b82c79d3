/**
 * "From List" searches over long lists (issue "Second review", point 5):
 * GetBill's lists have no search parameter, so a search reads pages of 100
 * and matches them here, within a budget of pages per call. A page handed to
 * n8n with a token is never empty (the editor would show "No results" and ask
 * no further): a search that used its budget says so in the list itself.
 */
import type { INodeListSearchResult } from 'n8n-workflow';

import { notSearchedFurther } from '../../nodes/GetBill/methods/listSearch';
import { newCredentials, runGetBill, runListSearch } from '../helpers/n8n-harness';
import { useGetBillServer } from '../helpers/server';

const gb = useGetBillServer({
	followupIds: [],
	clients: [{ clientId: 'test-client-id', clientSecret: 'test-client-secret', scopes: ['debts:read', 'creditors:read'] }],
});
const { server } = gb;
const credentials = () => newCredentials(gb.url, { scope: 'debts:read creditors:read' });
const api = () => server.requests.filter((r) => r.path.startsWith('/external-api/'));
const search = (filter: string, paginationToken?: unknown) =>
	runListSearch('searchDebts', { credentials: credentials(), filter, paginationToken: paginationToken as string | undefined });

/** `count` debts in list order; `special` puts a debt of its own at some positions (1-based). */
function seedDebts(count: number, special: Record<number, Record<string, unknown>> = {}) {
	for (let position = 1; position <= count; position++) {
		const id = `debt_${String(position).padStart(5, '0')}`;
		server.seedDebt(id, special[position] ?? { invoice_reference: `INV-${position}` });
	}
}

afterEach(() => {
	server.debts.clear();
	server.debtRecords.clear();
	server.debtLinks.clear();
});

/** Calls the search with each token in turn until a page comes without one; the pages read by each call. */
async function searchToTheEnd(filter: string) {
	const calls: Array<{ answer: INodeListSearchResult; pages: string[] }> = [];
	let token: unknown;
	do {
		const before = api().length;
		const answer = await search(filter, token);
		calls.push({ answer, pages: api().slice(before).map((r) => String(r.query.page)) });
		token = answer.paginationToken;
	} while (token !== undefined && calls.length < 10);
	return calls;
}

const pages = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => String(from + i));

describe('From List: a search over a long list', () => {
	it('finds a debt at position 1,800 of 2,000 by typing its label, in one call of 20 reads', async () => {
		seedDebts(2000, { 1800: { firstname: 'Farah', lastname: 'Away', amount: 99, currency: 'USD', internal_id: 'CRM-77' } });
		const answer = await search('Farah Away — 99.00 USD');
		expect(answer).toEqual({ results: [{ name: 'Farah Away — 99.00 USD — CRM-77', value: 'debt_01800' }] });
		expect(api().map((r) => [r.path, r.query.page, r.query.limit])).toEqual(pages(1, 20).map((p) => ['/external-api/v1/debts', p, '100']));
	});

	it('with 5,400 debts and no match: says what it searched and that it stopped, with the token, never an empty page with a token', async () => {
		seedDebts(5400);
		const answer = await search('nobody-has-this');
		expect(answer).toEqual({
			results: [{ name: 'No match in the first 2,000 of 5,400 debts (a search reads 2,000): use By ID for a later one', value: '' }],
			paginationToken: '21',
		});
		expect(api().map((r) => r.query.page)).toEqual(pages(1, 20));
		// The entry is no ID: picked, it leaves Debt empty (required), so n8n does not run the node: no request.
		const before = api().length;
		const picked = { __rl: true, mode: 'list', value: answer.results[0].value, cachedResultName: answer.results[0].name };
		await expect(
			runGetBill({ credentials: credentials(), typeVersion: 2, parameters: { resource: 'debt', operation: 'get', debtId: picked } as never }),
		).rejects.toThrow(/workflow has issues/);
		expect(api().length).toBe(before);
	});

	it('goes on with the token where it stopped until the last page ("no results", no token), at most 20 reads a call, every page once', async () => {
		seedDebts(5400);
		const calls = await searchToTheEnd('nobody-has-this');
		expect(calls.map((c) => c.answer)).toEqual([
			{ results: [{ name: 'No match in the first 2,000 of 5,400 debts (a search reads 2,000): use By ID for a later one', value: '' }], paginationToken: '21' },
			{ results: [{ name: 'No match in debts 2,001–4,000 of 5,400 (a search reads 2,000): use By ID for a later one', value: '' }], paginationToken: '41' },
			{ results: [] },
		]);
		expect(calls.map((c) => c.pages)).toEqual([pages(1, 20), pages(21, 40), pages(41, 54)]);
		expect(calls.filter((c) => c.answer.paginationToken !== undefined && c.answer.results.length === 0)).toEqual([]);
	});

	it('with a few matches when the budget runs out: the matches, then the entry saying later debts were not searched, and the token', async () => {
		const farah = (n: number) => ({ firstname: 'Farah', lastname: `Away ${n}`, amount: n, currency: 'EUR' });
		seedDebts(5400, { 150: farah(1), 900: farah(2), 1999: farah(3), 3000: farah(4) });
		const calls = await searchToTheEnd('farah');
		expect(calls.map((c) => c.answer)).toEqual([
			{
				results: [
					{ name: 'Farah Away 1 — 1.00 EUR', value: 'debt_00150' },
					{ name: 'Farah Away 2 — 2.00 EUR', value: 'debt_00900' },
					{ name: 'Farah Away 3 — 3.00 EUR', value: 'debt_01999' },
					{ name: 'Searched the first 2,000 of 5,400 debts only (a search reads 2,000): later ones may match too', value: '' },
				],
				paginationToken: '21',
			},
			{
				results: [
					{ name: 'Farah Away 4 — 4.00 EUR', value: 'debt_03000' },
					{ name: 'Searched debts 2,001–4,000 of 5,400 only (a search reads 2,000): later ones may match too', value: '' },
				],
				paginationToken: '41',
			},
			{ results: [] },
		]);
		expect(calls.map((c) => c.pages.length)).toEqual([20, 20, 14]);
	});

	it('leaves the total out when GetBill gives none', () => {
		expect(notSearchedFurther('creditors', 1, 2000, undefined, 0)).toEqual({
			name: 'No match in the first 2,000 creditors (a search reads 2,000): use By ID for a later one',
			value: '',
		});
		expect(notSearchedFurther('creditors', 2001, 4000, undefined, 2).name).toBe(
			'Searched creditors 2,001–4,000 only (a search reads 2,000): later ones may match too',
		);
	});
});
