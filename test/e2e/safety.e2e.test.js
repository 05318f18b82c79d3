'use strict';

/*
 * The five defects of the review (issue #9) inside real n8n, on every pinned
 * n8n version: creates are never sent after a failure that stops the run,
 * a stopped execution sends nothing more, a credential that was never
 * connected says so, Input Fields to Ignore, and IDs made of dots.
 *
 * CLI cases run with `n8n execute`; the stop case needs a long-lived n8n
 * (`n8n execute` exits as soon as the execution is stopped, which hides a
 * node that keeps working): a published Webhook → GetBill workflow whose
 * execution timeout (1 s) stops it while GetBill's retry_after holds it.
 */

const fs = require('fs');

const { GetBillServer } = require('../server/getbill-server');
const { N8n, freshUserFolder, sleep } = require('./lib/n8n');
const { installTarball } = require('./lib/package');
const { readState, selectedVersions, writeReport, keepFolders } = require('./lib/setup');
const W = require('./lib/workflows');
const { executeRecorded, outputOf } = require('./lib/run');

jest.setTimeout(120000);

const CRED = { id: 'gbSafeCred000001', name: 'GetBill sandbox' };
const CRED_UNCONNECTED = { id: 'gbSafeCredUncon1', name: 'GetBill (authorization code, never connected)' };
const STOP_WEBHOOK_ID = '3d5a3f7e-9b0c-4d61-8f1e-6c2a7b9d0e42';
const STOP_PATH = 'getbill-stop-e2e';
const STOP_IDS = ['stop00000001', 'stop00000002', 'stop00000003'];
const CREATE_ITEMS = Array.from({ length: 10 }, (_, n) => ({ n, debt: n === 2 ? 'debt_e2e_missing' : `debt_e2e_${n}` }));
const EVENT = { type: 'followup.updated', data: { id: 'ignore000001' }, status: 'deal_found', summary: 'From a GetBill event' };

function workflows() {
	const op = (parameters, o = {}) => W.getBillNode('GetBill', { credential: CRED, parameters, ...o });
	const stop = W.chain('gbSafeStop000001', 'E2E: a stopped execution stops', [
		W.node('Webhook', 'n8n-nodes-base.webhook', 2, { httpMethod: 'POST', path: STOP_PATH, responseMode: 'onReceived', options: {} }, { webhookId: STOP_WEBHOOK_ID }),
		// The followups come in the request body ({"ids": [...]}), so an empty probe starts nothing.
		W.node('Followups', 'n8n-nodes-base.code', 2, { jsCode: 'return ($input.first().json.body.ids ?? []).map((id) => ({ json: { id } }));' }),
		op(
			{ operation: 'update', followupId: '={{ $json.id }}', updateFields: { status: 'sent' }, options: { concurrency: 1, maxRateLimitWait: 60 } },
			{ onError: 'continueRegularOutput' },
		),
	]);
	stop.settings.executionTimeout = 1;
	return [
		W.chain('gbSafeCreate0001', 'E2E: 10 creates, item 2 fails', [
			W.manualTrigger(),
			W.codeItems('Ten debts', CREATE_ITEMS),
			op({ operation: 'create', debtId: '={{ $json.debt }}', additionalFields: { notes: '={{ "e2e create " + $json.n }}' } }),
		]),
		W.chain('gbSafeCreateBad1', 'E2E: 10 creates, item 7 invalid', [
			W.manualTrigger(),
			W.codeItems('Ten debts', CREATE_ITEMS.map((item) => ({ ...item, debt: `debt_e2e_${item.n}`, status: item.n === 7 ? 'won' : 'scheduled' }))),
			op({ operation: 'create', debtId: '={{ $json.debt }}', additionalFields: { status: '={{ $json.status }}' } }),
		]),
		W.chain('gbSafeUnconn0001', 'E2E: credential never connected', [
			W.manualTrigger(),
			W.getBillNode('GetBill', { credential: CRED_UNCONNECTED, parameters: { operation: 'update', followupId: 'ignore000001', updateFields: { status: 'sent' } } }),
		]),
		W.chain('gbSafeEventType1', 'E2E: auto-map an event with its own type', [
			W.manualTrigger(),
			W.codeItems('Event', [EVENT]),
			op({ operation: 'update', followupId: '={{ $json.data.id }}', fieldsToSend: 'autoMapInputData' }),
		]),
		W.chain('gbSafeIgnore0001', 'E2E: auto-map with Input Fields to Ignore', [
			W.manualTrigger(),
			W.codeItems('Event', [EVENT]),
			op({ operation: 'update', followupId: '={{ $json.data.id }}', fieldsToSend: 'autoMapInputData', inputFieldsToIgnore: 'type' }),
		]),
		W.chain('gbSafeDots000001', 'E2E: IDs made of dots', [
			W.manualTrigger(),
			W.codeItems('IDs', [{ id: '.' }, { id: '..' }, { id: 'ignore000001' }]),
			op({ operation: 'get', followupId: '={{ $json.id }}' }, { onError: 'continueRegularOutput' }),
		]),
		stop,
	];
}

function failedWith(r) {
	const error = r.run?.data?.resultData?.error;
	if (!error) throw new Error(`expected the execution to fail: exit ${r.code}\n${r.stdout.slice(-2000)}\n${r.stderr.slice(-2000)}`);
	return error;
}

const versions = selectedVersions();

describe.each(versions)('review defects (issue #9) in n8n %s', (version) => {
	let server;
	let n8n;
	let userFolder;
	const report = { version, cases: {} };

	const execute = (id) => executeRecorded(n8n, server, id);

	beforeAll(async () => {
		const { tarball } = readState();
		userFolder = freshUserFolder(`getbill-e2e-safety-${version}-`);
		installTarball(tarball, userFolder);
		server = new GetBillServer({ followupIds: ['ignore000001', ...STOP_IDS] });
		await server.start();
		for (const { debt } of CREATE_ITEMS) if (debt !== 'debt_e2e_missing') server.seedDebt(debt);
		server.seedDebt('debt_e2e_2');
		n8n = await new N8n({ version, userFolder }).init();
		await n8n.importCredentials([
			W.credential({ ...CRED, baseUrl: server.url }),
			{
				...CRED_UNCONNECTED,
				type: W.CREDENTIAL_TYPE,
				data: {
					baseUrl: server.url,
					grantType: 'authorizationCode',
					authUrl: `${server.url}/authorize`,
					clientId: 'test-client-id',
					clientSecret: 'test-client-secret',
					scope: 'followups:read followups:write',
				},
			},
		]);
		await n8n.importWorkflows(workflows());
		// n8n 2.x imports workflows inactive; publishing is how the CLI activates one.
		await n8n.cliOk(['publish:workflow', '--id=gbSafeStop000001']);
	}, 300000);

	afterAll(async () => {
		await n8n?.stop();
		await server?.stop();
		writeReport(`safety-${version}.json`, report);
		if (userFolder && !keepFolders()) fs.rmSync(userFolder, { recursive: true, force: true });
	});

	test('10 creates, item 2 fails: no later create is sent, and the error names the 2 created', async () => {
		server.latencyMs = 50; // concurrent creates would overlap item 2
		try {
			const r = await execute('gbSafeCreate0001');
			const error = failedWith(r);
			expect(error.message).toBe('Debt "debt_e2e_missing" not found: Debt not found');
			expect(r.api.map((q) => [q.method, JSON.parse(q.rawBody).notes, q.status])).toEqual([
				['POST', 'e2e create 0', 201],
				['POST', 'e2e create 1', 201],
				['POST', 'e2e create 2', 404],
			]);
			const created = [0, 1].map((n) => [...server.followups.values()].find((f) => f.debt_id === `debt_e2e_${n}`).id);
			expect(error.description).toContain(`item 0 (ID "${created[0]}"), item 1 (ID "${created[1]}")`);
			expect(error.description).toContain('run again only for item 2 and the items after it');
			report.cases.createStop = { requests: r.api.map((q) => `${q.method} ${q.status}`), message: error.message, description: error.description };
		} finally {
			server.latencyMs = 0;
		}
	});

	test('10 creates, item 7 invalid: the run stops before the first create', async () => {
		const r = await execute('gbSafeCreateBad1');
		expect(failedWith(r).message).toBe('Status (status) is not a value GetBill accepts: "won" [item 7]');
		expect(r.api).toEqual([]);
	});

	test('an Authorization Code credential never connected keeps n8n\'s words', async () => {
		const r = await execute('gbSafeUnconn0001');
		const error = failedWith(r);
		// n8n-core's words (2.8) or its OAuth2 client's (2.41), kept as they are.
		expect(error.message).toMatch(/^Could not update followup "ignore000001": (OAuth credentials not connected|Unable to sign without access token)$/);
		expect(error.description).toContain('connect it');
		expect(`${error.message} ${error.description}`).not.toMatch(/could not reach/i);
		expect(r.api).toEqual([]);
		report.cases.unconnected = { message: error.message, description: error.description };
	});

	test('auto-map of an event with its own "type" fails, pointing to Input Fields to Ignore', async () => {
		const r = await execute('gbSafeEventType1');
		const error = failedWith(r);
		expect(error.message).toBe('Type (type) is not a value GetBill accepts: "followup.updated" [item 0]');
		expect(error.description).toContain('"Input Fields to Ignore"');
		expect(r.api).toEqual([]);
	});

	test('with Input Fields to Ignore = type the event updates the followup; the hint names type', async () => {
		const r = await execute('gbSafeIgnore0001');
		expect(r.run?.data?.resultData?.error).toBeUndefined();
		expect(r.api.map((q) => [q.method, q.path, JSON.parse(q.rawBody)])).toEqual([
			['PUT', '/external-api/v1/followups/ignore000001', { status: 'deal_found', summary: 'From a GetBill event' }],
		]);
		const hints = (r.run.data.resultData.runData.GetBill[0].hints ?? []).map((h) => h.message);
		expect(hints).toContain('Auto-map did not send these input fields, listed in Input Fields to Ignore: type');
		report.cases.ignore = { hints };
	});

	test('IDs "." and ".." are refused before any request; the other item is read', async () => {
		const r = await execute('gbSafeDots000001');
		const out = outputOf(r.run, 'GetBill');
		expect(out.map((o) => o.json.error ?? o.json.id)).toEqual([
			'Followup ID is not a valid ID [item 0]: "."',
			'Followup ID is not a valid ID [item 1]: ".."',
			'ignore000001',
		]);
		expect(r.api.map((q) => q.path)).toEqual(['/external-api/v1/followups/ignore000001']);
	});

	test('a stopped execution (timeout 1 s) during a 5 s retry_after ends at once and sends nothing more', async () => {
		const logged = [];
		// n8n's debug log says when the GetBill node ended, and when n8n cancelled the execution.
		const plain = (line) => line.replace(/\x1b\[[0-9;]*m/g, '').trim();
		await n8n.start({
			env: { N8N_LOG_LEVEL: 'debug' },
			onOutput: (text) => text.split('\n').forEach((line) => plain(line) && logged.push({ at: Date.now(), line: plain(line) })),
		});
		const hook = `${n8n.url}/webhook/${STOP_PATH}`;
		const post = async (ids) => {
			const res = await fetch(hook, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ids }) });
			await res.text();
			return res.status;
		};
		// n8n registers the production webhook shortly after the editor is up; an empty probe sends nothing.
		const deadline = Date.now() + 60000;
		while ((await post([])) === 404) {
			if (Date.now() > deadline) throw new Error(`${hook} still 404 after 60 s:\n${n8n.serverOutput().slice(-3000)}`);
			await sleep(250);
		}
		server.injectFaults({
			status: 429,
			body: { error: true, message: 'Rate limit exceeded. Please try again later.', code: 429, details: { retry_after: 5 } },
			match: (req) => req.path.endsWith(`/${STOP_IDS[0]}`),
		});
		const before = server.requests.length;
		const started = Date.now();
		expect(await post(STOP_IDS)).toBe(200);
		// Past the 5 s wait: the node of the old code woke up and sent the two other items (On Error: Continue).
		await sleep(8000);
		const api = server.requests.slice(before).filter((q) => !q.path.endsWith('/token'));
		const find = (re) => logged.find(({ at, line }) => at >= started && re.test(line));
		const cancelled = find(/Cancelling execution/);
		const nodeEnded = find(/Running node "GetBill" finished/);
		const stopped = find(/GetBill: the execution was stopped/);
		report.cases.stop = {
			requests: api.map((q) => ({ path: q.path, status: q.status, atMs: q.startedAt - started })),
			cancelledAtMs: cancelled && cancelled.at - started,
			nodeEndedAtMs: nodeEnded && nodeEnded.at - started,
			nodeLog: stopped?.line,
		};
		// The node ended within about a second of n8n cancelling the execution (1 s timeout), not after GetBill's 5 s.
		expect(nodeEnded).toBeDefined();
		expect(nodeEnded.at - (cancelled?.at ?? started + 1000)).toBeLessThan(1500);
		expect(stopped?.line).toMatch(/1 of 3 items done, no further request sent/);
		expect(api.map((q) => [q.path, q.status])).toEqual([[`/external-api/v1/followups/${STOP_IDS[0]}`, 429]]);
		expect(STOP_IDS.map((id) => server.getFollowup(id).status)).not.toContain('sent');
	}, 180000);
});
