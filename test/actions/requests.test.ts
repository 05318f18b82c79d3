/**
 * Every one of the 25 operations (shared/api/endpoints.md), run by n8n-core's
 * real engine against the GetBill-like server with a fault injected: what its
 * request is (read, create, update, delete) decides whether it is sent again
 * and what its messages say.
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import type { RunResult } from '../helpers/n8n-harness';
import { newCredentials, runGetBill } from '../helpers/n8n-harness';
import { useGetBillServer } from '../helpers/server';
import { SCOPES } from '../server/getbill-server';

const gb = useGetBillServer({ clients: [{ clientId: 'test-client-id', clientSecret: 'test-client-secret', scopes: SCOPES }] });
const { server } = gb;

const JANE = { firstname: 'Jane', lastname: 'Smith', amount: 750.5, currency: 'EUR', email: 'jane.smith@example.com' };

type Kind = 'read' | 'create' | 'update' | 'delete';
interface Endpoint {
	resource: string;
	operation: string;
	/** Its (first) request to GetBill */
	method: string;
	path: string;
	/** What its request is, as endpoints.md's method says (PATCH, like PUT, an update) */
	kind: Kind;
	scope: string;
	parameters: IDataObject;
	/** Whether the ID in its path is its own parameter's (a 404 is then that record's) */
	notFound?: string;
}

const V1 = '/external-api/v1';
/** The 25 operations, in endpoints.md's terms; each on records of its own, so that they can run at once. */
const ENDPOINTS: Endpoint[] = [
	{ resource: 'debt', operation: 'getAll', method: 'GET', path: `${V1}/debts`, kind: 'read', scope: 'debts:read', parameters: { limit: 5 } },
	{ resource: 'debt', operation: 'get', method: 'GET', path: `${V1}/debts/debt_get`, kind: 'read', scope: 'debts:read', parameters: { debtId: 'debt_get' }, notFound: 'Debt "debt_get" not found' },
	{ resource: 'debt', operation: 'create', method: 'POST', path: `${V1}/debts`, kind: 'create', scope: 'debts:write', parameters: JANE },
	{ resource: 'debt', operation: 'createMany', method: 'POST', path: `${V1}/debts/batch`, kind: 'create', scope: 'debts:write', parameters: JANE },
	{
		resource: 'debt',
		operation: 'update',
		method: 'PUT',
		path: `${V1}/debts/debt_upd`,
		kind: 'update',
		scope: 'debts:write',
		parameters: { debtId: 'debt_upd', updateFields: { object: 'Invoice 7' } },
		notFound: 'Debt "debt_upd" not found',
	},
	{ resource: 'debt', operation: 'delete', method: 'DELETE', path: `${V1}/debts/debt_del`, kind: 'delete', scope: 'debts:write', parameters: { debtId: 'debt_del' }, notFound: 'Debt "debt_del" not found' },
	{
		resource: 'debt',
		operation: 'getAllByCreditor',
		method: 'GET',
		path: `${V1}/debts/by-creditor/cred_1`,
		kind: 'read',
		scope: 'debts:read',
		parameters: { creditorId: 'cred_1', limit: 5 },
		notFound: 'Creditor "cred_1" not found',
	},
	{
		resource: 'debt',
		operation: 'getAllByDebtor',
		method: 'GET',
		path: `${V1}/debts/by-debtor/dbtr_1`,
		kind: 'read',
		scope: 'debts:read',
		parameters: { debtorId: 'dbtr_1', limit: 5 },
		notFound: 'Debtor "dbtr_1" not found',
	},
	{ resource: 'followup', operation: 'getAll', method: 'GET', path: `${V1}/followups`, kind: 'read', scope: 'followups:read', parameters: { limit: 5 } },
	{ resource: 'followup', operation: 'get', method: 'GET', path: `${V1}/followups/fu_1`, kind: 'read', scope: 'followups:read', parameters: { followupId: 'fu_1' }, notFound: 'Followup "fu_1" not found' },
	{
		resource: 'followup',
		operation: 'getAllByDebt',
		method: 'GET',
		path: `${V1}/followups/debt/debt_1`,
		kind: 'read',
		scope: 'followups:read',
		parameters: { debtId: 'debt_1', limit: 5 },
		notFound: 'Debt "debt_1" not found',
	},
	// The debt's ID goes in the body; GetBill answers 404 "Debt not found" for one it does not know.
	{ resource: 'followup', operation: 'create', method: 'POST', path: `${V1}/followups`, kind: 'create', scope: 'followups:write', parameters: { debtId: 'debt_1' }, notFound: 'Debt "debt_1" not found' },
	{
		resource: 'followup',
		operation: 'update',
		method: 'PUT',
		path: `${V1}/followups/fu_1`,
		kind: 'update',
		scope: 'followups:write',
		parameters: { followupId: 'fu_1', updateFields: { status: 'sent' } },
		notFound: 'Followup "fu_1" not found',
	},
	{ resource: 'debtor', operation: 'getAll', method: 'GET', path: `${V1}/debtors`, kind: 'read', scope: 'debtors:read', parameters: { limit: 5 } },
	{ resource: 'debtor', operation: 'get', method: 'GET', path: `${V1}/debtors/dbtr_1`, kind: 'read', scope: 'debtors:read', parameters: { debtorId: 'dbtr_1' }, notFound: 'Debtor "dbtr_1" not found' },
	{
		resource: 'debtor',
		operation: 'update',
		method: 'PUT',
		path: `${V1}/debtors/dbtr_1`,
		kind: 'update',
		scope: 'debtors:write',
		parameters: { debtorId: 'dbtr_1', updateFields: { lastName: 'Martin' } },
		notFound: 'Debtor "dbtr_1" not found',
	},
	{ resource: 'creditor', operation: 'getAll', method: 'GET', path: `${V1}/creditors`, kind: 'read', scope: 'creditors:read', parameters: { limit: 5 } },
	{ resource: 'creditor', operation: 'get', method: 'GET', path: `${V1}/creditors/cred_1`, kind: 'read', scope: 'creditors:read', parameters: { creditorId: 'cred_1' }, notFound: 'Creditor "cred_1" not found' },
	{
		resource: 'creditor',
		operation: 'update',
		method: 'PATCH',
		path: `${V1}/creditors/cred_1`,
		kind: 'update',
		scope: 'creditors:write',
		parameters: { creditorId: 'cred_1', updateFields: { city: 'Paris' } },
		notFound: 'Creditor "cred_1" not found',
	},
	{ resource: 'report', operation: 'getAll', method: 'GET', path: `${V1}/reports`, kind: 'read', scope: 'reports:read', parameters: { limit: 5 } },
	{ resource: 'report', operation: 'get', method: 'GET', path: `${V1}/reports/report_1`, kind: 'read', scope: 'reports:read', parameters: { reportId: 'report_1' }, notFound: 'Report "report_1" not found' },
	{
		resource: 'report',
		operation: 'download',
		method: 'GET',
		path: `${V1}/reports/download/report_1`,
		kind: 'read',
		scope: 'reports:read',
		parameters: { reportId: 'report_1' },
		notFound: 'Report "report_1" not found',
	},
	{ resource: 'company', operation: 'getProfile', method: 'GET', path: `${V1}/company/profile`, kind: 'read', scope: 'company:read', parameters: {} },
	{ resource: 'company', operation: 'getCredits', method: 'GET', path: `${V1}/company/credits`, kind: 'read', scope: 'company:read', parameters: {} },
	{ resource: 'user', operation: 'getAll', method: 'GET', path: `${V1}/company/users`, kind: 'read', scope: 'users:read', parameters: { limit: 5 } },
];

const PLURAL: Record<string, string> = { company: 'companies' };
const run = ({ resource, operation, parameters }: Endpoint) =>
	runGetBill({
		credentials: newCredentials(gb.url, { scope: SCOPES.join(' ') }),
		parameters: { resource, operation, ...parameters } as INodeParameters,
	});
/** The requests of an operation's endpoint */
const requestsOf = ({ method, path }: Endpoint) => server.requests.filter((r) => r.method === method && r.path === path);

beforeEach(() => {
	server.seedCreditor('cred_1', { name: 'Acme' });
	server.seedDebtor('dbtr_1', { firstName: 'Jane', lastName: 'Smith' });
	for (const id of ['debt_1', 'debt_get', 'debt_upd', 'debt_del']) server.seedDebt(id, { creditor_id: 'cred_1', debtor_id: 'dbtr_1' });
	server.seedFollowup('fu_1', { debt_id: 'debt_1' });
	server.seedReport('report_1', { content: 'a report' });
	server.setReportDownload('report_1', {});
});

/**
 * Runs every operation at once, each with `fault` as the answer to its first
 * request (and only its), and gives what `check` says of each: only the
 * mismatches, with what was expected and what came.
 */
async function everyOperation(fault: { status: number; body?: unknown }, check: (endpoint: Endpoint, result: RunResult) => { expected: unknown; got: unknown }) {
	server.injectFaults(...ENDPOINTS.map(({ method, path }) => ({ ...fault, match: (r: { method: string; path: string }) => r.method === method && r.path === path })));
	const results = await Promise.all(ENDPOINTS.map(run));
	expect(server.faults).toHaveLength(0);
	return ENDPOINTS.map((endpoint, i) => ({ operation: `${endpoint.resource} ${endpoint.operation}`, ...check(endpoint, results[i]) })).filter(
		({ expected, got }) => JSON.stringify(expected) !== JSON.stringify(got),
	);
}

describe('every operation: its kind decides', () => {
	it('a 503: a read or an update is sent again (and succeeds), a create or a delete is not and says what to check', async () => {
		const wrong = await everyOperation({ status: 503, body: { error: true, message: 'Service unavailable', code: 503 } }, (endpoint, result) => {
			const repeatable = endpoint.kind === 'read' || endpoint.kind === 'update';
			const done = endpoint.kind === 'delete' ? 'deleted' : 'created';
			return {
				expected: repeatable
					? { sent: [503, 200], error: undefined }
					: { sent: [503], error: `Before running again, check in GetBill whether the ${endpoint.resource} was ${done}` },
				got: {
					sent: requestsOf(endpoint).map((r) => r.fault ?? r.status),
					error: result.error && (/Before running again[^.:]*/.exec(result.error.description ?? '')?.[0] ?? result.error.message),
				},
			};
		});
		expect(wrong).toEqual([]);
	});

	it('a 403: names the scope and what the operation does', async () => {
		const wrong = await everyOperation({ status: 403, body: { error: true, message: 'Forbidden', code: 403 } }, (endpoint, result) => ({
			expected: `The OAuth client needs the ${endpoint.scope} scope to ${endpoint.kind} ${PLURAL[endpoint.resource] ?? `${endpoint.resource}s`}.`,
			got: result.error?.description?.split(' Add it')[0],
		}));
		expect(wrong).toEqual([]);
	});
});

describe('every operation: a 404 says whose it is', () => {
	/** What a proxy, or a server that is not GetBill's API, answers: no GetBill message. */
	const BARE_404 = { status: 404, body: '<html><body>404 Not Found</body></html>' };

	it('the record of the operation\'s own ID, else the request and the Base URL (never a followup that was not asked for)', async () => {
		const wrong = await everyOperation(BARE_404, (endpoint, result) => ({
			expected: endpoint.notFound ?? `GetBill answered 404 for ${endpoint.method} ${endpoint.path}: check the Base URL of the credential`,
			got: result.error?.message,
		}));
		expect(wrong).toEqual([]);
	});

	it('the description gives the Base URL in use and says a proxy may answer 404; version 2 names the item', async () => {
		const users = ENDPOINTS.find((e) => e.resource === 'user')!;
		server.injectFaults(BARE_404);
		const result = await runGetBill({
			credentials: newCredentials(gb.url, { scope: SCOPES.join(' ') }),
			parameters: { resource: 'user', operation: 'getAll', ...users.parameters } as INodeParameters,
			typeVersion: 2,
		});
		expect(result.error!.message).toBe('GetBill answered 404 for GET /external-api/v1/company/users: check the Base URL of the credential [item 0]');
		expect(result.error!.description).toBe(
			`No GetBill endpoint answered at ${gb.url}/external-api/v1/company/users, so the request to list the company users was not carried out. ` +
				`The Base URL of the GetBill OAuth2 API credential (now ${gb.url}) must be GetBill's address alone, e.g. https://getbill.io, without /external-api/v1. ` +
				'A proxy or firewall between n8n and GetBill may also answer 404 for an address it does not pass on.',
		);
	});

	it('GetBill\'s own 404 of a record keeps GetBill\'s words; a bare one also points to the Base URL', async () => {
		const missing = await runGetBill({
			credentials: newCredentials(gb.url, { scope: SCOPES.join(' ') }),
			parameters: { resource: 'report', operation: 'get', reportId: 'report_nope' } as INodeParameters,
		});
		expect(missing.error!.message).toBe('Report "report_nope" not found: Report not found');
		expect(missing.error!.description).not.toContain('Base URL');
		server.injectFaults(BARE_404);
		const bare = await runGetBill({
			credentials: newCredentials(gb.url, { scope: SCOPES.join(' ') }),
			parameters: { resource: 'report', operation: 'get', reportId: 'report_1' } as INodeParameters,
		});
		expect(bare.error!.message).toBe('Report "report_1" not found');
		expect(bare.error!.description).toContain('The answer carried no message from GetBill, so it may not be GetBill\'s: The Base URL of the GetBill OAuth2 API credential');
	});
});
