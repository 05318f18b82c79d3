'use strict';

/*
 * What any n8n this package claims to work in must show, in one short file: the harness's own
 * n8n (lane newest) or an n8n started elsewhere (GETBILL_E2E_N8N_URL, docs/any-n8n.md), which is
 * how CI runs it in the official Docker images, n8n 3.x among them (.github/workflows/ci.yml,
 * job docker). Each test is one thing n8n 3.0's published changes leave open for this package:
 *
 * - the package loads: n8n lists GetBill, its AI-tool variant, the trigger and both credentials
 *   (3.x loads unverified community packages only with N8N_UNVERIFIED_PACKAGES_ENABLED=true);
 * - one read and one write go through the OAuth2 credential (client credentials: a token from
 *   GetBill's token URL, then the requests with it); the write's Due Date is read by luxon, a
 *   runtime import of the package that must resolve inside the n8n (the image);
 * - a signed GetBill event is accepted by the trigger and starts the workflow with the event as
 *   sent (the raw body still reaches the signature check), an unsigned one is refused (401) and
 *   starts nothing;
 * - the editor draws the GetBill node's two outputs, Done and Unsent: the node's `outputs` is an
 *   expression the editor evaluates (3.x evaluates editor expressions in a new engine).
 *
 * The GetBill-like server listens on 127.0.0.1: an n8n in Docker reaches it with host networking.
 * Report: .e2e/reports/any-n8n-<version>.json.
 */

const { versionsFor, writeReport } = require('./lib/setup');
const { sharedN8n } = require('./lib/shared');
const W = require('./lib/workflows');
const { SECRET, sign, FOLLOWUP_COMPLETED } = require('./lib/events');
const { waitForRuns, outputsOfRun } = require('./lib/executions');
const { outputOf } = require('./lib/run');
const { browserSession, tid, canvasOutputHandles, settled, openInEditor } = require('./lib/browser');

jest.setTimeout(180000);

const SCOPES = ['debts:read', 'debts:write', 'followups:read', 'followups:write'];
const CRED = { id: 'gbAnyN8nCred0001', name: 'GetBill (any n8n)' };
const HOOK_CRED = { id: 'gbAnyN8nHook0001', name: 'GetBill webhook (any n8n)' };
/** This file's own: the n8n serves every file's webhooks. */
const WEBHOOK_ID = '2b8e4f1c-9d3a-4e6b-8c7f-5a1d0e9b3c42';
const DEBT = 'debt_any_n8n_01';
const GETBILL = 'GetBill';

const v2 = (parameters) => W.getBillNode(GETBILL, { credential: CRED, parameters, typeVersion: 2 });
const manual = (id, name, node) => W.chain(id, name, [W.manualTrigger(), node]);

function workflows() {
	return [
		manual('gbAnyN8nRead0001', 'E2E any n8n: get a debt', v2({ resource: 'debt', operation: 'get', debtId: W.idLocator(DEBT) })),
		manual(
			'gbAnyN8nWrite001',
			'E2E any n8n: create a debt',
			v2({ resource: 'debt', operation: 'create', firstname: 'Jane', lastname: 'Smith', amount: 120.5, currency: 'EUR', email: 'jane.smith@example.com', additionalFields: { due_date: '2024-02-10T00:00:00' } }),
		),
		W.chain('gbAnyN8nHook0001', 'E2E any n8n: GetBill Trigger', [
			W.getBillTrigger('GetBill Trigger', { events: ['followup.completed'], webhookId: WEBHOOK_ID, credential: HOOK_CRED }),
			W.noOp('Received'),
		]),
		// Never run: the editor draws it (Update with When Write Quota Runs Out = Output Unsent Items).
		manual(
			'gbAnyN8nEditor01',
			'E2E any n8n: the Unsent output',
			v2({ resource: 'followup', operation: 'update', followupId: W.idLocator('={{ $json.id }}'), updateFields: { status: 'deal_found' }, options: { whenQuotaRunsOut: 'outputUnsent' } }),
		),
	];
}

// Newest pinned n8n (GETBILL_E2E_FULL=1: every version); against an n8n started elsewhere, that one.
describe.each(versionsFor('newest'))('what any n8n must show: n8n %s', (version) => {
	let server;
	let n8n;
	let hookUrl;
	const report = { version, cases: {} };

	beforeAll(async () => {
		const { GetBillServer } = require('../server/getbill-server');
		server = new GetBillServer({ clients: [{ clientId: 'test-client-id', clientSecret: 'test-client-secret', scopes: SCOPES }] });
		await server.start();
		server.seedDebt(DEBT, { firstname: 'Zoë', lastname: 'Martin', amount: 480, currency: 'EUR' });
		n8n = await sharedN8n(version);
		await n8n.importCredentials([W.credential({ ...CRED, baseUrl: server.url, scope: SCOPES.join(' ') }), W.webhookCredential({ ...HOOK_CRED, secret: SECRET })]);
		await n8n.importWorkflows(workflows());
		await n8n.publish('gbAnyN8nHook0001');
		hookUrl = `${n8n.url}/webhook/${WEBHOOK_ID}/webhook`;
		await n8n.waitForProductionUrl(hookUrl);
	}, 300000);

	afterAll(async () => {
		if (n8n) await n8n.unpublish('gbAnyN8nHook0001').catch(() => {});
		await server?.stop();
		writeReport(`any-n8n-${version}.json`, report);
	});

	/** Runs a workflow; the GetBill node's output and what the server received during the run. */
	async function run(id) {
		const before = { api: server.requests.length, token: server.tokenRequests.length };
		const r = await n8n.execute(id);
		const api = server.requests.slice(before.api).filter((q) => q.path.startsWith('/external-api/'));
		const result = { ok: r.ok, error: r.run?.data?.resultData?.error?.message, out: outputOf(r.run, GETBILL).map((i) => i.json), api, tokens: server.tokenRequests.length - before.token };
		report.cases[id] = { ...result, api: api.map((q) => `${q.method} ${q.path}`) };
		return result;
	}

	test('the package loads: GetBill (versions 1 and 2), its AI-tool variant, the trigger and both credentials', async () => {
		const nodes = await n8n.rest('/types/nodes.json');
		const ours = nodes.filter((n) => n.name.startsWith('n8n-nodes-getbill.'));
		expect([...new Set(ours.map((n) => n.name))].sort()).toEqual(['n8n-nodes-getbill.getBill', 'n8n-nodes-getbill.getBillTool', 'n8n-nodes-getbill.getBillTrigger']);
		const getBill = ours.filter((n) => n.name === 'n8n-nodes-getbill.getBill').flatMap((n) => [n.version].flat());
		expect(getBill).toEqual(expect.arrayContaining([1, 2]));
		const credentials = (await n8n.rest('/types/credentials.json')).map((c) => c.name);
		expect(credentials).toEqual(expect.arrayContaining(['getBillOAuth2Api', 'getBillWebhookApi']));
		report.cases.loaded = { nodes: ours.map((n) => `${n.name}@${[n.version].flat().join(',')}`), n8n: version };
	});

	test('a read through the OAuth2 credential: a client-credentials token, then GET /debts/<id>, the debt simplified', async () => {
		const r = await run('gbAnyN8nRead0001');
		expect(r.error).toBeUndefined();
		expect(r.api.map((q) => `${q.method} ${q.path}`)).toEqual([`GET /external-api/v1/debts/${DEBT}`]);
		expect(r.api[0].headers.authorization).toMatch(/^Bearer \S+$/);
		expect(server.tokenRequests.length).toBeGreaterThanOrEqual(1);
		expect(r.out).toEqual([expect.objectContaining({ id: DEBT, firstname: 'Zoë', lastname: 'Martin', amount: 480 })]);
	});

	test('a write through the OAuth2 credential: Create debt sends one POST, its Due Date made a date by luxon inside this n8n', async () => {
		const r = await run('gbAnyN8nWrite001');
		expect(r.error).toBeUndefined();
		expect(r.api.map((q) => [q.method, q.path])).toEqual([['POST', '/external-api/v1/debts']]);
		expect(r.api[0].headers.authorization).toMatch(/^Bearer \S+$/);
		// '2024-02-10T00:00:00' as the editor stores a date: read by luxon (nodes/GetBill/fields/values.ts), sent as GetBill's date.
		expect(JSON.parse(r.api[0].rawBody)).toMatchObject({ firstname: 'Jane', lastname: 'Smith', amount: 120.5, currency: 'EUR', due_date: '2024-02-10' });
		expect(r.out).toEqual([expect.objectContaining({ id: expect.any(String), firstname: 'Jane', due_date: '2024-02-10' })]);
		expect(server.debts.has(r.out[0].id)).toBe(true);
	});

	test('a signed GetBill event starts the workflow with the event as sent; an unsigned one gets 401 and starts nothing', async () => {
		const post = async (signature) => {
			const res = await fetch(hookUrl, { method: 'POST', headers: { 'content-type': 'application/json', ...(signature ? { 'x-getbill-signature': signature } : {}) }, body: FOLLOWUP_COMPLETED });
			return { status: res.status, body: await res.text() };
		};
		const before = (await n8n.executions('gbAnyN8nHook0001')).length;
		const unsigned = await post(undefined);
		expect(unsigned).toEqual({ status: 401, body: JSON.stringify({ error: true, message: 'Invalid signature' }) });
		// The signed event after it: one execution, the only new one (so the unsigned one started none).
		const signed = await post(sign(FOLLOWUP_COMPLETED));
		expect(signed.status).toBe(200);
		const rows = await waitForRuns(n8n, 'gbAnyN8nHook0001', before + 1);
		expect(rows).toHaveLength(before + 1);
		const items = await outputsOfRun(n8n, rows.at(-1).id);
		// Pretty-printed, non-ASCII: only the raw bytes carry this signature, and the item is the event as sent.
		expect(items('GetBill Trigger')).toEqual([JSON.parse(FOLLOWUP_COMPLETED)]);
		report.cases.trigger = { unsigned, signed, executions: rows.length };
	});

	test('the editor draws the GetBill node with two outputs, Done and Unsent (Output Unsent Items)', async () => {
		const browser = await browserSession({ url: n8n.url, credentials: new Set([n8n.credentialId(CRED.id)]) });
		try {
			const { page } = browser;
			await openInEditor(page, `${n8n.url}/workflow/${n8n.id('gbAnyN8nEditor01')}`);
			await tid(page, 'canvas-node').filter({ hasText: GETBILL }).first().waitFor({ state: 'visible' });
			const handles = await settled(page, () => canvasOutputHandles(page, GETBILL), { until: (h) => h.length === 2, what: "GetBill's output handles" });
			report.cases.editor = { handles };
			expect(handles).toEqual([
				{ type: 'main', index: 0, label: 'Done' },
				{ type: 'main', index: 1, label: 'Unsent' },
			]);
		} finally {
			await browser.close();
		}
	});
});
