'use strict';

/*
 * Drives a real n8n (one of the pinned versions cached by install-n8n.js) from
 * the e2e tests and from `npm run dev`: a user folder with this package
 * installed as a community package, the n8n CLI (import, execute) and
 * `n8n start` as a server.
 *
 * CommonJS, Node built-ins only.
 */

const fs = require('fs');
const net = require('net');
const os = require('os');
const path = require('path');
const { spawn } = require('child_process');

const { ensureN8n, n8nEnv } = require('../install-n8n');
const { countStart } = require('./ledger');

const ENCRYPTION_KEY = 'getbill-e2e-fixed-encryption-key';

/** A free TCP port on 127.0.0.1 (asked from the OS, then released). */
function freePort() {
	return new Promise((resolve, reject) => {
		const srv = net.createServer();
		srv.unref();
		srv.on('error', reject);
		srv.listen(0, '127.0.0.1', () => {
			const { port } = srv.address();
			srv.close(() => resolve(port));
		});
	});
}

function sleep(ms) {
	return new Promise((r) => setTimeout(r, ms));
}

/**
 * Parses the JSON that `n8n execute --rawOutput` prints. n8n may print log lines
 * before (and after) it: the JSON starts at the first line beginning with `{` or `[`.
 */
function parseJsonOutput(stdout) {
	const lines = stdout.split('\n');
	// `{` alone (n8n pretty-prints), or compact JSON; not a log line like "[license SDK] ...".
	const start = lines.findIndex((l) => /^(\{|\[)\s*$|^\{"|^\[[{"\]]/.test(l));
	if (start === -1) return undefined;
	for (let end = lines.length; end > start; end--) {
		const last = lines[end - 1];
		if (!/^[}\]]/.test(last)) continue;
		try {
			return JSON.parse(lines.slice(start, end).join('\n'));
		} catch {
			/* try a shorter slice */
		}
	}
	return undefined;
}

/** Kills a detached child and everything it started (its process group). */
function killGroup(child, signal = 'SIGTERM') {
	if (!child || !child.pid) return;
	// Also after the leader exited: its children (the task runner) keep the group alive.
	try {
		process.kill(-child.pid, signal);
	} catch {
		try {
			child.kill(signal);
		} catch {
			/* already gone */
		}
	}
}

/*
 * A watchdog for a detached n8n. n8n runs in its own process group (so that stopping it
 * takes its task runner too), which also means nothing takes it down when the process that
 * started it dies without calling stop(): a SIGKILL (a process manager's last word, the OOM
 * killer) skips every 'exit' handler, and a group-wide SIGTERM never reaches n8n's group.
 * So start() also spawns this tiny node process, in a process group of its own, holding the
 * read end of a pipe whose write end only the starting process has (Node opens its pipes
 * close-on-exec: neither n8n nor any other child inherits it). The kernel closes that end
 * when the starting process dies, however it dies; the watchdog then sees end-of-file and
 * takes n8n's group down: SIGTERM, SIGKILL 3 s later. (The grace is short on purpose: n8n's
 * stdout and stderr are pipes to the dead starter, and n8n 2.41 told to stop then was seen
 * to spin, busy, for as long as it was let, where it otherwise stops in about a second.)
 * It exits by itself as soon as n8n's group is gone (after stop(), or when n8n exits on its
 * own). A signal sent to the watchdog itself (SIGTERM, SIGHUP, SIGINT) also takes n8n down
 * before it exits.
 */
const WATCHDOG_GRACE_MS = 3000;
const WATCHDOG = `
const pgid = Number(process.argv[1]);
const grace = Number(process.argv[2]);
process.title = 'n8n-watchdog: takes n8n process group ' + pgid + ' down when its starter (pid ' + process.ppid + ') dies';
const alive = () => {
	try {
		process.kill(-pgid, 0);
		return true;
	} catch (e) {
		return e.code === 'EPERM';
	}
};
let down = false;
const takeDown = () => {
	if (down) return;
	down = true;
	try { process.kill(-pgid, 'SIGTERM'); } catch {}
	const deadline = Date.now() + grace;
	setInterval(() => {
		if (!alive()) process.exit(0);
		if (Date.now() > deadline) {
			try { process.kill(-pgid, 'SIGKILL'); } catch {}
			process.exit(0);
		}
	}, 100);
};
for (const s of ['SIGTERM', 'SIGHUP', 'SIGINT']) process.on(s, takeDown);
process.stdin.on('end', takeDown);
process.stdin.on('close', takeDown);
process.stdin.on('error', takeDown);
process.stdin.resume();
setInterval(() => { if (!down && !alive()) process.exit(0); }, 1000);
`;

/** Spawns the watchdog of a detached child's process group (see WATCHDOG). */
function guardGroup(child) {
	if (!child || !child.pid) return undefined;
	const guard = spawn(process.execPath, ['-e', WATCHDOG, String(child.pid), String(WATCHDOG_GRACE_MS)], {
		stdio: ['pipe', 'ignore', 'ignore'],
		detached: true,
	});
	guard.on('error', () => {});
	guard.stdin.on('error', () => {});
	// Neither the watchdog nor its pipe keeps this process alive.
	guard.unref();
	guard.stdin.unref();
	return guard;
}

function waitForExit(child, timeoutMs) {
	if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
	return new Promise((resolve) => {
		const timer = setTimeout(() => resolve(false), timeoutMs);
		child.once('exit', () => {
			clearTimeout(timer);
			resolve(true);
		});
	});
}

/** The line each long-lived n8n command logs when it is up (then its /healthz/readiness is asked). */
const READY = {
	start: /Editor is now accessible via/,
	webhook: /Webhook listener waiting for requests/,
	worker: /n8n worker is now ready/,
};

/**
 * Spawns a long-lived process (n8n, Redis, PostgreSQL) in a process group of its own, guarded
 * by a watchdog (guardGroup) and killed when this process exits; keeps the last 100 to 200 kB of
 * its output and hands each chunk to `onOutput`.
 * @returns {{child: import('child_process').ChildProcess, watchdog: any, output: () => string}}
 */
function spawnGuarded(command, args, options = {}, onOutput) {
	const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options, detached: true });
	const watchdog = guardGroup(child);
	const killOnExit = () => killGroup(child, 'SIGKILL');
	process.on('exit', killOnExit);
	child.once('exit', () => process.removeListener('exit', killOnExit));
	let output = '';
	const onData = (d) => {
		output += d;
		if (output.length > 200000) output = output.slice(-100000);
		if (onOutput) {
			try {
				onOutput(String(d));
			} catch {
				/* a failing log sink must not take the process down */
			}
		}
	};
	child.on('error', (error) => onData(`[e2e] ${command} could not be started: ${error.message}\n`));
	child.stdout.on('data', onData);
	child.stderr.on('data', onData);
	return { child, watchdog, output: () => output };
}

/** Stops a spawnGuarded process group: `signal`, SIGKILL after `timeoutMs`, then SIGKILL to what is left of the group. */
async function stopGroup(child, { signal = 'SIGTERM', timeoutMs = 20000 } = {}) {
	if (!child) return;
	killGroup(child, signal);
	if (!(await waitForExit(child, timeoutMs))) {
		killGroup(child, 'SIGKILL');
		await waitForExit(child, 5000);
	}
	// A child (n8n's task runner, a PostgreSQL backend) may outlive the leader by a moment.
	killGroup(child, 'SIGKILL');
}

class N8n {
	/**
	 * @param {object} opts
	 * @param {string} opts.version pinned n8n version (see install-n8n.js VERSIONS)
	 * @param {string} opts.userFolder N8N_USER_FOLDER (n8n keeps its data in <userFolder>/.n8n)
	 * @param {object} [opts.env] extra environment
	 * @param {(line: string) => void} [opts.log]
	 */
	constructor({ version, userFolder, env = {}, log }) {
		this.version = version;
		this.userFolder = userFolder;
		this.extraEnv = env;
		this.log = log ?? (() => {});
		this.server = undefined;
		this.port = undefined;
	}

	async init() {
		const { nodeBin, n8nBin, dir } = await ensureN8n(this.version);
		this.nodeBin = nodeBin;
		this.n8nBin = n8nBin;
		this.installDir = dir;
		fs.mkdirSync(this.userFolder, { recursive: true });
		return this;
	}

	get dataDir() {
		return path.join(this.userFolder, '.n8n');
	}

	env(extra = {}) {
		const base = n8nEnv(this.version, { userFolder: this.userFolder, encryptionKey: ENCRYPTION_KEY });
		// Under jest NODE_ENV is "test": n8n then behaves as in its own unit tests (loads no nodes,
		// prints nothing). Our children must run as a user's n8n does.
		for (const k of Object.keys(base)) if (k === 'NODE_ENV' || /^JEST_/.test(k)) delete base[k];
		return {
			...base,
			N8N_PERSONALIZATION_ENABLED: 'false',
			N8N_HIRING_BANNER_ENABLED: 'false',
			N8N_SECURE_COOKIE: 'false',
			// Keep the task runners off the default ports.
			...this.extraEnv,
			...extra,
		};
	}

	/**
	 * Runs one n8n CLI command to completion.
	 * @returns {Promise<{code: number|null, signal: string|null, stdout: string, stderr: string, ms: number}>}
	 */
	async cli(args, { timeoutMs = 180000, env = {} } = {}) {
		const brokerPort = await freePort();
		const started = Date.now();
		const child = spawn(this.nodeBin, [this.n8nBin, ...args], {
			cwd: this.userFolder,
			env: this.env({ N8N_RUNNERS_BROKER_PORT: String(brokerPort), ...env }),
			stdio: ['ignore', 'pipe', 'pipe'],
			detached: true,
		});
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (d) => (stdout += d));
		child.stderr.on('data', (d) => (stderr += d));
		const timer = setTimeout(() => {
			stderr += `\n[e2e] n8n ${args[0]} timed out after ${timeoutMs} ms, killed\n`;
			killGroup(child, 'SIGKILL');
		}, timeoutMs);
		const [code, signal] = await new Promise((resolve, reject) => {
			child.on('error', reject);
			child.on('close', (c, s) => resolve([c, s]));
		});
		clearTimeout(timer);
		// The task runner is a child of n8n; make sure nothing of this run survives it.
		killGroup(child, 'SIGKILL');
		const result = { code, signal, stdout, stderr, ms: Date.now() - started };
		countStart(`n8n ${args[0]}`, { version: this.version, ms: result.ms });
		this.log(`n8n ${args.join(' ')} -> exit ${code ?? signal} in ${result.ms} ms`);
		return result;
	}

	/** Runs a CLI command and throws with its output when it fails. */
	async cliOk(args, opts) {
		const r = await this.cli(args, opts);
		if (r.code !== 0) {
			throw new Error(
				`n8n ${args.join(' ')} failed (exit ${r.code ?? r.signal}) on n8n ${this.version}\n--- stdout ---\n${r.stdout.slice(-4000)}\n--- stderr ---\n${r.stderr.slice(-4000)}`,
			);
		}
		return r;
	}

	/** Imports decrypted credentials (`[{id, name, type, data}]`). */
	async importCredentials(credentials, { userId } = {}) {
		const file = path.join(this.userFolder, `credentials-${Date.now()}.json`);
		fs.writeFileSync(file, JSON.stringify(credentials, null, 2));
		try {
			return await this.cliOk([
				'import:credentials',
				`--input=${file}`,
				...(userId ? [`--userId=${userId}`] : []),
			]);
		} finally {
			fs.rmSync(file, { force: true });
		}
	}

	/** Imports workflows (each with an `id`), one file per workflow, in one CLI call. */
	async importWorkflows(workflows, { userId } = {}) {
		const dir = fs.mkdtempSync(path.join(this.userFolder, 'workflows-'));
		for (const wf of workflows) {
			fs.writeFileSync(path.join(dir, `${wf.id}.json`), JSON.stringify(wf, null, 2));
		}
		try {
			return await this.cliOk([
				'import:workflow',
				'--separate',
				`--input=${dir}`,
				...(userId ? [`--userId=${userId}`] : []),
			]);
		} finally {
			fs.rmSync(dir, { recursive: true, force: true });
		}
	}

	/**
	 * `n8n execute --id <id> --rawOutput`. n8n 2.x prints the whole run (IRun) as
	 * JSON: on success on stdout; on failure as a log line before exiting 1.
	 * @returns {Promise<{ok: boolean, code: number|null, run: any, stdout: string, stderr: string, ms: number}>}
	 */
	async execute(workflowId) {
		const r = await this.cli(['execute', `--id=${workflowId}`, '--rawOutput']);
		const run = parseJsonOutput(r.stdout);
		// Seen on n8n 2.41.1 / Node 24, rarely: the CLI dies with SIGSEGV while shutting
		// down, after printing the whole finished run. The run is judged on its data;
		// the crash is logged, not hidden.
		const crashedAfterRun = r.code === null && r.signal === 'SIGSEGV' && run?.finished === true && Boolean(run.stoppedAt);
		if (crashedAfterRun) this.log(`n8n execute --id=${workflowId}: exited with SIGSEGV after the finished run was printed`);
		return { ...r, ok: r.code === 0 || crashedAfterRun, crashedAfterRun, run };
	}

	/**
	 * Starts a long-lived n8n command on 127.0.0.1 and resolves when it is ready (its log line,
	 * then `/healthz/readiness` answers 200): `n8n start` (the editor, the default), or in queue
	 * mode `n8n webhook` (a webhook processor) or `n8n worker` (its health server on `port`).
	 * @param {object} [opts]
	 * @param {'start'|'webhook'|'worker'} [opts.command]
	 * @param {string[]} [opts.args] e.g. ['--concurrency=10'] for a worker
	 * @param {number} [opts.port] the HTTP port (N8N_PORT; a worker's QUEUE_HEALTH_CHECK_PORT); a free one by default
	 * @returns {Promise<string>} its base URL
	 */
	async start(options = {}) {
		// A port asked from the OS is free when asked, but another process may bind it before n8n
		// does: then n8n exits with EADDRINUSE, and it is started again on new ports (3 tries).
		for (let attempt = 1; ; attempt++) {
			try {
				return await this.startOnce(options);
			} catch (error) {
				if (attempt >= 3 || options.port !== undefined || !/EADDRINUSE/.test(error.message)) throw error;
				this.log(`n8n ${options.command ?? 'start'}: a port was taken before n8n bound it (EADDRINUSE); starting again on new ports`);
			}
		}
	}

	async startOnce({ command = 'start', args = [], port, timeoutMs = 180000, env = {}, onOutput } = {}) {
		if (this.server) throw new Error('n8n is already started');
		if (!READY[command]) throw new Error(`n8n ${command} is not a long-lived command (${Object.keys(READY).join(', ')})`);
		this.port = port ?? (await freePort());
		const brokerPort = await freePort();
		const portEnv =
			command === 'worker'
				? { QUEUE_HEALTH_CHECK_ACTIVE: 'true', QUEUE_HEALTH_CHECK_PORT: String(this.port), N8N_WORKER_SERVER_ADDRESS: '127.0.0.1' }
				: { N8N_PORT: String(this.port), N8N_HOST: '127.0.0.1', N8N_EDITOR_BASE_URL: `http://127.0.0.1:${this.port}/` };
		const { child, watchdog, output } = spawnGuarded(
			this.nodeBin,
			[this.n8nBin, command, ...args],
			{ cwd: this.userFolder, env: this.env({ ...portEnv, N8N_RUNNERS_BROKER_PORT: String(brokerPort), ...env }) },
			onOutput,
		);
		// n8n runs in its own process group (so a stop takes its task runner too), guarded so that it
		// does not outlive this process if it ends without calling stop() (crash, process.exit).
		this.server = child;
		this.watchdog = watchdog;
		this.serverOutput = output;
		const url = `http://127.0.0.1:${this.port}`;
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			if (child.exitCode !== null || child.signalCode !== null) {
				this.server = undefined;
				throw new Error(`n8n ${command} exited (${child.exitCode ?? child.signalCode}) on n8n ${this.version}:\n${output().slice(-5000)}`);
			}
			if (READY[command].test(output())) {
				try {
					const res = await fetch(`${url}/healthz/readiness`);
					if (res.ok) break;
				} catch {
					/* not yet */
				}
			}
			if (Date.now() > deadline) {
				await this.stop();
				throw new Error(`n8n ${command} not ready after ${timeoutMs} ms on n8n ${this.version}:\n${output().slice(-5000)}`);
			}
			await sleep(500);
		}
		this.url = url;
		countStart(`n8n ${command}`, { version: this.version, ms: Date.now() - (deadline - timeoutMs) });
		return url;
	}

	/**
	 * Waits until a started n8n answers a production URL (a webhook, an MCP trigger) with
	 * anything but 404: n8n registers a published workflow's URLs shortly after it is up.
	 * Probes with `POST {}` (an empty body: no webhook of the suite acts on it).
	 */
	async waitForProductionUrl(url, { timeoutMs = 60000 } = {}) {
		return await waitForProductionUrl(url, { timeoutMs, said: () => this.serverOutput().slice(-3000) });
	}

	/**
	 * Stops what start() started: SIGTERM to its process group, SIGKILL after `timeoutMs`.
	 * @param {object} [opts]
	 * @param {number} [opts.timeoutMs] how long n8n may take to shut down (20 s)
	 */
	async stop({ timeoutMs = 20000 } = {}) {
		const child = this.server;
		this.server = undefined;
		if (!child) return;
		// SIGKILL after the timeout; the runner may outlive n8n's own shutdown by a moment: the whole group goes.
		await stopGroup(child, { timeoutMs });
		// n8n's group is gone: the watchdog exits by itself within a second; closing its pipe
		// now would only make it signal a group that no longer exists.
		this.watchdog = undefined;
	}
}

/**
 * Waits until a production URL (a webhook, an MCP trigger) answers anything but 404: n8n
 * registers a published workflow's URLs shortly after it is published. Probes with `POST {}`
 * (an empty body: no webhook of the suite acts on it) every 100 ms; after `timeoutMs` throws,
 * with what `said()` gives (n8n's output) when there is one.
 */
async function waitForProductionUrl(url, { timeoutMs = 60000, said } = {}) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
		await res.text();
		if (res.status !== 404) return res.status;
		if (Date.now() > deadline) throw new Error(`${url} still 404 after ${timeoutMs / 1000} s${said ? `:\n${said()}` : ''}`);
		await sleep(100);
	}
}

/** A fresh user folder under the OS temp dir (or under `base`). */
function freshUserFolder(prefix = 'getbill-e2e-', base = os.tmpdir()) {
	fs.mkdirSync(base, { recursive: true });
	return fs.mkdtempSync(path.join(base, prefix));
}

module.exports = { N8n, waitForProductionUrl, freePort, parseJsonOutput, freshUserFolder, killGroup, spawnGuarded, stopGroup, sleep, ENCRYPTION_KEY };
