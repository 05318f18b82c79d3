'use strict';

/*
 * GetBill's write quota inside real n8n, on every pinned n8n version: the
 * GetBill node reads the X-RateLimit headers and sends no write into a spent
 * quota. 40 followup updates with 25 writes left, for each "When Write Quota
 * Runs Out" choice (Stop, Wait, Output Unsent Items); the example workflow
 * examples/workflows/getbill-bulk-update-quota-loop.json (Unsent → Wait →
 * GetBill) updating 40 followups through a 25-writes-per-5-s quota; Retry On
 * Fail never sending a create twice (Create, Create Many); Create Many naming
 * every refused row and every debt created.
 */

const path = require('path');

const { versionsFor } = require('./lib/setup');
const W = require('./lib/workflows');
const { useSuite } = require('./lib/run');

jest.setTimeout(180000);

const SCOPES = ['followups:read', 'followups:write', 'debts:read', 'debts:write'];
const CRED = { id: 'gbQuotaCred00001', name: 'GetBill sandbox (quota)' };
const TIMEZONE = 'Europe/Paris';
const API = '/external-api/v1';
const TEMPLATE = path.join(__dirname, '..', '..', 'examples', 'workflows', 'getbill-bulk-update-quota-loop.json');
const LOOP_NODE = 'Update followups in GetBill';
const LOOP_CODE = 'Followups to update';

const pad = (n) => String(n).padStart(2, '0');
/** 40 followups for the three choices, 40 others for the loop workflow */
const STOP_IDS = Array.from({ length: 40 }, (_, n) => `fu_quota_${pad(n)}`);
const LOOP_IDS = Array.from({ length: 40 }, (_, n) => `fu_loop_${pad(n)}`);
/** 40 for Wait with the quota freeing up within Max Rate-Limit Wait, 40 for a version-1 node */
const WAIT_IDS = Array.from({ length: 40 }, (_, n) => `fu_wait_${pad(n)}`);
const V1_IDS = Array.from({ length: 40 }, (_, n) => `fu_v1_quota_${pad(n)}`);
const LOOP_ITEMS = LOOP_IDS.map((id, n) => ({ id, status: 'deal_found', summary: `Loop update ${n}` }));

/** A debt row for Auto-Map; `refused` rows carry a phone GetBill refuses ("phone number too short"). */
const debtRow = (prefix, n, refused) => ({
	firstname: `${prefix}${n}`,
	lastname: 'Quota',
	amount: 100 + n,
	currency: 'EUR',
	phone: refused ? '+3312' : `+3361234${String(n).padStart(4, '0')}`,
});
const rows = (prefix, count, refused) => Array.from({ length: count }, (_, n) => debtRow(prefix, n, refused.includes(n)));
const RETRY_CREATE = rows('RetryCreate', 10, [7]);
const RETRY_MANY = rows('RetryMany', 10, [7]);
const MANY = rows('Many', 30, [4, 25]);
const PHONE_REASON = 'phone: phone number too short';

const CHOICES = [
	['stop', 'gbQuotaStop00001'],
	['wait', 'gbQuotaWait00001'],
	['outputUnsent', 'gbQuotaUnsent001'],
];

function workflows() {
	const items = (name, list) => W.node(name, 'n8n-nodes-base.code', 2, { jsCode: `return ${JSON.stringify(list)}.map((json) => ({ json }));` });
	const updates = (id, whenQuotaRunsOut, ids = STOP_IDS) => {
		const wf = W.chain(id, `E2E: 40 followup updates, ${whenQuotaRunsOut}`, [
			W.manualTrigger(),
			items('Followups', ids.map((fid) => ({ id: fid, status: 'deal_found' }))),
			W.getBillNode('GetBill', {
				credential: CRED,
				typeVersion: 2,
				parameters: {
					operation: 'update',
					followupId: W.idLocator('={{ $json.id }}'),
					fieldsToSend: 'autoMapInputData',
					inputFieldsToIgnore: 'id',
					// Wait keeps the default Max Rate-Limit Wait (60 s)
					options: { whenQuotaRunsOut },
				},
			}),
		]);
		wf.settings.timezone = TIMEZONE;
		return wf;
	};
	const debts = (id, name, list, operation, retry) => {
		const node = W.getBillNode('GetBill', { credential: CRED, typeVersion: 2, parameters: { resource: 'debt', operation, fieldsToSend: 'autoMapInputData' } });
		return W.chain(id, name, [W.manualTrigger(), items('Rows', list), retry ? W.retryOnFail(node, { maxTries: 3, waitBetweenTries: 1000 }) : node]);
	};
	const v1 = W.chain('gbQuotaUnsentV01', 'E2E: version 1 node, 40 followup updates, 25 writes left, outputUnsent', [
		W.manualTrigger(),
		items('Followups', V1_IDS.map((fid) => ({ id: fid, status: 'deal_found' }))),
		W.getBillNode('GetBill', {
			credential: CRED,
			typeVersion: 1,
			parameters: { operation: 'update', followupId: '={{ $json.id }}', fieldsToSend: 'autoMapInputData', inputFieldsToIgnore: 'id', options: { whenQuotaRunsOut: 'outputUnsent' } },
		}),
	]);
	v1.settings.timezone = TIMEZONE;
	return [
		...CHOICES.map(([choice, id]) => updates(id, choice)),
		updates('gbQuotaWaitShort', 'wait', WAIT_IDS),
		v1,
		W.fromTemplate(TEMPLATE, { id: 'gbQuotaLoop00001', credential: CRED, codeItems: { [LOOP_CODE]: LOOP_ITEMS } }),
		debts('gbQuotaRetry0001', 'E2E: Retry On Fail, 10 creates, item 7 refused', RETRY_CREATE, 'create', true),
		debts('gbQuotaRetryMany', 'E2E: Retry On Fail, Create Many of 10, item 7 refused', RETRY_MANY, 'createMany', true),
		debts('gbQuotaMany00001', 'E2E: Create Many of 30, items 4 and 25 refused', MANY, 'createMany', false),
	];
}

/** `ms` in `timeZone`: "2026-12-02 10:35:12" and its ISO 8601 form with the zone's offset ("2026-12-02T10:35:12+01:00"). */
function zoned(ms, timeZone) {
	const parts = Object.fromEntries(
		new Intl.DateTimeFormat('en-GB', {
			timeZone,
			hourCycle: 'h23',
			year: 'numeric',
			month: '2-digit',
			day: '2-digit',
			hour: '2-digit',
			minute: '2-digit',
			second: '2-digit',
			timeZoneName: 'longOffset',
		})
			.formatToParts(new Date(ms))
			.map((p) => [p.type, p.value]),
	);
	const offset = parts.timeZoneName === 'GMT' ? '+00:00' : parts.timeZoneName.replace('GMT', '');
	const date = `${parts.year}-${parts.month}-${parts.day}`;
	const time = `${parts.hour}:${parts.minute}:${parts.second}`;
	return { local: `${date} ${time}`, iso: `${date}T${time}${offset}` };
}

/** The run's error, with n8n's words when the run did not fail as expected. */
function failedWith(r) {
	const error = r.run?.data?.resultData?.error;
	if (r.ok || r.run?.status !== 'error' || !error) {
		throw new Error(`expected a failed execution with an error: exit ${r.code}, status ${r.run?.status}\n${r.stderr.slice(-2000)}`);
	}
	return error;
}

function succeededRun(r) {
	const error = r.run?.data?.resultData?.error;
	if (!r.ok || error || r.run?.status !== 'success') {
		throw new Error(`expected success: exit ${r.code}, status ${r.run?.status}, ${error?.message ?? ''} ${error?.description ?? ''}\n${r.stderr.slice(-2000)}`);
	}
	return r.run.data.resultData.runData;
}

const escapeRegExp = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The writes of a run: each followup of `done` updated exactly once (answered 200), nothing
 * else sent but at most `most429` writes answered 429 (GetBill did nothing for them): none
 * where the headers told the quota, one where a window boundary is crossed. Returns the 429s.
 */
function expectWrites(r, done, most429 = 0) {
	const refused = r.api.filter((q) => q.status === 429);
	expect(refused.length).toBeLessThanOrEqual(most429);
	expect(r.api.map((q) => q.method)).toEqual(Array(done.length + refused.length).fill('PUT'));
	expect(putsPerPath(r)).toEqual(Object.fromEntries(done.map((id) => [`${API}/followups/${id}`, 1])));
	expect(r.api.filter((q) => q.status !== 200 && q.status !== 429)).toEqual([]);
	return refused;
}

/** How much later the instant `at` is than `iso` (ms). */
const laterBy = (at, iso) => Date.parse(at) - Date.parse(iso);

/** The local times (workflow time zone) a message may give for GetBill's reset `ms`: the same second or up to 3 s later (see expectUnsent). */
const localTimes = (ms, timezone) => [0, 1000, 2000, 3000].map((d) => zoned(ms + d, timezone).local);

/**
 * The Unsent output of 40 updates with 25 writes left: items 25 to 39, each its input plus
 * getbill_quota_frees_at, paired. From the headers that is GetBill's reset (`iso`); after a 429,
 * GetBill's retry_after counted from the node's clock: at most 2 s later, never earlier.
 */
function expectUnsent(unsent, ids, freesAt, iso, refused) {
	const at = unsent[0]?.json.getbill_quota_frees_at;
	if (refused) {
		expect(Date.parse(at) - freesAt).toBeGreaterThanOrEqual(0);
		expect(Date.parse(at) - freesAt).toBeLessThan(2000);
		expect(at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3})?[+-]\d\d:\d\d$/);
	} else {
		// GetBill's reset counted on n8n's clock from the answer's Date header (whole seconds) and rounded up to the second: never earlier, at most 3 s later.
		expect(laterBy(at, iso)).toBeGreaterThanOrEqual(0);
		expect(laterBy(at, iso)).toBeLessThanOrEqual(3000);
		expect(at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$/);
	}
	expect(unsent.map((o) => [o.json, o.pairedItem])).toEqual(
		ids.slice(25).map((id, n) => [{ id, status: 'deal_found', getbill_quota_frees_at: at }, { item: 25 + n }]),
	);
}

/** How many PUTs each path got answered 200 (a 429 did nothing). */
function putsPerPath(r) {
	const counts = {};
	for (const q of r.api.filter((q) => q.method === 'PUT' && q.status === 200)) counts[q.path] = (counts[q.path] ?? 0) + 1;
	return counts;
}

/** Each request as [method, path without the API prefix, status]. */
const log = (r) => r.api.map((q) => [q.method, q.path.slice(API.length), q.status]);

// Every pinned version: Retry On Fail goes through n8n-core's retry loop, which differs between versions (test/e2e/README.md).
const versions = versionsFor('every version');

describe.each(versions)('GetBill write quota in n8n %s', (version) => {
	const suite = useSuite({
		version,
		name: 'quota',
		scopes: SCOPES,
		credential: CRED,
		workflows: workflows(),
		seed: (server) => {
			for (const id of [...STOP_IDS, ...LOOP_IDS, ...WAIT_IDS, ...V1_IDS]) server.seedFollowup(id);
		},
	});
	const { execute, report } = suite;

	// Every case starts from GetBill's default quotas, nothing counted.
	beforeEach(() => suite.server.restoreQuotas());

	/** The debts the server holds whose first name starts with `prefix`, by first name. */
	const debtsNamed = (prefix) => {
		const found = {};
		for (const debt of suite.server.debtRecords.values()) {
			if (String(debt.firstname).startsWith(prefix)) (found[debt.firstname] ??= []).push(debt.id);
		}
		return found;
	};

	describe.each(CHOICES)('40 followup updates with 25 writes left, When Write Quota Runs Out = %s', (choice, workflowId) => {
		test('25 PUTs done, none answered 429 (the headers told the quota), in seconds; the items not sent as the choice says', async () => {
			const { server } = suite;
			server.setQuota('writes', { limit: 500, windowSeconds: 300, used: 475 });
			// What the headers announce: the oldest counted write leaves the window in 300 s (Unix seconds, rounded up).
			const freesAt = Math.ceil(server.quotaState('writes').resetAt / 1000) * 1000;
			const { iso } = zoned(freesAt, TIMEZONE);
			const r = await execute(workflowId);
			report.cases[choice] = { ms: r.ms, requests: log(r) };

			const refused = expectWrites(r, STOP_IDS.slice(0, 25));
			// A write answered 429 can only be item 25's, the 26th: the items done are 0 to 24.
			expect(refused.map((q) => q.path)).toEqual(refused.length ? [`${API}/followups/${STOP_IDS[25]}`] : []);
			expect(r.api.map((q) => JSON.parse(q.rawBody))).toEqual(Array(r.api.length).fill({ status: 'deal_found' }));
			expect(server.quotaState('writes').remaining).toBe(0);
			expect(STOP_IDS.map((id) => server.getFollowup(id).status)).toEqual([...Array(25).fill('deal_found'), ...Array(15).fill('scheduled')]);
			expect(r.ms).toBeLessThan(30000);

			const caseReport = Object.assign(report.cases[choice], { status429: refused.length, freesAt: iso });
			if (choice === 'outputUnsent') {
				const runData = succeededRun(r);
				expect(runData.GetBill).toHaveLength(1);
				const [done, unsent] = runData.GetBill[0].data.main;
				expect(done.map((o) => [o.json.id, o.pairedItem])).toEqual(STOP_IDS.slice(0, 25).map((id, item) => [id, { item }]));
				expect(done.every((o) => o.json.status === 'deal_found')).toBe(true);
				expectUnsent(unsent, STOP_IDS, freesAt, iso, refused.length);
				Object.assign(caseReport, { output0: done.length, output1: unsent.length, unsentFirst: unsent[0].json });
			} else {
				const error = failedWith(r);
				if (refused.length === 0) {
					expect(error.message).toBe("GetBill's write quota is spent: 25 of 40 items done, 15 not sent");
					const until = `(${localTimes(freesAt, TIMEZONE).map(escapeRegExp).join('|')})`;
					expect(error.description).toMatch(new RegExp(`^${escapeRegExp(
						'Not sent: items 25 to 39. Done: items 0 to 24. GetBill allows 500 writes per 5 minutes per OAuth client, and its answers say none is left until ',
					)}${until}${escapeRegExp(` (${TIMEZONE}). `)}`));
				} else {
					// Learnt from GetBill's 429: its words, with the same counts.
					expect(error.message).toBe('GetBill rate limit reached: Rate limit exceeded. Please try again later. [item 25]');
					expect(error.description).toMatch(/^25 of 40 items done, 15 not sent\. Not sent: items 25 to 39\. Done: items 0 to 24\. The quota frees up at /);
				}
				// No partial output: the run stopped at the GetBill node.
				expect(r.run.data.resultData.lastNodeExecuted).toBe('GetBill');
				Object.assign(caseReport, { message: error.message, description: error.description });
			}
		});
	});

	test("the quota already spent: the one probe gets GetBill's 429, the run stops in GetBill's words, 0 of 40 done", async () => {
		const { server } = suite;
		server.setQuota('writes', { limit: 500, windowSeconds: 300, used: 500 });
		const r = await execute('gbQuotaStop00001');
		report.cases.spentBefore = { ms: r.ms, requests: log(r) };
		expect(log(r)).toEqual([['PUT', `/followups/${STOP_IDS[0]}`, 429]]);
		const error = failedWith(r);
		expect(error.message).toBe('GetBill rate limit reached: Rate limit exceeded. Please try again later. [item 0]');
		expect(error.description).toMatch(/^0 of 40 items done, 40 not sent\. Not sent: items 0 to 39\. The quota frees up at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d \(Europe\/Paris\)\.\n/);
		// No answer had told the window yet: the 429's own X-RateLimit-Window is not read.
		expect(error.description).toContain('GetBill allows 500 writes (creates, updates and deletes) per OAuth client');
		expect(error.description).toContain("longer than the node's Max Rate-Limit Wait (60 seconds), so the item was not retried");
		expect(r.ms).toBeLessThan(30000);
		Object.assign(report.cases.spentBefore, { message: error.message, description: error.description });
	});

	test('Wait, the quota freeing up within Max Rate-Limit Wait (25 writes per 5 s): the node waits and updates all 40, each once', async () => {
		const { server } = suite;
		server.setQuota('writes', { limit: 25, windowSeconds: 5, used: 0 });
		const r = await execute('gbQuotaWaitShort');
		report.cases.waitWithin = { ms: r.ms, requests: log(r) };
		const runData = succeededRun(r);
		const refused = expectWrites(r, WAIT_IDS, 1);
		expect(runData.GetBill).toHaveLength(1);
		expect(runData.GetBill[0].data.main).toHaveLength(1);
		expect(runData.GetBill[0].data.main[0].map((o) => [o.json.id, o.pairedItem])).toEqual(WAIT_IDS.map((id, item) => [id, { item }]));
		// The 26th write done left only once the first one had left GetBill's 5 s window.
		const startedAt = r.api.filter((q) => q.status === 200).map((q) => q.startedAt);
		expect(startedAt[25] - startedAt[0]).toBeGreaterThanOrEqual(4500);
		Object.assign(report.cases.waitWithin, { status429: refused.length, waitedMs: startedAt[25] - startedAt[24] });
	});

	test('a version-1 node, Output Unsent Items: 25 PUTs, 25 items on Done and 15 on Unsent', async () => {
		const { server } = suite;
		server.setQuota('writes', { limit: 500, windowSeconds: 300, used: 475 });
		const freesAt = Math.ceil(server.quotaState('writes').resetAt / 1000) * 1000;
		const r = await execute('gbQuotaUnsentV01');
		report.cases.version1 = { ms: r.ms, requests: log(r) };
		const runData = succeededRun(r);
		const refused = expectWrites(r, V1_IDS.slice(0, 25));
		expect(refused.map((q) => q.path)).toEqual(refused.length ? [`${API}/followups/${V1_IDS[25]}`] : []);
		const [done, unsent] = runData.GetBill[0].data.main;
		expect(done.map((o) => [o.json.id, o.pairedItem])).toEqual(V1_IDS.slice(0, 25).map((id, item) => [id, { item }]));
		expectUnsent(unsent, V1_IDS, freesAt, zoned(freesAt, TIMEZONE).iso, refused.length);
		expect(r.ms).toBeLessThan(30000);
		report.cases.version1.status429 = refused.length;
	});

	test('the example workflow (Unsent → Wait → GetBill) updates 40 followups through 25 writes per 5 s, each once', async () => {
		const { server } = suite;
		server.setQuota('writes', { limit: 25, windowSeconds: 5, used: 0 });
		const r = await execute('gbQuotaLoop00001');
		report.cases.loop = { ms: r.ms, requests: log(r) };
		const runData = succeededRun(r);

		// Each followup updated exactly once; at most one write answered 429.
		const refused = expectWrites(r, LOOP_IDS, 1);
		// Each body is the item's status and summary: neither `id` nor `getbill_quota_frees_at` is sent.
		for (const q of r.api.filter((q) => q.status === 200)) {
			const id = q.path.slice(`${API}/followups/`.length);
			const item = LOOP_ITEMS.find((i) => i.id === id);
			expect(JSON.parse(q.rawBody)).toEqual({ status: 'deal_found', summary: item.summary });
		}
		expect(LOOP_IDS.map((id) => server.getFollowup(id).summary)).toEqual(LOOP_ITEMS.map((i) => i.summary));

		const runs = runData[LOOP_NODE];
		expect(runs.length).toBeGreaterThanOrEqual(2);
		const done = runs.flatMap((run) => run.data.main[0] ?? []);
		expect(done).toHaveLength(40);
		expect(done.map((o) => o.json.id).sort()).toEqual([...LOOP_IDS].sort());
		// Every run but the last handed items on to Unsent, each with when the quota frees up; the last none.
		const unsent = runs.map((run) => run.data.main[1] ?? []);
		expect(unsent[unsent.length - 1]).toEqual([]);
		for (const items of unsent.slice(0, -1)) {
			expect(items.length).toBeGreaterThan(0);
			expect(items.every((o) => typeof o.json.getbill_quota_frees_at === 'string' && /[+-]\d{2}:\d{2}$|Z$/.test(o.json.getbill_quota_frees_at))).toBe(true);
		}
		expect(runData['Wait until the quota frees up']).toHaveLength(runs.length - 1);
		Object.assign(report.cases.loop, {
			getBillRuns: runs.length,
			perRun: runs.map((run) => ({ done: (run.data.main[0] ?? []).length, unsent: (run.data.main[1] ?? []).length, freesAt: run.data.main[1]?.[0]?.json.getbill_quota_frees_at })),
			status429: refused.length,
		});
	});

	test('Retry On Fail (3 tries), 10 creates, item 7 refused: items 0 to 6 created once, item 7 sent once per try, 8 and 9 never', async () => {
		const r = await execute('gbQuotaRetry0001');
		const error = failedWith(r);
		const sent = r.api.map((q) => [q.method, q.path.slice(API.length), JSON.parse(q.rawBody).firstname, q.status]);
		expect(sent).toEqual([
			...RETRY_CREATE.slice(0, 7).map((row) => ['POST', '/debts', row.firstname, 201]),
			...Array(3).fill(['POST', '/debts', 'RetryCreate7', 400]),
		]);
		const created = debtsNamed('RetryCreate');
		expect(created).toEqual(Object.fromEntries(RETRY_CREATE.slice(0, 7).map((row) => [row.firstname, [expect.any(String)]])));
		// The last try's error still names the 7 done in the first try, with their IDs.
		const listed = RETRY_CREATE.slice(0, 7).map((row, n) => `item ${n} (ID "${created[row.firstname][0]}")`).join(', ');
		expect(error.description).toContain(listed);
		expect(`${error.message} ${error.description}`).toContain('phone number too short');
		report.cases.retryCreate = { requests: sent, message: error.message, description: error.description };
	});

	test('Retry On Fail (3 tries), Create Many of 10, item 7 refused: one batch of 10, then only item 7; 9 debts created once', async () => {
		const r = await execute('gbQuotaRetryMany');
		const error = failedWith(r);
		const batches = r.api.map((q) => [q.method, q.path.slice(API.length), JSON.parse(q.rawBody).debts.map((d) => d.temp_id), q.status]);
		expect(batches).toEqual([
			['POST', '/debts/batch', RETRY_MANY.map((_, n) => String(n)), 200],
			['POST', '/debts/batch', ['7'], 200],
			['POST', '/debts/batch', ['7'], 200],
		]);
		const created = debtsNamed('RetryMany');
		const valid = RETRY_MANY.filter((_, n) => n !== 7);
		expect(created).toEqual(Object.fromEntries(valid.map((row) => [row.firstname, [expect.any(String)]])));
		expect(error.message).toBe(`GetBill did not create the debt of item 7: ${PHONE_REASON}`);
		expect(error.description).toContain(`- item 7: ${PHONE_REASON}`);
		const listed = RETRY_MANY.map((row, n) => (n === 7 ? undefined : `item ${n} (debt "${created[row.firstname][0]}")`)).filter(Boolean).join(', ');
		expect(error.description).toContain(`GetBill created the debts of 9 item(s) in this run before it stopped: ${listed}.`);
		report.cases.retryCreateMany = { batches: batches.map(([, , ids, status]) => ({ debts: ids.length, status })), message: error.message, description: error.description };
	});

	test('Create Many of 30, items 4 and 25 refused: both named with the reason, the 28 created listed item → debt', async () => {
		const r = await execute('gbQuotaMany00001');
		const error = failedWith(r);
		expect(r.api.map((q) => [q.method, q.path.slice(API.length), JSON.parse(q.rawBody).debts.length, q.status])).toEqual([['POST', '/debts/batch', 30, 200]]);
		const created = debtsNamed('Many');
		const valid = MANY.filter((_, n) => n !== 4 && n !== 25);
		expect(created).toEqual(Object.fromEntries(valid.map((row) => [row.firstname, [expect.any(String)]])));
		expect(error.message).toBe(`GetBill did not create the debts of 2 items (items 4, 25): item 4: ${PHONE_REASON}`);
		expect(error.description).toContain(`- item 4: ${PHONE_REASON}\n- item 25: ${PHONE_REASON}`);
		const listed = MANY.map((row, n) => (n === 4 || n === 25 ? undefined : `item ${n} (debt "${created[row.firstname][0]}")`)).filter(Boolean).join(', ');
		expect(error.description).toContain(`GetBill created the debts of 28 item(s) in this run before it stopped: ${listed}.`);
		report.cases.createMany30 = { message: error.message, description: error.description };
	});
});
