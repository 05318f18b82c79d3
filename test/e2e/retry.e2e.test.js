'use strict';

/*
 * Issue #28 inside real n8n (points 1 and 3), GetBill nodes of version 2 on the
 * shared n8n server, against the GetBill-like server:
 *
 * - A failed execution retried from the executions list
 *   (`POST /rest/executions/:id/retry`, n8n's ExecutionService.retry) never
 *   lies about what GetBill holds. A Debt Update of 4 whose item 3 met a 503,
 *   the node corrected from amount 100 to 200 and the execution retried "with
 *   currently saved workflow": every debt holds 200 (updates are sent again),
 *   the output says 200 for each item. A Debt Create of 3 whose item 2 met a
 *   503: corrected to 200 and retried, the retry sends nothing and names the
 *   debt item 0 created with amount 100; the failed execution retried "with
 *   original workflow" sends only item 2 and gives items 0 and 1 back with the
 *   debts created first.
 * - One rule for a spent write quota, whatever told the node: with the default
 *   Stop, a quota GetBill's headers say is spent and a quota learnt from its
 *   429 are both waited for within Max Rate-Limit Wait (60 s: every item
 *   written), and both stop the run, naming the items not sent, beyond it
 *   (Max Rate-Limit Wait 1 s). The quota frees up 3 s after the run starts.
 *
 * The unit tests showing the same with n8n-core's engine:
 * test/actions/retried-execution.test.ts and test/actions/quota-rule.test.ts.
 */

const { versionsFor } = require('./lib/setup');
const W = require('./lib/workflows');
const { outputOf, useSuite } = require('./lib/run');

jest.setTimeout(180000);

const SCOPES = ['debts:read', 'debts:write', 'followups:read', 'followups:write'];
const CRED = { id: 'gbRetryCred00001', name: 'GetBill sandbox (retry)' };
const API = '/external-api/v1';

const UPDATE_IDS = ['dbt_e2e_retry_0', 'dbt_e2e_retry_1', 'dbt_e2e_retry_2', 'dbt_e2e_retry_3'];
const PEOPLE = [0, 1, 2].map((n) => ({ firstname: `Bea${n}`, email: `bea${n}@example.com` }));
const QUOTA_IDS = ['fu_e2e_retry_q0', 'fu_e2e_retry_q1', 'fu_e2e_retry_q2', 'fu_e2e_retry_q3'];
/** The write quota of the quota cases: 4 writes per 10 s, 3 (or all 4) counted 7 s ago: it frees up 3 s from now. */
const QUOTA = { limit: 4, windowSeconds: 10, usedAgoSeconds: 7 };
const FREES_IN_MS = 3000;
/** The node resumes within this of the quota freeing up (see expectWaitedFor). */
const RESUMED_WITHIN_MS = 3000;

const v2 = (parameters) => W.getBillNode('GetBill', { credential: CRED, parameters, typeVersion: 2 });
/** Sets the amount of the workflow's GetBill node (Update Fields for an update), as the user corrects it in the editor. */
const setAmount = (amount) => (wf) => {
	const node = wf.nodes.find((n) => n.name === 'GetBill');
	if (node.parameters.operation === 'update') node.parameters.updateFields = { ...node.parameters.updateFields, amount };
	else node.parameters.amount = amount;
};

/** Item indexes from an error's words: "1 to 3" → [1, 2, 3], "0, 2" → [0, 2]. */
function itemRanges(text) {
	return text.split(', ').flatMap((part) => {
		const [from, to = from] = part.split(' to ').map(Number);
		return Array.from({ length: to - from + 1 }, (_, n) => from + n);
	});
}

const updateQuota = (id, wait, options) =>
	W.chain(id, `E2E retry: 4 followup updates into a spent write quota, Stop, Max Rate-Limit Wait ${wait} s`, [
		W.manualTrigger(),
		W.codeItems('Followups', QUOTA_IDS.map((fid) => ({ id: fid, status: 'deal_found' }))),
		v2({ operation: 'update', followupId: W.idLocator('={{ $json.id }}'), fieldsToSend: 'autoMapInputData', inputFieldsToIgnore: 'id', options }),
	]);

function workflows() {
	return [
		W.chain('gbRetryUpdate001', 'E2E retry: update 4 debts, amount 100, item 3 meets a 503', [
			W.manualTrigger(),
			W.codeItems('Debts', UPDATE_IDS.map((id) => ({ id }))),
			v2({ resource: 'debt', operation: 'update', debtId: W.idLocator('={{ $json.id }}'), updateFields: { amount: 100 }, options: { maxRetries: 0, concurrency: 1 } }),
		]),
		W.chain('gbRetryCreate001', 'E2E retry: create 3 debts, amount 100, item 2 meets a 503', [
			W.manualTrigger(),
			W.codeItems('People', PEOPLE),
			v2({ resource: 'debt', operation: 'create', firstname: '={{ $json.firstname }}', lastname: 'Lee', amount: 100, currency: 'EUR', email: '={{ $json.email }}' }),
		]),
		// Stop (the default) and Max Rate-Limit Wait 60 s (the default)
		updateQuota('gbRetryQuota0060', 60, {}),
		updateQuota('gbRetryQuota0001', 1, { maxRateLimitWait: 1 }),
	];
}

/** GetBill's "temporarily unavailable" for the next request that matches, once (the fault sees method, path and raw body). */
const unavailableOnce = (server, match) =>
	server.injectFaults({ status: 503, body: { error: true, message: 'Service temporarily unavailable', code: 503 }, match });
const bodyOf = (q) => {
	try {
		return JSON.parse(q.rawBody);
	} catch {
		return undefined;
	}
};

/** The run's error, with n8n's words when the run did not fail. */
function failedWith(r) {
	const error = r.run?.data?.resultData?.error;
	if (r.ok || r.run?.status !== 'error' || !error) throw new Error(`expected a failed execution: status ${r.run?.status}\n${r.stderr.slice(-2000)}`);
	return error;
}

/** The GetBill node's items of a run that must have succeeded. */
function succeededRun(r) {
	const error = r.run?.data?.resultData?.error;
	if (!r.ok || error || r.run?.status !== 'success') throw new Error(`expected success: status ${r.run?.status}, ${error?.message ?? ''} ${error?.description ?? ''}`);
	return outputOf(r.run);
}

/** What the GetBill node left in its context for a later try, as n8n saved it with the execution. */
const memoryOf = (r) => r.run.data?.executionData?.contextData?.['node:GetBill'];

/** Each request as [method, path without the API prefix, status]. */
const log = (requests) => requests.map((q) => [q.method, q.path.slice(API.length), q.status]);

/** How a retried execution looks in n8n (for the report). */
const describeRun = (r) => ({
	executionId: r.executionId,
	mode: r.run.mode,
	status: r.run.status,
	retryOf: r.run.retryOf ?? null,
	retrySuccessId: r.run.retrySuccessId ?? null,
	nodes: Object.fromEntries(Object.entries(r.run.data?.resultData?.runData ?? {}).map(([node, runs]) => [node, runs.map((run) => ({ startTime: run.startTime, items: run.data?.main?.[0]?.length ?? 0, error: run.error?.message }))])),
	memory: memoryOf(r) ?? null,
	error: r.run.data?.resultData?.error ? { message: r.run.data.resultData.error.message, description: r.run.data.resultData.error.description } : null,
});

// Newest pinned n8n only (GETBILL_E2E_FULL=1: every version): the node's own behaviour (test/e2e/README.md).
const versions = versionsFor('newest');

describe.each(versions)('Retried executions and one quota rule in n8n %s (#28)', (version) => {
	const suite = useSuite({
		version,
		name: 'retry',
		scopes: SCOPES,
		credential: CRED,
		workflows: workflows(),
		seed: (server) => {
			for (const id of UPDATE_IDS) server.seedDebt(id, { amount: 50 });
		},
	});
	const { report } = suite;

	/** Runs a workflow (the editor's Execute workflow): what `execute` gives plus the GetBill requests it made. */
	const execute = (id) => suite.execute(id);
	/** Retries an execution as the executions list does, with the GetBill requests it made. */
	async function retry(executionId, loadWorkflow) {
		const before = suite.server.requests.length;
		const r = await suite.n8n.retry(executionId, { loadWorkflow });
		return { ...r, api: suite.server.requests.slice(before).filter((q) => q.path.startsWith(`${API}/`)) };
	}
	/** The debts GetBill holds of that first name. */
	const debtsOf = (firstname) => [...suite.server.debtRecords.values()].filter((d) => d.firstname === firstname);

	beforeEach(() => suite.server.restoreQuotas());

	describe('point 1: the executions list retry of a failed execution', () => {
		test('Debt Update of 4, item 3 met a 503; the node corrected to 200, retried with the currently saved workflow: every debt holds 200, the output says so', async () => {
			const { server, n8n } = suite;
			unavailableOnce(server, (q) => q.method === 'PUT' && q.path === `${API}/debts/${UPDATE_IDS[3]}`);
			const failed = await execute('gbRetryUpdate001');
			const error = failedWith(failed);
			expect(error.message).toMatch(/temporarily unavailable/i);
			expect(log(failed.api)).toEqual([...UPDATE_IDS.slice(0, 3).map((id) => ['PUT', `/debts/${id}`, 200]), ['PUT', `/debts/${UPDATE_IDS[3]}`, 503]]);
			expect(UPDATE_IDS.map((id) => server.getDebt(id).amount)).toEqual([100, 100, 100, 50]);
			// An update keeps nothing for a later try (it is sent again).
			expect(memoryOf(failed)?.getBillWrites).toBeUndefined();

			const saved = await n8n.updateWorkflow('gbRetryUpdate001', setAmount(200));
			expect(saved.nodes.find((n) => n.name === 'GetBill').parameters.updateFields).toEqual({ amount: 200 });

			const retried = await retry(failed.executionId, true);
			const out = succeededRun(retried);
			expect(retried.run.mode).toBe('retry');
			expect(String(retried.run.retryOf)).toBe(String(failed.executionId));
			expect(retried.answer).toMatchObject({ id: retried.executionId, mode: 'retry', status: 'success', retryOf: failed.executionId });
			// Every item sent again with 200, the one that failed included
			expect(log(retried.api)).toEqual(UPDATE_IDS.map((id) => ['PUT', `/debts/${id}`, 200]));
			expect(retried.api.map(bodyOf)).toEqual(Array(4).fill({ amount: 200 }));
			expect(UPDATE_IDS.map((id) => server.getDebt(id).amount)).toEqual([200, 200, 200, 200]);
			expect(out.map((o) => [o.json.id, o.json.amount, o.pairedItem])).toEqual(UPDATE_IDS.map((id, item) => [id, 200, { item }]));
			// The retry ran GetBill once more, on the stored input: the nodes before it are the failed execution's
			const runData = retried.run.data.resultData.runData;
			expect(runData.GetBill).toHaveLength(1);
			expect(runData.Debts[0].startTime).toBe(failed.run.data.resultData.runData.Debts[0].startTime);

			const original = await n8n.execution(failed.executionId);
			report.cases.updateRetried = {
				failed: { ...describeRun(failed), requests: log(failed.api) },
				retried: { ...describeRun(retried), requests: log(retried.api), bodies: retried.api.map(bodyOf), answer: retried.answer },
				originalAfterRetry: { status: original.status, retrySuccessId: original.retrySuccessId ?? null },
				amounts: UPDATE_IDS.map((id) => server.getDebt(id).amount),
			};
		});

		test('Debt Create of 3, item 2 met a 503: retried corrected to 200, nothing sent and the debt item 0 created with 100 named; retried with the original workflow, only item 2 sent', async () => {
			const { server, n8n } = suite;
			unavailableOnce(server, (q) => q.method === 'POST' && bodyOf(q)?.firstname === 'Bea2');
			const failed = await execute('gbRetryCreate001');
			failedWith(failed);
			expect(log(failed.api)).toEqual([
				['POST', '/debts', 201],
				['POST', '/debts', 201],
				['POST', '/debts', 503],
			]);
			const [first] = debtsOf('Bea0');
			const [second] = debtsOf('Bea1');
			expect([debtsOf('Bea0').length, debtsOf('Bea1').length, debtsOf('Bea2').length]).toEqual([1, 1, 0]);
			// What the node kept for a later try: items 0 and 1, each with its debt
			const kept = memoryOf(failed)?.getBillWrites?.['0']?.items ?? {};
			expect(Object.fromEntries(Object.entries(kept).map(([item, w]) => [item, w.id]))).toEqual({ 0: first.id, 1: second.id });

			const saved = await n8n.updateWorkflow('gbRetryCreate001', setAmount(200));
			expect(saved.nodes.find((n) => n.name === 'GetBill').parameters.amount).toBe(200);

			const changed = await retry(failed.executionId, true);
			const changedError = failedWith(changed);
			expect(changed.run.mode).toBe('retry');
			expect(changed.api).toEqual([]);
			expect(changedError.message).toBe(`Item 0 created debt "${first.id}" in an earlier try of this execution, with amount 100 (now 200): it was not sent again [item 0]`);
			expect(changedError.description).toContain(`update or delete debt "${first.id}" in GetBill`);
			expect([...server.debtRecords.values()].filter((d) => /^Bea/.test(d.firstname)).map((d) => [d.firstname, d.amount])).toEqual([
				['Bea0', 100],
				['Bea1', 100],
			]);

			const original = await retry(failed.executionId, false);
			const out = succeededRun(original);
			expect(log(original.api)).toEqual([['POST', '/debts', 201]]);
			expect(bodyOf(original.api[0])).toMatchObject({ firstname: 'Bea2', amount: 100 });
			expect(PEOPLE.map((p) => debtsOf(p.firstname).map((d) => d.amount))).toEqual([[100], [100], [100]]);
			expect(out.map((o) => [o.json.id, o.json.firstname, o.json.amount, o.pairedItem])).toEqual([
				[first.id, 'Bea0', 100, { item: 0 }],
				[second.id, 'Bea1', 100, { item: 1 }],
				[debtsOf('Bea2')[0].id, 'Bea2', 100, { item: 2 }],
			]);
			// A run that ends well forgets what it kept
			expect(memoryOf(original)?.getBillWrites).toBeUndefined();

			report.cases.createRetried = {
				failed: { ...describeRun(failed), requests: log(failed.api) },
				retriedWithSavedWorkflow: { ...describeRun(changed), requests: log(changed.api), answer: changed.answer },
				retriedWithOriginalWorkflow: { ...describeRun(original), requests: log(original.api), answer: original.answer },
				originalAfterRetries: await n8n.execution(failed.executionId).then((e) => ({ status: e.status, retrySuccessId: e.retrySuccessId ?? null })),
			};
		});
	});

	describe('point 3: one rule for a spent write quota, headers or 429 (Stop, the default)', () => {
		/** Puts the 4 followups back and spends the quota so that it frees up 3 s from now; returns when (ms). */
		function spend(source) {
			const { server } = suite;
			for (const id of QUOTA_IDS) server.seedFollowup(id);
			// headers: 3 of 4 counted, the first write passes and its answer says 0 left; 429: all 4, the first write is refused
			server.setQuota('writes', { ...QUOTA, used: source === 'headers' ? QUOTA.limit - 1 : QUOTA.limit });
			const freesAt = server.quotaState('writes').resetAt;
			expect(Math.abs(freesAt - (Date.now() + FREES_IN_MS))).toBeLessThan(100);
			return freesAt;
		}
		const written = () => QUOTA_IDS.filter((id) => suite.server.getFollowup(id).status === 'deal_found');

		/** What the user sees of a run whatever told the node: waited, written, how it stopped. */
		function outcome(r, freesAt) {
			const done = r.api.filter((q) => q.status === 200);
			const error = r.run.data?.resultData?.error;
			const notWritten = QUOTA_IDS.filter((id) => !written().includes(id));
			// the error's context where n8n kept it, else its description's "Not sent: items 1 to 3."
			const listed = /Not sent: items? ([\d, to]+)\./.exec(error?.description ?? '')?.[1];
			const notSent = error?.context?.itemsNotSent ?? (listed ? itemRanges(listed) : undefined);
			return {
				status: r.run.status,
				// writes left after the quota freed up, none later than expectWaitedFor allows
				waitedForTheQuota: done.length > 0 && done.some((q) => q.startedAt >= freesAt - 50) && done.every((q) => q.startedAt < freesAt + RESUMED_WITHIN_MS),
				allWritten: notWritten.length === 0,
				stopped: error
					? {
							quotaSpent: /^GetBill's write quota is spent|^GetBill rate limit reached/.test(error.message),
							namesTheItemsNotSent: notSent !== undefined && JSON.stringify(notSent) === JSON.stringify(notWritten.map((id) => QUOTA_IDS.indexOf(id))),
						}
					: undefined,
			};
		}
		/**
		 * The writes sent after the wait all left once GetBill's window had freed up (not before: none was
		 * refused), the first of them within 3 s of it: GetBill's Reset is in whole seconds (rounded up) and
		 * so is its Date header, from which the node measures the time left (up to 2 s later). Returns when.
		 */
		function expectWaitedFor(after, freesAt) {
			const resumedAt = Math.min(...after.map((q) => q.startedAt));
			expect(resumedAt).toBeGreaterThanOrEqual(freesAt - 50);
			expect(resumedAt - freesAt).toBeLessThan(RESUMED_WITHIN_MS);
			return resumedAt;
		}
		const requestTimes = (r) => r.api.map((q) => ({ path: q.path.slice(API.length), status: q.status, startedAt: q.startedAt, endedAt: q.endedAt }));

		const WROTE_AFTER_WAITING = { status: 'success', waitedForTheQuota: true, allWritten: true, stopped: undefined };
		const STOPPED = { status: 'error', waitedForTheQuota: false, allWritten: false, stopped: { quotaSpent: true, namesTheItemsNotSent: true } };

		const outcomes = {};
		afterAll(() => (report.cases.quotaOutcomes = outcomes));

		test('the headers say 0 left after the first write, the quota frees up in 3 s: the node waits, writes all 4, none answered 429', async () => {
			const freesAt = spend('headers');
			const r = await execute('gbRetryQuota0060');
			const out = succeededRun(r);
			// Item 0 first, alone (the quota unknown), at once; the others, Concurrency 5, once GetBill's window freed up
			const [firstPut, ...others] = r.api;
			expect(log([firstPut])).toEqual([['PUT', `/followups/${QUOTA_IDS[0]}`, 200]]);
			expect(log(others).sort()).toEqual(QUOTA_IDS.slice(1).map((id) => ['PUT', `/followups/${id}`, 200]));
			expect(written()).toEqual(QUOTA_IDS);
			expect(out.map((o) => [o.json.id, o.pairedItem])).toEqual(QUOTA_IDS.map((id, item) => [id, { item }]));
			expect(firstPut.startedAt).toBeLessThan(freesAt);
			const resumedAt = expectWaitedFor(others, freesAt);
			outcomes['headers, Max Rate-Limit Wait 60'] = outcome(r, freesAt);
			expect(outcomes['headers, Max Rate-Limit Wait 60']).toEqual(WROTE_AFTER_WAITING);
			report.cases.quotaHeaders60 = { ms: r.ms, freesAt, requests: requestTimes(r), gapMs: resumedAt - firstPut.endedAt };
		});

		test("the quota learnt from GetBill's 429 (retry_after 3): the node waits, sends the write again and all 4, no other 429", async () => {
			const freesAt = spend('429');
			const r = await execute('gbRetryQuota0060');
			const out = succeededRun(r);
			// Item 0 refused (no answer had told the quota), then item 0 again and the others once the window freed up: no other 429
			const [refused, ...others] = r.api;
			expect(log([refused])).toEqual([['PUT', `/followups/${QUOTA_IDS[0]}`, 429]]);
			expect(log(others).sort()).toEqual(QUOTA_IDS.map((id) => ['PUT', `/followups/${id}`, 200]));
			expect(written()).toEqual(QUOTA_IDS);
			expect(out.map((o) => [o.json.id, o.pairedItem])).toEqual(QUOTA_IDS.map((id, item) => [id, { item }]));
			const resumedAt = expectWaitedFor(others, freesAt);
			outcomes['429, Max Rate-Limit Wait 60'] = outcome(r, freesAt);
			expect(outcomes['429, Max Rate-Limit Wait 60']).toEqual(WROTE_AFTER_WAITING);
			report.cases.quota429_60 = { ms: r.ms, freesAt, requests: requestTimes(r), gapMs: resumedAt - refused.endedAt };
		});

		test("Max Rate-Limit Wait 1 s, the headers' quota: the run stops at once, item 0 done, items 1 to 3 named not sent", async () => {
			const freesAt = spend('headers');
			const r = await execute('gbRetryQuota0001');
			const error = failedWith(r);
			expect(log(r.api)).toEqual([['PUT', `/followups/${QUOTA_IDS[0]}`, 200]]);
			expect(error.message).toBe("GetBill's write quota is spent: 1 of 4 items done, 3 not sent");
			expect(error.description).toMatch(/^Not sent: items 1 to 3\. Done: items? 0\./);
			expect(r.api[0].startedAt).toBeLessThan(freesAt);
			expect(r.run.stoppedAt && Date.parse(r.run.stoppedAt)).toBeLessThan(freesAt);
			outcomes['headers, Max Rate-Limit Wait 1'] = outcome(r, freesAt);
			expect(outcomes['headers, Max Rate-Limit Wait 1']).toEqual(STOPPED);
			report.cases.quotaHeaders1 = { ms: r.ms, requests: log(r.api), message: error.message, description: error.description, context: error.context ?? null };
		});

		test("Max Rate-Limit Wait 1 s, the 429's quota: the run stops at once in GetBill's words, items 0 to 3 named not sent", async () => {
			const freesAt = spend('429');
			const r = await execute('gbRetryQuota0001');
			const error = failedWith(r);
			expect(log(r.api)).toEqual([['PUT', `/followups/${QUOTA_IDS[0]}`, 429]]);
			expect(error.message).toBe('GetBill rate limit reached: Rate limit exceeded. Please try again later. [item 0]');
			expect(error.description).toMatch(/^0 of 4 items done, 4 not sent\. Not sent: items 0 to 3\. The quota frees up at /);
			expect(r.run.stoppedAt && Date.parse(r.run.stoppedAt)).toBeLessThan(freesAt);
			outcomes['429, Max Rate-Limit Wait 1'] = outcome(r, freesAt);
			expect(outcomes['429, Max Rate-Limit Wait 1']).toEqual(STOPPED);
			// The same outcome whatever told the node, under each Max Rate-Limit Wait
			expect(outcomes['429, Max Rate-Limit Wait 1']).toEqual(outcomes['headers, Max Rate-Limit Wait 1']);
			expect(outcomes['429, Max Rate-Limit Wait 60']).toEqual(outcomes['headers, Max Rate-Limit Wait 60']);
			report.cases.quota429_1 = { ms: r.ms, requests: log(r.api), message: error.message, description: error.description, context: error.context ?? null };
		});
	});
});
