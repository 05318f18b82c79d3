/**
 * The GetBill-like server's other 11 endpoints, checked over HTTP against
 * /work/shared/api (debtors.md, creditors.md, reports.md, company.md, users.md):
 * envelopes (double wrapping where documented), the creditor `errors` array,
 * the users list without pagination, scopes, 404s, and report downloads through
 * the separate signed-URL file host with its test hooks.
 */
import type { Client } from './getbill-server';
import { API, DEFAULT_CLIENT, DEFAULT_COMPANY, DEFAULT_CREDITS, GetBillServer, REST_MESSAGES, SCOPES } from './getbill-server';

const NEW_SCOPES = ['debtors:read', 'debtors:write', 'creditors:read', 'creditors:write', 'reports:read', 'company:read', 'users:read'];
/** A client that may request every scope the server knows */
const ALL: Client = { clientId: 'rest-client', clientSecret: 'rest-secret', scopes: SCOPES };

const server = new GetBillServer({ followupIds: [], clients: [ALL, DEFAULT_CLIENT] });
let url = '';
let token = '';
/** Writes counted in the quota window of ALL (the client of every token here but the default client's) */
const writesCounted = () => server.quotaState('writes', ALL.clientId).count;
const tokens = new Map<string, string>();

/** A token of the ALL client with exactly these scopes (cached). */
async function getToken(scopes: string[], client: Client = ALL): Promise<string> {
	const key = `${client.clientId} ${scopes.join(' ')}`;
	const cached = tokens.get(key);
	if (cached) return cached;
	const response = await fetch(`${url}/token`, {
		method: 'POST',
		headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
		body: new URLSearchParams({ grant_type: 'client_credentials', client_id: client.clientId, client_secret: client.clientSecret, scope: scopes.join(' ') }).toString(),
	});
	expect(response.status).toBe(200);
	const issued = ((await response.json()) as { access_token: string }).access_token;
	tokens.set(key, issued);
	return issued;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;
async function api(method: string, path: string, body?: unknown, options: { token?: string; raw?: string } = {}) {
	const headers: Record<string, string> = { Authorization: `Bearer ${options.token ?? token}`, Accept: 'application/json' };
	if (body !== undefined || options.raw !== undefined) headers['Content-Type'] = 'application/json';
	const response = await fetch(`${url}${API}${path}`, { method, headers, body: options.raw ?? (body === undefined ? undefined : JSON.stringify(body)) });
	return { status: response.status, headers: response.headers, body: (await response.json()) as Json };
}

/** A plain GET of a file URL (no Authorization unless given), the bytes and headers. */
async function download(fileUrl: string, headers: Record<string, string> = {}) {
	const response = await fetch(fileUrl, { headers });
	return { status: response.status, headers: response.headers, bytes: Buffer.from(await response.arrayBuffer()) };
}

const DEBTOR_FIELDS = ['id', 'firstName', 'lastName', 'email', 'phone', 'address', 'dateOfBirth', 'firstSeenAt', 'lastSeenAt', 'lastUpdatedAt'];
const DEBTOR_GET_FIELDS = [...DEBTOR_FIELDS, 'totalDebtAmount', 'totalPaidAmount', 'averageRepaymentScore', 'debtsCount'];
const CREDITOR_FIELDS = [
	'id', 'name', 'email', 'phone', 'address', 'city', 'postalCode', 'country', 'registrationNumber', 'taxNumber', 'contactPerson', 'createdAt', 'updatedAt',
];
const REPORT_FIELDS = [
	'id', 'type', 'title', 'description', 'status', 'filename', 'file_size', 'mime_type', 'period_from', 'period_to', 'generated_at', 'created_at',
	'download_available',
];
const NAIVE = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;
const ISO_Z = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
const OLD = '2024-01-15 10:30:00';

beforeAll(async () => {
	url = await server.start();
	token = await getToken(NEW_SCOPES);
});
afterAll(async () => {
	await server.stop();
});
beforeEach(() => {
	server.reset();
	for (const map of [server.debtors, server.creditors, server.reports, server.reportFiles, server.reportDownloadHooks, server.users, server.debts, server.debtRecords, server.debtLinks]) {
		map.clear();
	}
	server.setCompany(DEFAULT_COMPANY);
	server.credits = { ...DEFAULT_CREDITS, subscription: { ...DEFAULT_CREDITS.subscription! } };
});

describe('debtors', () => {
	it('GET /debtors: page-based list of the base fields only (no totals, even when seeded)', async () => {
		server.seedDebtor('dbtr_1', { firstName: 'Jean', lastName: 'Dupont', email: 'jean@example.com' });
		server.seedDebtor('dbtr_2', { totalDebtAmount: 99, averageRepaymentScore: 80 });
		server.seedDebtor('dbtr_3');
		const first = await api('GET', '/debtors');
		expect(first.status).toBe(200);
		expect(first.body.error).toBe(false);
		expect(first.body.pagination).toEqual({ total: 3, page: 1, limit: 20, pages: 1 });
		expect(first.body.data.map((d: Json) => d.id)).toEqual(['dbtr_1', 'dbtr_2', 'dbtr_3']);
		for (const debtor of first.body.data) expect(Object.keys(debtor)).toEqual(DEBTOR_FIELDS);
		expect(first.body.data[0]).toEqual({
			id: 'dbtr_1',
			firstName: 'Jean',
			lastName: 'Dupont',
			email: 'jean@example.com',
			phone: null,
			address: null,
			dateOfBirth: null,
			firstSeenAt: OLD,
			lastSeenAt: OLD,
			lastUpdatedAt: OLD,
		});
		const second = await api('GET', '/debtors?page=2&limit=2');
		expect(second.body.data.map((d: Json) => d.id)).toEqual(['dbtr_3']);
		expect(second.body.pagination).toEqual({ total: 3, page: 2, limit: 2, pages: 2 });
		const bad = await api('GET', '/debtors?limit=101');
		expect(bad.status).toBe(400);
		expect(bad.body).toEqual({ error: true, message: 'Validation failed', code: 400, details: { limit: ['must be an integer from 1 to 100'] } });
	});

	it('GET /debtors/{id}: double-wrapped, with totals of the debts linked to the debtor', async () => {
		server.seedDebtor('dbtr_1', { phone: '+33612345678', dateOfBirth: '1980-05-15' });
		server.seedDebt('debt_a', { debtor_id: 'dbtr_1', amount: 100.25 });
		server.seedDebt('debt_b', { debtor_id: 'dbtr_1', amount: 50, status: 'status.default.paid' });
		server.seedDebt('debt_c', { debtor_id: 'dbtr_other', amount: 1000 });
		const { status, body, headers } = await api('GET', '/debtors/dbtr_1');
		expect(status).toBe(200);
		expect(body).toEqual({
			error: false,
			message: 'Success',
			data: {
				data: {
					id: 'dbtr_1',
					firstName: 'John',
					lastName: 'Doe',
					email: null,
					phone: '+33612345678',
					address: null,
					dateOfBirth: '1980-05-15',
					firstSeenAt: OLD,
					lastSeenAt: OLD,
					lastUpdatedAt: OLD,
					totalDebtAmount: 150.25,
					totalPaidAmount: 50,
					averageRepaymentScore: 65,
					debtsCount: 2,
				},
			},
		});
		expect(Object.keys(body.data.data)).toEqual(DEBTOR_GET_FIELDS);
		// a read: the read quota's headers
		expect(headers.get('x-ratelimit-limit')).toBe('1000');
	});

	it('GET /debtors/{id}: seeded totals win over computed ones; 404 Debtor not found', async () => {
		server.seedDebtor('dbtr_s', { averageRepaymentScore: 12, totalPaidAmount: 7 });
		const { body } = await api('GET', '/debtors/dbtr_s');
		expect(body.data.data).toMatchObject({ totalDebtAmount: 0, totalPaidAmount: 7, averageRepaymentScore: 12, debtsCount: 0 });
		const missing = await api('GET', '/debtors/dbtr_missing');
		expect(missing.status).toBe(404);
		expect(missing.body).toEqual({ error: true, message: 'Debtor not found', code: 404 });
	});

	it('PUT /debtors/{id}: changes only the fields sent, null clears, refreshes lastUpdatedAt; double-wrapped with data.message', async () => {
		server.seedDebtor('dbtr_u', { email: 'old@example.com', phone: '+33600000000', address: '1 rue A' });
		server.seedDebt('debt_u', { debtor_id: 'dbtr_u', amount: 20 });
		const change = { firstName: 'Marie', email: 'marie@example.com', dateOfBirth: '1990-03-04', phone: null };
		const before = Date.now();
		const { status, body } = await api('PUT', '/debtors/dbtr_u', change);
		expect(status).toBe(200);
		expect(Object.keys(body)).toEqual(['error', 'message', 'data']);
		expect(body.error).toBe(false);
		expect(body.message).toBe('Success');
		expect(Object.keys(body.data)).toEqual(['data', 'message']);
		expect(body.data.message).toBe('Debtor updated successfully');
		const debtor = body.data.data;
		expect(Object.keys(debtor)).toEqual(DEBTOR_GET_FIELDS);
		expect(debtor).toMatchObject({ ...change, lastName: 'Doe', address: '1 rue A', firstSeenAt: OLD, totalDebtAmount: 20, debtsCount: 1 });
		expect(debtor.lastUpdatedAt).toMatch(NAIVE);
		expect(debtor.lastUpdatedAt).not.toBe(OLD);
		expect(Date.parse(`${debtor.lastUpdatedAt.replace(' ', 'T')}Z`)).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
		expect(server.debtors.get('dbtr_u')).toMatchObject(change);
		expect(writesCounted()).toBe(1);
		expect(server.requests[0]).toMatchObject({ method: 'PUT', path: `${API}/debtors/dbtr_u`, rawPath: `${API}/debtors/dbtr_u`, body: change, status: 200 });
		expect(server.requests[0].rawBody).toBe(JSON.stringify(change));
		// the debt keeps its own contact data
		expect(server.getDebt('debt_u')!.firstname).toBe('John');
	});

	it.each([['15/05/1980'], ['1980-5-15'], ['1980-02-30'], ['1980-05-15T00:00:00Z'], [''], [19800515]])(
		'PUT /debtors/{id}: 400 Invalid dateOfBirth format for %p',
		async (value) => {
			server.seedDebtor('dbtr_d');
			const { status, body } = await api('PUT', '/debtors/dbtr_d', { firstName: 'X', dateOfBirth: value });
			expect(status).toBe(400);
			expect(body).toEqual({ error: true, message: 'Invalid dateOfBirth format. Use YYYY-MM-DD', code: 400 });
			expect(server.debtors.get('dbtr_d')!.firstName).toBe('John');
			// refused, but counted: GetBill counts every write, whatever its answer
			expect(writesCounted()).toBe(1);
		},
	);

	it.each<[string, Record<string, unknown>, Record<string, string[]>]>([
		['a debt-style name', { firstname: 'x' }, { firstname: ['Unknown field'] }],
		['birthdate (the debt spelling)', { birthdate: '1980-01-01' }, { birthdate: ['Unknown field'] }],
		['a read-only field', { lastUpdatedAt: OLD, totalDebtAmount: 3 }, { lastUpdatedAt: ['Unknown field'], totalDebtAmount: ['Unknown field'] }],
		['a number', { phone: 612345678 }, { phone: ['must be a string'] }],
		['lastName null', { lastName: null }, { lastName: ['must be a string'] }],
	])('PUT /debtors/{id}: 400 Validation failed for %s', async (_what, change, details) => {
		server.seedDebtor('dbtr_v');
		const { status, body } = await api('PUT', '/debtors/dbtr_v', change);
		expect(status).toBe(400);
		expect(body).toEqual({ error: true, message: 'Validation failed', code: 400, details });
		expect(server.debtors.get('dbtr_v')!.lastUpdatedAt).toBe(OLD);
	});

	it('PUT /debtors/{id}: 404 Debtor not found, 400 on a body that is not JSON; no PATCH, POST or DELETE', async () => {
		const missing = await api('PUT', '/debtors/dbtr_missing', { firstName: 'X' });
		expect(missing.status).toBe(404);
		expect(missing.body).toEqual({ error: true, message: 'Debtor not found', code: 404 });
		server.seedDebtor('dbtr_j');
		const notJson = await api('PUT', '/debtors/dbtr_j', undefined, { raw: '{nope' });
		expect(notJson.body).toEqual({ error: true, message: 'Invalid JSON payload', code: 400 });
		for (const [method, path] of [['PATCH', '/debtors/dbtr_j'], ['POST', '/debtors'], ['DELETE', '/debtors/dbtr_j']]) {
			const answer = await api(method, path, {});
			expect(answer.status).toBe(404);
			expect(answer.body.message).toBe('Endpoint not found');
		}
		// the 404s and the 400 count too: 2 PUTs and the PATCH, POST and DELETE
		expect(writesCounted()).toBe(5);
	});
});

describe('creditors', () => {
	const full = {
		name: 'Acme SAS',
		email: 'billing@acme.example.com',
		phone: '+33123456789',
		address: '10 avenue des Champs',
		city: 'Paris',
		postalCode: '75008',
		country: 'France',
		registrationNumber: 'RCS 123',
		taxNumber: 'FR123',
		contactPerson: 'Alice',
	};

	it('GET /creditors: page-based list without totals', async () => {
		server.seedCreditor('cred_1', full);
		server.seedCreditor('cred_2', { totalDebts: 9 });
		const { status, body } = await api('GET', '/creditors?limit=1');
		expect(status).toBe(200);
		expect(body).toEqual({
			error: false,
			data: [{ id: 'cred_1', ...full, createdAt: OLD, updatedAt: OLD }],
			pagination: { total: 2, page: 1, limit: 1, pages: 2 },
		});
		const second = await api('GET', '/creditors?page=2&limit=1');
		expect(Object.keys(second.body.data[0])).toEqual(CREDITOR_FIELDS);
		expect((await api('GET', '/creditors?page=0')).status).toBe(400);
	});

	it('GET /creditors/{id}: double-wrapped with totalDebts and totalAmount of its debts; 404 Creditor not found', async () => {
		server.seedCreditor('cred_1', full);
		server.seedCreditor('cred_empty');
		server.seedDebt('debt_1', { creditor_id: 'cred_1', amount: 100.1 });
		server.seedDebt('debt_2', { creditor_id: 'cred_1', amount: 200.2 });
		server.seedDebt('debt_3', { creditor_id: 'cred_empty_not', amount: 5 });
		const { status, body } = await api('GET', '/creditors/cred_1');
		expect(status).toBe(200);
		expect(body).toEqual({
			error: false,
			message: 'Success',
			data: { data: { id: 'cred_1', ...full, createdAt: OLD, updatedAt: OLD, totalDebts: 2, totalAmount: 300.3 } },
		});
		expect((await api('GET', '/creditors/cred_empty')).body.data.data).toMatchObject({ name: 'Creditor cred_empty', totalDebts: 0, totalAmount: 0 });
		const missing = await api('GET', '/creditors/cred_missing');
		expect(missing.status).toBe(404);
		expect(missing.body).toEqual({ error: true, message: 'Creditor not found', code: 404 });
	});

	it('PATCH /creditors/{id}: changes only what is sent, refreshes updatedAt; data not double-wrapped, no totals', async () => {
		server.seedCreditor('cred_p', full);
		server.seedDebt('debt_p', { creditor_id: 'cred_p' });
		const { status, body } = await api('PATCH', '/creditors/cred_p', { email: 'new@acme.example.com', contactPerson: null });
		expect(status).toBe(200);
		expect(Object.keys(body)).toEqual(['error', 'message', 'data']);
		expect(body.error).toBe(false);
		expect(body.message).toBe('Creditor updated successfully');
		expect(Object.keys(body.data)).toEqual(CREDITOR_FIELDS);
		expect(body.data).toMatchObject({ ...full, email: 'new@acme.example.com', contactPerson: null, createdAt: OLD });
		expect(body.data.updatedAt).toMatch(NAIVE);
		expect(body.data.updatedAt).not.toBe(OLD);
		expect(writesCounted()).toBe(1);
		expect(server.requests[0]).toMatchObject({ method: 'PATCH', rawPath: `${API}/creditors/cred_p`, status: 200 });
	});

	it('PUT /creditors/{id}: a full update, every omitted field is cleared to null', async () => {
		server.seedCreditor('cred_f', full);
		const { status, body } = await api('PUT', '/creditors/cred_f', { name: 'Renamed', city: 'Lyon' });
		expect(status).toBe(200);
		expect(body.message).toBe('Creditor updated successfully');
		expect(body.data).toEqual({
			id: 'cred_f',
			name: 'Renamed',
			email: null,
			phone: null,
			address: null,
			city: 'Lyon',
			postalCode: null,
			country: null,
			registrationNumber: null,
			taxNumber: null,
			contactPerson: null,
			createdAt: OLD,
			updatedAt: expect.stringMatching(NAIVE),
		});
		expect(server.creditors.get('cred_f')).toMatchObject({ email: null, city: 'Lyon' });
	});

	it.each(['PUT', 'PATCH'])('%s /creditors/{id}: an invalid email is a 400 with the `errors` array, nothing changes', async (method) => {
		server.seedCreditor('cred_e', full);
		const { status, body } = await api(method, '/creditors/cred_e', { ...full, email: 'not-an-email' });
		expect(status).toBe(400);
		expect(body).toEqual({
			error: true,
			message: 'Validation failed',
			code: 400,
			errors: [{ property: 'email', message: 'This value is not a valid email address.' }],
		});
		expect(body.details).toBeUndefined();
		expect(server.creditors.get('cred_e')).toMatchObject({ ...full, updatedAt: OLD });
		expect(writesCounted()).toBe(1);
	});

	it('PATCH /creditors/{id}: unknown fields and wrong types are listed in `errors` too; 404 Creditor not found', async () => {
		server.seedCreditor('cred_x');
		const { status, body } = await api('PATCH', '/creditors/cred_x', { postal_code: '75001', phone: 123, email: 'a@b', totalDebts: 1 });
		expect(status).toBe(400);
		expect(body).toEqual({
			error: true,
			message: 'Validation failed',
			code: 400,
			errors: [
				{ property: 'postal_code', message: REST_MESSAGES.creditorUnknown },
				{ property: 'phone', message: 'This value should be of type string.' },
				{ property: 'email', message: REST_MESSAGES.creditorEmail },
				{ property: 'totalDebts', message: 'This field was not expected.' },
			],
		});
		for (const method of ['PUT', 'PATCH']) {
			const missing = await api(method, '/creditors/cred_missing', { name: 'X' });
			expect(missing.status).toBe(404);
			expect(missing.body).toEqual({ error: true, message: 'Creditor not found', code: 404 });
		}
		for (const [method, path] of [['POST', '/creditors'], ['DELETE', '/creditors/cred_x']]) {
			expect((await api(method, path, {})).body.message).toBe('Endpoint not found');
		}
	});
});

describe('reports', () => {
	const xlsx = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

	it('GET /reports: page-based, `type` filters by exact match', async () => {
		server.seedReport('report_1');
		server.seedReport('report_2', { type: 'collection', title: 'Collection stats', filename: 'collection.xlsx', mime_type: xlsx });
		server.seedReport('report_3', { type: 'financial' });
		const all = await api('GET', '/reports');
		expect(all.status).toBe(200);
		expect(all.body.pagination).toEqual({ total: 3, page: 1, limit: 20, pages: 1 });
		for (const report of all.body.data) expect(Object.keys(report)).toEqual(REPORT_FIELDS);
		const financial = await api('GET', '/reports?type=financial&limit=1&page=2');
		expect(financial.body.data.map((r: Json) => r.id)).toEqual(['report_3']);
		expect(financial.body.pagination).toEqual({ total: 2, page: 2, limit: 1, pages: 2 });
		expect((await api('GET', '/reports?type=Financial')).body.data).toEqual([]);
		expect((await api('GET', '/reports?type=collection')).body.data.map((r: Json) => r.id)).toEqual(['report_2']);
		expect(server.requests[1].query).toEqual({ type: 'financial', limit: '1', page: '2' });
	});

	it('GET /reports/{id}: the report, not double-wrapped; 404 Report not found', async () => {
		server.seedReport('report_1', { content: 'hello' });
		const { status, body } = await api('GET', '/reports/report_1');
		expect(status).toBe(200);
		expect(body).toEqual({
			error: false,
			message: 'Success',
			data: {
				id: 'report_1',
				type: 'financial',
				title: 'Monthly Financial Summary',
				description: 'Financial summary for January 2024',
				status: 'completed',
				filename: 'financial_summary_2024_01.pdf',
				file_size: 5,
				mime_type: 'application/pdf',
				period_from: '2024-01-01',
				period_to: '2024-01-31',
				generated_at: '2024-02-01T09:30:00Z',
				created_at: '2024-02-01T09:30:00Z',
				download_available: true,
			},
		});
		const missing = await api('GET', '/reports/report_missing');
		expect(missing.status).toBe(404);
		expect(missing.body).toEqual({ error: true, message: 'Report not found', code: 404 });
	});

	it('GET /reports/download/{id}: link information; the link on the file host gives the bytes once, without Authorization', async () => {
		const content = Buffer.from([0x25, 0x50, 0x44, 0x46, 0x00, 0xff, 0x10, 0x80]);
		server.seedReport('report_dl', { content, filename: 'financial_summary_2024_01.pdf' });
		const before = Date.now();
		const { status, body } = await api('GET', '/reports/download/report_dl');
		expect(status).toBe(200);
		expect(body.error).toBe(false);
		expect(body.message).toBe('Report download information retrieved');
		expect(Object.keys(body.data)).toEqual(['id', 'filename', 'file_size', 'mime_type', 'download_url', 'expires_at']);
		expect(body.data).toMatchObject({ id: 'report_dl', filename: 'financial_summary_2024_01.pdf', file_size: 8, mime_type: 'application/pdf' });
		expect(body.data.expires_at).toMatch(ISO_Z);
		const lifetime = Date.parse(body.data.expires_at) - before;
		expect(lifetime).toBeGreaterThan(3590_000);
		expect(lifetime).toBeLessThanOrEqual(3600_000);

		const link = new URL(body.data.download_url);
		expect(link.origin).toBe(server.fileHostUrl);
		expect(link.hostname).toBe('127.0.0.1');
		expect(link.port).not.toBe(new URL(url).port);
		expect(link.pathname).toMatch(/^\/files\/[A-Za-z0-9_-]+$/);
		expect(link.searchParams.get('signature')).toMatch(/^[0-9a-f]{64}$/);
		expect(Number(link.searchParams.get('expires'))).toBe(Date.parse(body.data.expires_at) / 1000);

		const file = await download(body.data.download_url);
		expect(file.status).toBe(200);
		expect(file.bytes.equals(content)).toBe(true);
		expect(file.headers.get('content-type')).toBe('application/pdf');
		expect(file.headers.get('content-disposition')).toBe('attachment; filename="financial_summary_2024_01.pdf"');
		expect(file.headers.get('content-length')).toBe('8');

		// the file host is not the API: nothing reached the API but the link request
		expect(server.requests.map((r) => r.path)).toEqual([`${API}/reports/download/report_dl`]);
		expect(server.fileRequests).toHaveLength(1);
		const [request] = server.fileRequests;
		expect(request).toMatchObject({ method: 'GET', path: link.pathname, rawUrl: `${link.pathname}${link.search}`, status: 200, reportId: 'report_dl' });
		expect(request.query).toEqual({ signature: link.searchParams.get('signature'), expires: link.searchParams.get('expires') });
		expect(request.headers.host).toBe(link.host);
		expect(request.headers).not.toHaveProperty('authorization');

		// single use
		const again = await download(body.data.download_url);
		expect(again.status).toBe(403);
		expect(again.bytes.toString()).toContain('already been used');
		expect(server.fileRequests.map((r) => r.status)).toEqual([200, 403]);

		// every call gives a new link
		const second = await api('GET', '/reports/download/report_dl');
		expect(second.body.data.download_url).not.toBe(body.data.download_url);
		expect((await download(second.body.data.download_url)).status).toBe(200);
		expect(writesCounted()).toBe(0);
	});

	it('the file host records every header it gets, an Authorization one too (so tests can see a leak)', async () => {
		server.seedReport('report_h');
		const { body } = await api('GET', '/reports/download/report_h');
		await download(body.data.download_url, { Authorization: 'Bearer leaked', 'X-Custom': 'yes' });
		expect(server.fileRequests[0].headers).toMatchObject({ authorization: 'Bearer leaked', 'x-custom': 'yes' });
	});

	it('serves the mime type and filename of the report; a non-ASCII filename gets filename*', async () => {
		server.seedReport('report_x', { filename: 'recouvrement_été.xlsx', mime_type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', content: 'PK' });
		const { body } = await api('GET', '/reports/download/report_x');
		const file = await download(body.data.download_url);
		expect(file.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
		expect(file.headers.get('content-disposition')).toBe(`attachment; filename="recouvrement__t_.xlsx"; filename*=UTF-8''${encodeURIComponent('recouvrement_été.xlsx')}`);
		expect(file.bytes.toString()).toBe('PK');
	});

	it('403 for an expired link, a wrong signature, a changed expiry or an unknown token; 404 and 405 off the links', async () => {
		server.seedReport('report_e');
		const { body } = await api('GET', '/reports/download/report_e');
		const link = new URL(body.data.download_url);
		const tampered = new URL(link);
		tampered.searchParams.set('signature', '0'.repeat(64));
		expect((await download(tampered.href)).status).toBe(403);
		const later = new URL(link);
		later.searchParams.set('expires', String(Number(link.searchParams.get('expires')) + 3600));
		expect((await download(later.href)).status).toBe(403);
		expect((await download(`${server.fileHostUrl}/files/unknown${link.search}`)).status).toBe(403);
		expect((await download(`${server.fileHostUrl}/other`)).status).toBe(404);
		expect((await fetch(link.href, { method: 'POST' })).status).toBe(405);
		server.expireDownloadLinks();
		const expired = await download(link.href);
		expect(expired.status).toBe(403);
		expect(expired.bytes.toString()).toContain('expired');
		// none of the refused attempts used the link: a fresh one still works
		const fresh = await api('GET', '/reports/download/report_e');
		expect((await download(fresh.body.data.download_url)).status).toBe(200);
	});

	it('a link past its lifetime is refused (downloadLinkLifetimeSeconds)', async () => {
		const shortLived = new GetBillServer({ followupIds: [], clients: [ALL], downloadLinkLifetimeSeconds: 0 });
		const shortUrl = await shortLived.start();
		try {
			shortLived.seedReport('r');
			const response = await fetch(`${shortUrl}/token`, {
				method: 'POST',
				headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
				body: new URLSearchParams({ grant_type: 'client_credentials', client_id: ALL.clientId, client_secret: ALL.clientSecret, scope: 'reports:read' }).toString(),
			});
			const { access_token: shortToken } = (await response.json()) as { access_token: string };
			const info = await fetch(`${shortUrl}${API}/reports/download/r`, { headers: { Authorization: `Bearer ${shortToken}` } });
			const { data } = (await info.json()) as Json;
			expect((await download(data.download_url)).status).toBe(403);
		} finally {
			await shortLived.stop();
		}
	});

	it('hooks: the file host answers 404 (link stays unused), serves an empty body, or download_url is not http', async () => {
		server.seedReport('report_k', { content: 'bytes' });
		server.setReportDownload('report_k', { fileStatus: 404 });
		const { body } = await api('GET', '/reports/download/report_k');
		const notFound = await download(body.data.download_url);
		expect(notFound.status).toBe(404);
		expect(server.fileRequests[0]).toMatchObject({ status: 404, reportId: 'report_k' });

		server.setReportDownload('report_k', { emptyBody: true });
		const empty = await download(body.data.download_url);
		expect(empty.status).toBe(200);
		expect(empty.bytes.length).toBe(0);
		expect(empty.headers.get('content-type')).toBe('application/pdf');
		expect(empty.headers.get('content-disposition')).toBe('attachment; filename="financial_summary_2024_01.pdf"');

		server.setReportDownload('report_k', { downloadUrl: 'ftp://secure-downloads.getbill.io/files/report_k.pdf' });
		const ftp = await api('GET', '/reports/download/report_k');
		expect(ftp.status).toBe(200);
		expect(ftp.body.data).toMatchObject({ id: 'report_k', download_url: 'ftp://secure-downloads.getbill.io/files/report_k.pdf', file_size: 5 });

		server.setReportDownload('report_k', {});
		const normal = await api('GET', '/reports/download/report_k');
		expect((await download(normal.body.data.download_url)).bytes.toString()).toBe('bytes');
	});

	it('hooks: the file host redirects a valid link elsewhere (redirectTo), or n times to itself (redirects), the link unused until served', async () => {
		server.seedReport('report_r', { content: 'bytes' });
		server.setReportDownload('report_r', { redirectTo: 'http://127.0.0.2:9/internal/admin' });
		const { body } = await api('GET', '/reports/download/report_r');
		const away = await fetch(body.data.download_url, { redirect: 'manual' });
		expect(away.status).toBe(302);
		expect(away.headers.get('location')).toBe('http://127.0.0.2:9/internal/admin');
		expect(server.fileRequests[0]).toMatchObject({ status: 302, location: 'http://127.0.0.2:9/internal/admin', reportId: 'report_r' });

		server.setReportDownload('report_r', { redirects: 2, redirectStatus: 307 });
		const first = await fetch(body.data.download_url, { redirect: 'manual' });
		expect(first.status).toBe(307);
		const link = new URL(body.data.download_url);
		const hop1 = first.headers.get('location')!;
		expect(hop1.startsWith(`${link.pathname}?`)).toBe(true);
		expect(new URL(hop1, link).searchParams.get('hop')).toBe('1');
		expect(new URL(hop1, link).searchParams.get('signature')).toBe(link.searchParams.get('signature'));
		// fetch follows the same-host redirects (relative Location) to the file: the link was not used by the redirects
		const followed = await download(body.data.download_url);
		expect(followed.status).toBe(200);
		expect(followed.bytes.toString()).toBe('bytes');
		expect(server.fileRequests.map((r) => [r.status, r.query.hop])).toEqual([
			[302, undefined],
			[307, undefined],
			[307, undefined],
			[307, '1'],
			[200, '2'],
		]);
	});

	it('404 for a report not available for download, and for an unknown report', async () => {
		server.seedReport('report_pending', { status: 'processing', download_available: false });
		const pending = await api('GET', '/reports/download/report_pending');
		expect(pending.status).toBe(404);
		expect(pending.body).toEqual({ error: true, message: 'Report is not available for download', code: 404 });
		const missing = await api('GET', '/reports/download/report_missing');
		expect(missing.body).toEqual({ error: true, message: 'Report not found', code: 404 });
		expect([...server.downloadLinks.values()].filter((l) => l.reportId === 'report_pending')).toEqual([]);
		expect((await api('GET', '/reports/report_missing/download')).body.message).toBe('Endpoint not found');
		expect((await api('POST', '/reports', {})).body.message).toBe('Endpoint not found');
	});

	it('reset() clears the file host records; stop() stops the file host too', async () => {
		server.seedReport('report_r');
		const { body } = await api('GET', '/reports/download/report_r');
		await download(body.data.download_url);
		expect(server.fileRequests).toHaveLength(1);
		server.reset();
		expect(server.fileRequests).toEqual([]);
		const other = new GetBillServer({ followupIds: [] });
		await other.start();
		const fileHost = other.fileHostUrl;
		expect(fileHost).not.toBe(other.url);
		await other.stop();
		await expect(fetch(`${fileHost}/files/x`)).rejects.toThrow();
	});
});

describe('company and users', () => {
	it('GET /company/profile: the documented example by default; setCompany changes it', async () => {
		const { status, body } = await api('GET', '/company/profile');
		expect(status).toBe(200);
		expect(body).toEqual({
			error: false,
			message: 'Success',
			data: { id: 'hTBN7n6lkmkhMb6LYqEBZw', name: 'Acme Recouvrement', email: 'contact@acme.example.com', phone: '+33123456789', created_at: '2023-01-15T10:30:00+00:00' },
		});
		server.setCompany({ name: 'Other', phone: '+33999999999' });
		expect((await api('GET', '/company/profile')).body.data).toMatchObject({ id: 'hTBN7n6lkmkhMb6LYqEBZw', name: 'Other', phone: '+33999999999' });
	});

	it('GET /company/credits: balance and subscription; setCredits merges', async () => {
		const { status, body } = await api('GET', '/company/credits');
		expect(status).toBe(200);
		expect(body).toEqual({
			error: false,
			message: 'Success',
			data: { current_credits: 847, subscription: { plan: 'Professional', status: 'active', expires_at: '2024-02-15T23:59:59Z' } },
		});
		server.setCredits({ current_credits: 3, subscription: { status: 'expired' } });
		expect((await api('GET', '/company/credits')).body.data).toEqual({
			current_credits: 3,
			subscription: { plan: 'Professional', status: 'expired', expires_at: '2024-02-15T23:59:59Z' },
		});
	});

	it('GET /company/users: every user (inactive too) with message and no pagination; page and limit are ignored', async () => {
		expect((await api('GET', '/company/users')).body).toEqual({ error: false, message: 'Success', data: [] });
		server.seedUser('abc123def456ghi789');
		for (let i = 0; i < 25; i++) server.seedUser(`user_${i}`, { email: `u${i}@example.com`, is_active: i % 2 === 0, last_activity: null });
		const { status, body } = await api('GET', '/company/users?page=2&limit=1');
		expect(status).toBe(200);
		expect(Object.keys(body)).toEqual(['error', 'message', 'data']);
		expect(body.pagination).toBeUndefined();
		expect(body.data).toHaveLength(26);
		expect(body.data[0]).toEqual({
			id: 'abc123def456ghi789',
			email: 'john.doe@example.com',
			firstname: 'John',
			lastname: 'Doe',
			is_active: true,
			created_at: '2023-01-15T10:30:00Z',
			last_activity: '2024-01-15T14:30:00Z',
		});
		expect(body.data[2]).toMatchObject({ id: 'user_1', is_active: false, last_activity: null });
	});

	it('users need users:read, not company:read; profile and credits need company:read, not users:read', async () => {
		const companyOnly = await getToken(['company:read']);
		const usersOnly = await getToken(['users:read']);
		const users = await api('GET', '/company/users', undefined, { token: companyOnly });
		expect(users.status).toBe(403);
		expect(users.body).toEqual({ error: true, message: 'Required scope "users:read" not found in token', code: 403 });
		expect((await api('GET', '/company/users', undefined, { token: usersOnly })).status).toBe(200);
		for (const path of ['/company/profile', '/company/credits']) {
			const answer = await api('GET', path, undefined, { token: usersOnly });
			expect(answer.status).toBe(403);
			expect(answer.body).toEqual({ error: true, message: 'Required scope "company:read" not found in token', code: 403 });
			expect((await api('GET', path, undefined, { token: companyOnly })).status).toBe(200);
		}
		for (const [method, path, body] of [['GET', '/company'], ['GET', '/company/statistics'], ['PUT', '/company/profile', {}]] as const) {
			expect((await api(method, path, body)).body.message).toBe('Endpoint not found');
		}
	});
});

describe('scopes, authentication, rate limit and records', () => {
	// [method, path, body, required scope]
	const endpoints: Array<[string, string, unknown, string]> = [
		['GET', '/debtors', undefined, 'debtors:read'],
		['GET', '/debtors/dbtr_s', undefined, 'debtors:read'],
		['PUT', '/debtors/dbtr_s', { firstName: 'X' }, 'debtors:write'],
		['GET', '/creditors', undefined, 'creditors:read'],
		['GET', '/creditors/cred_s', undefined, 'creditors:read'],
		['PUT', '/creditors/cred_s', { name: 'X' }, 'creditors:write'],
		['PATCH', '/creditors/cred_s', { name: 'X' }, 'creditors:write'],
		['GET', '/reports', undefined, 'reports:read'],
		['GET', '/reports/report_s', undefined, 'reports:read'],
		['GET', '/reports/download/report_s', undefined, 'reports:read'],
		['GET', '/company/profile', undefined, 'company:read'],
		['GET', '/company/credits', undefined, 'company:read'],
		['GET', '/company/users', undefined, 'users:read'],
	];

	const seed = () => {
		server.seedDebtor('dbtr_s');
		server.seedCreditor('cred_s');
		server.seedReport('report_s');
	};

	it.each(endpoints)('%s %s: 403 without %s (every other scope granted), 200 with it', async (method, path, body, scope) => {
		seed();
		const without = await getToken(SCOPES.filter((s) => s !== scope));
		const refused = await api(method, path, body, { token: without });
		expect(refused.status).toBe(403);
		expect(refused.body).toEqual({ error: true, message: `Required scope "${scope}" not found in token`, code: 403 });
		expect(server.debtors.get('dbtr_s')!.firstName).toBe('John');
		expect(server.creditors.get('cred_s')!.name).toBe('Creditor cred_s');
		const allowed = await api(method, path, body, { token: await getToken([scope]) });
		expect(allowed.status).toBe(200);
	});

	it('the default client has neither the new scopes nor can it get them', async () => {
		expect(DEFAULT_CLIENT.scopes).toEqual(['followups:read', 'followups:write']);
		seed();
		const followupsOnly = await getToken(DEFAULT_CLIENT.scopes, DEFAULT_CLIENT);
		for (const [method, path, body, scope] of endpoints) {
			expect((await api(method, path, body, { token: followupsOnly })).body.message).toBe(`Required scope "${scope}" not found in token`);
		}
		const response = await fetch(`${url}/token`, {
			method: 'POST',
			headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
			body: new URLSearchParams({ grant_type: 'client_credentials', client_id: DEFAULT_CLIENT.clientId, client_secret: DEFAULT_CLIENT.clientSecret, scope: 'creditors:write' }).toString(),
		});
		expect(response.status).toBe(400);
		expect(await response.json()).toEqual({ error: 'invalid_scope', error_description: 'The client may not request: creditors:write' });
	});

	it('401 without a valid token on every new endpoint', async () => {
		for (const [method, path, body] of endpoints) {
			const { status, body: answer } = await api(method, path, body, { token: 'at_nope' });
			expect(status).toBe(401);
			expect(answer).toEqual({ error: true, message: 'Authentication credentials are missing or invalid', code: 401 });
		}
	});

	it('reads count against the read limit only (GET /followups/{id} included), writes against the write limit and get 429 past it', async () => {
		seed();
		server.seedFollowup('fu_read');
		const followups = await getToken(['followups:read']);
		expect((await api('GET', '/followups/fu_read', undefined, { token: followups })).status).toBe(200);
		let reads = 1;
		for (const [method, path, body] of endpoints.filter(([method]) => method === 'GET')) {
			const answer = await api(method, path, body);
			reads++;
			expect(answer.status).toBe(200);
			expect(answer.headers.get('x-ratelimit-limit')).toBe('1000');
			expect(answer.headers.get('x-ratelimit-remaining')).toBe(String(1000 - reads));
			expect(answer.headers.get('x-ratelimit-window')).toBe('3600');
		}
		expect(server.quotaState('reads', ALL.clientId).count).toBe(reads);
		expect(writesCounted()).toBe(0);
		const write = await api('PATCH', '/creditors/cred_s', { city: 'Lyon' });
		expect(write.headers.get('x-ratelimit-limit')).toBe('500');
		expect(write.headers.get('x-ratelimit-remaining')).toBe('499');
		expect(writesCounted()).toBe(1);
		server.setQuota('writes', { used: 500, usedAgoSeconds: 1800 }, ALL.clientId);
		for (const [method, path, body] of endpoints.filter(([method]) => method !== 'GET')) {
			const answer = await api(method, path, body);
			expect(answer.status).toBe(429);
			expect(answer.body).toMatchObject({ error: true, message: 'Rate limit exceeded. Please try again later.', code: 429, details: { limit: 500 } });
			expect(answer.body.details.retry_after).toBeGreaterThan(1790);
			expect(answer.body.details.retry_after).toBeLessThanOrEqual(1800);
		}
		expect(server.debtors.get('dbtr_s')!.firstName).toBe('John');
		expect(server.creditors.get('cred_s')!.name).toBe('Creditor cred_s');
	});

	it('records every request with the same entry shape as the followup and debt endpoints', async () => {
		seed();
		server.seedDebt('debt_s');
		const reference = await getToken(['debts:read']);
		await api('GET', '/debts/debt_s', undefined, { token: reference });
		for (const [method, path, body] of endpoints) await api(method, path, body);
		const [debtEntry, ...entries] = server.requests;
		expect(entries).toHaveLength(endpoints.length);
		entries.forEach((entry, i) => {
			const [method, path, body] = endpoints[i];
			expect(Object.keys(entry).sort()).toEqual(Object.keys(debtEntry).sort());
			expect(entry).toMatchObject({ method, path: `${API}${path}`, rawPath: `${API}${path}`, status: 200, token, query: {} });
			expect(entry.headers).toEqual({
				authorization: `Bearer ${token}`,
				'content-type': body === undefined ? undefined : 'application/json',
				accept: 'application/json',
			});
			expect(entry.body).toEqual(body);
			expect(entry.rawBody).toBe(body === undefined ? '' : JSON.stringify(body));
			expect(entry.endedAt).toBeGreaterThanOrEqual(entry.startedAt);
		});
	});

	it('injected faults apply to the new endpoints too', async () => {
		server.injectFaults({ status: 503, match: (r) => r.path.startsWith(`${API}/company`) });
		expect((await api('GET', '/company/users')).status).toBe(503);
		expect(server.requests[0].fault).toBe(503);
	});
});
