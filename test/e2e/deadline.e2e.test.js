'use strict';

/*
 * Issue #31, point 3 inside real n8n (the shared server of the newest pinned
 * version), GetBill nodes of version 2 against the GetBill-like server whose
 * answer to a create stalls (`stallAnswers`: the followup is created, its
 * answer never comes):
 *
 * - Timeout 3 s: two followup creates, item 1's answer stalls. The run ends
 *   about 3 s after that POST (not n8n's 300 s), failed, its error naming item
 *   1's outcome as unknown, what to check in GetBill, and item 0 as done; the
 *   POST was not sent again, item 1's followup exists on the server.
 * - Stop: the same create, Timeout at its default (120 s), stopped with the
 *   editor's Stop (`POST /rest/executions/:id/stop`) once GetBill has the
 *   POST. n8n saves the execution as cancelled at once; the node ends within
 *   its grace (750 ms) and says the outcome is unknown in n8n's log (n8n
 *   keeps the execution as it was at the stop: the report has what it holds).
 *
 * The unit tests of the same with n8n-core's engine: test/transport/deadline.test.ts.
 */

const { versionsFor } = require('./lib/setup');
const W = require('./lib/workflows');
const { outputOf, useSuite } = require('./lib/run');

jest.setTimeout(120000);

const SCOPES = ['debts:read', 'debts:write', 'followups:read', 'followups:write'];
const CRED = { id: 'gbDeadlineCred01', name: 'GetBill sandbox (deadline)' };
const DEBT = 'debt_e2e_deadline';

const v2 = (parameters) => W.getBillNode('GetBill', { credential: CRED, parameters, typeVersion: 2 });
const creates = (id, name, items, options) =>
	W.chain(id, name, [
		W.manualTrigger(),
		W.codeItems('Calls', items),
		v2({ operation: 'create', debtId: W.idLocator('={{ $json.debt }}'), additionalFields: { summary: '={{ $json.summary }}' }, options }),
	]);

function workflows() {
	return [
		creates('gbDeadlineTime01', 'E2E deadline: 2 followup creates, item 1 stalls, Timeout 3 s', [0, 1].map((n) => ({ debt: DEBT, summary: `timeout ${n}` })), { timeout: 3 }),
		creates('gbDeadlineStop01', 'E2E deadline: a followup create that stalls, stopped', [{ debt: DEBT, summary: 'stopped 0' }], {}),
	];
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
/** Waits for `probe()` to be truthy (every 20 ms, at most `ms`). */
async function until(probe, ms, what) {
	for (const deadline = Date.now() + ms; ; await sleep(20)) {
		const value = probe();
		if (value) return value;
		if (Date.now() > deadline) throw new Error(`waited ${ms} ms for ${what}`);
	}
}
const posts = (server, from) => server.requests.slice(from).filter((q) => q.method === 'POST' && q.path.startsWith('/external-api/'));
const followupsWith = (server, summary) => [...server.followups.values()].filter((f) => f.summary === summary);

// Newest pinned n8n only (GETBILL_E2E_FULL=1: every version): the node's own deadline code on n8n's request helper (test/e2e/README.md).
const versions = versionsFor('newest');

describe.each(versions)('Deadlines in n8n %s', (version) => {
	const suite = useSuite({
		version,
		name: 'deadline',
		scopes: SCOPES,
		credential: CRED,
		workflows: workflows(),
		seed: (server) => server.seedDebt(DEBT),
	});
	const { report } = suite;

	test('a create whose answer stalls: the run ends at the Timeout (3 s), item 1 named as outcome unknown, not sent again', async () => {
		const { server } = suite;
		let seen = 0;
		server.stallAnswers({ match: (q) => q.method === 'POST' && ++seen === 2 });
		const before = server.requests.length;
		const r = await suite.execute('gbDeadlineTime01');
		const sent = posts(server, before);
		expect(sent.map((q) => [JSON.parse(q.rawBody).summary, q.stalled])).toEqual([
			['timeout 0', undefined],
			['timeout 1', true],
		]);
		// GetBill did create it: exactly once, as the node did not send it again.
		expect(followupsWith(server, 'timeout 1')).toHaveLength(1);
		const [first] = followupsWith(server, 'timeout 0');
		expect(r.run.status).toBe('error');
		const error = r.run.data.resultData.error;
		expect(error.message).toBe('Outcome unknown: GetBill did not answer within 3 seconds [item 1]');
		expect(error.description).toBe(
			'The request to create a followup for debt "debt_e2e_deadline" was sent, but no complete answer came within the Timeout (3 seconds), so whether GetBill did it is unknown; it was not sent again. ' +
				'Before sending item 1 again, check in GetBill whether the followup was created: a create sent twice makes two followups. If GetBill is often this slow, raise Timeout under Options.\n\n' +
				`Before item 1, GetBill had already done this item, which are not in the output because the run stopped: item 0 (ID "${first.id}"). Do not send them again. ` +
				"The outcome of item 1 is unknown: check it in GetBill first, then retry this execution from n8n's executions list (the node gives back what GetBill already did, but sends item 1 again), " +
				'or run again only for the items after it (no request was sent for those), with item 1 if GetBill did not do it.',
		);
		// From the stalled POST's arrival to the run's end: the Timeout, not n8n's 300 s.
		const endedAt = Date.parse(r.run.stoppedAt);
		const afterPostMs = endedAt - sent[1].startedAt;
		expect(afterPostMs).toBeGreaterThanOrEqual(2900);
		expect(afterPostMs).toBeLessThan(3000 + 1500);
		report.cases.timeout = { status: r.run.status, message: error.message, description: error.description, requests: sent.map((q) => ({ status: q.status, stalled: q.stalled, startedAt: q.startedAt })), afterPostMs, runMs: r.ms };
	});

	test('a Stop during a create that stalls: cancelled at once, the node ends within ~1 s and logs the outcome as unknown', async () => {
		const { server, n8n } = suite;
		server.stallAnswers({ match: (q) => q.method === 'POST' });
		const before = server.requests.length;
		const started = Date.now();
		const id = n8n.id('gbDeadlineStop01');
		const workflowData = await n8n.rest(`/rest/workflows/${id}`);
		const { executionId } = await n8n.rest(`/rest/workflows/${id}/run`, { method: 'POST', body: { workflowData, triggerToStartFrom: { name: 'Start' } } });
		expect(executionId).toBeTruthy();
		const [post] = await until(() => posts(server, before).length && posts(server, before), 30000, 'the POST of the create');
		await sleep(300);
		const stopAt = Date.now();
		const stopAnswer = await n8n.rest(`/rest/executions/${executionId}/stop`, { method: 'POST' });
		const stopAnsweredMs = Date.now() - stopAt;
		const r = await n8n.ended(executionId, { started, timeoutMs: 10000 });
		const endedMs = Date.now() - stopAt;
		expect(r.run.status).toBe('canceled');
		expect(endedMs).toBeLessThan(2000);
		expect(posts(server, before)).toHaveLength(1);
		expect(followupsWith(server, 'stopped 0')).toHaveLength(1);
		// The node's report, in n8n's log, within the grace of the stop (750 ms) plus the log's own delay.
		const logged = await until(() => n8n.logSince(stopAt).find(({ line }) => /GetBill: Outcome unknown: the execution was stopped before GetBill answered \[item 0\]/.test(line)), 5000, "the node's warning in n8n's log");
		const loggedMs = logged.at - stopAt;
		expect(loggedMs).toBeGreaterThanOrEqual(700);
		expect(loggedMs).toBeLessThan(2000);
		expect(logged.line).toContain(
			'n8n stopped the execution while the request to create a followup for debt "debt_e2e_deadline" was under way, and no answer came within 750 ms of the stop, so whether GetBill did it is unknown. ' +
				'Before sending item 0 again, check in GetBill whether the followup was created: a create sent twice makes two followups.',
		);
		expect(logged.line).toMatch(/warn/i);
		// What n8n kept of the execution (saved at the stop): the report says whether it holds the node's words.
		const saved = await n8n.execution(executionId);
		const runData = saved.data?.resultData?.runData?.GetBill;
		report.cases.stop = {
			executionId,
			postAt: post.startedAt,
			stopAnswer,
			stopAnsweredMs,
			endedMs,
			status: r.run.status,
			loggedMs,
			logLine: logged.line,
			savedError: saved.data?.resultData?.error ?? null,
			savedGetBillRun: runData ?? null,
			savedOutput: outputOf(saved),
		};
	});
});
