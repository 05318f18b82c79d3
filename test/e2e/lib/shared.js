'use strict';

/*
 * One n8n server per pinned version for the whole e2e run.
 *
 * jest's globalSetup (global-setup.js) starts `n8n start` once per version in a user
 * folder with the packed package installed the way n8n installs a community package,
 * creates the owner, and writes where each server is (URL, user folder, the owner's
 * session cookie, its log file) into the run's state file. Every test file then works
 * through n8n's REST API with that session, as the editor does: its own credentials
 * and workflows (created with fresh IDs: the IDs a test chooses are mapped), runs
 * started like the editor's "Execute workflow", executions read back over REST.
 * globalTeardown stops the servers.
 *
 * The server logs at debug level into `.e2e/logs/n8n-<version>.log`, one line per
 * line n8n printed, each prefixed with the time it was read (ms since the epoch), so
 * that a test can read what n8n said during its case (logSince).
 *
 * A test file that finds its version's server gone (crashed) restarts it on the same
 * user folder and signs in again (ensureShared): the files after it use the new one.
 *
 * CommonJS, Node built-ins only.
 */

const fs = require('fs');
const path = require('path');

const { N8n, waitForProductionUrl, freshUserFolder, freePort, sleep } = require('./n8n');
const { installTarball, ROOT } = require('./package');
const { readState, writeState } = require('./setup');
const { OWNER } = require('./browser');

const LOGS = path.join(ROOT, '.e2e', 'logs');

/** The environment every shared server runs with. */
const SHARED_ENV = {
	// The safety suite reads when n8n cancelled an execution and when a node ended.
	N8N_LOG_LEVEL: 'debug',
	// The editor suite: the Production URL a user behind a reverse proxy sees (N8N_WEBHOOK_URL;
	// WEBHOOK_URL is deprecated), a fixed host for the screenshots; webhooks are still called on
	// 127.0.0.1. An n8n that does not read N8N_WEBHOOK_URL yet (2.8.4) gets it as WEBHOOK_URL (webhookUrlEnv).
	N8N_WEBHOOK_URL: 'https://your-n8n.example.com/',
	// Executions the tests start are read back over REST.
	EXECUTIONS_DATA_SAVE_MANUAL_EXECUTIONS: 'true',
	EXECUTIONS_DATA_SAVE_ON_SUCCESS: 'all',
	EXECUTIONS_DATA_SAVE_ON_ERROR: 'all',
	EXECUTIONS_DATA_PRUNE: 'false',
	N8N_DIAGNOSTICS_ENABLED: 'false',
	N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
	N8N_TEMPLATES_ENABLED: 'false',
};

/**
 * The webhook base URL for an n8n install: N8N_WEBHOOK_URL where its configuration reads it
 * (2.41.1, which calls WEBHOOK_URL deprecated), else the same value as WEBHOOK_URL (2.8.4 reads
 * only that one).
 * @param {string} installDir the n8n install (install-n8n.js)
 * @param {string} url
 */
function webhookUrlEnv(installDir, url) {
	const config = path.join(installDir, 'node_modules', '@n8n', 'config', 'dist');
	let reads = false;
	try {
		const files = fs.readdirSync(config, { recursive: true }).filter((f) => String(f).endsWith('.js'));
		reads = files.some((f) => fs.readFileSync(path.join(config, String(f)), 'utf8').includes("'N8N_WEBHOOK_URL'"));
	} catch {
		/* no @n8n/config: an old n8n */
	}
	return reads ? { N8N_WEBHOOK_URL: url } : { WEBHOOK_URL: url };
}

/**
 * Spawns `n8n start` for a shared server, its output appended to `logFile` with a time prefix.
 * @returns {Promise<{n8n: N8n, url: string}>}
 */
async function spawnServer({ version, userFolder, home, logFile, env = {} }) {
	const { N8N_WEBHOOK_URL, ...shared } = SHARED_ENV;
	const n8n = await new N8n({ version, userFolder, env: { HOME: home, ...shared, ...env } }).init();
	n8n.extraEnv = { ...webhookUrlEnv(n8n.installDir, N8N_WEBHOOK_URL), ...n8n.extraEnv };
	fs.mkdirSync(path.dirname(logFile), { recursive: true });
	let partial = '';
	const url = await n8n.start({
		onOutput: (text) => {
			const lines = (partial + text).split('\n');
			partial = lines.pop();
			if (lines.length) fs.appendFileSync(logFile, lines.map((l) => `${Date.now()} ${l}\n`).join(''));
		},
	});
	return { n8n, url };
}

/** POST /rest/owner/setup on a fresh n8n; returns the session cookie. */
async function createOwner(url) {
	const res = await fetch(`${url}/rest/owner/setup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(OWNER) });
	const text = await res.text();
	if (res.status !== 200) throw new Error(`POST /rest/owner/setup answered ${res.status}: ${text.slice(0, 300)}`);
	return res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
}

/** Signs the owner in on an n8n whose owner exists; returns the session cookie. */
async function signInOwner(url) {
	for (const body of [{ emailOrLdapLoginId: OWNER.email, password: OWNER.password }, { email: OWNER.email, password: OWNER.password }]) {
		const res = await fetch(`${url}/rest/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
		await res.text();
		if (res.ok) return res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
	}
	throw new Error(`signing the owner in at ${url}/rest/login failed`);
}

/**
 * Starts the shared server of `version` (globalSetup): a fresh user folder with the
 * tarball installed, a HOME of its own (n8n reads and writes files only under
 * <HOME>/.n8n-files by default), `n8n start`, the owner.
 * @returns {Promise<{entry: object, n8n: N8n}>} entry: what the state file keeps
 */
async function startShared(version, tarball) {
	const userFolder = freshUserFolder(`getbill-e2e-shared-${version}-`);
	const home = path.join(userFolder, 'home');
	fs.mkdirSync(path.join(home, '.n8n-files'), { recursive: true });
	installTarball(tarball, userFolder);
	// One folder per e2e run (runs side by side never share a log): .e2e/logs/<run>/n8n-<version>.log.
	const run = path.basename(path.dirname(process.env.GETBILL_E2E_STATE ?? 'run-unknown/x'));
	const logFile = path.join(LOGS, run, `n8n-${version}.log`);
	const { n8n, url } = await spawnServer({ version, userFolder, home, logFile });
	const cookie = await createOwner(url);
	return { n8n, entry: { version, url, userFolder, home, logFile, pid: n8n.server.pid, cookie, restarts: 0 } };
}

/** Whether `<url>/healthz/readiness` answers 200 now (5 seconds at most). */
async function healthy(url) {
	try {
		const res = await fetch(`${url}/healthz/readiness`, { signal: AbortSignal.timeout(5000) });
		await res.text();
		return res.ok;
	} catch {
		return false;
	}
}

/**
 * The shared server of `version`, restarted when it does not answer (a crash): the same
 * user folder (its owner, credentials and workflows kept), a new port, a new session.
 * @returns {Promise<object>} the state file's entry
 */
async function ensureShared(version) {
	// globalSetup starts the older versions in the background: wait for it.
	const waitUntil = Date.now() + 6 * 60000;
	let entry;
	for (;;) {
		const state = readState();
		if (!state.versions.includes(version)) throw new Error(`n8n ${version} is not in this e2e run (GETBILL_E2E_VERSIONS=${process.env.GETBILL_E2E_VERSIONS ?? ''})`);
		entry = state.shared?.[version];
		if (entry?.error) throw new Error(`the shared n8n ${version} did not start: ${entry.error}`);
		if (entry?.url) break;
		if (Date.now() > waitUntil) throw new Error(`the shared n8n ${version} was not up within 6 minutes`);
		await sleep(500);
	}
	// An n8n started elsewhere (lib/external.js) is not the harness's to restart.
	if (entry.external) {
		if (await require('./external').ready(entry.url, 60000)) return entry;
		throw new Error(`the external n8n ${version} at ${entry.url} did not answer for a minute (GETBILL_E2E_N8N_URL): it is not the harness's to restart`);
	}
	// A busy machine can make a healthy n8n slow to answer: while its process lives, it gets a
	// minute; only a process that is gone, or one silent for that long, is restarted.
	const alive = () => {
		try {
			process.kill(entry.pid, 0);
			return true;
		} catch {
			return false;
		}
	};
	for (const giveUp = Date.now() + 60000; alive() && Date.now() < giveUp; ) {
		if (await healthy(entry.url)) return entry;
		await sleep(1000);
	}
	process.stderr.write(`[e2e] the shared n8n ${version} at ${entry.url} ${alive() ? 'did not answer for a minute' : 'is gone'}: restarting it\n`);
	try {
		process.kill(-entry.pid, 'SIGKILL');
	} catch {
		/* gone */
	}
	const { n8n, url } = await spawnServer({ version, userFolder: entry.userFolder, home: entry.home, logFile: entry.logFile });
	const next = { ...entry, url, pid: n8n.server.pid, cookie: await signInOwner(url), restarts: entry.restarts + 1 };
	writeState({ ...readState(), shared: { ...readState().shared, [version]: next } });
	return next;
}

/** Stops every shared server named in the state file (globalTeardown). */
async function stopAllShared(started = []) {
	for (const n8n of started) await n8n.stop().catch(() => {});
	let state;
	try {
		state = readState();
	} catch {
		return;
	}
	for (const entry of Object.values(state.shared ?? {})) {
		if (entry.external || !entry.pid) continue; // an n8n started elsewhere is left running
		try {
			process.kill(-entry.pid, 'SIGTERM');
		} catch {
			/* stopped above or gone */
		}
	}
}

/**
 * A REST call with a session cookie: `rest(path)` GETs, `rest(path, {method, body})` sends
 * JSON; resolves to the answer's JSON (`data` unwrapped when that is all there is); throws on
 * an error status with n8n's words.
 */
function restClient(url, cookie) {
	return async (p, { method = 'GET', body, raw = false } = {}) => {
		const headers = body === undefined ? { cookie } : { cookie, 'content-type': 'application/json' };
		const send = () => fetch(`${url}${p}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(120000) });
		let res;
		// A kept-alive connection n8n closed as it was reused (ECONNRESET, seen while n8n saved a
		// 2,500-row run) fails the fetch before anything was read: a GET is asked again, twice at
		// most; a POST, PATCH or DELETE never (it may have been done).
		for (let attempt = 1; ; attempt++) {
			try {
				res = await send();
				break;
			} catch (error) {
				if (method !== 'GET' || attempt >= 3 || error.name === 'TimeoutError') throw error;
				await sleep(200 * attempt);
			}
		}
		const text = await res.text();
		if (!res.ok) throw new Error(`${method} ${p} answered ${res.status}: ${text.slice(0, 800)}`);
		const json = text ? JSON.parse(text) : undefined;
		return raw ? json : json && typeof json === 'object' && 'data' in json && Object.keys(json).length === 1 ? json.data : json;
	};
}

const ENDED = ['success', 'error', 'crashed', 'canceled'];

/** Whether a node type is one a manual run may start from. */
const isManualStart = (n) => /manualTrigger$/.test(n.type);

/**
 * A handle on the shared server of one version, for one test file: the fields tests read
 * from an N8n (version, url, installDir, nodeBin, dataDir, userFolder) plus REST helpers
 * that create what the file needs and map the IDs the test chose to n8n's.
 */
class SharedN8n {
	constructor(entry) {
		this.version = entry.version;
		this.url = entry.url;
		this.userFolder = entry.userFolder;
		this.dataDir = path.join(entry.userFolder, '.n8n');
		this.home = entry.home;
		this.filesDir = path.join(entry.home, '.n8n-files');
		this.logFile = entry.logFile;
		this.rest = restClient(entry.url, entry.cookie);
		this.workflowIds = new Map(); // the test's ID -> n8n's
		this.credentialIds = new Map();
		this.external = entry.external === true;
		if (this.external) this.dataDir = entry.dataDir;
	}

	async init() {
		// An n8n started elsewhere: no install of the harness's (no installDir, nodeBin, n8nBin).
		if (this.external) return this;
		const n8n = await new N8n({ version: this.version, userFolder: this.userFolder }).init();
		this.nodeBin = n8n.nodeBin;
		this.n8nBin = n8n.n8nBin;
		this.installDir = n8n.installDir;
		return this;
	}

	/** n8n's ID of a workflow the test named by its own ID (the same when it was not mapped). */
	id(testId) {
		return this.workflowIds.get(testId) ?? testId;
	}

	credentialId(testId) {
		return this.credentialIds.get(testId) ?? testId;
	}

	/** Creates credentials (`[{id, name, type, data}]`, as `n8n import:credentials` takes them). */
	async importCredentials(credentials) {
		for (const c of credentials) {
			const created = await this.rest('/rest/credentials', { method: 'POST', body: { name: c.name, type: c.type, data: c.data } });
			if (c.id) this.credentialIds.set(c.id, created.id);
		}
	}

	/** A workflow as the test wrote it, with its credentials' and sub-workflows' IDs mapped to n8n's. */
	mapped(workflow) {
		const wf = JSON.parse(JSON.stringify(workflow));
		for (const n of wf.nodes ?? []) {
			for (const c of Object.values(n.credentials ?? {})) if (c && c.id && this.credentialIds.has(c.id)) c.id = this.credentialIds.get(c.id);
		}
		return wf;
	}

	/** Creates workflows (each with the test's `id`), inactive; returns n8n's IDs in order. */
	async importWorkflows(workflows) {
		const ids = [];
		for (const workflow of workflows) {
			const wf = this.mapped(workflow);
			const { id: testId, active, ...body } = wf;
			delete body.versionId;
			delete body.shared;
			const created = await this.rest('/rest/workflows', { method: 'POST', body: { ...body, active: false } });
			if (testId) this.workflowIds.set(testId, created.id);
			ids.push(created.id);
		}
		return ids;
	}

	/** The saved workflow. */
	async workflow(testId) {
		return await this.rest(`/rest/workflows/${this.id(testId)}`);
	}

	/**
	 * Publishes (activates) a workflow so that its production webhooks answer, as the editor's
	 * Publish (2.x) does; waits until n8n says it is active.
	 */
	async publish(testId) {
		const id = this.id(testId);
		const wf = await this.rest(`/rest/workflows/${id}`);
		let lastError;
		for (const attempt of [
			() => this.rest(`/rest/workflows/${id}/activate`, { method: 'POST', body: { versionId: wf.versionId } }),
			() => this.rest(`/rest/workflows/${id}`, { method: 'PATCH', body: { versionId: wf.versionId, active: true } }),
		]) {
			try {
				await attempt();
				const now = await this.rest(`/rest/workflows/${id}`);
				if (now.active || now.activeVersionId) return now;
			} catch (error) {
				lastError = error;
			}
		}
		throw new Error(`publishing workflow ${testId} (${id}) failed on n8n ${this.version}: ${lastError?.message ?? 'still inactive'}`);
	}

	/** Unpublishes (deactivates) a workflow. */
	async unpublish(testId) {
		const id = this.id(testId);
		const wf = await this.rest(`/rest/workflows/${id}`);
		try {
			await this.rest(`/rest/workflows/${id}/deactivate`, { method: 'POST', body: { versionId: wf.versionId } });
		} catch {
			await this.rest(`/rest/workflows/${id}`, { method: 'PATCH', body: { versionId: wf.versionId, active: false } });
		}
	}

	/** A workflow's executions, oldest first ({id, status, mode, finished, ...}). */
	async executions(testId) {
		const filter = encodeURIComponent(JSON.stringify({ workflowId: this.id(testId) }));
		// n8n answers at most 100 a page, newest first; older pages by lastId.
		const all = [];
		for (let lastId; ; ) {
			const answer = await this.rest(`/rest/executions?filter=${filter}&limit=100${lastId ? `&lastId=${lastId}` : ''}`, { raw: true });
			const results = answer.data?.results ?? answer.results ?? [];
			all.push(...results);
			if (results.length < 100) break;
			const next = String(Math.min(...results.map((r) => Number(r.id))));
			// n8n 2.41 pages with a cursor, not lastId: a workflow with more runs than a page is not read whole.
			if (next === lastId) throw new Error(`workflow ${testId} has more than 100 executions: this n8n (${this.version}) does not page by lastId`);
			lastId = next;
		}
		const seen = new Set();
		return all.filter((e) => !seen.has(e.id) && seen.add(e.id)).sort((a, b) => Number(a.id) - Number(b.id));
	}

	/** One execution with its run data parsed (n8n keeps it flatted). */
	async execution(executionId) {
		const execution = await this.rest(`/rest/executions/${executionId}`);
		// n8n's own flatted; for an n8n started elsewhere, the one this project's tools bring.
		const flatted = require(this.installDir ? path.join(this.installDir, 'node_modules', 'flatted') : require.resolve('flatted', { paths: [ROOT] }));
		const data = typeof execution.data === 'string' ? flatted.parse(execution.data) : execution.data;
		return { ...execution, data };
	}

	/**
	 * Runs a saved workflow the way the editor's "Execute workflow" does, from its Manual
	 * Trigger (or the trigger named), and waits for it to end. Resolves to what N8n#execute
	 * gave for `n8n execute --rawOutput`: {ok, code, run, stdout, stderr, ms, executionId},
	 * `run` with the execution's `data` (resultData: every node's output), `status`, `mode`.
	 */
	async execute(testId, { trigger, timeoutMs = 300000 } = {}) {
		const started = Date.now();
		const id = this.id(testId);
		const workflowData = await this.rest(`/rest/workflows/${id}`);
		const start = trigger ?? workflowData.nodes.find(isManualStart)?.name ?? workflowData.nodes.find((n) => /trigger/i.test(n.type))?.name;
		const answer = await this.rest(`/rest/workflows/${id}/run`, {
			method: 'POST',
			body: { workflowData, ...(start ? { triggerToStartFrom: { name: start } } : {}) },
		});
		const executionId = answer.executionId;
		if (!executionId) throw new Error(`POST /rest/workflows/${id}/run started no execution: ${JSON.stringify(answer).slice(0, 500)}`);
		return await this.ended(executionId, { what: testId, timeoutMs, started });
	}

	/**
	 * Waits until an execution has ended and is saved, and resolves to what `execute` resolves
	 * to for it ({ok, code, run, stdout, stderr, ms, executionId}; `ms` counted from `started`).
	 */
	async ended(executionId, { what = `execution ${executionId}`, timeoutMs = 300000, started = Date.now() } = {}) {
		const deadline = Date.now() + timeoutMs;
		let execution;
		for (let wait = 50; ; wait = Math.min(wait * 2, 250)) {
			try {
				execution = await this.execution(executionId);
			} catch (error) {
				// Not saved yet.
				if (!/answered 404/.test(error.message)) throw error;
			}
			if (execution && ENDED.includes(execution.status) && execution.stoppedAt) break;
			if (Date.now() > deadline) throw new Error(`execution ${executionId} of ${what} did not end within ${timeoutMs} ms: ${execution?.status}`);
			await sleep(wait);
		}
		const error = execution.data?.resultData?.error;
		const ok = execution.status === 'success' && !error;
		const said = error ? [error.message, error.description].filter(Boolean).join('\n') : '';
		return {
			ok,
			code: ok ? 0 : 1,
			signal: null,
			executionId,
			run: { ...execution, finished: execution.finished ?? execution.status === 'success' },
			stdout: said,
			stderr: said,
			ms: Date.now() - started,
		};
	}

	/**
	 * Retries a failed execution the way the executions list's Retry does
	 * (`POST /rest/executions/:id/retry`, n8n's ExecutionService.retry): `loadWorkflow` true is
	 * "Retry with currently saved workflow", false "Retry with original workflow". n8n answers once
	 * the new execution (mode `retry`, `retryOf` the one retried) has ended; resolves to what
	 * `execute` gives for that new execution, plus `answer` (n8n's answer without its data).
	 */
	async retry(executionId, { loadWorkflow, timeoutMs = 300000 } = {}) {
		const started = Date.now();
		const answer = await this.rest(`/rest/executions/${executionId}/retry`, { method: 'POST', body: { loadWorkflow: loadWorkflow === true } });
		if (!answer?.id) throw new Error(`POST /rest/executions/${executionId}/retry started no execution: ${JSON.stringify(answer).slice(0, 500)}`);
		const { data: _data, workflowData: _workflowData, ...said } = answer;
		return { ...(await this.ended(String(answer.id), { what: `the retry of ${executionId}`, timeoutMs, started })), answer: said };
	}

	/**
	 * Changes a saved workflow as the editor's Save does: reads it, lets `mutate(workflow)` change it
	 * (in place, or return the changed one), then `PATCH /rest/workflows/:id` with the whole workflow,
	 * its `versionId` (and the `checksum` n8n gave as `expectedChecksum`). Resolves to the workflow
	 * as n8n saved it (read back).
	 */
	async updateWorkflow(testId, mutate) {
		const id = this.id(testId);
		const current = await this.rest(`/rest/workflows/${id}`);
		const copy = JSON.parse(JSON.stringify(current));
		const changed = (await mutate(copy)) ?? copy;
		const { id: _id, scopes: _scopes, shared: _shared, checksum, createdAt: _createdAt, updatedAt: _updatedAt, ...body } = this.mapped(changed);
		if (Array.isArray(body.tags)) body.tags = body.tags.map((t) => (typeof t === 'object' ? t.id : t));
		await this.rest(`/rest/workflows/${id}`, { method: 'PATCH', body: { ...body, versionId: current.versionId, ...(checksum ? { expectedChecksum: checksum } : {}) } });
		return await this.rest(`/rest/workflows/${id}`);
	}

	/** The lines n8n logged at or after `since` (ms since the epoch): [{at, line}], colours removed. */
	logSince(since) {
		let text = '';
		try {
			text = fs.readFileSync(this.logFile, 'utf8');
		} catch {
			return [];
		}
		const out = [];
		for (const raw of text.split('\n')) {
			const m = /^(\d{13}) (.*)$/.exec(raw);
			if (!m) continue;
			const at = Number(m[1]);
			const line = m[2].replace(/\x1b\[[0-9;]*m/g, '').trim();
			if (at >= since && line) out.push({ at, line });
		}
		return out;
	}

	/**
	 * Waits until a production URL (a webhook, an MCP trigger) answers anything but 404: n8n
	 * registers a published workflow's URLs shortly after publishing. Probes with `POST {}`.
	 */
	async waitForProductionUrl(url, { timeoutMs = 60000 } = {}) {
		return await waitForProductionUrl(url, { timeoutMs });
	}
}

/** The shared server of `version` for this test file (restarted first when it crashed). */
async function sharedN8n(version) {
	const entry = await ensureShared(version);
	return await new SharedN8n(entry).init();
}

module.exports = { SHARED_ENV, webhookUrlEnv, LOGS, startShared, stopAllShared, ensureShared, sharedN8n, SharedN8n, restClient, signInOwner, createOwner, freePort, healthy };
