'use strict';

/*
 * Resource Debt inside real n8n, on every pinned n8n version: Create with
 * every field, each validation rule refusing before any request, Create Many
 * of 2,500 items (3 requests, a failed and a skipped row mapped to their
 * items), Update status Paid, Get, Delete, and the lists over several pages.
 */


const { versionsFor } = require('./lib/setup');
const W = require('./lib/workflows');
const { succeeded, useSuite } = require('./lib/run');

jest.setTimeout(180000);

const SCOPES = ['debts:read', 'debts:write', 'followups:read', 'followups:write'];
const CRED = { id: 'gbDebtCred000001', name: 'GetBill sandbox (debts)' };
const TIMELINE = 'tl_e2e_0001';
const CREDITOR = 'cred_e2e_0001';
const DEBTOR = 'dbtr_e2e_0001';
const LISTED = 230; // more than two pages of 100

/** Every Create field, as the editor stores them (Define Below). */
const ALL_FIELDS = {
	firstname: 'Jane',
	lastname: 'Smith',
	amount: 750.5,
	currency: 'EUR',
	email: 'jane.smith@example.com',
	phone: '+33612345678',
	additionalFields: {
		civility: 'Ms',
		birthdate: '1985-03-12T00:00:00',
		object: 'Invoice INV-2024-002',
		internal_id: 'CRM-4521',
		invoice_reference: 'INV-2024-002',
		debtor_reference: 'CUST-88',
		invoice_date: '2024-01-10',
		due_date: '2024-02-10',
		address: '12 Rue de Rivoli, 75001 Paris',
		street_number: '12',
		street_address: 'Rue de Rivoli',
		postal_code: '75001',
		city: 'Paris',
		country: 'FR',
		iban: 'FR1420041010050500013M02606',
		company: 'Acme Collections',
		debtor_company: 'Smith SARL',
		payment_link: 'https://pay.example.com/inv-2024-002',
		timeline_id: TIMELINE,
		timeline_start_mode: 'next_day',
		metadata: '{"crm_id": "CRM-123", "source": "n8n"}',
		accept_expensive_destination: true,
	},
};
const ALL_FIELDS_BODY = {
	...ALL_FIELDS,
	...ALL_FIELDS.additionalFields,
	birthdate: '1985-03-12',
	metadata: { crm_id: 'CRM-123', source: 'n8n' },
};
delete ALL_FIELDS_BODY.additionalFields;

/** One invalid value per rule, each in its own item (Continue On Fail), all refused before any request. */
const INVALID = [
	[{ firstname: '' }, 'First Name (firstname) is empty: "" [item 0]'],
	[{ amount: 0 }, 'Amount (amount) must be greater than 0: 0 [item 1]'],
	[{ amount: 'twelve' }, 'Amount (amount) must be a number: "twelve" [item 2]'],
	[{ currency: 'EURO' }, 'Currency (currency) is not an ISO 4217 currency code: "EURO" [item 3]'],
	[{ phone: null, email: null }, 'Phone (phone) or Email (email) is required: both are missing [item 4]'],
	[{ email: 'jane@' }, 'Email (email) is not a valid email address: "jane@" [item 5]'],
	[{ civility: 'Mrs' }, 'Civility (civility) is not a value GetBill accepts: "Mrs" [item 6]'],
	[{ iban: 'FR1520041010050500013M02606' }, 'IBAN (iban) is not a valid IBAN: "FR1520041010050500013M02606" [item 7]'],
	[{ country: 'France' }, 'Country (country) is not an ISO 3166-1 alpha-2 country code: "France" [item 8]'],
	[{ timeline_start_mode: 'immediate' }, 'Timeline Start Mode (timeline_start_mode) is only used with Timeline ID (timeline_id): "immediate" [item 9]'],
	[{ metadata: '[1, 2]' }, 'Metadata (metadata) must be a JSON object: "[1, 2]" [item 10]'],
	[{ due_date: 'soon' }, 'Due Date (due_date) is not a valid date: "soon" [item 11]'],
];
const VALID_ROW = { firstname: 'Jane', lastname: 'Smith', amount: 10, currency: 'EUR', email: 'jane@example.com' };

/** 2,500 rows for Create Many: row 1200 has a phone GetBill refuses, row 2100 is a template row it skips. */
const MANY = Array.from({ length: 2500 }, (_, n) => ({
	firstname: n === 2100 ? 'First name *' : `Jane${n}`,
	lastname: 'Smith',
	amount: 10 + n,
	currency: 'EUR',
	phone: n === 1200 ? '+3312' : `+3361234${String(n).padStart(4, '0')}`,
}));

function workflows() {
	const debt = (parameters, o = {}) => W.getBillNode('GetBill', { credential: CRED, parameters: { resource: 'debt', ...parameters }, ...o });
	const listItems = (name, rows) =>
		W.node(name, 'n8n-nodes-base.code', 2, { jsCode: `return ${JSON.stringify(rows)}.map((json) => ({ json }));` });
	return [
		W.chain('gbDebtCreateAll1', 'E2E: create a debt with every field', [W.manualTrigger(), debt({ operation: 'create', ...ALL_FIELDS })]),
		W.chain('gbDebtInvalid001', 'E2E: each debt rule refuses before any request', [
			W.manualTrigger(),
			listItems('Rows', INVALID.map(([change]) => ({ ...VALID_ROW, ...change }))),
			debt({ operation: 'create', fieldsToSend: 'autoMapInputData' }, { onError: 'continueRegularOutput' }),
		]),
		W.chain('gbDebtMany000001', 'E2E: create 2,500 debts', [
			W.manualTrigger(),
			W.node('Rows', 'n8n-nodes-base.code', 2, {
				jsCode: `return Array.from({ length: 2500 }, (_, n) => ({ json: { firstname: n === 2100 ? 'First name *' : 'Jane' + n, lastname: 'Smith', amount: 10 + n, currency: 'EUR', phone: n === 1200 ? '+3312' : '+3361234' + String(n).padStart(4, '0') } }));`,
			}),
			debt({ operation: 'createMany', fieldsToSend: 'autoMapInputData', options: { batchName: 'E2E import' } }, { onError: 'continueRegularOutput' }),
		]),
		W.chain('gbDebtPaid000001', 'E2E: mark a debt paid', [
			W.manualTrigger(),
			debt({ operation: 'update', debtId: 'debt_e2e_paid', updateFields: { status: 'status.default.paid' } }),
		]),
		W.chain('gbDebtGet0000001', 'E2E: get a debt', [W.manualTrigger(), debt({ operation: 'get', debtId: 'debt_e2e_paid' })]),
		W.chain('gbDebtDelete0001', 'E2E: delete a debt', [W.manualTrigger(), debt({ operation: 'delete', debtId: 'debt_e2e_delete' })]),
		W.chain('gbDebtList000001', 'E2E: get many debts, every page', [W.manualTrigger(), debt({ operation: 'getAll', returnAll: true })]),
		W.chain('gbDebtByCred0001', 'E2E: debts of a creditor, status filter', [
			W.manualTrigger(),
			debt({ operation: 'getAllByCreditor', creditorId: CREDITOR, returnAll: true, filters: { status: 'status.default.paid' } }),
		]),
		W.chain('gbDebtByDebtor01', 'E2E: debts of a debtor, limit', [
			W.manualTrigger(),
			debt({ operation: 'getAllByDebtor', debtorId: DEBTOR, limit: 2 }),
		]),
	];
}

// Newest pinned n8n only (GETBILL_E2E_FULL=1: every version): nothing here depends on what differs between versions (test/e2e/README.md).
const versions = versionsFor('newest');

describe.each(versions)('resource Debt in n8n %s', (version) => {
	const suite = useSuite({
		version,
		name: 'debt',
		scopes: SCOPES,
		credential: CRED,
		workflows: workflows(),
		seed: (server) => {
			server.seedTimeline(TIMELINE);
			server.seedCreditor(CREDITOR);
			server.seedDebtor(DEBTOR);
			server.seedDebt('debt_e2e_paid', { firstname: 'Paul', lastname: 'Martin' });
			server.seedDebt('debt_e2e_delete');
			server.seedFollowup('fu_of_deleted', { debt_id: 'debt_e2e_delete' });
			for (let i = 0; i < LISTED; i++) {
				server.seedDebt(`debt_e2e_list_${String(i).padStart(3, '0')}`, {
					creditor_id: i % 3 === 0 ? CREDITOR : undefined,
					debtor_id: i < 5 ? DEBTOR : undefined,
					status: i % 2 ? 'status.default.pending' : 'status.default.paid',
				});
			}
		},
	});
	const { execute, report } = suite;


	test('Create with every field: the body GetBill receives, the new debt in the output', async () => {
		const r = await execute('gbDebtCreateAll1');
		const out = succeeded(r);
		expect(r.api.map((q) => [q.method, q.path, q.status])).toEqual([['POST', '/external-api/v1/debts', 201]]);
		expect(JSON.parse(r.api[0].rawBody)).toEqual(ALL_FIELDS_BODY);
		expect(out).toHaveLength(1);
		expect(out[0].json).toMatchObject({ firstname: 'Jane', amount: 750.5, status: 'status.default.pending', country: 'FR' });
		report.cases.createAll = { body: JSON.parse(r.api[0].rawBody), output: out[0].json };
	});

	test('each validation rule refuses its item before any request, naming field, value and item', async () => {
		const r = await execute('gbDebtInvalid001');
		const out = succeeded(r);
		expect(out.map((o) => o.json.error)).toEqual(INVALID.map(([, message]) => message));
		expect(out.map((o) => o.pairedItem)).toEqual(INVALID.map((_, item) => ({ item })));
		expect(r.api).toEqual([]);
	});

	test('Create Many of 2,500 debts: 3 requests; the failed and the skipped rows are items 1200 and 2100', async () => {
		const r = await execute('gbDebtMany000001');
		const out = succeeded(r);
		expect(r.api.map((q) => [q.method, q.path, JSON.parse(q.rawBody).debts.length, q.status])).toEqual([
			['POST', '/external-api/v1/debts/batch', 1000, 200],
			['POST', '/external-api/v1/debts/batch', 1000, 200],
			['POST', '/external-api/v1/debts/batch', 500, 200],
		]);
		expect(JSON.parse(r.api[2].rawBody).debts[0]).toMatchObject({ firstname: 'Jane2000', temp_id: '2000' });
		expect(out).toHaveLength(2500);
		expect(out.every((o, i) => o.pairedItem.item === i)).toBe(true);
		expect(out[1200].json.error).toMatch(/^GetBill did not create the debt of item 1200: phone: /);
		expect(out[2100].json.error).toMatch(/^GetBill skipped the debt of item 2100: /);
		const created = out.filter((o) => o.json.debt_id);
		expect(created).toHaveLength(2498);
		expect(out[2499].json).toMatchObject({ firstname: 'Jane2499', amount: 2509, import_id: expect.any(String) });
		expect(suite.server.getDebt(out[2499].json.debt_id)).toMatchObject({ firstname: 'Jane2499' });
		report.cases.createMany = { requests: r.api.length, created: created.length, failed: out[1200].json.error, skipped: out[2100].json.error };
	});

	test('Update sets the status Paid', async () => {
		const r = await execute('gbDebtPaid000001');
		const out = succeeded(r);
		expect(r.api.map((q) => [q.method, q.path, JSON.parse(q.rawBody)])).toEqual([
			['PUT', '/external-api/v1/debts/debt_e2e_paid', { status: 'status.default.paid' }],
		]);
		expect(out[0].json).toMatchObject({ id: 'debt_e2e_paid', status: 'status.default.paid' });
	});

	test('Get returns the debt', async () => {
		const out = succeeded(await execute('gbDebtGet0000001'));
		expect(out.map((o) => o.json)).toEqual([expect.objectContaining({ id: 'debt_e2e_paid', firstname: 'Paul', status: 'status.default.paid' })]);
	});

	test('Delete deletes the debt and its followups; the output says so', async () => {
		const r = await execute('gbDebtDelete0001');
		const out = succeeded(r);
		expect(r.api.map((q) => [q.method, q.path, q.status])).toEqual([['DELETE', '/external-api/v1/debts/debt_e2e_delete', 200]]);
		expect(out.map((o) => o.json)).toEqual([{ id: 'debt_e2e_delete', deleted: true }]);
		expect(suite.server.getDebt('debt_e2e_delete')).toBeUndefined();
		expect(suite.server.getFollowup('fu_of_deleted')).toBeUndefined();
	});

	test('Get Many with Return All reads every page', async () => {
		const r = await execute('gbDebtList000001');
		const out = succeeded(r);
		const total = suite.server.debts.size;
		expect(out).toHaveLength(total);
		expect(new Set(out.map((o) => o.json.id)).size).toBe(total);
		expect(r.api.map((q) => q.query.page)).toEqual(Array.from({ length: Math.ceil(total / 100) }, (_, i) => String(i + 1)));
		report.cases.list = { total, pages: r.api.length };
	});

	test('Get Many by Creditor (status filter) and by Debtor (limit)', async () => {
		const byCreditor = await execute('gbDebtByCred0001');
		const expected = [...Array(LISTED).keys()].filter((i) => i % 3 === 0 && i % 2 === 0).length;
		expect(succeeded(byCreditor)).toHaveLength(expected);
		expect(byCreditor.api[0].query).toMatchObject({ status: 'status.default.paid', limit: '100' });
		const byDebtor = await execute('gbDebtByDebtor01');
		expect(succeeded(byDebtor).map((o) => o.json.id)).toEqual(['debt_e2e_list_000', 'debt_e2e_list_001']);
		expect(byDebtor.api.map((q) => q.query)).toEqual([{ page: '1', limit: '2' }]);
	});
});
