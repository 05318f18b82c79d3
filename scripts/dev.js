#!/usr/bin/env node
'use strict';

/*
 * `npm run dev`: this package inside a real n8n, against a local GetBill sandbox.
 *
 *   - builds and packs the package, installs it into a persistent n8n user
 *     folder (.e2e/dev/, git-ignored) the way n8n installs a community package;
 *   - starts the project's GetBill-like test server on 127.0.0.1:8787;
 *   - starts n8n 2.41.1 (installed into the e2e cache on first use) on
 *     127.0.0.1:5678, with an owner account, a "GetBill sandbox" credential
 *     pointing at the sandbox, the example workflow "Update followup", and a
 *     published (active) workflow "On a GetBill event, update the followup"
 *     (GetBill Trigger → GetBill Update) with a "GetBill sandbox webhook"
 *     credential whose secret is printed: `npm run dev:event` sends it a signed
 *     event (scripts/dev-event.js);
 *   - imports every template of examples/workflows/ (inactive), its GetBill
 *     credentials set to the sandbox's (other services' credentials are left
 *     for the user to pick), again whenever a template file changed;
 *   - prints the direct link to the example workflow and the login, then every
 *     request the sandbox receives and every event dev:event sends.
 *
 * Ctrl-C, SIGTERM or SIGHUP stop everything (a second Ctrl-C kills n8n at once).
 * n8n also goes when this process is SIGKILLed (see the watchdog in
 * test/e2e/lib/n8n.js), and an n8n a previous run left behind is stopped at
 * startup. `npm run dev -- --reset` starts from an empty n8n.
 * Ports: GETBILL_DEV_N8N_PORT (5678), GETBILL_DEV_SANDBOX_PORT (8787).
 */

const crypto = require('crypto');
const fs = require('fs');
const net = require('net');
const path = require('path');

const { GetBillServer, DEFAULT_CLIENT } = require('../test/server/getbill-server');
const { N8n, killGroup, sleep } = require('../test/e2e/lib/n8n');
const { buildAndPack, installTarball, ROOT } = require('../test/e2e/lib/package');
const { setupOwner, OWNER } = require('../test/e2e/lib/browser');
const W = require('../test/e2e/lib/workflows');

const VERSION = '2.41.1';
const N8N_PORT = Number(process.env.GETBILL_DEV_N8N_PORT || 5678);
const SANDBOX_PORT = Number(process.env.GETBILL_DEV_SANDBOX_PORT || 8787);
const DEV_DIR = path.join(ROOT, '.e2e', 'dev');
const USER_FOLDER = path.join(DEV_DIR, 'n8n');
const STATE_FILE = path.join(DEV_DIR, 'dev-state.json');
const SANDBOX_FILE = path.join(DEV_DIR, 'sandbox-followups.json');
const EVENTS_LOG = path.join(DEV_DIR, 'events.log');
const N8N_LOG = path.join(DEV_DIR, 'n8n.log');

const FOLLOWUP_IDS = ['abc123def456', 'def456ghi789', 'ghi789jkl012'];
const CREDENTIAL = { id: 'getbillSandbox01', name: 'GetBill sandbox' };
const WORKFLOW_ID = 'getbillExample01';
const WORKFLOW_NAME = 'Update followup';

/** The event workflow: GetBill Trigger → GetBill Update, published, with a fixed sandbox secret. */
const WEBHOOK_CREDENTIAL = { id: 'getbillWebhook01', name: 'GetBill sandbox webhook' };
const WEBHOOK_SECRET = 'whsec_dev_sandbox_5f3a9c2e7b14';
const EVENTS_WORKFLOW_ID = 'getbillEvents001';
const EVENTS_WORKFLOW_NAME = 'On a GetBill event, update the followup';
const EVENTS_WEBHOOK_ID = '0d7c5e2a-8b41-4f6e-9a3d-5c1b7e9f2a60';
const EVENTS_SELECTED = ['followup.created', 'followup.updated', 'followup.completed', 'followup.failed'];
const UPDATE_NODE = 'Update the followup of the event';

const TEMPLATES_DIR = path.join(ROOT, 'examples', 'workflows');

/**
 * The templates of examples/workflows/, ready to import into the sandbox: each
 * with a stable id (from its file name), its GetBill credentials swapped for the
 * sandbox's, and any other credential reference removed (n8n then asks for one).
 */
function templateWorkflows() {
	const files = fs.existsSync(TEMPLATES_DIR) ? fs.readdirSync(TEMPLATES_DIR).filter((f) => f.endsWith('.json')).sort() : [];
	return files.map((file) => {
		const id = `tpl${crypto.createHash('sha1').update(file).digest('hex').slice(0, 13)}`;
		const wf = W.fromTemplate(path.join(TEMPLATES_DIR, file), {
			id,
			credentials: { [W.CREDENTIAL_TYPE]: CREDENTIAL, [W.WEBHOOK_CREDENTIAL_TYPE]: WEBHOOK_CREDENTIAL },
		});
		for (const n of wf.nodes) {
			for (const type of Object.keys(n.credentials ?? {})) {
				if (type !== W.CREDENTIAL_TYPE && type !== W.WEBHOOK_CREDENTIAL_TYPE) delete n.credentials[type];
			}
		}
		return { file, workflow: wf };
	});
}

/** A fingerprint of the template files, to import them again when one changed. */
function templatesHash(templates) {
	return crypto.createHash('sha1').update(JSON.stringify(templates.map((t) => [t.file, t.workflow]))).digest('hex');
}

const webhookPath = () => `/webhook/${EVENTS_WEBHOOK_ID}/webhook`;

const bold = (s) => (process.stdout.isTTY ? `\x1b[1m${s}\x1b[0m` : s);
const green = (s) => (process.stdout.isTTY ? `\x1b[1;32m${s}\x1b[0m` : s);
// A closed terminal (SIGHUP) or a closed log pipe must not turn a write into a crash while stopping.
process.stdout.on('error', () => {});
process.stderr.on('error', () => {});
const say = (msg) => process.stdout.write(`[dev] ${msg}\n`);

function exampleWorkflow() {
	const wf = W.chain(WORKFLOW_ID, WORKFLOW_NAME, [
		W.manualTrigger("When clicking 'Execute workflow'"),
		W.getBill('Update followup', {
			credential: CREDENTIAL,
			typeVersion: 2,
			// Picked From List in the editor: the locator keeps the label it showed.
			followupId: { __rl: true, mode: 'list', value: 'abc123def456', cachedResultName: 'Call — Scheduled — 2024-01-25 10:00' },
			fields: {
				status: 'deal_found',
				call_date: '={{ $now }}',
				duration_ms: 240000,
				summary: 'Successful contact, payment plan agreed',
				notes: 'Customer agreed to pay €500 monthly starting February 1st.',
			},
		}),
	]);
	wf.nodes.forEach((n, i) => (n.position = [i * 260, 0]));
	return wf;
}

function eventsWorkflow() {
	const trigger = W.node(
		'GetBill Trigger',
		'n8n-nodes-getbill.getBillTrigger',
		1,
		{ events: EVENTS_SELECTED },
		{ webhookId: EVENTS_WEBHOOK_ID, credentials: { getBillWebhookApi: WEBHOOK_CREDENTIAL } },
	);
	const update = W.getBill(UPDATE_NODE, {
		credential: CREDENTIAL,
		typeVersion: 2,
		followupId: { __rl: true, mode: 'id', value: '={{ $json.data.id }}' },
		fields: {
			status: '={{ $json.data.status }}',
			summary: '=Updated from GetBill event {{ $json.type }} ({{ $json.created_at }})',
		},
	});
	const wf = W.chain(EVENTS_WORKFLOW_ID, EVENTS_WORKFLOW_NAME, [trigger, update]);
	wf.nodes.forEach((n, i) => (n.position = [i * 260, 0]));
	return wf;
}

function portFree(port) {
	return new Promise((resolve) => {
		const srv = net.createServer();
		srv.once('error', () => resolve(false));
		srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
	});
}

function readState() {
	try {
		return JSON.parse(fs.readFileSync(STATE_FILE, 'utf8'));
	} catch {
		return {};
	}
}

function writeState(patch) {
	const state = { ...readState(), ...patch };
	for (const [k, v] of Object.entries(state)) if (v === undefined) delete state[k];
	fs.mkdirSync(DEV_DIR, { recursive: true });
	fs.writeFileSync(STATE_FILE, JSON.stringify(state, null, 2) + '\n');
}

/* ---- what a previous run may have left behind (Linux /proc) ---- */

function pidAlive(pid) {
	if (!Number.isInteger(pid) || pid <= 0) return false;
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		return error.code === 'EPERM';
	}
}

function groupAlive(pgid) {
	try {
		process.kill(-pgid, 0);
		return true;
	} catch (error) {
		return error.code === 'EPERM';
	}
}

function procArgs(pid) {
	try {
		return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
	} catch {
		return undefined;
	}
}

function procEnv(pid, name) {
	try {
		const entry = fs
			.readFileSync(`/proc/${pid}/environ`, 'utf8')
			.split('\0')
			.find((e) => e.startsWith(`${name}=`));
		return entry?.slice(name.length + 1);
	} catch {
		return undefined;
	}
}

/** The process group of a pid (field 5 of /proc/<pid>/stat; the name before may hold spaces). */
function procGroup(pid) {
	try {
		const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
		return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
	} catch {
		return undefined;
	}
}

const isDevProcess = (pid) => pid !== process.pid && Boolean(procArgs(pid)?.some((a) => a.endsWith(path.join('scripts', 'dev.js'))));
const isN8nStart = (args) => Boolean(args) && args.some((a) => /[/\\]n8n[/\\]bin[/\\]n8n$|[/\\]\.bin[/\\]n8n$/.test(a)) && args.includes('start');

/**
 * The `n8n start` processes of this user folder still running: the one the state file
 * records (a dev stopped by SIGKILL before the watchdog existed, or the watchdog itself
 * killed) and any other `n8n start` whose N8N_USER_FOLDER is ours.
 */
function leftoverN8ns(state) {
	const pids = new Set();
	if (pidAlive(state.n8nPid) && isN8nStart(procArgs(state.n8nPid))) pids.add(state.n8nPid);
	let entries = [];
	try {
		entries = fs.readdirSync('/proc').filter((e) => /^\d+$/.test(e));
	} catch {
		/* not Linux: only the recorded pid */
	}
	for (const e of entries) {
		const pid = Number(e);
		if (pid === process.pid || pids.has(pid)) continue;
		if (isN8nStart(procArgs(pid)) && procEnv(pid, 'N8N_USER_FOLDER') === USER_FOLDER) pids.add(pid);
	}
	return [...pids];
}

/** Stops what a previous `npm run dev` left behind; refuses to run beside a live one. */
async function stopLeftovers() {
	const state = readState();
	if (pidAlive(state.devPid) && isDevProcess(state.devPid)) {
		throw new Error(
			`npm run dev is already running (pid ${state.devPid}): use it, or stop it first (Ctrl-C in its terminal, or kill ${state.devPid})`,
		);
	}
	const pids = leftoverN8ns(state);
	if (!pids.length) return;
	const groups = pids.map((pid) => ({ pid, pgid: procGroup(pid) === pid ? pid : undefined }));
	say(
		`a previous npm run dev left its n8n running (pid ${pids.join(', ')}${state.n8nUrl ? `, ${state.n8nUrl}` : ''}): stopping it`,
	);
	const signal = (sig) => {
		for (const { pid, pgid } of groups) {
			try {
				process.kill(pgid ? -pgid : pid, sig);
			} catch {
				/* gone */
			}
		}
	};
	const gone = () => groups.every(({ pid, pgid }) => (pgid ? !groupAlive(pgid) : !pidAlive(pid)));
	// Its stdout and stderr were pipes to the dead dev: n8n 2.41 then rarely finishes a graceful
	// stop (see the watchdog in test/e2e/lib/n8n.js), hence the short grace.
	const started = Date.now();
	signal('SIGTERM');
	while (!gone() && Date.now() - started < 3000) await sleep(200);
	if (!gone()) {
		say('it did not stop within 3 s of SIGTERM: SIGKILL');
		signal('SIGKILL');
		while (!gone() && Date.now() - started < 10000) await sleep(200);
	}
	say(`stopped the previous n8n in ${((Date.now() - started) / 1000).toFixed(1)} s`);
	writeState({ n8nPid: undefined });
}

async function main() {
	const args = process.argv.slice(2);
	let n8n;
	let server;
	let stopping = false;
	const stop = async (code = 0, why) => {
		if (stopping) return;
		stopping = true;
		say(`${why ? `${why}: ` : ''}stopping n8n and the sandbox`);
		// A process manager sends SIGKILL some seconds after SIGTERM (docker 10 s, others 20 s):
		// n8n gets 6 s to shut down, then SIGKILL. The watchdog covers a SIGKILL of this process.
		await n8n?.stop({ timeoutMs: 6000 });
		await server?.stop().catch(() => {});
		try {
			writeState({ devPid: undefined, n8nPid: undefined });
		} catch {
			/* --reset removed the folder meanwhile, or it is read-only: nothing to record */
		}
		process.exit(code);
	};
	// npm forwards the SIGINT of a Ctrl-C to this process, which also gets it from the terminal:
	// only a SIGINT a second after the first is a second Ctrl-C.
	let firstInterrupt = 0;
	process.on('SIGINT', () => {
		if (firstInterrupt && Date.now() - firstInterrupt > 1000) {
			say('second Ctrl-C: killing n8n now');
			killGroup(n8n?.server, 'SIGKILL');
			process.exit(130);
		}
		firstInterrupt ||= Date.now();
		void stop(0, 'Ctrl-C');
	});
	process.on('SIGTERM', () => void stop(0, 'SIGTERM'));
	process.on('SIGHUP', () => void stop(0, 'SIGHUP'));
	process.on('uncaughtException', (error) => {
		process.stderr.write(`[dev] ${error.stack || error.message}\n`);
		void stop(1);
	});

	await stopLeftovers();
	if (args.includes('--reset')) {
		say(`--reset: removing ${path.relative(ROOT, DEV_DIR)}`);
		fs.rmSync(DEV_DIR, { recursive: true, force: true });
	}
	for (const [what, port] of [
		['n8n', N8N_PORT],
		['the GetBill sandbox', SANDBOX_PORT],
	]) {
		if (!(await portFree(port))) {
			throw new Error(`127.0.0.1:${port} (for ${what}) is in use: stop what uses it, or set GETBILL_DEV_${what === 'n8n' ? 'N8N' : 'SANDBOX'}_PORT`);
		}
	}
	fs.mkdirSync(USER_FOLDER, { recursive: true });
	writeState({ devPid: process.pid });

	say(`n8n ${VERSION}: checking the cache (the first run installs it: 4 to 10 minutes for this version, more on a busy machine)`);
	n8n = await new N8n({ version: VERSION, userFolder: USER_FOLDER }).init();

	say('building and packing n8n-nodes-getbill');
	const tarball = buildAndPack(path.join(DEV_DIR, 'pack'));
	installTarball(tarball, USER_FOLDER);
	say(`installed ${path.basename(tarball)} into ${path.relative(ROOT, path.join(USER_FOLDER, '.n8n', 'nodes'))}`);

	server = new GetBillServer({ port: SANDBOX_PORT, followupIds: FOLLOWUP_IDS });
	const sandboxUrl = await server.start();
	say(`GetBill sandbox on ${sandboxUrl} (followups: ${FOLLOWUP_IDS.join(', ')})`);
	const writeSandbox = () => {
		try {
			fs.mkdirSync(DEV_DIR, { recursive: true });
			fs.writeFileSync(SANDBOX_FILE, JSON.stringify(Object.fromEntries(server.followups), null, 2) + '\n');
		} catch (error) {
			say(`could not write ${SANDBOX_FILE}: ${error.message}`);
		}
	};
	writeSandbox();

	try {
		const state = readState();
		if (state.sandboxUrl !== sandboxUrl) {
			say(`importing the credential "${CREDENTIAL.name}" (base URL ${sandboxUrl})`);
			await n8n.importCredentials([
				W.credential({ ...CREDENTIAL, baseUrl: sandboxUrl, clientId: DEFAULT_CLIENT.clientId, clientSecret: DEFAULT_CLIENT.clientSecret }),
			]);
			writeState({ sandboxUrl });
		}
		if (!state.workflowImported) {
			say(`importing the example workflow "${WORKFLOW_NAME}"`);
			await n8n.importWorkflows([exampleWorkflow()]);
			writeState({ workflowImported: true });
		}
		if (!state.eventsWorkflowImported) {
			say(`importing the credential "${WEBHOOK_CREDENTIAL.name}" and the workflow "${EVENTS_WORKFLOW_NAME}", and publishing it`);
			await n8n.importCredentials([{ ...WEBHOOK_CREDENTIAL, type: 'getBillWebhookApi', data: { secret: WEBHOOK_SECRET } }]);
			await n8n.importWorkflows([eventsWorkflow()]);
			// n8n 2.x imports workflows inactive; publishing is how the CLI activates one.
			await n8n.cliOk(['publish:workflow', `--id=${EVENTS_WORKFLOW_ID}`]);
			writeState({ eventsWorkflowImported: true });
		}
		const templates = templateWorkflows();
		const hash = templatesHash(templates);
		if (templates.length && state.templatesHash !== hash) {
			say(`importing the ${templates.length} templates of examples/workflows (inactive; GetBill credentials set to the sandbox's)`);
			await n8n.importWorkflows(templates.map((t) => t.workflow));
			writeState({ templatesHash: hash });
		}

		say(`starting n8n ${VERSION} on 127.0.0.1:${N8N_PORT} (log: ${path.relative(ROOT, N8N_LOG)})`);
		fs.writeFileSync(N8N_LOG, '');
		let pidRecorded = false;
		const recordPid = () => {
			if (pidRecorded || !n8n.server?.pid) return;
			pidRecorded = true;
			writeState({ n8nPid: n8n.server.pid });
		};
		const url = await n8n.start({
			port: N8N_PORT,
			onOutput: (text) => {
				recordPid();
				fs.appendFileSync(N8N_LOG, text);
			},
		});
		recordPid();
		const settings = await (await fetch(`${url}/rest/settings`)).json();
		if (settings?.data?.userManagement?.showSetupOnFirstLoad) {
			await setupOwner(url);
			say(`created the owner account ${OWNER.email}`);
		}

		// n8n registers the production webhooks of published workflows just after the editor is
		// up. An unsigned probe gets the trigger's 401 and starts nothing.
		const hookUrl = `${url}${webhookPath()}`;
		let hookReady = false;
		for (const deadline = Date.now() + 60000; Date.now() < deadline && !stopping; ) {
			const res = await fetch(hookUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }).catch(() => undefined);
			await res?.text();
			if (res && res.status !== 404) {
				hookReady = true;
				break;
			}
			await sleep(500);
		}
		writeState({ n8nUrl: url, sandboxUrl, webhookUrl: hookUrl });

		const workflowLink = `${url}/workflow/${WORKFLOW_ID}`;
		process.stdout.write(
			[
				'',
				green(`  ➜  Open ${workflowLink}`),
				`     sign in as ${bold(OWNER.email)} / ${bold(OWNER.password)}, you land on the workflow "${WORKFLOW_NAME}":`,
				`     click "Execute workflow" and the sandbox's followup abc123def456 changes (shown below).`,
				'',
				`  n8n ${VERSION} with n8n-nodes-getbill is running on ${url}`,
				`  Events    "${EVENTS_WORKFLOW_NAME}" (GetBill Trigger → GetBill Update), ${hookReady ? 'published' : bold('NOT answering yet, see the n8n log')}:`,
				`            ${url}/workflow/${EVENTS_WORKFLOW_ID}`,
				`            Production URL ${hookUrl}`,
				`            secret ${WEBHOOK_SECRET} (credential "${WEBHOOK_CREDENTIAL.name}"), events ${EVENTS_SELECTED.join(', ')}`,
				`            send a signed event: ${bold('npm run dev:event -- followup.completed')} [followup id, default def456ghi789]`,
				`  Templates ${templates.length} from examples/workflows, in the Workflows list (inactive): ${url}/home/workflows`,
				`  Sandbox   ${sandboxUrl}  (GetBill-like; credential "${CREDENTIAL.name}", client ${DEFAULT_CLIENT.clientId})`,
				`            followups ${FOLLOWUP_IDS.join(', ')}, now in ${path.relative(ROOT, SANDBOX_FILE)}`,
				'  Ctrl-C stops n8n and the sandbox.',
				'',
				'',
			].join('\n'),
		);

		// Report what the sandbox receives, and the events dev:event sends, as it happens.
		let seenApi = 0;
		let seenToken = 0;
		let eventsOffset = fs.existsSync(EVENTS_LOG) ? fs.statSync(EVENTS_LOG).size : 0;
		setInterval(() => {
			try {
				const size = fs.existsSync(EVENTS_LOG) ? fs.statSync(EVENTS_LOG).size : 0;
				if (size < eventsOffset) eventsOffset = 0;
				if (size > eventsOffset) {
					const fd = fs.openSync(EVENTS_LOG, 'r');
					const buf = Buffer.alloc(size - eventsOffset);
					fs.readSync(fd, buf, 0, buf.length, eventsOffset);
					fs.closeSync(fd);
					const text = buf.toString('utf8');
					const complete = text.slice(0, text.lastIndexOf('\n') + 1);
					eventsOffset += Buffer.byteLength(complete);
					for (const line of complete.split('\n').filter(Boolean)) {
						const e = JSON.parse(line);
						say(`event: dev:event POSTed a signed ${e.type} (data.id ${e.id}) to the GetBill Trigger → n8n answered ${e.status} ${e.answer}`);
					}
				}
			} catch {
				/* a half-written line: read again next time */
			}
			for (; seenToken < server.tokenRequests.length; seenToken++) {
				const t = server.tokenRequests[seenToken];
				say(`sandbox: POST /token (${t.grantType}, client ${t.clientId}) → ${t.status}`);
			}
			for (; seenApi < server.requests.length; seenApi++) {
				const r = server.requests[seenApi];
				say(`sandbox: ${r.method} ${r.path} ${r.rawBody || ''} → ${r.status}`);
				if (r.status === 200 && r.method === 'PUT') {
					const id = decodeURIComponent(r.path.split('/').pop());
					const f = server.followups.get(id);
					if (f) say(`sandbox: followup ${id} is now status=${f.status}, summary=${JSON.stringify(f.summary)}`);
					writeSandbox();
				}
			}
		}, 300).unref();

		n8n.server.on('exit', (code, signal) => {
			if (stopping) return;
			say(`n8n exited (${code ?? signal}); see ${path.relative(ROOT, N8N_LOG)}`);
			void stop(1);
		});
	} catch (error) {
		process.stderr.write(`[dev] ${error.message}\n`);
		await stop(1);
	}
}

module.exports = {
	VERSION,
	N8N_PORT,
	DEV_DIR,
	STATE_FILE,
	SANDBOX_FILE,
	EVENTS_LOG,
	FOLLOWUP_IDS,
	WEBHOOK_SECRET,
	EVENTS_WORKFLOW_ID,
	EVENTS_WORKFLOW_NAME,
	EVENTS_SELECTED,
	UPDATE_NODE,
	webhookPath,
	templateWorkflows,
	readState,
	pidAlive,
	isDevProcess,
};

if (require.main === module) {
	main().catch((error) => {
		process.stderr.write(`[dev] ${error.message}\n`);
		process.exit(1);
	});
}
