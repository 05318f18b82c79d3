'use strict';

/*
 * The package where n8n users scale (issue #15): n8n 2.41.1 in queue mode.
 * Redis and PostgreSQL from the machine's packages (throwaway, lib/services.js),
 * `n8n start` (main), one `n8n webhook` (webhook processor) and two `n8n worker`s
 * sharing one user folder with the packed package installed (lib/queue.js).
 * Credentials and workflows are created and published over the main process's
 * REST API, as the editor does (no n8n CLI process). Requests go to the webhook
 * processor's port, as a load balancer sends /webhook/ there; executions are
 * counted in PostgreSQL; which worker ran an execution comes from the worker's
 * own log ("Worker started execution <id>"). The workers log at debug level:
 * the node's "write quota is spent; waiting 121 s" (it is waiting out GetBill's
 * retry_after) and n8n's "Received pubsub
 * msg: stop-execution" (a Stop reached the worker) are read there, so that no
 * test sleeps before asserting that nothing happened.
 *
 * Its own n8n (five processes, Redis, PostgreSQL), started once for the file:
 * queue mode is a deployment the shared server is not. Lane 'newest' (and only
 * the pinned versions in QUEUE_VERSIONS, 2.41.1): the package runs there the
 * same code as in the regular mode; what this file proves is n8n's queue-mode
 * machinery carrying it (loading in every process, workers sharing one
 * credential's token, Stop and timeouts reaching a worker), proven on the n8n
 * a user would deploy today (issue #15's scope).
 *
 * Skipped, loudly, only where redis-server or PostgreSQL is missing and this
 * machine cannot install them (`npm run setup` installs them as root with apt-get).
 */

const fs = require('fs');
const path = require('path');

const { GetBillServer } = require('../server/getbill-server');
const { freshUserFolder, sleep } = require('./lib/n8n');
const { SharedN8n, createOwner } = require('./lib/shared');
const { installTarball } = require('./lib/package');
const { REPORTS, readState, versionsFor, writeReport, keepFolders } = require('./lib/setup');
const W = require('./lib/workflows');
const { SECRET, sign, FOLLOWUP_COMPLETED } = require('./lib/events');
const { executionsOf, waitForExecutions, outputsOf } = require('./lib/executions');
// Queue mode is proven on the newer pinned n8n only (issue #15's scope; it keeps CI's time).
const { QueueMode, QUEUE_VERSIONS } = require('./lib/queue');
const { missingForQueueMode, canInstallPackages } = require('./lib/services');
const { say, duration } = require('./lib/progress-reporter');

jest.setTimeout(180000);

const WORKERS = 2;
/** Executions each worker runs at once: n8n's default. */
const CONCURRENCY = 10;

const CRED = { id: 'gbQueueCred00001', name: 'GetBill sandbox (queue mode)' };
const HOOK_CRED = { id: 'gbQueueHookCred1', name: 'GetBill webhook (queue mode)' };
/** Webhook → GetBill Update workflows: [id, webhook path, webhookId]. */
const UPDATE = ['gbQueueUpdate001', 'getbill-queue-update', '8b1f0c3e-5d2a-4e6f-9a7b-1c2d3e4f5a60'];
const STOP = ['gbQueueStop00001', 'getbill-queue-stop', '5e0a7d2c-3b9f-4c18-a6e4-7f1d2b8c9a31'];
/** With an execution timeout (the workflow setting), which the worker enforces itself. */
const TIMEOUT = ['gbQueueTimeout01', 'getbill-queue-timeout', '9d4c1b7e-2a6f-4e3d-8b5c-0f9e8d7c6b52'];
const TIMEOUT_S = 8;
const UPDATE_FLOW = UPDATE[0];
const TRIGGER_FLOW = 'gbQueueTrigger01';
const TRIGGER_WEBHOOK_ID = '2c7e9a41-6b3d-4f58-8e1a-9d0b4c6f7e21';
const TRIGGER = 'GetBill Trigger';

const ids = (prefix, n) => Array.from({ length: n }, (_, i) => `${prefix}${String(i).padStart(4, '0')}`);
const LOAD_IDS = ids('load', 100);
const EXPIRY_IDS = ids('expiry', 40);
const STOP_IDS = ['stop00000001', 'stop00000002'];
/** One follow-up update after each stop case: once it is through, anything the stopped execution still sent has arrived. */
const FOLLOW_UP_IDS = ['stop00000003', 'stop00000004'];
/** GetBill's retry_after in the stop cases, and the node's Max Rate-Limit Wait (so the node waits it out). */
const RETRY_AFTER_S = 120;
const MAX_RATE_LIMIT_WAIT_S = 600;

/** Webhook (answers at once) → GetBill Update of the followup in the body's `id`. */
function updateWorkflow([id, webhookPath, webhookId], name, settings = {}) {
	const wf = W.chain(id, name, [
		W.node('Webhook', 'n8n-nodes-base.webhook', 2, { httpMethod: 'POST', path: webhookPath, responseMode: 'onReceived', options: {} }, { webhookId }),
		W.getBillNode('GetBill', {
			credential: CRED,
			parameters: {
				operation: 'update',
				followupId: '={{ $json.body.id }}',
				// The summary names the execution: each followup says which execution updated it.
				updateFields: { status: 'sent', summary: "={{ 'Execution ' + $execution.id }}" },
				options: { maxRateLimitWait: MAX_RATE_LIMIT_WAIT_S },
			},
		}),
	]);
	Object.assign(wf.settings, settings);
	return wf;
}

function workflows() {
	const update = updateWorkflow(UPDATE, 'E2E queue: Webhook → GetBill Update');
	const stop = updateWorkflow(STOP, 'E2E queue: stopped while GetBill asks to wait');
	const timeout = updateWorkflow(TIMEOUT, `E2E queue: ${TIMEOUT_S} s execution timeout while GetBill asks to wait`, { executionTimeout: TIMEOUT_S });
	const trigger = W.chain(TRIGGER_FLOW, 'E2E queue: GetBill Trigger', [
		W.getBillTrigger(TRIGGER, { events: ['followup.completed'], webhookId: TRIGGER_WEBHOOK_ID, credential: HOOK_CRED }),
		W.noOp('Received'),
	]);
	return [update, stop, timeout, trigger];
}

/** POSTs every body to `url`, at most `inFlight` at a time; resolves to the statuses in order. */
async function postAll(url, bodies, inFlight) {
	const statuses = new Array(bodies.length);
	let next = 0;
	const lane = async () => {
		while (next < bodies.length) {
			const i = next++;
			const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(bodies[i]) });
			await res.text();
			statuses[i] = res.status;
		}
	};
	await Promise.all(Array.from({ length: inFlight }, lane));
	return statuses;
}

/** {value: how many times} */
const tally = (values) => values.reduce((t, v) => ({ ...t, [v]: (t[v] ?? 0) + 1 }), {});

async function until(what, check, timeoutMs = 30000) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await check();
		if (value) return value;
		if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
		await sleep(100);
	}
}

// Lane 'newest' (see the top of the file), on the versions queue mode is proven on.
const versions = versionsFor('newest').filter((v) => QUEUE_VERSIONS.includes(v));
const missing = missingForQueueMode();
let skipReason;
if (!versions.length) {
	skipReason = `queue mode runs on n8n ${QUEUE_VERSIONS.join(', ')}, which GETBILL_E2E_VERSIONS leaves out`;
	say(`queue mode: not run (${skipReason})`);
} else if (missing.length && !canInstallPackages()) {
	skipReason = `this machine lacks ${missing.join(' and ')} and cannot install them (needs root and apt-get; \`npm run setup\` installs them there)`;
	const banner = [
		'!'.repeat(100),
		`!!! QUEUE MODE NOT TESTED: ${skipReason}.`,
		'!!! The queue-mode suite (main + webhook processor + 2 workers, Redis, PostgreSQL) is SKIPPED on this machine.',
		'!'.repeat(100),
	];
	banner.forEach((line) => say(line));
	console.warn(banner.join('\n'));
}

(skipReason ? describe.skip : describe).each(skipReason ? QUEUE_VERSIONS : versions)('n8n %s in queue mode (main, webhook processor, 2 workers, Redis, PostgreSQL)', (version) => {
	let server;
	let q;
	let userFolder;
	let urls;
	/** The main process's REST API as the owner (lib/shared.js SharedN8n: the test's IDs mapped to n8n's). */
	let api;
	let flatted;
	const report = { version, workers: WORKERS, concurrencyPerWorker: CONCURRENCY, cases: {} };
	const sql = (text) => q.query(text);
	/** n8n's ID of a workflow the test named. */
	const wid = (testId) => api.id(testId);
	/** A workflow's Production URL on the webhook processor (or on `base`, e.g. the main process). */
	const hook = ([, webhookPath], base = urls.webhook) => `${base}/webhook/${webhookPath}`;
	const updateHook = () => hook(UPDATE);
	const triggerHook = () => `${urls.webhook}/webhook/${TRIGGER_WEBHOOK_ID}/webhook`;
	/** The PUTs the server got for these followups, since request index `from`. */
	const putsFor = (followupIds, from = 0) => {
		const wanted = new Set(followupIds.map((id) => `/external-api/v1/followups/${id}`));
		return server.requests.slice(from).filter((r) => r.method === 'PUT' && wanted.has(r.path));
	};
	/** Which worker ran each of these executions. */
	const workersOf = (rows) => {
		const of = q.workerOfExecutions();
		return rows.map((r) => of[String(r.id)]);
	};

	/**
	 * Sends the Webhook → GetBill Update workflow one request per followup through the webhook processor,
	 * `inFlight` at a time, GetBill answering after `latencyMs`; `during(started, from)` runs meanwhile.
	 * Resolves once every execution ended: them, the PUTs and token requests GetBill got, the times.
	 */
	async function updateAll(followupIds, { latencyMs, inFlight, during = async () => undefined }) {
		server.latencyMs = latencyMs;
		try {
			const from = server.requests.length;
			const tokensBefore = server.tokenRequests.length;
			const executionsBefore = (await executionsOf(sql, wid(UPDATE_FLOW))).length;
			const started = Date.now();
			const posting = postAll(updateHook(), followupIds.map((id) => ({ id })), inFlight);
			const duringRun = await during(started, from);
			const statuses = await posting;
			const acceptedMs = Date.now() - started;
			expect(tally(statuses)).toEqual({ 200: followupIds.length });
			const rows = (await waitForExecutions(sql, wid(UPDATE_FLOW), executionsBefore + followupIds.length, { timeoutMs: 150000 })).slice(executionsBefore);
			const doneMs = Date.now() - started;
			return { rows, puts: putsFor(followupIds, from), tokens: server.tokenRequests.slice(tokensBefore), statuses, acceptedMs, doneMs, duringRun };
		} finally {
			server.latencyMs = 0;
		}
	}

	beforeAll(async () => {
		if (missing.length) {
			throw new Error(`queue mode needs ${missing.join(' and ')}: run \`npm run setup\`, which installs them (this machine can: root and apt-get)`);
		}
		const { tarball } = readState();
		userFolder = freshUserFolder(`getbill-e2e-queue-${version}-`);
		installTarball(tarball, userFolder);
		server = new GetBillServer({ followupIds: [...LOAD_IDS, ...EXPIRY_IDS, ...STOP_IDS, ...FOLLOW_UP_IDS], rateLimit: 100000 });
		await server.start();
		// The workers log at debug level: the node saying it waits, n8n's pub/sub commands (see the top of the file).
		q = await QueueMode.create({ version, userFolder, workers: WORKERS, concurrency: CONCURRENCY, workerEnv: { N8N_LOG_LEVEL: 'debug' } });
		report.services = { redis: q.redis.port, postgres: { port: q.postgres.port, version: q.postgres.version, runAs: q.postgres.runAs ?? 'this user' } };
		flatted = require(path.join(q.main.installDir, 'node_modules', 'flatted'));
		// The main process runs n8n's migrations on the shared PostgreSQL database, then serves the REST API.
		urls = await q.start();
		report.startMs = q.startMs;
		api = await new SharedN8n({ version, url: urls.main, userFolder, home: userFolder, logFile: path.join(userFolder, 'no-log'), cookie: await createOwner(urls.main) }).init();
		await api.importCredentials([W.credential({ ...CRED, baseUrl: server.url }), W.webhookCredential({ ...HOOK_CRED, secret: SECRET })]);
		await api.importWorkflows(workflows());
		const flows = [UPDATE[0], STOP[0], TIMEOUT[0], TRIGGER_FLOW];
		for (const id of flows) await api.publish(id);
		// The main process registers the production webhooks (in the database); the webhook processor serves them.
		await until(
			'the production webhooks registered',
			async () => (await sql(`SELECT DISTINCT "workflowId" FROM webhook_entity WHERE "workflowId" IN ('${flows.map(wid).join("', '")}')`)).length === flows.length,
			60000,
		);
		// An unsigned request is refused by the trigger (401) once the webhook processor knows the path, and starts nothing.
		await until('the webhook processor serves the trigger', async () => {
			const res = await fetch(triggerHook(), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
			await res.text();
			return res.status === 401;
		}, 60000);
	}, 420000);

	afterAll(async () => {
		await q?.stop();
		await server?.stop();
		writeReport(`queue-${version}.json`, report);
		// Every line of every n8n process, with the time since the first: which worker did what, and when.
		if (q?.lines.length) {
			const t0 = q.lines[0].at;
			fs.writeFileSync(
				path.join(REPORTS, `queue-${version}.log`),
				q.lines.map((l) => `${String(l.at - t0).padStart(7)} ms  ${l.from.padEnd(8)}  ${l.line}`).join('\n') + '\n',
			);
		}
		if (userFolder && !keepFolders()) fs.rmSync(userFolder, { recursive: true, force: true });
	}, 120000);

	test('n8n runs in queue mode: the main process, a webhook processor and 2 workers with the package loaded', async () => {
		const settings = await api.rest('/rest/settings');
		expect(settings.executionMode).toBe('queue');
		const nodes = await api.rest('/types/nodes.json');
		expect(nodes.map((n) => n.name)).toEqual(expect.arrayContaining(['n8n-nodes-getbill.getBill', 'n8n-nodes-getbill.getBillTrigger']));
		// Every worker says it is ready, with its concurrency; none says a node type is unknown.
		for (let i = 1; i <= WORKERS; i++) expect(q.linesMatching(/Concurrency: \d+/, { from: `worker ${i}` })[0].line).toContain(`Concurrency: ${CONCURRENCY}`);
		expect(q.linesMatching(/Unrecognized node type|is not known|Failed to load package/i)).toEqual([]);
	});

	test('100 webhook requests through the webhook processor: every followup updated exactly once, executions spread over both workers, token requests counted', async () => {
		const { rows, puts, tokens, statuses, acceptedMs, doneMs } = await updateAll(LOAD_IDS, { latencyMs: 50, inFlight: 20 });
		expect(rows).toHaveLength(LOAD_IDS.length);
		expect(tally(rows.map((r) => `${r.mode} ${r.status}`))).toEqual({ 'webhook success': LOAD_IDS.length });
		// Each followup: one PUT, answered 200, and it names one of these executions, each execution once.
		expect(tally(puts.map((r) => r.status))).toEqual({ 200: LOAD_IDS.length });
		expect(new Set(puts.map((r) => r.path)).size).toBe(LOAD_IDS.length);
		const summaries = LOAD_IDS.map((id) => server.getFollowup(id).summary);
		expect(LOAD_IDS.map((id) => server.getFollowup(id).status)).toEqual(LOAD_IDS.map(() => 'sent'));
		expect(new Set(summaries)).toEqual(new Set(rows.map((r) => `Execution ${r.id}`)));
		// Both workers ran some; every execution was started by exactly one worker.
		const perWorker = tally(workersOf(rows));
		expect(Object.keys(perWorker).sort()).toEqual(['worker 1', 'worker 2']);
		expect(perWorker['worker 1'] + perWorker['worker 2']).toBe(LOAD_IDS.length);
		// n8n keeps the client-credentials token in the credential (the shared database): an execution fetches one
		// only when the credential has none yet, so at most one per worker slot busy before the first is stored.
		expect(tokens.length).toBeGreaterThanOrEqual(1);
		expect(tokens.length).toBeLessThanOrEqual(WORKERS * CONCURRENCY);
		expect(tokens.every((t) => t.status === 200 && t.grantType === 'client_credentials')).toBe(true);
		const tokensUsed = new Set(puts.map((r) => r.token));
		report.cases.load = {
			requests: LOAD_IDS.length,
			webhookAnswers: tally(statuses),
			executions: rows.length,
			executionsPerWorker: perWorker,
			tokenRequests: tokens.length,
			distinctTokensUsed: tokensUsed.size,
			putsAnswered: tally(puts.map((r) => r.status)),
			mostRequestsAtOnceAtGetBill: server.maxInFlight,
			acceptedMs,
			allEndedMs: doneMs,
		};
		say(
			`  queue mode: ${LOAD_IDS.length} requests → ${rows.length} executions (worker 1: ${perWorker['worker 1']}, worker 2: ${perWorker['worker 2']}), ` +
				`${tokens.length} token request(s), all accepted in ${duration(acceptedMs)}, all ended in ${duration(doneMs)}`,
		);
	});

	test('GetBill Trigger through the webhook processor: a signed event runs on a worker; unsigned, forged or re-serialised: 401 and no execution', async () => {
		const before = (await executionsOf(sql, wid(TRIGGER_FLOW))).length;
		const post = async (body, signature) => {
			const res = await fetch(triggerHook(), {
				method: 'POST',
				headers: { 'content-type': 'application/json', ...(signature === undefined ? {} : { 'x-getbill-signature': signature }) },
				body,
			});
			return { status: res.status, body: await res.json().catch(() => undefined) };
		};
		const refused = {
			unsigned: await post(FOLLOWUP_COMPLETED),
			'another secret': await post(FOLLOWUP_COMPLETED, sign(FOLLOWUP_COMPLETED, 'whsec_not_the_secret')),
			// Same JSON, other bytes: the webhook processor checks the raw body, not what it parsed.
			're-serialised body': await post(JSON.stringify(JSON.parse(FOLLOWUP_COMPLETED)), sign(FOLLOWUP_COMPLETED)),
		};
		for (const r of Object.values(refused)) expect(r).toEqual({ status: 401, body: { error: true, message: 'Invalid signature' } });
		// The follow-up that proves the refused ones were handled: a signed event sent after them. The webhook
		// processor decides on a request (the trigger's check) before it creates and enqueues an execution, and
		// answered each refused one before this was sent: once this one's execution exists, any execution of
		// theirs would too. So no sleep: the executions since `before` are exactly this one.
		const signed = await post(FOLLOWUP_COMPLETED, sign(FOLLOWUP_COMPLETED));
		expect(signed).toEqual({ status: 200, body: { error: false, message: 'Event followup.completed received' } });
		const rows = await waitForExecutions(sql, wid(TRIGGER_FLOW), before + 1);
		const after = await executionsOf(sql, wid(TRIGGER_FLOW));
		expect(after).toHaveLength(before + 1);
		const execution = after[after.length - 1];
		expect(execution).toMatchObject({ mode: 'webhook', status: 'success' });
		const items = await outputsOf(sql, flatted, execution.id);
		expect(items(TRIGGER)).toEqual([JSON.parse(FOLLOWUP_COMPLETED)]);
		expect(items('Received')).toEqual([JSON.parse(FOLLOWUP_COMPLETED)]);
		const [worker] = workersOf([execution]);
		expect(worker).toMatch(/^worker [12]$/);
		report.cases.trigger = { refused, signed, execution: { id: execution.id, status: execution.status, worker }, executions: rows.length };
	});

	test('a token that expires mid-run while both workers are busy: every followup still updated exactly once', async () => {
		// Expire the tokens once a quarter of the updates went through and both workers have executions under way.
		const busy = (started) => {
			const ended = new Set(q.linesMatching(/Worker (finished|errored while running) execution \d+ /, { since: started }).map((l) => /execution (\d+) /.exec(l.line)[1]));
			const running = q.linesMatching(/Worker started execution \d+ /, { since: started }).filter((l) => !ended.has(/execution (\d+) /.exec(l.line)[1]));
			return tally(running.map((l) => l.from));
		};
		const expire = async (started, from) => {
			const runningPerWorker = await until('both workers busy after a quarter of the updates', () => {
				const running = busy(started);
				const updated = putsFor(EXPIRY_IDS, from).filter((r) => r.status === 200).length;
				return updated >= EXPIRY_IDS.length / 4 && running['worker 1'] > 0 && running['worker 2'] > 0 && running;
			}, 60000);
			server.expireAllTokens();
			return {
				runningPerWorker,
				atMs: Date.now() - started,
				tokenRequests: server.tokenRequests.length,
				updatedBefore: putsFor(EXPIRY_IDS, from).filter((r) => r.status === 200).length,
			};
		};
		const { rows, puts, tokens, doneMs, duringRun: expiry } = await updateAll(EXPIRY_IDS, { latencyMs: 200, inFlight: EXPIRY_IDS.length, during: expire });
		const atExpiry = expiry.runningPerWorker;

		expect(tally(rows.map((r) => r.status))).toEqual({ success: EXPIRY_IDS.length });
		const ok = puts.filter((r) => r.status === 200);
		// Nothing lost, nothing twice: one accepted PUT per followup; the refused ones (401) changed nothing.
		expect(ok.map((r) => r.path).sort()).toEqual(EXPIRY_IDS.map((id) => `/external-api/v1/followups/${id}`).sort());
		expect(Object.keys(tally(puts.map((r) => r.status))).sort()).toEqual(['200', '401']);
		expect(EXPIRY_IDS.map((id) => server.getFollowup(id).summary).sort()).toEqual(rows.map((r) => `Execution ${r.id}`).sort());
		// In queue mode n8n 2.41 refreshes a credential's token under a lock in Redis, re-reading the credential
		// first: of all the executions refused at once, on both workers, one asks for a new token; the others take it.
		const afterExpiry = server.tokenRequests.length - expiry.tokenRequests;
		expect(afterExpiry).toBe(1);
		expect(tokens.every((t) => t.status === 200)).toBe(true);
		const perWorker = tally(workersOf(rows));
		report.cases.tokenExpiry = {
			requests: EXPIRY_IDS.length,
			runningPerWorkerAtExpiry: atExpiry,
			updatedBeforeExpiry: expiry.updatedBefore,
			expiredAtMs: expiry.atMs,
			putsAnswered: tally(puts.map((r) => r.status)),
			refusedThenRetried: puts.filter((r) => r.status === 401).length,
			tokenRequests: tokens.length,
			tokenRequestsAfterExpiry: afterExpiry,
			executionsPerWorker: perWorker,
			allEndedMs: doneMs,
		};
		say(
			`  queue mode: token expired with ${atExpiry['worker 1']} + ${atExpiry['worker 2']} executions running; ${report.cases.tokenExpiry.refusedThenRetried} PUTs refused (401) and sent again, ` +
				`${afterExpiry} new token request(s), ${ok.length}/${EXPIRY_IDS.length} followups updated once, in ${duration(doneMs)}`,
		);
	});

	/**
	 * Sends one update to `url` while GetBill answers its PUT with a 429 asking to wait RETRY_AFTER_S, and
	 * resolves once the worker's node is waiting: the execution, its worker and when the worker started it.
	 */
	async function waitingOnRetryAfter(flow, followupId, url) {
		const from = server.requests.length;
		server.injectFaults({
			status: 429,
			body: { error: true, message: 'Rate limit exceeded. Please try again later.', code: 429, details: { retry_after: RETRY_AFTER_S } },
			match: (req) => req.path.endsWith(`/${followupId}`),
		});
		const before = (await executionsOf(sql, wid(flow[0]))).length;
		expect(await postAll(url, [{ id: followupId }], 1)).toEqual([200]);
		await until('the 429 sent to the worker', () => putsFor([followupId], from).length === 1);
		const execution = await until('the execution running', async () => (await executionsOf(sql, wid(flow[0]))).slice(before).find((r) => r.status === 'running'));
		const started = await until('its worker', () => q.linesMatching(new RegExp(`Worker started execution ${execution.id} `))[0]);
		// The node now waits out GetBill's 120 s (its debug line says so, on that worker); the job holds one worker slot.
		const waitLine = await until('the node waiting out the retry_after', () =>
			q.linesMatching(/GetBill's write quota is spent; waiting \d+ s until it frees up/, { from: started.from, since: started.at })[0],
		);
		expect(Number(/waiting (\d+) s/.exec(waitLine.line)[1])).toBeGreaterThanOrEqual(RETRY_AFTER_S);
		expect(await q.activeJobs()).toBe(1);
		return { execution, worker: started.from, startedAt: started.at, waitLine: waitLine.line, from };
	}

	/**
	 * Waits for the worker slot to be free again and for the worker and the node to say the execution ended; then
	 * sends one follow-up update (another followup, no fault) the same way and waits for it to be done: anything
	 * the stopped execution still sent would have reached GetBill by then.
	 */
	async function freed({ execution, worker, from }, followupId, since, { flow, url, followUpId }) {
		await until('no active job left', async () => (await q.activeJobs()) === 0, 30000);
		const freedAt = Date.now();
		const ended = await until('the worker ending the execution', () =>
			q.linesMatching(new RegExp(`Worker (finished|errored while running) execution ${execution.id} `), { from: worker, since })[0],
		);
		const nodeLine = await until('the node saying it stopped', () => q.linesMatching(/GetBill: the execution was stopped/, { from: worker, since })[0]);
		expect(nodeLine.line).toMatch(/0 of 1 items done, no further request sent/);
		// The follow-up: enqueued after the stopped execution ended, run to its end by a worker.
		const followUpFrom = server.requests.length;
		const executionsBefore = (await executionsOf(sql, wid(flow[0]))).length;
		expect(await postAll(url, [{ id: followUpId }], 1)).toEqual([200]);
		const [followUp] = (await waitForExecutions(sql, wid(flow[0]), executionsBefore + 1)).slice(executionsBefore);
		expect(followUp.status).toBe('success');
		expect(putsFor([followUpId], followUpFrom).map((r) => r.status)).toEqual([200]);
		// Nothing more was sent for the stopped item, and its followup is untouched.
		const puts = putsFor([followupId], from);
		expect(puts.map((r) => r.status)).toEqual([429]);
		expect(server.getFollowup(followupId).status).not.toBe('sent');
		const [row] = await sql(`SELECT status FROM execution_entity WHERE id = ${Number(execution.id)}`);
		const summary = {
			execution: execution.id,
			worker,
			retryAfterSeconds: RETRY_AFTER_S,
			workerLine: ended.line,
			nodeLine: nodeLine.line,
			requests: puts.map((r) => r.status),
			status: row.status,
			followUp: { execution: followUp.id, status: followUp.status },
		};
		return { freedAt, ended, summary };
	}

	/** Stop, as the editor's button sends it to the main process; resolves when main answered (it marks the execution canceled). */
	async function stopInEditor({ execution }) {
		const stopAt = Date.now();
		const stopped = await api.rest(`/rest/executions/${execution.id}/stop`, { method: 'POST' });
		expect(stopped).toMatchObject({ status: 'canceled' });
		return stopAt;
	}

	test(`Stop in the editor, during GetBill's ${RETRY_AFTER_S} s retry_after, of an execution the main process enqueued: its worker slot is free within seconds`, async () => {
		// The same webhook, sent to the main process (which also serves production webhooks): main enqueues the execution
		// and keeps a handle on its job, through which a Stop reaches the worker (Bull's job progress "abort-job").
		const waiting = await waitingOnRetryAfter(STOP, STOP_IDS[0], hook(STOP, urls.main));
		const stopAt = await stopInEditor(waiting);
		const end = await freed(waiting, STOP_IDS[0], stopAt, { flow: STOP, url: hook(STOP, urls.main), followUpId: FOLLOW_UP_IDS[0] });
		report.cases.stop = { ...end.summary, enqueuedBy: 'main', slotFreedMs: end.freedAt - stopAt, workerEndedMs: end.ended.at - stopAt };
		expect(end.freedAt - stopAt).toBeLessThan(5000);
		expect(end.summary.status).toBe('canceled');
		say(`  queue mode: Stop during a ${RETRY_AFTER_S} s retry_after: ${waiting.worker}'s slot free after ${duration(end.freedAt - stopAt)}`);
	});

	test(`an execution the webhook processor enqueued: n8n's Stop does not reach its worker (n8n 2.41.1), its ${TIMEOUT_S} s execution timeout does, during GetBill's ${RETRY_AFTER_S} s retry_after`, async () => {
		const waiting = await waitingOnRetryAfter(TIMEOUT, STOP_IDS[1], hook(TIMEOUT));
		// This pins n8n's own behaviour, not ours (n8n 2.41.1, n8n issue #25165): main marks the execution canceled and
		// tells the workers by pub/sub ("stop-execution"), but a worker acts on that only for executions in its own list
		// of active ones, where queued jobs are not: the job runs on. It is kept because it is why a user of queue mode
		// needs the execution timeout (and why the node must end when that strikes, below); once n8n fixes it, this
		// test fails here, and it should then expect what the main-enqueued case above expects.
		const stopAt = await stopInEditor(waiting);
		// No sleep: the worker's own debug line says the command arrived. n8n runs "stop-execution" at once, not
		// debounced (scaling/constants.js IMMEDIATE_COMMANDS), right after logging it: from here the worker has
		// handled it, and would have said "Stopping execution on worker after stop-execution command" had it acted.
		const received = await until('the stop-execution command at the worker', () =>
			q.linesMatching(/Received pubsub msg: stop-execution/, { from: waiting.worker, since: stopAt })[0],
		);
		const stillActive = await q.activeJobs();
		expect(stillActive).toBe(1);
		expect(q.linesMatching(/Stopping execution on worker after stop-execution command/, { from: waiting.worker, since: stopAt })).toEqual([]);
		expect(q.linesMatching(/GetBill: the execution was stopped/, { from: waiting.worker, since: stopAt })).toEqual([]);
		// The worker enforces the workflow's execution timeout itself: the node ends as it strikes.
		const deadline = waiting.startedAt + TIMEOUT_S * 1000;
		const end = await freed(waiting, STOP_IDS[1], stopAt, { flow: TIMEOUT, url: hook(TIMEOUT), followUpId: FOLLOW_UP_IDS[1] });
		report.cases.timeout = {
			...end.summary,
			enqueuedBy: 'webhook processor',
			executionTimeoutSeconds: TIMEOUT_S,
			stopCommandAtWorkerMs: received.at - stopAt,
			activeJobsWhenTheWorkerGotTheStop: stillActive,
			slotFreedAfterTimeoutMs: end.freedAt - deadline,
		};
		expect(end.freedAt - deadline).toBeLessThan(5000);
		say(`  queue mode: Stop did not reach the worker (n8n 2.41.1); the ${TIMEOUT_S} s timeout freed ${waiting.worker}'s slot ${duration(end.freedAt - deadline)} after it struck`);
	});
});
