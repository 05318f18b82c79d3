/**
 * Resource Debt: its 8 operations run by n8n-core's real engine and helpers
 * against the GetBill-like server (which implements debts.md strictly).
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { newCredentials, runGetBill } from '../helpers/n8n-harness';
import { useGetBillServer } from '../helpers/server';
import { GetBill } from '../../nodes/GetBill/GetBill.node';

const SCOPES = ['debts:read', 'debts:write', 'followups:read', 'followups:write'];
const gb = useGetBillServer({
	clients: [{ clientId: 'test-client-id', clientSecret: 'test-client-secret', scopes: SCOPES }],
});
const { server } = gb;
const SCOPE = SCOPES.join(' ');

type Extra = { items?: IDataObject[]; onError?: 'continueRegularOutput'; timezone?: string };
const run = (operation: string, parameters: IDataObject, extra: Extra = {}) =>
	runGetBill({
		credentials: newCredentials(gb.url, { scope: SCOPE }),
		parameters: { resource: 'debt', operation, ...parameters } as INodeParameters,
		...extra,
	});

const JANE = { firstname: 'Jane', lastname: 'Smith', amount: 750.5, currency: 'EUR', email: 'jane.smith@example.com', phone: '+33612345678' };
const api = () => server.requests.filter((r) => r.path.startsWith('/external-api/'));

describe('Create', () => {
	it('POSTs every field, normalised, and outputs the new debt', async () => {
		server.seedTimeline('tl_abc123');
		const result = await run(
			'create',
			{
				...JANE,
				amount: '1250.00',
				currency: 'eur',
				additionalFields: {
					civility: 'Ms',
					birthdate: '1985-03-12',
					object: 'Invoice INV-2024-002',
					internal_id: 'CRM-4521',
					invoice_reference: 'INV-2024-002',
					debtor_reference: 'CUST-88',
					invoice_date: '2024-01-10T23:30:00Z', // 11 January in Paris
					due_date: '2024-02-10',
					address: '12 Rue de Rivoli, 75001 Paris',
					street_number: '12',
					street_address: 'Rue de Rivoli',
					postal_code: '75001',
					city: 'Paris',
					country: 'fr',
					iban: 'FR14 2004 1010 0505 0001 3M02 606',
					company: 'Acme Collections',
					debtor_company: 'Smith SARL',
					payment_link: 'https://pay.example.com/inv-2024-002',
					timeline_id: 'tl_abc123',
					timeline_start_mode: 'next_day',
					metadata: '{"crm_id": "CRM-123", "priority": "high"}',
					accept_expensive_destination: false,
				},
			},
			{ timezone: 'Europe/Paris' },
		);
		expect(result.error).toBeUndefined();
		const [req] = api();
		expect([req.method, req.path, req.status]).toEqual(['POST', '/external-api/v1/debts', 201]);
		expect(req.body).toEqual({
			firstname: 'Jane',
			lastname: 'Smith',
			amount: 1250,
			currency: 'EUR',
			email: 'jane.smith@example.com',
			phone: '+33612345678',
			civility: 'Ms',
			birthdate: '1985-03-12',
			object: 'Invoice INV-2024-002',
			internal_id: 'CRM-4521',
			invoice_reference: 'INV-2024-002',
			debtor_reference: 'CUST-88',
			invoice_date: '2024-01-11',
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
			timeline_id: 'tl_abc123',
			timeline_start_mode: 'next_day',
			metadata: { crm_id: 'CRM-123', priority: 'high' },
			accept_expensive_destination: false,
		});
		const [item] = result.outputs[0];
		expect(item.json).toMatchObject({ firstname: 'Jane', amount: 1250, currency: 'EUR', status: 'status.default.pending' });
		expect(server.getDebt(item.json.id as string)).toBeDefined();
		expect(item.pairedItem).toEqual({ item: 0 });
	});

	it.each([
		['an empty first name', { firstname: ' ' }, 'First Name (firstname) is empty: " " [item 0]'],
		['an amount of 0', { amount: 0 }, 'Amount (amount) must be greater than 0: 0 [item 0]'],
		['a negative amount', { amount: -5 }, 'Amount (amount) must be greater than 0: -5 [item 0]'],
		['an amount that is not a number', { amount: '12,50' }, 'Amount (amount) must be a number: "12,50" [item 0]'],
		['an unknown currency', { currency: 'EURO' }, 'Currency (currency) is not an ISO 4217 currency code: "EURO" [item 0]'],
		['neither phone nor email', { phone: '', email: '' }, 'Phone (phone) or Email (email) is required: both are missing [item 0]'],
		['a malformed email', { email: 'jane@' }, 'Email (email) is not a valid email address: "jane@" [item 0]'],
		['civility Mrs', { additionalFields: { civility: 'Mrs' } }, 'Civility (civility) is not a value GetBill accepts: "Mrs" [item 0]'],
		['an IBAN with a wrong checksum', { additionalFields: { iban: 'FR1520041010050500013M02606' } }, 'IBAN (iban) is not a valid IBAN: "FR1520041010050500013M02606" [item 0]'],
		['a country name on Create', { additionalFields: { country: 'France' } }, 'Country (country) is not an ISO 3166-1 alpha-2 country code: "France" [item 0]'],
		['a start mode without timeline', { additionalFields: { timeline_start_mode: 'immediate' } }, 'Timeline Start Mode (timeline_start_mode) is only used with Timeline ID (timeline_id): "immediate" [item 0]'],
		['metadata that is a list', { additionalFields: { metadata: '[1, 2]' } }, 'Metadata (metadata) must be a JSON object: "[1, 2]" [item 0]'],
		['metadata that is not JSON', { additionalFields: { metadata: '{crm: 1}' } }, 'Metadata (metadata) is not valid JSON: "{crm: 1}" [item 0]'],
		['a date that is not a date', { additionalFields: { due_date: 'next week' } }, 'Due Date (due_date) is not a valid date: "next week" [item 0]'],
	])('refuses %s before any request', async (_, change, message) => {
		const result = await run('create', { ...JANE, ...change });
		expect(result.error!.message).toBe(message);
		expect(api()).toHaveLength(0);
	});

	it('shows the 422 of an expensive destination with its cost, and points to Accept Expensive Destination', async () => {
		const result = await run('create', { ...JANE, phone: '+212612345678' });
		expect(result.error!.message).toMatch(/^GetBill refused to create the debt of Jane Smith: Expensive destination: Morocco \(125 credits per call/);
		expect(result.error!.description).toContain('"Accept Expensive Destination"');
		const accepted = await run('create', { ...JANE, phone: '+212612345678', additionalFields: { accept_expensive_destination: true } });
		expect(accepted.error).toBeUndefined();
	});

	it('an expensive destination under Define Below names the parameter Accept Expensive Destination', async () => {
		const result = await run('create', { ...JANE, phone: '+212612345678' });
		expect(result.error!.description).toBe(
			'The phone number is in a destination where calls cost more (GetBill names it and the cost above). To accept that cost, turn on the parameter "Accept Expensive Destination" under Additional Fields; otherwise use another phone or an email.',
		);
	});

	it('an expensive destination under Auto-Map names the input field accept_expensive_destination (the parameter is hidden there)', async () => {
		const item = { ...JANE, phone: '+212612345678' };
		const result = await run('create', { fieldsToSend: 'autoMapInputData' }, { items: [item] });
		expect(result.error!.message).toMatch(/^GetBill refused to create the debt of Jane Smith: Expensive destination: Morocco/);
		expect(result.error!.description).toBe(
			'The phone number is in a destination where calls cost more (GetBill names it and the cost above). To accept that cost, give the input item the field accept_expensive_destination with the value true (Auto-Map sends it to GetBill); otherwise use another phone or an email.',
		);
		const accepted = await run('create', { fieldsToSend: 'autoMapInputData' }, { items: [{ ...item, accept_expensive_destination: true }] });
		expect(accepted.error).toBeUndefined();
		expect(api().pop()!.body).toMatchObject({ phone: '+212612345678', accept_expensive_destination: true });
	});

	it('names the debts:write scope on a 403', async () => {
		const result = await runGetBill({
			credentials: newCredentials(gb.url, { scope: 'followups:read followups:write' }),
			parameters: { resource: 'debt', operation: 'create', ...JANE } as INodeParameters,
		});
		expect(result.error!.message).toMatch(/^GetBill denied access/);
		expect(result.error!.description).toContain('needs the debts:write scope to create debts');
	});

	it('auto-maps an input item (CRM export) and ignores the listed fields', async () => {
		const items = [{ firstname: 'Jane', lastname: 'Smith', amount: '99.90', currency: 'usd', email: 'jane@example.com', status: 'overdue', crm: 7 }];
		const result = await run('create', { fieldsToSend: 'autoMapInputData', inputFieldsToIgnore: 'status' }, { items });
		expect(result.error).toBeUndefined();
		expect(api()[0].body).toEqual({ firstname: 'Jane', lastname: 'Smith', amount: 99.9, currency: 'USD', email: 'jane@example.com' });
		expect(result.hints.map((h) => h.message)).toEqual([
			'Auto-map did not send these input fields, which are not GetBill debt fields: crm',
			'Auto-map did not send these input fields, listed in Input Fields to Ignore: status',
		]);
	});
});

describe('Update, Get, Delete', () => {
	beforeEach(() => server.seedDebt('debt_upd_1', { firstname: 'Jane', lastname: 'Smith' }));

	it('sets the status Paid (the API value status.default.paid) and outputs the updated debt', async () => {
		const result = await run('update', { debtId: 'debt_upd_1', updateFields: { status: 'status.default.paid', country: 'France' } });
		expect(result.error).toBeUndefined();
		expect(api()[0]).toMatchObject({ method: 'PUT', path: '/external-api/v1/debts/debt_upd_1', body: { status: 'status.default.paid', country: 'France' } });
		expect(result.outputs[0][0].json).toMatchObject({ id: 'debt_upd_1', status: 'status.default.paid' });
	});

	it('Update has no Accept Expensive Destination (debts.md: Create and Batch only): were GetBill to refuse a costly phone, it says so and what to do', async () => {
		const updateProperties = new GetBill().description.properties.filter((p) => p.displayOptions?.show?.operation?.includes('update'));
		expect(JSON.stringify(updateProperties)).not.toContain('accept_expensive_destination');
		const refusal = 'Expensive destination: Morocco (125 credits per call, 5.0x the France mainland rate). Set accept_expensive_destination to true to accept it.';
		server.injectFaults({ status: 422, body: { error: true, message: refusal, code: 422 } });
		const result = await run('update', { debtId: 'debt_upd_1', updateFields: { phone: '+212612345678' } });
		expect(result.error!.message).toBe(`GetBill refused to update debt "debt_upd_1": ${refusal}`);
		expect(result.error!.description).toBe(
			'The phone number is in a destination where calls cost more (GetBill names it and the cost above). Update cannot accept that cost: GetBill takes accept_expensive_destination only when a debt is created (Debt → Create or Create Many). Leave the phone out of this update, or use another phone or an email.',
		);
	});

	it('refuses a status by its label, with the API value as hint', async () => {
		const result = await run('update', { debtId: 'debt_upd_1', updateFields: { status: 'Paid' } });
		expect(result.error!.message).toBe('Status (status) is not a value GetBill accepts: "Paid" [item 0]');
		expect(result.error!.description).toContain('Did you mean "status.default.paid"');
		expect(api()).toHaveLength(0);
	});

	it('gets a debt, and names it when it is not found', async () => {
		const found = await run('get', { debtId: 'debt_upd_1' });
		expect(found.outputs[0][0].json).toMatchObject({ id: 'debt_upd_1', firstname: 'Jane' });
		const missing = await run('get', { debtId: 'debt_nope' });
		expect(missing.error!.message).toMatch(/^Debt "debt_nope" not found/);
	});

	it('deletes a debt: output {id, deleted: true}; the debt is gone', async () => {
		const result = await run('delete', { debtId: 'debt_upd_1' });
		expect(result.outputs[0].map((o) => o.json)).toEqual([{ id: 'debt_upd_1', deleted: true }]);
		expect(api()[0]).toMatchObject({ method: 'DELETE', path: '/external-api/v1/debts/debt_upd_1', status: 200 });
		expect(server.getDebt('debt_upd_1')).toBeUndefined();
	});

	it('deletes one at a time and sends no delete after a failure that stops the run', async () => {
		server.seedDebt('debt_del_2');
		server.seedDebt('debt_del_3');
		server.latencyMs = 20;
		try {
			const items = ['debt_upd_1', 'debt_missing', 'debt_del_2', 'debt_del_3'].map((id) => ({ id }));
			const result = await run('delete', { debtId: '={{ $json.id }}' }, { items });
			expect(result.error!.message).toMatch(/^Debt "debt_missing" not found/);
			expect(api().map((r) => r.path.split('/').pop())).toEqual(['debt_upd_1', 'debt_missing']);
			expect(server.maxInFlight).toBe(1);
			expect(result.error!.description).toContain('item 0 (ID "debt_upd_1")');
		} finally {
			server.latencyMs = 0;
		}
	});
});

describe('lists', () => {
	beforeEach(() => {
		server.seedCreditor('cred_1');
		server.seedDebtor('dbtr_1');
		for (let i = 0; i < 130; i++) {
			server.seedDebt(`debt_list_${String(i).padStart(3, '0')}`, {
				creditor_id: i % 2 ? 'cred_1' : undefined,
				debtor_id: i < 3 ? 'dbtr_1' : undefined,
				status: i % 5 ? 'status.default.pending' : 'status.default.paid',
			});
		}
	});

	it('Get Many with Return All reads every page', async () => {
		const result = await run('getAll', { returnAll: true });
		const total = server.debts.size;
		expect(result.outputs[0]).toHaveLength(total);
		expect(api().map((r) => r.query.page)).toEqual(['1', '2']);
		expect(api().every((r) => r.query.limit === '100')).toBe(true);
	});

	it('Get Many by Creditor sends the Status filter as typed and the limit', async () => {
		const result = await run('getAllByCreditor', { creditorId: 'cred_1', limit: 7, filters: { status: ' status.default.paid ' } });
		expect(api()[0].query).toEqual({ page: '1', limit: '7', status: 'status.default.paid' });
		expect(result.outputs[0].length).toBeGreaterThan(0);
		expect(result.outputs[0].every((o) => o.json.status === 'status.default.paid')).toBe(true);
	});

	it('Get Many by Debtor returns that debtor\'s debts; an unknown creditor is named', async () => {
		const result = await run('getAllByDebtor', { debtorId: 'dbtr_1', returnAll: true });
		expect(result.outputs[0].map((o) => o.json.id)).toEqual(['debt_list_000', 'debt_list_001', 'debt_list_002']);
		const missing = await run('getAllByCreditor', { creditorId: 'cred_nope', returnAll: true });
		expect(missing.error!.message).toMatch(/^Creditor "cred_nope" not found/);
	});
});

describe('Create Many', () => {
	/** 2,500 debts; item 1200 has a phone GetBill refuses, item 2100 is a template row GetBill skips. */
	const items = Array.from({ length: 2500 }, (_, n) => ({
		firstname: n === 2100 ? 'First name *' : `Jane${n}`,
		lastname: 'Smith',
		amount: 10 + n,
		currency: 'EUR',
		phone: n === 1200 ? '+3312' : `+3361234${String(n).padStart(4, '0')}`,
	}));
	const mapped = { fieldsToSend: 'autoMapInputData' };

	it('sends 2,500 items in 3 requests and maps created, failed and skipped rows back to their items', async () => {
		const result = await run('createMany', { ...mapped, options: { batchName: 'CRM export' } }, { items, onError: 'continueRegularOutput' });
		expect(result.error).toBeUndefined();
		const batches = api();
		expect(batches.map((r) => [r.method, r.path, r.body.debts.length])).toEqual([
			['POST', '/external-api/v1/debts/batch', 1000],
			['POST', '/external-api/v1/debts/batch', 1000],
			['POST', '/external-api/v1/debts/batch', 500],
		]);
		expect(batches[0].body.batch_name).toBe('CRM export');
		expect(batches[1].body.debts[0]).toEqual({ firstname: 'Jane1000', lastname: 'Smith', amount: 1010, currency: 'EUR', phone: '+33612341000', temp_id: '1000' });
		const out = result.outputs[0];
		expect(out).toHaveLength(2500);
		expect(out.map((o) => o.pairedItem)).toEqual(items.map((_, item) => ({ item })));
		expect(out[1200].json.error).toMatch(/^GetBill did not create the debt of item 1200: phone: /);
		expect(out[2100].json.error).toMatch(/^GetBill skipped the debt of item 2100: Template or instruction row/);
		expect(out[0].json).toMatchObject({ firstname: 'Jane0', import_id: expect.any(String), debt_id: expect.any(String) });
		expect(out.filter((o) => o.json.debt_id)).toHaveLength(2498);
	});

	it('stops at the first batch with a failed row: no later batch, and the error names the debts created', async () => {
		const result = await run('createMany', { ...mapped, options: { batchSize: 1000 } }, { items: items.slice(1000, 2500) });
		// item 200 of this run is the refused phone (input 1200): its batch was sent, the next one was not.
		expect(api()).toHaveLength(1);
		expect(result.error!.message).toMatch(/^GetBill did not create the debt of item 200: phone: /);
		expect(result.error!.description).toContain('GetBill created the debts of 999 item(s) in this run before it stopped: item 0 (debt "');
		expect(result.error!.description).toContain('Not sent (no later batch is sent after a failed one): items 1000 to 1499.');
	});

	it('a row refused for an expensive destination says where to accept it, as the items\' fields come', async () => {
		const moroccan = { ...JANE, phone: '+212612345678' };
		const parameter = 'turn on the parameter "Accept Expensive Destination" under Additional Fields';
		const inputField = 'give the input item the field accept_expensive_destination with the value true';
		const defined = await run('createMany', { ...moroccan });
		expect(defined.error!.message).toMatch(/^GetBill did not create the debt of item 0: phone: Expensive destination: Morocco/);
		expect(defined.error!.description).toContain(parameter);
		const automapped = await run('createMany', mapped, { items: [moroccan, { ...moroccan, firstname: 'John' }] });
		expect(automapped.error!.message).toMatch(/^GetBill did not create the debts of 2 items \(items 0, 1\)/);
		expect(automapped.error!.description).toContain(inputField);
		expect(automapped.error!.description).not.toContain('Additional Fields');
		const accepted = await run('createMany', mapped, { items: [{ ...moroccan, accept_expensive_destination: true }] });
		expect(accepted.error).toBeUndefined();
	});

	it('checks every item first: an invalid one sends nothing', async () => {
		const bad = items.slice(0, 5).map((item, n) => (n === 3 ? { ...item, amount: 'lots' } : item));
		const result = await run('createMany', mapped, { items: bad });
		expect(result.error!.message).toBe('Amount (amount) must be a number: "lots" [item 3]');
		expect(api()).toHaveLength(0);
	});
});
