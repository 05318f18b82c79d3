'use strict';

/*
 * Debtor, Creditor, Report (Download as binary), Company and User inside real
 * n8n, on every pinned n8n version, against the GetBill-like server and its
 * file host (another port, which records the headers it receives).
 */

const fs = require('fs');

const { versionsFor } = require('./lib/setup');
const W = require('./lib/workflows');
const { succeeded, useSuite } = require('./lib/run');

jest.setTimeout(180000);

const SCOPES = ['debtors:read', 'debtors:write', 'creditors:read', 'creditors:write', 'reports:read', 'company:read', 'users:read'];
const CRED = { id: 'gbRestCred000001', name: 'GetBill sandbox (all resources)' };
/** A small spreadsheet-like file with every byte value, so any re-encoding shows. */
const FILE = Buffer.concat([Buffer.from('PK\u0003\u0004'), Buffer.from(Array.from({ length: 256 }, (_, i) => i)), Buffer.from('end of report')]);

function workflows() {
	const chain = (id, name, resource, parameters, onError) =>
		W.chain(id, name, [W.manualTrigger(), W.getBillNode('GetBill', { credential: CRED, parameters: { resource, ...parameters }, onError })]);
	return [
		chain('gbRestDownload01', 'E2E: download a report', 'report', { operation: 'download', reportId: 'report_e2e_xlsx' }),
		chain('gbRestReports001', 'E2E: list reports of a type', 'report', { operation: 'getAll', returnAll: true, filters: { type: 'collection' } }),
		chain('gbRestReport0001', 'E2E: get a report', 'report', { operation: 'get', reportId: 'report_e2e_xlsx' }),
		chain('gbRestDebtorGet1', 'E2E: get a debtor', 'debtor', { operation: 'get', debtorId: 'dbtr_e2e_1' }),
		chain('gbRestDebtorBad1', 'E2E: debtor update with an invalid date', 'debtor', {
			operation: 'update',
			debtorId: 'dbtr_e2e_1',
			updateFields: { dateOfBirth: '31/12/1985' },
		}),
		chain('gbRestDebtorUpd1', 'E2E: update a debtor', 'debtor', {
			operation: 'update',
			debtorId: 'dbtr_e2e_1',
			updateFields: { phone: '+33698765432', dateOfBirth: '1985-12-31' },
		}),
		chain('gbRestDebtors001', 'E2E: list debtors, every page', 'debtor', { operation: 'getAll', returnAll: true }),
		chain('gbRestCredGet001', 'E2E: get a creditor', 'creditor', { operation: 'get', creditorId: 'cred_e2e_1' }),
		chain('gbRestCredUpd001', 'E2E: update a creditor', 'creditor', { operation: 'update', creditorId: 'cred_e2e_1', updateFields: { contactPerson: 'Jane Smith' } }),
		chain('gbRestCreds00001', 'E2E: list creditors', 'creditor', { operation: 'getAll', limit: 3 }),
		chain('gbRestProfile001', 'E2E: company profile', 'company', { operation: 'getProfile' }),
		chain('gbRestCredits001', 'E2E: company credits', 'company', { operation: 'getCredits' }),
		chain('gbRestUsers00001', 'E2E: company users, limit', 'user', { operation: 'getAll', limit: 2 }),
	];
}

// Newest pinned n8n only (GETBILL_E2E_FULL=1: every version): nothing here depends on what differs between versions (test/e2e/README.md).
const versions = versionsFor('newest');

describe.each(versions)('Debtor, Creditor, Report, Company, User in n8n %s', (version) => {
	const suite = useSuite({
		version,
		name: 'rest',
		scopes: SCOPES,
		credential: CRED,
		workflows: workflows(),
		seed: (server) => {
			server.seedReport('report_e2e_xlsx', {
				type: 'collection',
				title: 'Collection statistics',
				filename: 'collection_2024_01.xlsx',
				mime_type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
				content: FILE,
			});
			server.seedReport('report_e2e_pdf');
			server.seedDebtor('dbtr_e2e_1', { firstName: 'Jane', lastName: 'Smith', dateOfBirth: '1985-03-12' });
			for (let i = 0; i < 150; i++) server.seedDebtor(`dbtr_e2e_list_${String(i).padStart(3, '0')}`);
			server.seedCreditor('cred_e2e_1', { name: 'Acme Collections', city: 'Lyon', country: 'France' });
			for (let i = 0; i < 5; i++) server.seedCreditor(`cred_e2e_list_${i}`);
			for (let i = 0; i < 4; i++) server.seedUser(`user_e2e_${i}`, { email: `agent${i}@example.com` });
		},
	});
	const { execute, report } = suite;


	test('Report Download: the binary equals the served file; no Authorization header reached the file host', async () => {
		const r = await execute('gbRestDownload01');
		const [item] = succeeded(r);
		expect(r.api.map((q) => [q.method, q.path])).toEqual([['GET', '/external-api/v1/reports/download/report_e2e_xlsx']]);
		expect(r.files).toHaveLength(1);
		expect(r.files[0]).toMatchObject({ method: 'GET', status: 200 });
		const headerNames = Object.keys(r.files[0].headers).map((h) => h.toLowerCase());
		expect(headerNames).not.toContain('authorization');
		expect(JSON.stringify(r.files[0].headers)).not.toMatch(/bearer/i);
		expect(item.json).toMatchObject({ id: 'report_e2e_xlsx', filename: 'collection_2024_01.xlsx' });
		expect(item.json.download_url).toBeUndefined();
		const binary = item.binary.data;
		expect(binary).toMatchObject({ fileName: 'collection_2024_01.xlsx', mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' });
		// n8n prints binary data inline (base64) or as a reference to its binary store: read it either way.
		const bytes = binary.id ? fs.readFileSync(binaryPath(binary.id)) : Buffer.from(binary.data, 'base64');
		expect(bytes.equals(FILE)).toBe(true);
		report.cases.download = { fileRequestHeaders: r.files[0].headers, binary: { ...binary, data: `${bytes.length} bytes` } };
	});

	/** Where n8n's filesystem binary mode keeps a file (`filesystem-v2:<path>`). */
	function binaryPath(id) {
		const rel = String(id).replace(/^filesystem(-v2)?:/, '');
		return [`${suite.n8n.dataDir}/binaryData/${rel}`, `${suite.n8n.dataDir}/storage/${rel}`].find((p) => fs.existsSync(p)) ?? rel;
	}

	test('Report Get and Get Many (type filter)', async () => {
		expect(succeeded(await execute('gbRestReport0001'))[0].json).toMatchObject({ id: 'report_e2e_xlsx', type: 'collection' });
		const listed = await execute('gbRestReports001');
		expect(succeeded(listed).map((o) => o.json.id)).toEqual(['report_e2e_xlsx']);
		expect(listed.api[0].query).toMatchObject({ type: 'collection' });
	});

	test('Debtor Get outputs the debtor unwrapped (GetBill wraps it twice)', async () => {
		const out = succeeded(await execute('gbRestDebtorGet1'));
		expect(out.map((o) => o.json)).toEqual([expect.objectContaining({ id: 'dbtr_e2e_1', firstName: 'Jane', dateOfBirth: '1985-03-12' })]);
		expect(out[0].json.data).toBeUndefined();
	});

	test('Debtor Update with an invalid date is refused before any request', async () => {
		const r = await execute('gbRestDebtorBad1');
		expect(r.run.data.resultData.error.message).toBe('Date of Birth (dateOfBirth) is not a valid date: "31/12/1985" [item 0]');
		expect(r.api).toEqual([]);
	});

	test('Debtor Update sends the camelCase fields and outputs the debtor unwrapped', async () => {
		const r = await execute('gbRestDebtorUpd1');
		const out = succeeded(r);
		expect(r.api.map((q) => [q.method, q.path, JSON.parse(q.rawBody)])).toEqual([
			['PUT', '/external-api/v1/debtors/dbtr_e2e_1', { phone: '+33698765432', dateOfBirth: '1985-12-31' }],
		]);
		expect(out[0].json).toMatchObject({ id: 'dbtr_e2e_1', phone: '+33698765432', dateOfBirth: '1985-12-31' });
	});

	test('Debtor Get Many reads every page', async () => {
		const r = await execute('gbRestDebtors001');
		expect(succeeded(r)).toHaveLength(suite.server.debtors.size);
		expect(r.api.map((q) => q.query.page)).toEqual(['1', '2']);
	});

	test('Creditor Get (unwrapped), Update (PATCH of the field given), Get Many (limit)', async () => {
		expect(succeeded(await execute('gbRestCredGet001'))[0].json).toMatchObject({ id: 'cred_e2e_1', name: 'Acme Collections', totalDebts: expect.any(Number) });
		const updated = await execute('gbRestCredUpd001');
		expect(updated.api.map((q) => [q.method, JSON.parse(q.rawBody)])).toEqual([['PATCH', { contactPerson: 'Jane Smith' }]]);
		expect(succeeded(updated)[0].json).toMatchObject({ name: 'Acme Collections', city: 'Lyon', contactPerson: 'Jane Smith' });
		expect(succeeded(await execute('gbRestCreds00001'))).toHaveLength(3);
	});

	test('Company Get Profile and Get Credits; User Get Many with a limit applied by the node', async () => {
		expect(succeeded(await execute('gbRestProfile001'))[0].json).toMatchObject({ id: expect.any(String), name: expect.any(String) });
		expect(succeeded(await execute('gbRestCredits001'))[0].json).toMatchObject({ current_credits: expect.any(Number) });
		const users = await execute('gbRestUsers00001');
		expect(succeeded(users)).toHaveLength(2);
		expect(users.api.map((q) => q.path)).toEqual(['/external-api/v1/company/users']);
	});
});
