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
 *     pointing at the sandbox and an example workflow "Update a followup";
 *   - prints the URL and the login, and every update the sandbox receives.
 *
 * Ctrl-C stops everything. `npm run dev -- --reset` starts from an empty n8n.
 * Ports: GETBILL_DEV_N8N_PORT (5678), GETBILL_DEV_SANDBOX_PORT (8787).
 */

const fs = require('fs');
const net = require('net');
const path = require('path');

const { GetBillServer, DEFAULT_CLIENT } = require('../test/server/getbill-server');
const { N8n } = require('../test/e2e/lib/n8n');
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
const N8N_LOG = path.join(DEV_DIR, 'n8n.log');

const FOLLOWUP_IDS = ['abc123def456', 'def456ghi789', 'ghi789jkl012'];
const CREDENTIAL = { id: 'getbillSandbox01', name: 'GetBill sandbox' };
const WORKFLOW_ID = 'getbillExample01';

const bold = (s) => (process.stdout.isTTY ? `\x1b[1m${s}\x1b[0m` : s);
const say = (msg) => process.stdout.write(`[dev] ${msg}\n`);

function exampleWorkflow() {
	const wf = W.chain(WORKFLOW_ID, 'Update a followup', [
		W.manualTrigger("When clicking 'Execute workflow'"),
		W.getBill('Update a followup', {
			credential: CREDENTIAL,
			followupId: 'abc123def456',
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

async function main() {
	const args = process.argv.slice(2);
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

	say(`n8n ${VERSION}: checking the cache (the first run installs it, ~12 minutes)`);
	const n8n = await new N8n({ version: VERSION, userFolder: USER_FOLDER }).init();

	say('building and packing n8n-nodes-getbill');
	const tarball = buildAndPack(path.join(DEV_DIR, 'pack'));
	installTarball(tarball, USER_FOLDER);
	say(`installed ${path.basename(tarball)} into ${path.relative(ROOT, path.join(USER_FOLDER, '.n8n', 'nodes'))}`);

	const server = new GetBillServer({ port: SANDBOX_PORT, followupIds: FOLLOWUP_IDS });
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

	let stopping = false;
	const stop = async (code = 0) => {
		if (stopping) return;
		stopping = true;
		say('stopping n8n and the sandbox');
		await n8n.stop();
		await server.stop();
		process.exit(code);
	};
	process.on('SIGINT', () => void stop(0));
	process.on('SIGTERM', () => void stop(0));
	process.on('SIGHUP', () => void stop(0));
	process.on('uncaughtException', (error) => {
		process.stderr.write(`[dev] ${error.stack || error.message}\n`);
		void stop(1);
	});

	try {
		const state = readState();
		if (state.sandboxUrl !== sandboxUrl) {
			say(`importing the credential "${CREDENTIAL.name}" (base URL ${sandboxUrl})`);
			await n8n.importCredentials([
				W.credential({ ...CREDENTIAL, baseUrl: sandboxUrl, clientId: DEFAULT_CLIENT.clientId, clientSecret: DEFAULT_CLIENT.clientSecret }),
			]);
		}
		if (!state.workflowImported) {
			say('importing the example workflow "Update a followup"');
			await n8n.importWorkflows([exampleWorkflow()]);
		}
		fs.writeFileSync(STATE_FILE, JSON.stringify({ sandboxUrl, workflowImported: true }, null, 2) + '\n');

		say(`starting n8n ${VERSION} on 127.0.0.1:${N8N_PORT} (log: ${path.relative(ROOT, N8N_LOG)})`);
		fs.writeFileSync(N8N_LOG, '');
		const url = await n8n.start({
			port: N8N_PORT,
			onOutput: (text) => fs.appendFileSync(N8N_LOG, text),
		});
		const settings = await (await fetch(`${url}/rest/settings`)).json();
		if (settings?.data?.userManagement?.showSetupOnFirstLoad) {
			await setupOwner(url);
			say(`created the owner account ${OWNER.email}`);
		}

		process.stdout.write(
			[
				'',
				bold(`  n8n ${VERSION} with n8n-nodes-getbill is running`),
				`  Open      ${bold(url)}`,
				`  Sign in   ${bold(OWNER.email)}  /  ${bold(OWNER.password)}`,
				`  Workflow  "Update a followup": ${url}/workflow/${WORKFLOW_ID}  → Execute workflow`,
				`  Sandbox   ${sandboxUrl}  (GetBill-like; credential "${CREDENTIAL.name}", client ${DEFAULT_CLIENT.clientId})`,
				`            followups now: ${path.relative(ROOT, SANDBOX_FILE)}`,
				'  Ctrl-C stops n8n and the sandbox.',
				'',
				'',
			].join('\n'),
		);

		// Report what the sandbox receives, as it happens.
		let seenApi = 0;
		let seenToken = 0;
		setInterval(() => {
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

main().catch((error) => {
	process.stderr.write(`[dev] ${error.message}\n`);
	process.exit(1);
});
