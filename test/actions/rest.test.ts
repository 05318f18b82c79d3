/**
 * Resources Debtor, Creditor, Report (with the file), Company and User, run by
 * n8n-core's real engine and helpers against the GetBill-like server.
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { newCredentials, runGetBill } from '../helpers/n8n-harness';
import { useGetBillServer } from '../helpers/server';

const SCOPES = ['debtors:read', 'debtors:write', 'creditors:read', 'creditors:write', 'reports:read', 'company:read', 'users:read'];
const gb = useGetBillServer({ clients: [{ clientId: 'test-client-id', clientSecret: 'test-client-secret', scopes: SCOPES }] });
const { server } = gb;

type Extra = { items?: IDataObject[]; onError?: 'continueRegularOutput'; timezone?: string; scope?: string };
const run = (resource: string, operation: string, parameters: IDataObject = {}, extra: Extra = {}) =>
	runGetBill({
		credentials: newCredentials(gb.url, { scope: extra.scope ?? SCOPES.join(' ') }),
		parameters: { resource, operation, ...parameters } as INodeParameters,
		...extra,
	});
const api = () => server.requests.filter((r) => r.path.startsWith('/external-api/'));

describe('Debtor', () => {
	beforeEach(() => {
		server.seedDebtor('dbtr_1', { firstName: 'Jane', lastName: 'Smith', email: 'jane@example.com' });
		for (let i = 0; i < 120; i++) server.seedDebtor(`dbtr_list_${String(i).padStart(3, '0')}`);
	});

	it('Get outputs the debtor itself (GetBill wraps it twice)', async () => {
		const result = await run('debtor', 'get', { debtorId: 'dbtr_1' });
		expect(result.error).toBeUndefined();
		expect(result.outputs[0].map((o) => o.json)).toEqual([expect.objectContaining({ id: 'dbtr_1', firstName: 'Jane', debtsCount: expect.any(Number) })]);
		expect(result.outputs[0][0].json.data).toBeUndefined();
	});

	it('Get Many reads every page', async () => {
		const result = await run('debtor', 'getAll', { returnAll: true });
		expect(result.outputs[0].length).toBe(server.debtors.size);
		expect(api().map((r) => r.query.page)).toEqual(['1', '2']);
	});

	it('Update sends camelCase fields, the date as YYYY-MM-DD, and outputs the debtor unwrapped', async () => {
		const result = await run('debtor', 'update', { debtorId: 'dbtr_1', updateFields: { lastName: 'Martin', dateOfBirth: '1985-03-12T10:00:00' } });
		expect(result.error).toBeUndefined();
		expect(api()[0]).toMatchObject({ method: 'PUT', path: '/external-api/v1/debtors/dbtr_1', body: { lastName: 'Martin', dateOfBirth: '1985-03-12' } });
		expect(result.outputs[0][0].json).toMatchObject({ id: 'dbtr_1', lastName: 'Martin', dateOfBirth: '1985-03-12' });
	});

	it.each([
		[{ dateOfBirth: '12/03/1985' }, 'Date of Birth (dateOfBirth) is not a valid date: "12/03/1985" [item 0]'],
		[{ email: 'jane@' }, 'Email (email) is not a valid email address: "jane@" [item 0]'],
		[{}, 'No field to update [item 0]'],
	])('refuses %p before any request', async (updateFields, message) => {
		const result = await run('debtor', 'update', { debtorId: 'dbtr_1', updateFields });
		expect(result.error!.message).toBe(message);
		expect(api()).toHaveLength(0);
	});

	it('names the debtor that is not found, and the debtors:read scope on a 403', async () => {
		expect((await run('debtor', 'get', { debtorId: 'dbtr_nope' })).error!.message).toMatch(/^Debtor "dbtr_nope" not found/);
		const denied = await run('debtor', 'get', { debtorId: 'dbtr_1' }, { scope: 'creditors:read' });
		expect(denied.error!.description).toContain('needs the debtors:read scope');
	});
});

describe('Creditor', () => {
	beforeEach(() => server.seedCreditor('cred_1', { name: 'Acme', city: 'Lyon', country: 'France' }));

	it('Get outputs the creditor itself (wrapped twice), Update PATCHes only the fields given', async () => {
		const got = await run('creditor', 'get', { creditorId: 'cred_1' });
		expect(got.outputs[0][0].json).toMatchObject({ id: 'cred_1', name: 'Acme', totalDebts: expect.any(Number) });
		const updated = await run('creditor', 'update', { creditorId: 'cred_1', updateFields: { contactPerson: 'Jane Smith', postalCode: '69001' } });
		expect(updated.error).toBeUndefined();
		const put = api().find((r) => r.method !== 'GET')!;
		expect([put.method, put.path, put.body]).toEqual(['PATCH', '/external-api/v1/creditors/cred_1', { postalCode: '69001', contactPerson: 'Jane Smith' }]);
		expect(updated.outputs[0][0].json).toMatchObject({ id: 'cred_1', name: 'Acme', city: 'Lyon', contactPerson: 'Jane Smith' });
	});

	it('shows the errors array of a refused update as field details', async () => {
		server.injectFaults({
			status: 400,
			body: { error: true, message: 'Validation failed', code: 400, errors: [{ property: 'email', message: 'This value is not a valid email address.' }] },
		});
		const result = await run('creditor', 'update', { creditorId: 'cred_1', updateFields: { email: 'ops@acme.example' } });
		expect(result.error!.message).toBe('GetBill refused to update creditor "cred_1": Validation failed (email: This value is not a valid email address.)');
	});

	it('Update (PATCH) is an update: after a 503 it is sent once more, and the creditor is updated once', async () => {
		server.injectFaults({ status: 503, body: { error: true, message: 'Service unavailable', code: 503 } });
		const result = await run('creditor', 'update', { creditorId: 'cred_1', updateFields: { city: 'Paris' } });
		expect(result.error).toBeUndefined();
		const patches = api().filter((r) => r.method === 'PATCH');
		expect(patches.map((r) => r.fault ?? r.status)).toEqual([503, 200]);
		// The 503 was GetBill's answer before doing anything: the update was applied by the second request only.
		expect(patches.filter((r) => r.status === 200).map((r) => r.body)).toEqual([{ city: 'Paris' }]);
		expect(result.outputs[0]).toHaveLength(1);
		expect(result.outputs[0][0].json).toMatchObject({ id: 'cred_1', name: 'Acme', city: 'Paris' });
	});

	it('Update\'s 403 names the creditors:write scope to update creditors; its 5xx says updates are safe to repeat', async () => {
		const denied = await run('creditor', 'update', { creditorId: 'cred_1', updateFields: { city: 'Paris' } }, { scope: 'creditors:read' });
		expect(denied.error!.message).toBe('GetBill denied access: Required scope "creditors:write" not found in token');
		expect(denied.error!.description).toBe(
			'The OAuth client needs the creditors:write scope to update creditors. Add it to the Scope of the GetBill OAuth2 API credential and allow it for the client in GetBill (Company → API Client Management).',
		);
		server.injectFaults({ status: 500, body: { error: true, message: 'Internal error', code: 500 } });
		const failed = await run('creditor', 'update', { creditorId: 'cred_1', updateFields: { city: 'Paris' } });
		expect(failed.error!.message).toBe('GetBill had a server error (500): Internal error');
		expect(failed.error!.description).toBe('This is usually temporary. Run again later, or raise Max Retries under Options. Updates are safe to repeat.');
	});

	it('Get Many lists the creditors', async () => {
		const result = await run('creditor', 'getAll', { limit: 1 });
		expect(result.outputs[0]).toHaveLength(1);
		expect(api()[0].query).toEqual({ page: '1', limit: '1' });
	});
});

describe('Report', () => {
	const PDF = Buffer.from('%PDF-1.4\n% a GetBill report\n%%EOF\n');
	beforeEach(() => {
		server.seedReport('report_jan', { content: PDF });
		server.seedReport('report_coll', { type: 'collection', filename: 'collection.xlsx', mime_type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' });
		server.setReportDownload('report_jan', {});
	});

	it('Download fetches the link, then the file without any Authorization header, as binary data', async () => {
		const before = server.fileRequests.length;
		const result = await run('report', 'download', { reportId: 'report_jan', binaryPropertyName: 'file' });
		expect(result.error).toBeUndefined();
		const [item] = result.outputs[0];
		expect(item.json).toMatchObject({ id: 'report_jan', filename: 'financial_summary_2024_01.pdf', mime_type: 'application/pdf' });
		expect(item.json.download_url).toBeUndefined();
		expect(item.binary!.file).toMatchObject({ fileName: 'financial_summary_2024_01.pdf', mimeType: 'application/pdf' });
		expect(Buffer.from(item.binary!.file.data, 'base64').equals(PDF)).toBe(true);
		const fetched = server.fileRequests.slice(before);
		expect(fetched).toHaveLength(1);
		expect(fetched[0].status).toBe(200);
		expect(Object.keys(fetched[0].headers).map((h) => h.toLowerCase())).not.toContain('authorization');
		expect(JSON.stringify(fetched[0].headers)).not.toMatch(/Bearer|at_/);
	});

	it.each([
		[{ fileStatus: 404 }, /^The file host refused the download of report "report_jan" \(404\)/],
		[{ emptyBody: true }, /^The file of report "report_jan" is empty/],
		[{ downloadUrl: 'ftp://files.example.com/report.pdf' }, /^GetBill gave no http\(s\) download link for report "report_jan"/],
	])('a download with %p is a clear error', async (hooks, message) => {
		server.setReportDownload('report_jan', hooks);
		const result = await run('report', 'download', { reportId: 'report_jan' });
		expect(result.error!.message).toMatch(message);
	});

	it('an expired link is refused by the file host (403) and says to run again', async () => {
		const original = server.downloadLinkLifetimeSeconds;
		server.downloadLinkLifetimeSeconds = -1;
		try {
			const result = await run('report', 'download', { reportId: 'report_jan' });
			expect(result.error!.message).toMatch(/\(403\)/);
			expect(result.error!.description).toContain('expired or was already used');
		} finally {
			server.downloadLinkLifetimeSeconds = original;
		}
	});

	it('Get and Get Many (type filter) output the reports', async () => {
		const got = await run('report', 'get', { reportId: 'report_coll' });
		expect(got.outputs[0][0].json).toMatchObject({ id: 'report_coll', type: 'collection' });
		const listed = await run('report', 'getAll', { returnAll: true, filters: { type: 'collection' } });
		expect(listed.outputs[0].map((o) => o.json.id)).toEqual(['report_coll']);
		expect(api().pop()!.query).toMatchObject({ type: 'collection' });
	});
});

describe('Company and User', () => {
	it('Get Profile and Get Credits output GetBill\'s data', async () => {
		server.setCredits({ current_credits: 847 });
		const profile = await run('company', 'getProfile');
		expect(profile.outputs[0][0].json).toMatchObject({ id: expect.any(String), name: expect.any(String) });
		const credits = await run('company', 'getCredits');
		expect(credits.outputs[0][0].json).toMatchObject({ current_credits: 847, subscription: expect.objectContaining({ plan: expect.any(String) }) });
	});

	it('a 403 names company:read, and users:read for the users', async () => {
		const company = await run('company', 'getProfile', {}, { scope: 'users:read' });
		expect(company.error!.description).toContain('needs the company:read scope');
		const users = await run('user', 'getAll', { returnAll: true }, { scope: 'company:read' });
		expect(users.error!.description).toContain('needs the users:read scope');
	});

	it('User Get Many: one request (the list has no paging), Limit applied by the node', async () => {
		for (let i = 0; i < 5; i++) server.seedUser(`user_${i}`, { is_active: i !== 3 });
		const all = await run('user', 'getAll', { returnAll: true });
		expect(all.outputs[0].length).toBe(server.users.size);
		const two = await run('user', 'getAll', { limit: 2 });
		expect(two.outputs[0]).toHaveLength(2);
		expect(api().filter((r) => r.path === '/external-api/v1/company/users')).toHaveLength(2);
	});
});
