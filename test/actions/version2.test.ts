/**
 * GetBill node version 2 (issue #13): "From List" (the listSearch methods,
 * run in n8n-core's LoadOptionsContext against the GetBill-like server),
 * resource locators read in a run, Simplify, and the version-2 wording. Version
 * 1 keeps its parameters and output: checked here next to each change.
 */
import type { IDataObject, INodeListSearchResult, INodeProperties, INodePropertyOptions } from 'n8n-workflow';
import { NodeHelpers } from 'n8n-workflow';

import { GetBill } from '../../nodes/GetBill/GetBill.node';
import { FROM_V2, IN_V1 } from '../../nodes/GetBill/fields/properties';
import { CREDITOR } from '../../nodes/GetBill/resources/creditor';
import { DEBT } from '../../nodes/GetBill/resources/debt';
import { DEBTOR } from '../../nodes/GetBill/resources/debtor';
import { FOLLOWUP } from '../../nodes/GetBill/resources/followup';
import { newCredentials, runGetBill, runListSearch } from '../helpers/n8n-harness';
import { useGetBillServer } from '../helpers/server';
import { shownInVersion } from '../helpers/versions';

const SCOPES = [
	'followups:read',
	'followups:write',
	'debts:read',
	'debts:write',
	'debtors:read',
	'debtors:write',
	'creditors:read',
	'creditors:write',
	'reports:read',
];
const gb = useGetBillServer({ followupIds: [], clients: [{ clientId: 'test-client-id', clientSecret: 'test-client-secret', scopes: SCOPES }] });
const { server } = gb;
const credentials = (scope = SCOPES.join(' ')) => newCredentials(gb.url, { scope });
const api = () => server.requests.filter((r) => r.path.startsWith('/external-api/'));
const search = (method: string, filter?: string, paginationToken?: unknown, scope?: string) =>
	runListSearch(method, { credentials: credentials(scope), filter, paginationToken: paginationToken as string | undefined });

const BULK_DEBTS = 230;
const locator = (value: string, mode = 'list') => ({ __rl: true, mode, value });

beforeAll(() => {
	server.seedDebt('debt_jane', {
		firstname: 'Jane',
		lastname: 'Smith',
		email: 'jane.smith@example.com',
		amount: 750.5,
		currency: 'EUR',
		invoice_reference: 'INV-2024-002',
	});
	for (let i = 0; i < BULK_DEBTS; i++) server.seedDebt(`debt_bulk_${String(i).padStart(3, '0')}`);
	// The last one, on page 3 of 100: only a search that reads on finds it.
	server.seedDebt('debt_far', { firstname: 'Farah', lastname: 'Away', email: 'farah.away@example.com', amount: 99, currency: 'USD', internal_id: 'CRM-77' });
	server.seedFollowup('fu_deal', { debt_id: 'debt_jane', type: 'call', status: 'deal_found', scheduled_at: '2024-01-25T10:00:00+00:00' });
	server.seedFollowup('fu_sms', { debt_id: 'debt_jane', type: 'sms', status: 'scheduled', scheduled_at: null, call_date: '2024-02-03T08:30:00+01:00' });
	server.seedDebtor('dbtr_jane', { firstName: 'Jane', lastName: 'Smith', email: 'jane@example.com' });
	server.seedDebtor('dbtr_phone', { firstName: 'Paul', lastName: 'Martin', phone: '+33612345678' });
	server.seedReport('report_jan', {});
});

describe('From List: the listSearch methods', () => {
	it('labels a debt the way a person recognises it: debtor, amount, reference', async () => {
		const { results } = await search('searchDebts', 'INV-2024-002');
		expect(results).toEqual([{ name: 'Jane Smith — 750.50 EUR — INV-2024-002', value: 'debt_jane' }]);
	});

	it('labels followups by type, status and date, debtors by name and email (or phone), reports by title and period', async () => {
		expect((await search('searchFollowups')).results).toEqual([
			{ name: 'Call — Deal Found — 2024-01-25 10:00', value: 'fu_deal' },
			{ name: 'SMS — Scheduled — 2024-02-03 08:30', value: 'fu_sms' },
		]);
		expect((await search('searchDebtors')).results).toEqual([
			{ name: 'Jane Smith — jane@example.com', value: 'dbtr_jane' },
			{ name: 'Paul Martin — +33612345678', value: 'dbtr_phone' },
		]);
		expect((await search('searchReports')).results).toEqual([{ name: 'Monthly Financial Summary — 2024-01-01 to 2024-01-31', value: 'report_jan' }]);
	});

	it('pages with n8n\'s pagination token: 100 a page, no token after the last page', async () => {
		const all = server.debts.size;
		const first = await search('searchDebts');
		expect(first.results).toHaveLength(100);
		expect(first.paginationToken).toBe('2');
		const second = await search('searchDebts', undefined, first.paginationToken);
		expect(second.results).toHaveLength(100);
		expect(second.paginationToken).toBe('3');
		const third = await search('searchDebts', undefined, second.paginationToken);
		expect(third.results).toHaveLength(all - 200);
		expect(third.paginationToken).toBeUndefined();
		const ids = [...first.results, ...second.results, ...third.results].map((r) => r.value);
		expect(new Set(ids).size).toBe(all);
		expect(api().map((r) => [r.method, r.path, r.query.page, r.query.limit])).toEqual([
			['GET', '/external-api/v1/debts', '1', '100'],
			['GET', '/external-api/v1/debts', '2', '100'],
			['GET', '/external-api/v1/debts', '3', '100'],
		]);
	});

	it('searches on through the pages (GetBill has no search parameter) and matches the email too, case-insensitively', async () => {
		const { results, paginationToken } = await search('searchDebts', 'FARAH.away@');
		expect(results).toEqual([{ name: 'Farah Away — 99.00 USD — CRM-77', value: 'debt_far' }]);
		expect(paginationToken).toBeUndefined();
		expect(api().map((r) => r.query.page)).toEqual(['1', '2', '3']);
		expect(api().every((r) => r.query.search === undefined)).toBe(true);
	});

	it('gives an empty list (no token) when nothing matches, or when the company has none', async () => {
		expect(await search('searchDebts', 'nobody-has-this')).toEqual({ results: [] });
		expect(await search('searchCreditors')).toEqual({ results: [] });
	});

	it('reads on past 5 pages in the same call: the match on page 7 comes in the first answer (test/actions/listsearch-budget.test.ts: the budget)', async () => {
		for (let i = 0; i < 620; i++) server.seedCreditor(`cred_${String(i).padStart(3, '0')}`, { name: `Creditor ${i}`, city: 'Lyon' });
		server.seedCreditor('cred_acme', { name: 'Acme Collections', city: 'Paris' });
		try {
			const first = await search('searchCreditors', 'acme');
			expect(first).toEqual({ results: [{ name: 'Acme Collections — Paris', value: 'cred_acme' }] });
			expect(api().map((r) => r.query.page)).toEqual(['1', '2', '3', '4', '5', '6', '7']);
		} finally {
			server.creditors.clear();
		}
	});

	it('says which scope is missing when the credential cannot read the list', async () => {
		await expect(search('searchDebts', undefined, undefined, 'followups:read')).rejects.toThrow(/debts:read/);
	});

	it('offers a method for every ID parameter of version 2, each a resource locator From List (default) or By ID', () => {
		const { description, methods } = new GetBill();
		const ids = description.properties.filter((p) => /Id$/.test(p.name) && p.name !== 'resourceId');
		const v2 = ids.filter((p) => shownInVersion(p, 2));
		const v1 = ids.filter((p) => shownInVersion(p, 1));
		expect(v1.every((p) => p.type === 'string')).toBe(true);
		expect(v2.map((p) => p.type)).toEqual(v2.map(() => 'resourceLocator'));
		expect(new Set(v2.map((p) => p.name))).toEqual(new Set(v1.map((p) => p.name)));
		expect(new Set(v2.map((p) => p.name))).toEqual(new Set(['followupId', 'debtId', 'debtorId', 'creditorId', 'reportId']));
		for (const p of v2) {
			expect(p.default).toEqual({ mode: 'list', value: '' });
			const [list, byId] = p.modes!;
			expect([list.name, list.displayName, byId.name, byId.displayName]).toEqual(['list', 'From List', 'id', 'By ID']);
			expect(Object.keys(methods.listSearch)).toContain(list.typeOptions!.searchListMethod);
			const regex = new RegExp((byId.validation![0] as unknown as { properties: { regex: string } }).properties.regex);
			expect(['abc123def456', 'hTBN7n6lkmkhMb6LYqEBZw', 'a.b', 'report_abc123'].filter((v) => !regex.test(v))).toEqual([]);
			expect(['/', 'a/b', '.', '..', ' . ', ''].filter((v) => regex.test(v))).toEqual([]);
		}
	});
});

describe('A run of version 2', () => {
	const run = (parameters: IDataObject, extra: { typeVersion?: number; onError?: 'continueRegularOutput' } = {}) =>
		runGetBill({ credentials: credentials(), parameters: parameters as never, typeVersion: 2, ...extra });

	it('sends the ID picked From List, or given By ID, or mapped with an expression', async () => {
		await run({ resource: 'debt', operation: 'get', debtId: locator('debt_jane') });
		await run({ resource: 'followup', operation: 'get', followupId: locator('fu_deal', 'id') });
		await run({ resource: 'debtor', operation: 'get', debtorId: locator('={{ "dbtr_" + "jane" }}', 'id') });
		expect(api().map((r) => r.path)).toEqual([
			'/external-api/v1/debts/debt_jane',
			'/external-api/v1/followups/fu_deal',
			'/external-api/v1/debtors/dbtr_jane',
		]);
	});

	it.each([['a/b'], ['..'], ['  ']])('refuses the ID %p before any request, naming the parameter and the item', async (value) => {
		const items = [{ id: 'debt_jane' }, { id: value }];
		const both = await runGetBill({
			credentials: credentials(),
			typeVersion: 2,
			items,
			onError: 'continueRegularOutput',
			parameters: { resource: 'debt', operation: 'get', debtId: locator('={{ $json.id }}', 'id') } as never,
		});
		const [ok, refused] = both.outputs[0];
		expect(ok.json.id).toBe('debt_jane');
		expect(refused.json.error).toMatch(value.trim() === '' ? /^Debt ID is empty \[item 1\]/ : /^Debt ID is not a valid ID \[item 1\]/);
		expect(refused.pairedItem).toEqual({ item: 1 });
		expect(api().filter((r) => r.path !== '/external-api/v1/debts/debt_jane')).toEqual([]);
	});

	it('still sends an ID with "/" in version 1 (encoded), as it always did', async () => {
		await runGetBill({ credentials: credentials(), parameters: { resource: 'debt', operation: 'get', debtId: 'a/b' } as never });
		expect(api().map((r) => r.rawPath)).toEqual(['/external-api/v1/debts/a%2Fb']);
	});

	it('names the item in an API failure and never says "error" in the message; version 1 keeps its words', async () => {
		const v2 = await run({ resource: 'debt', operation: 'get', debtId: locator('debt_missing') });
		expect(v2.error!.message).toBe('Debt "debt_missing" not found: Debt not found [item 0]');
		server.faults.push({ status: 500, body: { error: true, message: 'Internal error', code: 500 } });
		const failed = await run({ resource: 'debt', operation: 'get', debtId: locator('debt_jane'), options: { maxRetries: 0 } });
		expect(failed.error!.message).toBe('GetBill failed on its side (500): Internal error [item 0]');
		const v1 = await runGetBill({ credentials: credentials(), parameters: { resource: 'debt', operation: 'get', debtId: 'debt_missing' } as never });
		expect(v1.error!.message).toBe('Debt "debt_missing" not found: Debt not found');
		server.faults.push({ status: 500, body: { error: true, message: 'Internal error', code: 500 } });
		const failedV1 = await runGetBill({
			credentials: credentials(),
			parameters: { resource: 'debt', operation: 'get', debtId: 'debt_jane', options: { maxRetries: 0 } } as never,
		});
		expect(failedV1.error!.message).toBe('GetBill had a server error (500): Internal error');
	});

	it('names the items of a failed Create Many batch', async () => {
		server.faults.push({ status: 500, body: { error: true, message: 'Internal error', code: 500 } });
		const debts = [0, 1, 2].map((n) => ({ firstname: `Jane${n}`, lastname: 'Smith', amount: 10, currency: 'EUR', email: `jane${n}@example.com` }));
		const result = await runGetBill({
			credentials: credentials(),
			typeVersion: 2,
			items: debts,
			parameters: { resource: 'debt', operation: 'createMany', fieldsToSend: 'autoMapInputData' } as never,
		});
		expect(result.error!.message).toBe('GetBill failed on its side (500): Internal error [items 0 to 2]');
		expect(api().map((r) => [r.method, r.path])).toEqual([['POST', '/external-api/v1/debts/batch']]);
	});
});

describe('Simplify', () => {
	const run = (parameters: IDataObject, typeVersion = 2) =>
		runGetBill({ credentials: credentials(), parameters: parameters as never, typeVersion });

	it.each([
		['debt', 'get', { debtId: locator('debt_jane') }, DEBT.simplified],
		['debt', 'getAll', { limit: 3 }, DEBT.simplified],
		['followup', 'get', { followupId: locator('fu_deal') }, FOLLOWUP.simplified],
		['followup', 'getAllByDebt', { debtId: locator('debt_jane'), returnAll: true }, FOLLOWUP.simplified],
		['debtor', 'get', { debtorId: locator('dbtr_jane') }, DEBTOR.simplified],
		['creditor', 'getAll', { returnAll: true }, CREDITOR.simplified],
	])('is on by default in version 2: %s %s keeps only the simplified fields', async (resource, operation, parameters, fields) => {
		if (resource === 'creditor') server.seedCreditor('cred_one', { name: 'Acme Collections', city: 'Paris', email: 'acme@example.com' });
		try {
			const simple = await run({ resource, operation, ...parameters });
			expect(simple.error).toBeUndefined();
			const full = await run({ resource, operation, ...parameters, simple: false });
			const v1 = await run({ resource, operation, ...parameters, debtId: 'debt_jane', followupId: 'fu_deal', debtorId: 'dbtr_jane' }, 1);
			expect(simple.outputs[0].length).toBeGreaterThan(0);
			expect(simple.outputs[0].length).toBe(full.outputs[0].length);
			simple.outputs[0].forEach((item, i) => {
				const raw = full.outputs[0][i].json;
				expect(Object.keys(item.json)).toEqual(fields!.filter((f) => f in raw));
				for (const key of Object.keys(item.json)) expect(item.json[key]).toEqual(raw[key]);
				expect(item.pairedItem).toEqual({ item: 0 });
			});
			// Off, and in version 1: every field GetBill returned
			expect(Object.keys(full.outputs[0][0].json).length).toBeGreaterThan(Object.keys(simple.outputs[0][0].json).length);
			expect(v1.outputs[0].map((o) => o.json)).toEqual(full.outputs[0].map((o) => o.json));
		} finally {
			server.creditors.clear();
		}
	});

	it('pins the fields each resource keeps (docs/operations.md lists them)', () => {
		expect(DEBT.simplified).toEqual([
			'id', 'firstname', 'lastname', 'email', 'phone', 'amount', 'currency', 'status', 'due_date',
			'invoice_reference', 'internal_id', 'company', 'followups_count', 'payment_link',
		]);
		expect(FOLLOWUP.simplified).toEqual(['id', 'debt_id', 'type', 'status', 'direction', 'scheduled_at', 'call_date', 'summary', 'notes', 'duration_ms']);
		expect(DEBTOR.simplified).toEqual(['id', 'firstName', 'lastName', 'email', 'phone', 'totalDebtAmount', 'totalPaidAmount', 'debtsCount']);
		expect(CREDITOR.simplified).toEqual(['id', 'name', 'email', 'phone', 'contactPerson', 'city', 'country', 'totalDebts', 'totalAmount']);
	});

	it('is offered on Get and Get Many of debts, followups, debtors and creditors, in version 2 only', () => {
		// The editor's Simplify; a tool shows its own only while it is off (tool-output.test.ts).
		const simple = new GetBill().description.properties.filter((p) => p.name === 'simple' && p.displayOptions?.show?.['@tool']?.[0] === false);
		expect(simple).toHaveLength(4);
		const shown = simple.map((p) => [p.displayOptions!.show!.resource![0], p.displayOptions!.show!.operation, p.default, shownInVersion(p, 1), shownInVersion(p, 2)]);
		expect(shown).toEqual([
			['creditor', ['get', 'getAll'], true, false, true],
			['debt', ['get', 'getAll', 'getAllByCreditor', 'getAllByDebtor'], true, false, true],
			['debtor', ['get', 'getAll'], true, false, true],
			['followup', ['get', 'getAll', 'getAllByDebt'], true, false, true],
		]);
	});
});

describe('The node description of version 2', () => {
	const { description } = new GetBill();
	const operations = (version: number) =>
		description.properties
			.filter((p) => p.name === 'operation' && shownInVersion(p, version))
			.map((p) => ({ ...p, options: p.options as INodePropertyOptions[] }));

	it('is the version new nodes get; version 1 stays loadable', () => {
		expect(description.version).toEqual([1, 2]);
		// The editor gives a new node defaultVersion, or else the highest version; defaultVersion is left
		// out because n8n adds "Custom API Call" only to a node whose defaultVersion is unset or its version.
		expect(description.defaultVersion).toBeUndefined();
		expect(Math.max(...(description.version as number[]))).toBe(2);
	});

	it('words every action without articles in version 2 and keeps version 1\'s words', () => {
		const v2 = operations(2).flatMap((p) => p.options.map((o) => o.action!));
		const v1 = operations(1).flatMap((p) => p.options.map((o) => o.action!));
		expect(v2).toHaveLength(25);
		expect(v2.filter((a) => /\b(a|an|the)\b/i.test(a))).toEqual([]);
		expect(v2).toContain('Update followup');
		expect(v1).toContain('Update a followup');
		expect(v1.filter((a) => /\b(a|an|the)\b/.test(a)).length).toBeGreaterThan(15);
		// The same operations in both versions: a saved value means the same thing.
		expect(operations(2).map((p) => p.options.map((o) => o.value))).toEqual(operations(1).map((p) => p.options.map((o) => o.value)));
	});

	const RESOURCES = ['company', 'creditor', 'debt', 'debtor', 'followup', 'report', 'user'];

	it('lists version 2\'s Operation first, shown as every version-2 parameter (n8n\'s node creator takes the first that matches)', () => {
		for (const resource of RESOURCES) {
			const first = description.properties.find((p) => p.name === 'operation' && p.displayOptions?.show?.resource?.includes(resource));
			expect(first?.displayOptions?.show?.['@version']).toEqual(FROM_V2['@version']);
		}
	});

	it('shows every version-2 parameter in one form (FROM_V2) and every version-1 one in IN_V1\'s, nested ones too', () => {
		const forms = new Map<string, string[]>();
		const walk = (properties: unknown[], path: string) => {
			for (const p of properties as Array<INodeProperties & { values?: unknown[] }>) {
				const where = `${path}${p.name}`;
				const { show, hide } = p.displayOptions ?? {};
				const form = hide?.['@version'] ? `hide ${JSON.stringify(hide['@version'])}` : show?.['@version'] ? JSON.stringify(show['@version']) : undefined;
				if (form) forms.set(form, [...(forms.get(form) ?? []), where]);
				if (Array.isArray(p.options)) walk(p.options, `${where}.`);
				if (Array.isArray(p.values)) walk(p.values, `${where}.`);
			}
		};
		walk(description.properties, '');
		expect([...forms.keys()].sort()).toEqual([JSON.stringify(FROM_V2['@version']), JSON.stringify(IN_V1['@version'])].sort());
		// Version 2's Operation and IDs, Simplify: all of them in the one form.
		const fromV2 = forms.get(JSON.stringify(FROM_V2['@version']))!;
		expect(fromV2.filter((name) => name === 'operation')).toHaveLength(RESOURCES.length);
		expect(fromV2).toEqual(expect.arrayContaining(['followupId', 'debtId', 'reportId', 'simple']));
	});

	/** The Operation whose actions a node creator lists for a resource: the first that `matches`. */
	const creatorOperation = (resource: string, matches: (versions: Array<number | object>) => boolean) =>
		description.properties.find((p) => {
			const versions = p.displayOptions?.show?.['@version'] as Array<number | object> | undefined;
			return p.name === 'operation' && p.displayOptions?.show?.resource?.includes(resource) && (versions ? matches(versions) : true);
		});
	/** n8n 2.8's resourceCategories: a `@version` number among the node's versions; conditions are skipped. */
	const creator28 = (nodeVersions: number[]) => (versions: Array<number | object>) =>
		versions.some((v) => typeof v === 'number' && nodeVersions.includes(v));
	/** n8n 2.41's: the conditions, as the editor checks them, for the node's newest version. */
	const creator241 = (nodeVersions: number[]) => (versions: Array<number | object>) =>
		NodeHelpers.checkConditions(versions as Parameters<typeof NodeHelpers.checkConditions>[0], [Math.max(...nodeVersions)]);

	it.each([
		['n8n 2.8', creator28],
		['n8n 2.41', creator241],
	])('the node creator of %s lists version 2\'s actions, and would for a version 3', (_n8n, creator) => {
		for (const nodeVersions of [[1, 2], [1, 2, 3]]) {
			for (const resource of RESOURCES) {
				const listed = creatorOperation(resource, creator(nodeVersions));
				expect({ resource, nodeVersions, '@version': listed?.displayOptions?.show?.['@version'] }).toEqual({ resource, nodeVersions, '@version': FROM_V2['@version'] });
			}
		}
	});

	it('shows version 2\'s parameters in a version 3 node too, and version 1\'s only in version 1 (n8n\'s own display check)', () => {
		const shown = (name: string, resource: string, operation: string, typeVersion: number) =>
			description.properties
				.filter((p) => p.name === name && NodeHelpers.displayParameter({ resource, operation }, p, { typeVersion }, description))
				.map((p) => p.displayOptions?.show?.['@version']);
		for (const typeVersion of [2, 3]) {
			expect(shown('operation', 'followup', 'update', typeVersion)).toEqual([FROM_V2['@version']]);
			expect(shown('followupId', 'followup', 'update', typeVersion)).toEqual([FROM_V2['@version']]);
			expect(shown('simple', 'debt', 'get', typeVersion)).toEqual([FROM_V2['@version']]);
		}
		expect(shown('operation', 'followup', 'update', 1)).toEqual([IN_V1['@version']]);
		expect(shown('followupId', 'followup', 'update', 1)).toEqual([IN_V1['@version']]);
		expect(shown('simple', 'debt', 'get', 1)).toEqual([]);
	});
});

describe('Every listSearch method pages the same way', () => {
	const resources: Array<[string, () => Iterable<string>, (id: string) => unknown]> = [
		['searchCreditors', () => server.creditors.keys(), (id) => server.seedCreditor(id, { name: `Creditor ${id}` })],
		['searchDebtors', () => server.debtors.keys(), (id) => server.seedDebtor(id)],
		['searchDebts', () => server.debts.values(), (id) => server.seedDebt(id)],
		['searchFollowups', () => server.followups.keys(), (id) => server.seedFollowup(id)],
		['searchReports', () => server.reports.keys(), (id) => server.seedReport(id)],
	];

	it.each(resources)('%s: pages of 100 with n8n\'s token until the last, every record once, labelled', async (method, ids, seed) => {
		for (let i = 0; i < 150; i++) seed(`page_${method}_${String(i).padStart(3, '0')}`);
		const all = [...ids()];
		const pages: INodeListSearchResult[] = [];
		let token: unknown;
		do {
			const page = await search(method, undefined, token);
			pages.push(page);
			token = page.paginationToken;
		} while (token !== undefined && pages.length < 10);
		expect(pages.length).toBe(Math.ceil(all.length / 100));
		expect(pages.slice(0, -1).every((p) => p.results.length === 100)).toBe(true);
		const listed = pages.flatMap((p) => p.results);
		expect(listed.map((r) => String(r.value)).sort()).toEqual(all.sort());
		expect(listed.every((r) => typeof r.name === 'string' && r.name !== '' && r.name !== r.value)).toBe(true);
		expect(api().map((r) => [r.query.page, r.query.limit])).toEqual(pages.map((_, i) => [String(i + 1), '100']));
	});
});
