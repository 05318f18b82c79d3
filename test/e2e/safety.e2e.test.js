'use strict';

/*
 * The five defects of the review (issue #9) inside real n8n (the newest pinned version;
 * every version with GETBILL_E2E_FULL=1), on the run's shared n8n server: creates are
 * never sent after a failure that stops the run, a stopped execution sends nothing more,
 * a credential that was never connected says so, Input Fields to Ignore, and IDs made of
 * dots.
 *
 * Runs are started like the editor's "Execute workflow" (SharedN8n#execute); the stop
 * case is a published Webhook → GetBill workflow whose execution timeout (1 s) stops it
 * while GetBill's retry_after holds it; n8n's debug log (the shared server's log file,
 * each line with the time it was printed) says when n8n cancelled the execution and when
 * the GetBill node ended.
 */

const { GetBillServer } = require('../server/getbill-server');
const { sleep } = require('./lib/n8n');
const { sharedN8n } = require('./lib/shared');
const { versionsFor, writeReport } = require('./lib/setup');
const W = require('./lib/workflows');
const { executeRecorded, outputOf } = require('./lib/run');

jest.setTimeout(120000);

const CRED = { id: 'gbSafeCred000001', name: 'GetBill sandbox' };
const CRED_UNCONNECTED = { id: 'gbSafeCredUncon1', name: 'GetBill (authorization code, never connected)' };
const STOP_WEBHOOK_ID = '3d5a3f7e-9b0c-4d61-8f1e-6c2a7b9d0e42';
const STOP_PATH = 'getbill-stop-e2e';
const STOP_IDS = ['stop00000001', 'stop00000002', 'stop00000003'];
/** The stop case's follow-up request (a followup of its own, not one of STOP_IDS). */
const FOLLOW_UP_ID = 'stopafter001';
/** GetBill's retry_after in the stop case (s): the old node slept that long, then sent the other items. */
const RETRY_AFTER_S = 5;
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
	if (!error) throw new Error(`expected the execution to fail: execution ${r.executionId}, status ${r.run?.status}`);
	return error;
}

// Newest pinned n8n only (GETBILL_E2E_FULL=1: every version): the node's own behaviour on failures
// and on a stopped execution, nothing that differs between n8n versions (test/e2e/README.md).
const versions = versionsFor('newest');

describe.each(versions)('review defects (issue #9) in n8n %s', (version) => {
	let server;
	let n8n;
	const report = { version, cases: {} };

	const execute = (id) => executeRecorded(n8n, server, id);

	beforeAll(async () => {
		server = new GetBillServer({ followupIds: ['ignore000001', ...STOP_IDS, FOLLOW_UP_ID] });
		await server.start();
		for (const { debt } of CREATE_ITEMS) if (debt !== 'debt_e2e_missing') server.seedDebt(debt);
		server.seedDebt('debt_e2e_2');
		n8n = await sharedN8n(version);
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
	}, 300000);

	afterAll(async () => {
		// Unpublished, so that the shared server's webhook path is free again.
		await n8n?.unpublish('gbSafeStop000001').catch(() => {});
		await server?.stop();
		writeReport(`safety-${version}.json`, report);
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
		const STOP = 'gbSafeStop000001';
		await n8n.publish(STOP);
		const workflowId = n8n.id(STOP);
		const hook = `${n8n.url}/webhook/${STOP_PATH}`;
		const post = async (ids) => {
			const res = await fetch(hook, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ids }) });
			await res.text();
			return res.status;
		};
		/** Waits until the workflow has `count` executions, every one ended; returns them (oldest first). */
		const ended = async (count, timeoutMs = 30000) => {
			const deadline = Date.now() + timeoutMs;
			for (;;) {
				// (Not SharedN8n#executions: its limit=250 is refused by n8n 2.41.1, "Execution limit must be between 1 and 100".)
				const filter = encodeURIComponent(JSON.stringify({ workflowId }));
				const answer = await n8n.rest(`/rest/executions?filter=${filter}&limit=100`, { raw: true });
				const list = (answer.data?.results ?? answer.results ?? []).sort((a, b) => Number(a.id) - Number(b.id));
				if (list.length >= count && list.every((e) => ['success', 'error', 'crashed', 'canceled'].includes(e.status) && e.stoppedAt)) return list;
				if (Date.now() > deadline) throw new Error(`expected ${count} ended executions of ${STOP}, got ${JSON.stringify(list.map((e) => [e.id, e.status]))}`);
				await sleep(100);
			}
		};
		// n8n registers the production webhook shortly after publishing; the probe (no IDs) sends nothing.
		await n8n.waitForProductionUrl(hook);
		const probes = (await ended(1)).length;
		server.injectFaults({
			status: 429,
			body: { error: true, message: 'Rate limit exceeded. Please try again later.', code: 429, details: { retry_after: RETRY_AFTER_S } },
			match: (req) => req.path.endsWith(`/${STOP_IDS[0]}`),
		});
		const before = server.requests.length;
		const started = Date.now();
		expect(await post(STOP_IDS)).toBe(200);

		// The execution ends (n8n cancels it after 1 s) and is recorded as ended.
		const stoppedRun = (await ended(probes + 1)).at(-1);
		expect(stoppedRun.status).not.toBe('success');
		// n8n's debug log: when it cancelled this execution, when this workflow's GetBill node ended, what the node said.
		const logLines = () => n8n.logSince(started);
		const find = (re) => logLines().find(({ line }) => re.test(line));
		const ofWorkflow = `"workflowId": "${workflowId}"`;
		let nodeEnded;
		for (const deadline = Date.now() + 10000; !(nodeEnded = find(new RegExp(`Running node "GetBill" finished.*${ofWorkflow}`))) && Date.now() < deadline; ) await sleep(100);
		const cancelled = find(new RegExp(`Cancelling execution.*"executionId": "${stoppedRun.id}"`));
		// The node's own line names no workflow: the last one printed before this node ended.
		const stopped = nodeEnded && logLines().filter(({ at, line }) => at <= nodeEnded.at && /GetBill: the execution was stopped/.test(line)).at(-1);
		const refused = server.requests[before];
		report.cases.stop = {
			executionId: stoppedRun.id,
			executionStatus: stoppedRun.status,
			cancelledAtMs: cancelled && cancelled.at - started,
			nodeEndedAtMs: nodeEnded && nodeEnded.at - started,
			nodeLog: stopped?.line,
		};
		// The node ended within about a second of n8n cancelling the execution (1 s timeout), not after GetBill's 5 s.
		expect(cancelled).toBeDefined();
		expect(nodeEnded).toBeDefined();
		expect(nodeEnded.at - cancelled.at).toBeLessThan(1500);
		expect(stopped?.line).toMatch(/1 of 3 items done, no further request sent/);
		expect(refused).toMatchObject({ path: `/external-api/v1/followups/${STOP_IDS[0]}`, status: 429 });

		// Nothing more is sent, also once the retry_after the old node slept through is over: past that
		// deadline (the 429's answer + 5 s, and a margin), a follow-up request to the same webhook must be
		// the very next request GetBill gets, and its execution must have updated its own followup.
		const retryDeadline = (refused.endedAt ?? refused.startedAt) + RETRY_AFTER_S * 1000 + 500;
		await sleep(Math.max(0, retryDeadline - Date.now()));
		expect(await post([FOLLOW_UP_ID])).toBe(200);
		const followUpRun = (await ended(probes + 2)).at(-1);
		expect(followUpRun.status).toBe('success');
		const api = server.requests.slice(before).filter((q) => !q.path.endsWith('/token'));
		report.cases.stop.requests = api.map((q) => ({ path: q.path, status: q.status, atMs: q.startedAt - started }));
		expect(api.map((q) => [q.path, q.status])).toEqual([
			[`/external-api/v1/followups/${STOP_IDS[0]}`, 429],
			[`/external-api/v1/followups/${FOLLOW_UP_ID}`, 200],
		]);
		expect(api[1].startedAt).toBeGreaterThanOrEqual(retryDeadline);
		expect(server.getFollowup(FOLLOW_UP_ID).status).toBe('sent');
		expect(STOP_IDS.map((id) => server.getFollowup(id).status)).not.toContain('sent');
	}, 180000);
});
