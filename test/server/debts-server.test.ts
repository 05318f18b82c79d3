/**
 * The GetBill-like server's 8 debt endpoints, checked over HTTP against
 * /work/shared/api/debts.md: envelopes, validation (400 per field), the 422 of
 * expensive destinations, batch, pagination, scopes, 404s, delete cascade.
 */
import type { Client, Debt } from './getbill-server';
import { clientToken } from '../helpers/server';
import { API, BATCH_MAX, DEBT_MESSAGES, DEFAULT_CLIENT, GetBillServer, normalizePhone, validIban } from './getbill-server';

const FULL: Client = { clientId: 'debts-client', clientSecret: 'debts-secret', scopes: ['debts:read', 'debts:write', 'followups:read', 'followups:write'] };
const READER: Client = { clientId: 'debts-reader', clientSecret: 'reader-secret', scopes: ['debts:read'] };

const server = new GetBillServer({ followupIds: [], clients: [FULL, READER, DEFAULT_CLIENT] });
let url = '';
let token = '';
/** Writes counted in the quota window of FULL (the client of `token`); every authenticated write counts, whatever its answer */
const writesCounted = (client: Client = FULL) => server.quotaState('writes', client.clientId).count;

const getToken = (client: Client): Promise<string> => clientToken(url, client);

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;
async function api(method: string, path: string, body?: unknown, options: { token?: string; raw?: string } = {}) {
	const headers: Record<string, string> = { Authorization: `Bearer ${options.token ?? token}`, Accept: 'application/json' };
	if (body !== undefined || options.raw !== undefined) headers['Content-Type'] = 'application/json';
	const response = await fetch(`${url}${API}${path}`, {
		method,
		headers,
		body: options.raw ?? (body === undefined ? undefined : JSON.stringify(body)),
	});
	return { status: response.status, headers: response.headers, body: (await response.json()) as Json };
}

/** The smallest valid Create body */
const minimal = (extra: Record<string, unknown> = {}) => ({ firstname: 'Marie', lastname: 'Curie', amount: 100, currency: 'EUR', email: 'marie@example.com', ...extra });

const DEBT_FIELDS = [
	'id', 'civility', 'firstname', 'lastname', 'phone', 'email', 'birthdate', 'amount', 'amount_text', 'currency', 'object', 'internal_id',
	'invoice_reference', 'debtor_reference', 'invoice_date', 'due_date', 'address', 'street_address', 'street_number', 'postal_code', 'city',
	'country', 'status', 'timeline_id', 'nb_reminders', 'nb_answered', 'summary', 'iban', 'followups_count', 'company', 'debtor_company',
	'payment_link', 'metadata', 'import_date', 'last_timeline_restart', 'payment_plan_active', 'plan_start_date', 'contacts',
];
const ISO_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+00:00$/;

beforeAll(async () => {
	url = await server.start();
	token = await getToken(FULL);
	server.seedTimeline('tl_known');
});
afterAll(async () => {
	await server.stop();
});
beforeEach(() => server.reset());

describe('POST /debts', () => {
	it('creates the full debt object: 201, pending, counters 0, amount_text with two decimals, import_date with +00:00', async () => {
		const body = {
			firstname: 'Jean',
			lastname: 'Dupont',
			civility: 'Mr',
			phone: '06 12 34 56 78',
			email: 'jean.dupont@example.com',
			amount: 1250,
			currency: 'EUR',
			birthdate: '1980-05-15',
			object: 'Invoice 42',
			internal_id: 'INT-1',
			invoice_reference: 'FAC-2024-001',
			debtor_reference: 'CUST-9',
			invoice_date: '2024-01-01',
			due_date: '2024-01-31',
			address: '1 rue de Rivoli, 75001 Paris',
			iban: 'FR76 3000 6000 0112 3456 7890 189',
			company: 'Acme',
			debtor_company: 'Dupont SARL',
			street_address: 'rue de Rivoli',
			street_number: '1',
			postal_code: '75001',
			city: 'Paris',
			country: 'FR',
			payment_link: 'https://pay.example.com/42',
			timeline_id: 'tl_known',
			timeline_start_mode: 'next_day',
			metadata: { crm_id: 'CRM-123', source: 'website', priority: 'high' },
			accept_expensive_destination: false,
		};
		const { status, body: answer, headers } = await api('POST', '/debts', body);
		expect(status).toBe(201);
		expect(answer.error).toBe(false);
		expect(answer.message).toBe('Debt created successfully');
		const debt = answer.data as Debt;
		expect(Object.keys(debt)).toEqual(DEBT_FIELDS);
		const echoed: Record<string, unknown> = { ...body };
		for (const notEchoed of ['phone', 'timeline_start_mode', 'accept_expensive_destination']) delete echoed[notEchoed];
		expect(debt).toMatchObject({ ...echoed, phone: '+33612345678', status: 'status.default.pending', amount_text: '1250.00' });
		expect(debt).toMatchObject({ nb_reminders: 0, nb_answered: 0, followups_count: 0, summary: null, last_timeline_restart: null });
		expect(debt.id).toMatch(/^debt_[A-Za-z0-9_-]{8,}$/);
		expect(debt.import_date).toMatch(ISO_OFFSET);
		expect(server.getDebt(debt.id)).toEqual(debt);
		expect(server.debts.has(debt.id)).toBe(true);
		expect(server.getDebtLinks(debt.id)).toEqual({ accept_expensive_destination: false, timeline_start_mode: 'next_day' });
		expect(writesCounted()).toBe(1);
		expect(headers.get('x-ratelimit-remaining')).toBe('499');
		const [request] = server.requests;
		expect(request).toMatchObject({ method: 'POST', path: `${API}/debts`, rawPath: `${API}/debts`, body, status: 201 });
		expect(request.rawBody).toBe(JSON.stringify(body));
		expect(request.headers).toMatchObject({ authorization: `Bearer ${token}`, 'content-type': 'application/json' });
	});

	it('stores the minimal debt with nulls, empty metadata, amount_text of a decimal amount, immediate timeline start by default', async () => {
		const { status, body } = await api('POST', '/debts', minimal({ amount: 10.5, timeline_id: 'tl_known' }));
		expect(status).toBe(201);
		expect(body.data).toMatchObject({ amount: 10.5, amount_text: '10.50', phone: null, civility: null, country: null, metadata: {}, contacts: [] });
		expect(server.getDebtLinks(body.data.id)).toMatchObject({ timeline_start_mode: 'immediate' });
	});

	it.each([
		['0612345678', '+33612345678'],
		['612345678', '+33612345678'],
		['+33 6 12 34 56 78', '+33612345678'],
		['0033612345678', '+33612345678'],
		['+44 20 7946 0958', '+442079460958'],
		['+32 470 12 34 56', '+32470123456'],
		['(+1) 415-555-2671', '+14155552671'],
	])('normalises the phone %s to E.164 %s', async (phone, e164) => {
		expect(normalizePhone(phone)).toMatchObject({ phone: e164 });
		const { status, body } = await api('POST', '/debts', minimal({ phone, email: undefined }));
		expect(status).toBe(201);
		expect(body.data.phone).toBe(e164);
	});

	// [what, body change, field, message]
	const invalid: Array<[string, Record<string, unknown>, string, string]> = [
		['firstname missing', { firstname: undefined }, 'firstname', DEBT_MESSAGES.firstname],
		['firstname empty', { firstname: '' }, 'firstname', 'First name is required'],
		['firstname not a string', { firstname: 42 }, 'firstname', 'must be a string'],
		['lastname blank', { lastname: '   ' }, 'lastname', 'Last name is required'],
		['lastname null', { lastname: null }, 'lastname', 'Last name is required'],
		['amount missing', { amount: undefined }, 'amount', 'Valid amount is required'],
		['amount a string', { amount: '100' }, 'amount', 'Valid amount is required'],
		['amount 0', { amount: 0 }, 'amount', 'Valid amount is required'],
		['amount negative', { amount: -5 }, 'amount', 'Valid amount is required'],
		['currency missing', { currency: undefined }, 'currency', 'Currency is required'],
		['currency lowercase', { currency: 'eur' }, 'currency', DEBT_MESSAGES.currency],
		['currency unknown', { currency: 'XYZ' }, 'currency', DEBT_MESSAGES.currency],
		['email malformed', { email: 'marie@' }, 'email', 'Invalid email format'],
		['civility Mme', { civility: 'Mme' }, 'civility', 'Civility must be Mr or Ms'],
		['civility lowercase', { civility: 'mr' }, 'civility', 'Civility must be Mr or Ms'],
		['iban bad checksum', { iban: 'FR7630006000011234567890188' }, 'iban', 'Invalid IBAN'],
		['iban lowercase', { iban: 'fr7630006000011234567890189' }, 'iban', 'Invalid IBAN'],
		['iban wrong length', { iban: 'FR763000600001123456789018' }, 'iban', 'Invalid IBAN'],
		['country lowercase', { country: 'fr' }, 'country', DEBT_MESSAGES.countryCreate],
		['country a name', { country: 'France' }, 'country', DEBT_MESSAGES.countryCreate],
		['country alpha-3', { country: 'FRA' }, 'country', DEBT_MESSAGES.countryCreate],
		['birthdate DD/MM/YYYY', { birthdate: '15/05/1980' }, 'birthdate', DEBT_MESSAGES.dateCreate],
		['birthdate not a date', { birthdate: '2023-02-29' }, 'birthdate', DEBT_MESSAGES.dateCreate],
		['invoice_date ISO 8601 date-time', { invoice_date: '2024-01-15T10:30:00+00:00' }, 'invoice_date', DEBT_MESSAGES.dateCreate],
		['due_date with Z', { due_date: '2024-01-31T00:00:00Z' }, 'due_date', DEBT_MESSAGES.dateCreate],
		['timeline_start_mode without timeline_id', { timeline_start_mode: 'immediate' }, 'timeline_start_mode', DEBT_MESSAGES.timelineStartModeAlone],
		['timeline_start_mode unknown', { timeline_id: 'tl_known', timeline_start_mode: 'tomorrow' }, 'timeline_start_mode', DEBT_MESSAGES.timelineStartMode],
		['timeline_id unknown', { timeline_id: 'tl_foreign' }, 'timeline_id', DEBT_MESSAGES.timeline],
		['metadata an array', { metadata: ['a'] }, 'metadata', 'Metadata must be a JSON object'],
		['metadata a string', { metadata: '{"a":1}' }, 'metadata', 'Metadata must be a JSON object'],
		['unknown field', { debtor: { name: 'x' } }, 'debtor', 'Unknown field'],
		['status on create', { status: 'status.default.paid' }, 'status', 'Status cannot be set on creation'],
		['a read-only field', { amount_text: '100.00' }, 'amount_text', 'Unknown field'],
		['postal_code a number', { postal_code: 75001 }, 'postal_code', 'must be a string'],
		['payment_link not a URL', { payment_link: 'pay here' }, 'payment_link', DEBT_MESSAGES.paymentLink],
		['accept_expensive_destination a string', { accept_expensive_destination: 'true' }, 'accept_expensive_destination', 'must be a boolean'],
		['phone 069X overseas', { phone: '0692123456' }, 'phone', DEBT_MESSAGES.overseas],
		['phone 69X overseas without 0', { phone: '694123456' }, 'phone', DEBT_MESSAGES.overseas],
		['phone too short', { phone: '06123' }, 'phone', 'phone number too short'],
		['phone too long', { phone: '061234567890' }, 'phone', 'phone number too long'],
		['phone +33 too long', { phone: '+3361234567890' }, 'phone', 'phone number too long'],
		['phone above 15 digits', { phone: '+4412345678901234' }, 'phone', 'phone number too long'],
		['phone country code', { phone: '+999123456789' }, 'phone', 'invalid country code'],
		['phone letters', { phone: '06 12 AB 56 78' }, 'phone', 'number format is not valid'],
		['phone +33 with trunk 0', { phone: '+33 (0)6 12 34 56 78' }, 'phone', 'phone number too long'],
		['phone +33 69X', { phone: '+33692123456' }, 'phone', 'number not registered in carrier database'],
	];
	it.each(invalid)('400 Validation failed naming the field: %s', async (_what, change, field, message) => {
		const { status, body } = await api('POST', '/debts', minimal(change));
		expect(status).toBe(400);
		expect(body).toMatchObject({ error: true, message: 'Validation failed', code: 400 });
		expect(body.details[field]).toEqual([message]);
		// refused, but counted: GetBill counts every write, whatever its answer
		expect(writesCounted()).toBe(1);
		expect(server.requests[0].status).toBe(400);
	});

	it('400 on phone and email when neither is given (null and "" count as not given)', async () => {
		for (const contact of [{ email: undefined }, { email: '', phone: null }]) {
			const { status, body } = await api('POST', '/debts', minimal(contact));
			expect(status).toBe(400);
			expect(body.details).toEqual({ phone: [DEBT_MESSAGES.contact], email: [DEBT_MESSAGES.contact] });
		}
	});

	it('lists every failing field at once', async () => {
		const { body } = await api('POST', '/debts', { amount: '1', currency: 'eur', phone: '06', extra: 1 });
		expect(Object.keys(body.details).sort()).toEqual(['amount', 'currency', 'extra', 'firstname', 'lastname', 'phone']);
	});

	it('400 Invalid JSON payload for a body that is not a JSON object', async () => {
		for (const raw of ['{"firstname":', '[]', '"x"']) {
			const { status, body } = await api('POST', '/debts', undefined, { raw });
			expect(status).toBe(400);
			expect(body).toEqual({ error: true, message: 'Invalid JSON payload', code: 400 });
		}
	});

	it('accepts valid IBANs (with or without spaces) and the supported currencies', async () => {
		expect(validIban('DE89370400440532013000')).toBe(true);
		expect(validIban('GB82 WEST 1234 5698 7654 32')).toBe(true);
		for (const currency of ['USD', 'GBP', 'CHF', 'CAD', 'MAD', 'XOF', 'XPF']) {
			expect((await api('POST', '/debts', minimal({ currency }))).status).toBe(201);
		}
	});
});

describe('expensive destinations', () => {
	it('422 for a Maghreb phone without accept_expensive_destination, naming destination and cost', async () => {
		for (const accept of [undefined, false]) {
			const { status, body, headers } = await api('POST', '/debts', minimal({ phone: '+212 6 12 34 56 78', accept_expensive_destination: accept }));
			expect(status).toBe(422);
			expect(body).toEqual({
				error: true,
				message: 'Expensive destination: Morocco (125 credits per call, 5.0x the France mainland rate). Set accept_expensive_destination to true to accept it.',
				code: 422,
				details: { destination: 'Morocco', cost_credits: 125, multiplier: 5.0 },
			});
			expect(headers.get('x-ratelimit-limit')).toBe('500');
		}
		expect(writesCounted()).toBe(2);
	});

	it.each([
		['+262 692 12 34 56', 'Réunion'],
		['+590690123456', 'Guadeloupe'],
		['+594694123456', 'French Guiana'],
		['+596696123456', 'Martinique'],
		['+687751234', 'New Caledonia'],
		['+68987123456', 'French Polynesia'],
	])('422 for the DOM-TOM phone %s (100 credits, 4.0x)', async (phone, destination) => {
		const { status, body } = await api('POST', '/debts', minimal({ phone }));
		expect(status).toBe(422);
		expect(body.message).toBe(`Expensive destination: ${destination} (100 credits per call, 4.0x the France mainland rate). Set accept_expensive_destination to true to accept it.`);
		expect(body.details).toEqual({ destination, cost_credits: 100, multiplier: 4 });
	});

	it('creates it with accept_expensive_destination: true; EU numbers are not expensive', async () => {
		const accepted = await api('POST', '/debts', minimal({ phone: '+213551234567', accept_expensive_destination: true }));
		expect(accepted.status).toBe(201);
		expect(accepted.body.data.phone).toBe('+213551234567');
		expect(server.getDebtLinks(accepted.body.data.id)).toEqual({ accept_expensive_destination: true });
		expect((await api('POST', '/debts', minimal({ phone: '+49 30 12345678' }))).status).toBe(201);
	});

	it('validation errors come before the 422', async () => {
		const { status, body } = await api('POST', '/debts', minimal({ phone: '+216 20 123 456', amount: 0 }));
		expect(status).toBe(400);
		expect(Object.keys(body.details)).toEqual(['amount']);
	});
});

describe('GET /debts/{id}', () => {
	it('answers message Success with the debt; seedDebt(id) with one argument still works and has the seed defaults', async () => {
		server.seedDebt('debt_plain');
		expect(server.debts.has('debt_plain')).toBe(true);
		const { status, body } = await api('GET', '/debts/debt_plain');
		expect(status).toBe(200);
		expect(body).toEqual({ error: false, message: 'Success', data: server.getDebt('debt_plain') });
		expect(Object.keys(body.data)).toEqual(DEBT_FIELDS);
		expect(body.data).toMatchObject({
			id: 'debt_plain',
			firstname: 'John',
			lastname: 'Doe',
			phone: '+33612345678',
			email: 'john.doe@example.com',
			amount: 1250,
			amount_text: '1250.00',
			currency: 'EUR',
			status: 'status.default.pending',
			nb_reminders: 0,
			followups_count: 0,
			metadata: {},
		});
		expect(body.data.import_date).toMatch(ISO_OFFSET);
		expect(writesCounted()).toBe(0);
	});

	it('seedDebt data overrides the defaults and recomputes amount_text; a followup debt has a debt object with followups_count', async () => {
		const debt = server.seedDebt('debt_custom', { amount: 99.9, status: 'status.default.paid', firstname: 'Ada' });
		expect(debt).toMatchObject({ amount: 99.9, amount_text: '99.90', status: 'status.default.paid', firstname: 'Ada' });
		server.seedFollowup('fu_counted_1', { debt_id: 'debt_with_followups' });
		server.seedFollowup('fu_counted_2', { debt_id: 'debt_with_followups' });
		const { status, body } = await api('GET', '/debts/debt_with_followups');
		expect(status).toBe(200);
		expect(body.data).toMatchObject({ id: 'debt_with_followups', followups_count: 2 });
	});

	it('404 Debt not found; /debts/batch is not a GET route', async () => {
		for (const path of ['/debts/debt_missing', '/debts/batch']) {
			const { status, body } = await api('GET', path);
			expect(status).toBe(404);
			expect(body).toEqual({ error: true, message: 'Debt not found', code: 404 });
		}
	});

	it('decodes the ID from the path', async () => {
		server.seedDebt('debt/with slash');
		const { status, body } = await api('GET', `/debts/${encodeURIComponent('debt/with slash')}`);
		expect(status).toBe(200);
		expect(body.data.id).toBe('debt/with slash');
	});
});

describe('GET /debts', () => {
	const STATUS = 'status.test.pages';
	beforeAll(() => {
		for (let i = 0; i < 45; i++) server.seedDebt(`debt_page_${String(i).padStart(2, '0')}`, { status: STATUS });
	});

	it('pages 20 by default, the pagination envelope without message', async () => {
		const { status, body } = await api('GET', `/debts?status=${STATUS}`);
		expect(status).toBe(200);
		expect(Object.keys(body)).toEqual(['error', 'data', 'pagination']);
		expect(body.pagination).toEqual({ total: 45, page: 1, limit: 20, pages: 3 });
		expect(body.data).toHaveLength(20);
		expect(body.data[0].id).toBe('debt_page_00');
	});

	it('walks the pages with page and limit', async () => {
		const ids: string[] = [];
		for (let page = 1; page <= 5; page++) {
			const { body } = await api('GET', `/debts?status=${STATUS}&page=${page}&limit=10`);
			expect(body.pagination).toEqual({ total: 45, page, limit: 10, pages: 5 });
			ids.push(...body.data.map((d: Debt) => d.id));
		}
		expect(ids).toEqual(Array.from({ length: 45 }, (_, i) => `debt_page_${String(i).padStart(2, '0')}`));
		const past = await api('GET', `/debts?status=${STATUS}&page=9&limit=100`);
		expect(past.body).toEqual({ error: false, data: [], pagination: { total: 45, page: 9, limit: 100, pages: 1 } });
	});

	it('filters status by exact match (unprefixed values match nothing)', async () => {
		server.seedDebt('debt_active', { status: 'active' });
		expect((await api('GET', '/debts?status=active')).body.data.map((d: Debt) => d.id)).toEqual(['debt_active']);
		expect((await api('GET', '/debts?status=pages')).body.pagination.total).toBe(0);
		const all = await api('GET', '/debts?limit=100');
		expect(all.body.pagination.total).toBe(server.debts.size);
	});

	it.each([
		['limit=101', 'limit', 'must be an integer from 1 to 100'],
		['limit=0', 'limit', 'must be an integer from 1 to 100'],
		['page=0', 'page', 'must be an integer from 1'],
		['page=1.5', 'page', 'must be an integer from 1'],
	])('400 for %s', async (query, field, message) => {
		const { status, body } = await api('GET', `/debts?${query}`);
		expect(status).toBe(400);
		expect(body).toEqual({ error: true, message: 'Validation failed', code: 400, details: { [field]: [message] } });
	});
});

describe('GET /debts/by-creditor/{creditorId} and /debts/by-debtor/{debtorId}', () => {
	beforeAll(() => {
		server.seedCreditor('cred_1', { name: 'Acme' });
		server.seedCreditor('cred_empty');
		server.seedDebtor('dbtr_1');
		server.seedDebt('debt_c1', { creditor_id: 'cred_1', debtor_id: 'dbtr_1' });
		server.seedDebt('debt_c2', { creditor_id: 'cred_1', status: 'status.default.paid' });
		server.seedDebt('debt_c3', { creditor_id: 'cred_1', debtor_id: 'dbtr_1', status: 'status.default.paid' });
		server.seedDebt('debt_other', { debtor_id: 'dbtr_other' });
	});

	it("lists a creditor's debts, paginated, with an optional status filter", async () => {
		const all = await api('GET', '/debts/by-creditor/cred_1?limit=2');
		expect(all.status).toBe(200);
		expect(all.body.data.map((d: Debt) => d.id)).toEqual(['debt_c1', 'debt_c2']);
		expect(all.body.pagination).toEqual({ total: 3, page: 1, limit: 2, pages: 2 });
		const paid = await api('GET', '/debts/by-creditor/cred_1?status=status.default.paid');
		expect(paid.body.data.map((d: Debt) => d.id)).toEqual(['debt_c2', 'debt_c3']);
		expect(server.getDebtLinks('debt_c1')).toEqual({ creditor_id: 'cred_1', debtor_id: 'dbtr_1' });
		const none = await api('GET', '/debts/by-creditor/cred_empty');
		expect(none.body).toEqual({ error: false, data: [], pagination: { total: 0, page: 1, limit: 20, pages: 0 } });
	});

	it("lists a debtor's debts", async () => {
		const { status, body } = await api('GET', '/debts/by-debtor/dbtr_1');
		expect(status).toBe(200);
		expect(body.data.map((d: Debt) => d.id)).toEqual(['debt_c1', 'debt_c3']);
		expect(body.pagination).toEqual({ total: 2, page: 1, limit: 20, pages: 1 });
	});

	it('404 Creditor not found / Debtor not found for unknown IDs (links alone do not make one exist)', async () => {
		const creditor = await api('GET', '/debts/by-creditor/cred_missing');
		expect(creditor.status).toBe(404);
		expect(creditor.body).toEqual({ error: true, message: 'Creditor not found', code: 404 });
		const debtor = await api('GET', '/debts/by-debtor/dbtr_other');
		expect(debtor.status).toBe(404);
		expect(debtor.body).toEqual({ error: true, message: 'Debtor not found', code: 404 });
	});

	it('400 for a bad limit before the 404', async () => {
		expect((await api('GET', '/debts/by-creditor/cred_missing?limit=500')).status).toBe(400);
	});
});

describe('PUT /debts/{id}', () => {
	let id = '';
	beforeEach(() => {
		id = `debt_upd_${Math.random().toString(36).slice(2)}`;
		server.seedDebt(id);
	});

	it('updates only the fields sent, normalises phone, recomputes amount_text, answers the debt', async () => {
		const change = {
			status: 'status.default.in_progress',
			amount: 80,
			phone: '0798765432',
			birthdate: '1990-03-04T00:00:00+02:00',
			due_date: '2024-06-30',
			country: 'France',
			metadata: { crm_id: 'CRM-9' },
			timeline_id: 'tl_known',
		};
		const { status, body } = await api('PUT', `/debts/${id}`, change);
		expect(status).toBe(200);
		expect(body.error).toBe(false);
		expect(body.message).toBe('Debt updated successfully');
		expect(Object.keys(body.data)).toEqual(DEBT_FIELDS);
		expect(body.data).toMatchObject({
			...change,
			phone: '+33798765432',
			birthdate: '1990-03-04',
			amount_text: '80.00',
			firstname: 'John',
			email: 'john.doe@example.com',
		});
		expect(server.getDebt(id)).toEqual(body.data);
		expect(writesCounted()).toBe(1);
		expect(server.requests[0]).toMatchObject({ method: 'PUT', rawPath: `${API}/debts/${id}`, body: change, status: 200 });
	});

	it.each(['status.default.paid', 'status.default.in_progress', 'status.default.on_hold', 'status.default.failed', 'status.default.archived'])(
		'sets the status %s',
		async (value) => {
			const { status, body } = await api('PUT', `/debts/${id}`, { status: value });
			expect(status).toBe(200);
			expect(body.data.status).toBe(value);
		},
	);

	it('accepts a country code, a country name, ISO 8601 dates; replaces metadata; null clears an optional field', async () => {
		server.getDebt(id)!.metadata = { a: 1 };
		const { status, body } = await api('PUT', `/debts/${id}`, { country: 'MA', invoice_date: '2024-01-15T10:30:00Z', metadata: { b: 2 }, phone: null });
		expect(status).toBe(200);
		expect(body.data).toMatchObject({ country: 'MA', invoice_date: '2024-01-15', metadata: { b: 2 }, phone: null });
		expect((await api('PUT', `/debts/${id}`, { country: 'Maroc' })).status).toBe(200);
		expect((await api('PUT', `/debts/${id}`, {})).status).toBe(200);
	});

	it('does not ask to accept an expensive phone (Update has no accept_expensive_destination)', async () => {
		const { status, body } = await api('PUT', `/debts/${id}`, { phone: '+212612345678' });
		expect(status).toBe(200);
		expect(body.data.phone).toBe('+212612345678');
	});

	it.each<[string, Record<string, unknown>, string, string]>([
		['status unprefixed', { status: 'paid' }, 'status', DEBT_MESSAGES.status],
		['status pending (not settable)', { status: 'status.default.pending' }, 'status', DEBT_MESSAGES.status],
		['timeline_start_mode (not an Update field)', { timeline_start_mode: 'immediate' }, 'timeline_start_mode', 'Unknown field'],
		['accept_expensive_destination (not an Update field)', { accept_expensive_destination: true }, 'accept_expensive_destination', 'Unknown field'],
		['an unknown field', { nb_reminders: 3 }, 'nb_reminders', 'Unknown field'],
		['firstname empty', { firstname: '' }, 'firstname', 'First name is required'],
		['amount a string', { amount: '80' }, 'amount', 'Valid amount is required'],
		['amount null', { amount: null }, 'amount', 'Valid amount is required'],
		['currency', { currency: 'euro' }, 'currency', DEBT_MESSAGES.currency],
		['civility', { civility: 'Mrs' }, 'civility', DEBT_MESSAGES.civility],
		['email', { email: 'nope' }, 'email', DEBT_MESSAGES.email],
		['iban', { iban: 'DE89370400440532013001' }, 'iban', DEBT_MESSAGES.iban],
		['country', { country: 'Atlantis' }, 'country', DEBT_MESSAGES.countryUpdate],
		['birthdate', { birthdate: '04/03/1990' }, 'birthdate', DEBT_MESSAGES.dateUpdate],
		['phone', { phone: '0691234567' }, 'phone', DEBT_MESSAGES.overseas],
		['timeline_id', { timeline_id: 'tl_foreign' }, 'timeline_id', DEBT_MESSAGES.timeline],
		['metadata', { metadata: [1] }, 'metadata', DEBT_MESSAGES.metadata],
		['clearing both phone and email', { phone: null, email: '' }, 'email', DEBT_MESSAGES.contact],
	])('400 naming the field: %s', async (_what, change, field, message) => {
		const before = { ...server.getDebt(id) };
		const { status, body } = await api('PUT', `/debts/${id}`, change);
		expect(status).toBe(400);
		expect(body).toMatchObject({ error: true, message: 'Validation failed', code: 400 });
		expect(body.details[field]).toEqual([message]);
		expect(server.getDebt(id)).toEqual(before);
		expect(writesCounted()).toBe(1);
	});

	it('404 Debt not found', async () => {
		const { status, body } = await api('PUT', '/debts/debt_missing', { amount: 1 });
		expect(status).toBe(404);
		expect(body).toEqual({ error: true, message: 'Debt not found', code: 404 });
	});
});

describe('DELETE /debts/{id}', () => {
	it("deletes the debt and its followups, and answers without data", async () => {
		server.seedDebt('debt_doomed');
		server.seedFollowup('fu_doomed_1', { debt_id: 'debt_doomed' });
		server.seedFollowup('fu_doomed_2', { debt_id: 'debt_doomed' });
		server.seedFollowup('fu_kept', { debt_id: 'debt_kept' });
		const { status, body } = await api('DELETE', '/debts/debt_doomed');
		expect(status).toBe(200);
		expect(body).toEqual({ error: false, message: 'Debt deleted successfully' });
		expect(server.getDebt('debt_doomed')).toBeUndefined();
		expect(server.debts.has('debt_doomed')).toBe(false);
		expect(server.getFollowup('fu_doomed_1')).toBeUndefined();
		expect(server.getFollowup('fu_doomed_2')).toBeUndefined();
		expect(server.getFollowup('fu_kept')).toBeDefined();
		expect(writesCounted()).toBe(1);
		expect((await api('GET', '/debts/debt_doomed')).status).toBe(404);
		expect((await api('GET', '/followups/fu_doomed_1')).status).toBe(404);
		expect((await api('GET', '/followups/debt/debt_doomed')).body).toMatchObject({ message: 'Debt not found' });
		const again = await api('DELETE', '/debts/debt_doomed');
		expect(again.status).toBe(404);
		expect(again.body).toEqual({ error: true, message: 'Debt not found', code: 404 });
		expect(server.requests.map((r) => [r.method, r.status])).toEqual([
			['DELETE', 200],
			['GET', 404],
			['GET', 404],
			['GET', 404],
			['DELETE', 404],
		]);
	});
});

describe('POST /debts/batch', () => {
	it('creates, fails and skips debts on their own, mapped by index and temp_id; one write', async () => {
		const debts = [
			{ temp_id: 'row-1', firstname: 'Jean', lastname: 'Dupont', phone: '0612345678', amount: 150.5, currency: 'EUR' },
			{ temp_id: 'row-2', firstname: 'Paul', lastname: 'Martin', email: 'paul@example.com', amount: '12', currency: 'EUR' },
			{ temp_id: 'row-3', firstname: 'Prénom*', lastname: 'Nom*', email: 'Email*', amount: 0, currency: 'EUR' },
			{ temp_id: 'row-4', firstname: 'Ali', lastname: 'Benali', phone: '+212612345678', amount: 90, currency: 'MAD' },
			{ temp_id: 'row-5', firstname: 'Ali', lastname: 'Benali', phone: '+212612345678', amount: 90, currency: 'MAD', accept_expensive_destination: true },
			{ temp_id: 'row-6', firstname: 'Remplir les champs obligatoires', lastname: 'x', email: 'a@b.co', amount: 1, currency: 'EUR' },
			{ firstname: 'No', lastname: 'Temp', email: 'no@temp.io', amount: 5, currency: 'EUR' },
		];
		const { status, body, headers } = await api('POST', '/debts/batch', { batch_name: 'January import', debts });
		expect(status).toBe(200);
		expect(body.error).toBe(false);
		expect(body.message).toBe('Batch operation completed');
		expect(Object.keys(body.data)).toEqual(['import_id', 'created', 'failed', 'skipped', 'summary']);
		expect(body.data.import_id).toMatch(/^enc_imp_[A-Za-z0-9_-]+$/);
		expect(body.data.created).toEqual([
			{
				index: 0,
				temp_id: 'row-1',
				debt_id: expect.stringMatching(/^debt_/),
				status: 'valid',
				data: { firstname: 'Jean', lastname: 'Dupont', phone: '+33612345678', email: null, amount: 150.5, currency: 'EUR' },
			},
			{
				index: 4,
				temp_id: 'row-5',
				debt_id: expect.stringMatching(/^debt_/),
				status: 'valid',
				data: { firstname: 'Ali', lastname: 'Benali', phone: '+212612345678', email: null, amount: 90, currency: 'MAD' },
			},
		]);
		expect(body.data.failed).toEqual([
			{ index: 1, temp_id: 'row-2', errors: { amount: ['Valid amount is required'] } },
			{
				index: 3,
				temp_id: 'row-4',
				errors: { phone: ['Expensive destination: Morocco (125 credits per call, 5.0x the France mainland rate). Set accept_expensive_destination to true to accept it.'] },
			},
			{ index: 6, temp_id: null, errors: { temp_id: ['temp_id is required'] } },
		]);
		expect(body.data.skipped).toEqual([
			{ index: 2, temp_id: 'row-3', reason: expect.stringContaining('Template') },
			{ index: 5, temp_id: 'row-6', reason: expect.stringContaining('Template') },
		]);
		expect(body.data.summary).toEqual({ total: 7, created: 2, failed: 3, skipped: 2 });
		expect(writesCounted()).toBe(1);
		expect(headers.get('x-ratelimit-remaining')).toBe('499');

		const stored = server.getDebt(body.data.created[0].debt_id)!;
		expect(Object.keys(stored)).toEqual(DEBT_FIELDS);
		expect(stored).toMatchObject({ status: 'status.default.pending', amount_text: '150.50', nb_reminders: 0, followups_count: 0 });
		expect(server.getDebtLinks(stored.id)).toMatchObject({ import_id: body.data.import_id, accept_expensive_destination: false });
		expect(server.imports.get(body.data.import_id)).toEqual({
			import_id: body.data.import_id,
			batch_name: 'January import',
			debt_ids: body.data.created.map((c: { debt_id: string }) => c.debt_id),
		});
		expect((await api('GET', `/debts/${stored.id}`)).status).toBe(200);
	});

	it('a batch-wide accept_expensive_destination covers every debt unless a debt says false; timeline_start_mode per debt', async () => {
		const debt = { firstname: 'A', lastname: 'B', phone: '+262692123456', amount: 10, currency: 'EUR' };
		const { body } = await api('POST', '/debts/batch', {
			accept_expensive_destination: true,
			debts: [
				{ ...debt, temp_id: 'a', timeline_id: 'tl_known', timeline_start_mode: 'next_day' },
				{ ...debt, temp_id: 'b', accept_expensive_destination: false },
				{ ...debt, temp_id: 'c', timeline_start_mode: 'next_day' },
			],
		});
		expect(body.data.summary).toEqual({ total: 3, created: 1, failed: 2, skipped: 0 });
		expect(body.data.failed.map((f: { temp_id: string; errors: object }) => [f.temp_id, Object.keys(f.errors)])).toEqual([
			['b', ['phone']],
			['c', ['timeline_start_mode']],
		]);
		const links = server.getDebtLinks(body.data.created[0].debt_id);
		expect(links).toMatchObject({ timeline_start_mode: 'next_day', accept_expensive_destination: true });
		expect(server.imports.get(body.data.import_id)!.batch_name).toMatch(/^API Batch - \d{2}\/\d{2}\/\d{4} \d{2}:\d{2}$/);
	});

	it('answers 200 with error false when every debt failed; a debt that is not an object fails', async () => {
		const { status, body } = await api('POST', '/debts/batch', { debts: ['x', { temp_id: 't', status: 'status.default.paid' }] });
		expect(status).toBe(200);
		expect(body.error).toBe(false);
		expect(body.data.failed[0]).toEqual({ index: 0, temp_id: null, errors: { debt: ['Each debt must be a JSON object'] } });
		expect(body.data.failed[1].errors.status).toEqual(['Status cannot be set on creation']);
		expect(body.data.summary).toEqual({ total: 2, created: 0, failed: 2, skipped: 0 });
	});

	it(`takes ${BATCH_MAX} debts and refuses ${BATCH_MAX + 1} with 400 on debts`, async () => {
		const row = (i: number) => ({ temp_id: `r${i}`, firstname: 'F', lastname: 'L', email: `u${i}@example.com`, amount: 1, currency: 'EUR' });
		const tooMany = await api('POST', '/debts/batch', { debts: Array.from({ length: BATCH_MAX + 1 }, (_, i) => row(i)) });
		expect(tooMany.status).toBe(400);
		expect(tooMany.body).toEqual({ error: true, message: 'Validation failed', code: 400, details: { debts: ['A batch accepts at most 1000 debts (got 1001)'] } });
		expect(writesCounted()).toBe(1);
		const before = server.debts.size;
		const full = await api('POST', '/debts/batch', { debts: Array.from({ length: BATCH_MAX }, (_, i) => row(i)) });
		expect(full.status).toBe(200);
		expect(full.body.data.summary).toEqual({ total: 1000, created: 1000, failed: 0, skipped: 0 });
		expect(full.body.data.created[999]).toMatchObject({ index: 999, temp_id: 'r999' });
		expect(server.debts.size).toBe(before + 1000);
		expect(writesCounted()).toBe(2);
	});

	it.each<[string, Record<string, unknown>, string]>([
		['debts missing', {}, 'debts'],
		['debts empty', { debts: [] }, 'debts'],
		['debts not an array', { debts: { a: 1 } }, 'debts'],
		['unknown batch field', { debts: [{}], validate_emails: true }, 'validate_emails'],
		['batch_name not a string', { debts: [{}], batch_name: 3 }, 'batch_name'],
		['accept_expensive_destination not a boolean', { debts: [{}], accept_expensive_destination: 'yes' }, 'accept_expensive_destination'],
	])('400 naming the field: %s', async (_what, body, field) => {
		const answer = await api('POST', '/debts/batch', body);
		expect(answer.status).toBe(400);
		expect(answer.body.message).toBe('Validation failed');
		expect(Object.keys(answer.body.details)).toEqual([field]);
	});
});

describe('scopes, authentication and rate limit', () => {
	it('403 without debts:read for every GET', async () => {
		const followupsOnly = await getToken(DEFAULT_CLIENT);
		server.seedCreditor('cred_scope');
		server.seedDebtor('dbtr_scope');
		server.seedDebt('debt_scope');
		for (const path of ['/debts', '/debts/debt_scope', '/debts/by-creditor/cred_scope', '/debts/by-debtor/dbtr_scope']) {
			const { status, body } = await api('GET', path, undefined, { token: followupsOnly });
			expect(status).toBe(403);
			expect(body).toEqual({ error: true, message: 'Required scope "debts:read" not found in token', code: 403 });
		}
	});

	it('403 without debts:write for create, batch, update and delete (debts:read is not enough)', async () => {
		const reader = await getToken(READER);
		server.seedDebt('debt_scope');
		expect((await api('GET', '/debts/debt_scope', undefined, { token: reader })).status).toBe(200);
		for (const [method, path, body] of [
			['POST', '/debts', minimal()],
			['POST', '/debts/batch', { debts: [minimal({ temp_id: 'x' })] }],
			['PUT', '/debts/debt_scope', { amount: 5 }],
			['DELETE', '/debts/debt_scope', undefined],
		] as const) {
			const answer = await api(method, path, body, { token: reader });
			expect(answer.status).toBe(403);
			expect(answer.body).toEqual({ error: true, message: 'Required scope "debts:write" not found in token', code: 403 });
		}
		expect(server.getDebt('debt_scope')).toBeDefined();
		// the 403s count against the reader's quota, not against FULL's
		expect(writesCounted(READER)).toBe(4);
		expect(writesCounted()).toBe(0);
	});

	it('401 without a valid token', async () => {
		const { status, body } = await api('GET', '/debts', undefined, { token: 'at_nope' });
		expect(status).toBe(401);
		expect(body).toEqual({ error: true, message: 'Authentication credentials are missing or invalid', code: 401 });
	});

	it('writes count against the write limit and get 429 past it; reads count against the read limit only', async () => {
		server.seedDebt('debt_limit');
		await api('GET', '/debts');
		await api('GET', '/debts/debt_limit');
		expect(writesCounted()).toBe(0);
		expect(server.quotaState('reads', FULL.clientId).count).toBe(2);
		expect((await api('PUT', '/debts/debt_limit', { amount: 3 })).status).toBe(200);
		expect(writesCounted()).toBe(1);
		server.setQuota('writes', { used: 500, usedAgoSeconds: 1800 }, FULL.clientId);
		for (const [method, path, body] of [
			['POST', '/debts', minimal()],
			['POST', '/debts/batch', { debts: [minimal({ temp_id: 'x' })] }],
			['PUT', '/debts/debt_limit', { amount: 4 }],
			['DELETE', '/debts/debt_limit', undefined],
		] as const) {
			const answer = await api(method, path, body);
			expect(answer.status).toBe(429);
			expect(answer.body).toMatchObject({ error: true, message: 'Rate limit exceeded. Please try again later.', code: 429, details: { limit: 500 } });
			// the oldest counted write leaves the window 1800 s after it was counted
			expect(answer.body.details.retry_after).toBeGreaterThan(1790);
			expect(answer.body.details.retry_after).toBeLessThanOrEqual(1800);
			expect(answer.headers.get('x-ratelimit-remaining')).toBe('0');
		}
		expect(writesCounted()).toBe(500);
		expect(server.getDebt('debt_limit')!.amount).toBe(3);
	});

	it('injected faults apply to the debt endpoints too', async () => {
		server.injectFaults({ status: 503, match: (r) => r.path.startsWith(`${API}/debts`) });
		const { status } = await api('GET', '/debts');
		expect(status).toBe(503);
		expect(server.requests[0].fault).toBe(503);
	});

	it('404 Endpoint not found for methods the debts paths do not have', async () => {
		for (const [method, path] of [['PATCH', '/debts/x'], ['DELETE', '/debts'], ['POST', '/debts/by-debtor/x']]) {
			const { status, body } = await api(method, path, {});
			expect(status).toBe(404);
			expect(body.message).toBe('Endpoint not found');
		}
	});
});
