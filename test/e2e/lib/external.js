'use strict';

/*
 * The e2e suites against an n8n started elsewhere (a Docker container, an n8n a user runs):
 * "external mode", on when GETBILL_E2E_N8N_URL is set. docs/any-n8n.md says how to use it.
 *
 *   GETBILL_E2E_N8N_URL=http://127.0.0.1:5678        the n8n (its editor and REST API)
 *   GETBILL_E2E_N8N_NODES=/path/to/.n8n/nodes         its nodes folder (in Docker: the host side
 *                                                     of the mounted /home/node/.n8n/nodes)
 *   GETBILL_E2E_N8N_DATA=/path/to/.n8n                its data folder (default: the nodes folder's
 *                                                     parent), read for binary files and sqlite
 *   GETBILL_E2E_N8N_EMAIL / GETBILL_E2E_N8N_PASSWORD  its owner (default: the suite's owner, created
 *                                                     over REST when the n8n has none yet)
 *   GETBILL_E2E_N8N_RESTART='docker restart n8n'      a command that restarts it (optional)
 *
 * globalSetup (global-setup.js) then starts no n8n: it installs the packed package into the
 * nodes folder the way n8n installs a community package (lib/package.js), unless the same
 * build is already there; an n8n loads community packages when it starts, so after a new
 * install it runs GETBILL_E2E_N8N_RESTART, or stops and asks for a restart. It signs the owner
 * in (or sets it up on a fresh n8n), reads the n8n's version and checks that the package is
 * loaded, and writes the n8n into the run's state as the one "shared" server of that version:
 * every file calling versionsFor() gets that version, sharedN8n(version) that n8n.
 *
 * The core files (CORE below) run there; every other file is skipped whole, loudly, with its
 * reason (lib/progress-environment.js marks its tests skipped before any hook runs).
 *
 * CommonJS, Node built-ins only.
 */

const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const { execSync } = require('child_process');

/** The files that run against an external n8n: they only use n8n's REST API, its webhooks and its editor. */
const CORE = {
	'getbill.e2e.test.js': 'the node inside n8n: every operation, retries, tokens, errors, paging',
	'version2.e2e.test.js': 'version 2 of the node',
	'debt.e2e.test.js': 'resource Debt, Create Many',
	'rest.e2e.test.js': 'Debtor, Creditor, Report (the file), Company, User',
	'trigger.e2e.test.js': "the trigger in n8n's webhook handling (signed and refused events)",
	'any-n8n.e2e.test.js': 'what n8n 3.x must show: the package loads, OAuth2 read and write, signed and unsigned events, the Unsent output in the editor',
};

/** Why each other file does not run against an external n8n (a file not named here: NOT_CORE). */
const SKIPPED = {
	'install.e2e.test.js': 'installs the package into a fresh n8n of its own (the README route)',
	'queue.e2e.test.js': 'starts its own queue-mode stack (Redis, PostgreSQL, main, webhook processor, workers)',
	'shared.e2e.test.js': 'kills the shared n8n to prove the harness restarts it',
	'safety.e2e.test.js': "reads the n8n server's debug log, which only an n8n the harness started gives it",
	'deadline.e2e.test.js': "reads the n8n server's debug log, which only an n8n the harness started gives it",
	'download.e2e.test.js': "reads the n8n process's peak memory, which only an n8n the harness started gives it",
	'trigger-repeats.e2e.test.js': "reads n8n's database and log with the n8n install the harness started",
	'templates-bulk.e2e.test.js': "needs the n8n install's node types and the n8n's own file folder (~/.n8n-files)",
};
const NOT_CORE = 'not one of the core files (test/e2e/lib/external.js CORE; docs/any-n8n.md)';

const truthy = (v) => Boolean(v && String(v).trim());

/** Whether this run goes against an n8n started elsewhere (GETBILL_E2E_N8N_URL). */
const isExternal = () => truthy(process.env.GETBILL_E2E_N8N_URL);

/** The external n8n as the environment names it; throws when a required variable is missing. */
function externalConfig(env = process.env) {
	const url = String(env.GETBILL_E2E_N8N_URL ?? '').trim().replace(/\/+$/, '');
	if (!/^https?:\/\/[^/\s]+$/.test(url)) throw new Error(`GETBILL_E2E_N8N_URL must be an n8n's base URL, e.g. http://127.0.0.1:5678 (got ${JSON.stringify(env.GETBILL_E2E_N8N_URL)})`);
	if (!truthy(env.GETBILL_E2E_N8N_NODES)) {
		throw new Error('GETBILL_E2E_N8N_NODES is not set: the nodes folder of the n8n at GETBILL_E2E_N8N_URL (<N8N_USER_FOLDER>/.n8n/nodes; in Docker the host folder mounted at /home/node/.n8n/nodes)');
	}
	const nodes = path.resolve(env.GETBILL_E2E_N8N_NODES);
	const data = path.resolve(truthy(env.GETBILL_E2E_N8N_DATA) ? env.GETBILL_E2E_N8N_DATA : path.dirname(nodes));
	return { url, nodes, data, restart: truthy(env.GETBILL_E2E_N8N_RESTART) ? env.GETBILL_E2E_N8N_RESTART : undefined };
}

/**
 * Whether a test file runs against an external n8n: `{ run: true }` for a core file, else
 * `{ run: false, reason }`.
 */
function externalPlan(testPath) {
	const file = path.basename(testPath);
	if (CORE[file]) return { run: true };
	return { run: false, reason: SKIPPED[file] ?? NOT_CORE };
}

/** The banner of a file skipped in external mode: `!` lines, as the queue suite's when it cannot run. */
function skipBanner(testPath, reason, url = process.env.GETBILL_E2E_N8N_URL) {
	const bar = '!'.repeat(100);
	return [bar, `!!! ${path.basename(testPath)} NOT RUN against the external n8n at ${url}: ${reason}.`, '!!! It runs in the harness\'s own n8n (npm run test:e2e without GETBILL_E2E_N8N_URL).', bar].join('\n');
}

/** The file in the nodes folder recording which packed build the harness installed there. */
const MARKER = '.getbill-e2e-installed.json';

const sha256 = (file) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');

/**
 * Installs `tarball` into the nodes folder (as n8n installs a community package) unless the
 * same build (its SHA-256) is already there. Resolves to whether it installed now (then the
 * n8n must be restarted to load it).
 */
function installIntoNodes(tarball, nodes) {
	const { installTarballInto, PKG } = require('./package');
	const hash = sha256(tarball);
	const markerFile = path.join(nodes, MARKER);
	let marker;
	try {
		marker = JSON.parse(fs.readFileSync(markerFile, 'utf8'));
	} catch {
		marker = undefined;
	}
	const packageJson = path.join(nodes, 'node_modules', PKG.name, 'package.json');
	if (marker?.sha256 === hash && fs.existsSync(packageJson)) return { installed: false, sha256: hash, since: marker.at };
	fs.mkdirSync(nodes, { recursive: true });
	installTarballInto(tarball, nodes);
	const at = new Date().toISOString();
	fs.writeFileSync(markerFile, JSON.stringify({ package: PKG.name, version: PKG.version, sha256: hash, tarball: path.basename(tarball), at }, null, 2) + '\n');
	return { installed: true, sha256: hash, since: at };
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Waits until `<url>/healthz/readiness` answers 200; false after `timeoutMs`. */
async function ready(url, timeoutMs) {
	const { healthy } = require('./shared');
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		if (await healthy(url)) return true;
		if (Date.now() > deadline) return false;
		await sleep(1000);
	}
}

/**
 * The owner's session on the external n8n: signs in; on a fresh n8n (no owner yet) sets the
 * owner up first (`POST /rest/owner/setup`, as the suite's own n8n gets one).
 */
async function ownerCookie(url) {
	const { createOwner, signInOwner } = require('./shared');
	const res = await fetch(`${url}/rest/settings`);
	const settings = res.ok ? ((await res.json()).data ?? {}) : (await res.text(), {});
	if (settings.userManagement?.showSetupOnFirstLoad === true) return { cookie: await createOwner(url), ownerCreated: true };
	try {
		return { cookie: await signInOwner(url), ownerCreated: false };
	} catch (error) {
		throw new Error(`${error.message}: set GETBILL_E2E_N8N_EMAIL and GETBILL_E2E_N8N_PASSWORD to the n8n's owner`);
	}
}

/**
 * globalSetup in external mode: the package in the nodes folder (restarting the n8n when it was
 * installed now and GETBILL_E2E_N8N_RESTART says how), the owner's session, the n8n's version,
 * the package loaded. Resolves to the state file's entry of that n8n.
 * @param {{tarball: string, say: (line: string) => void}} o
 */
async function connectExternal({ tarball, say }) {
	const cfg = externalConfig();
	const { PKG } = require('./package');
	const install = installIntoNodes(tarball, cfg.nodes);
	say(
		install.installed
			? `external n8n: installed ${path.basename(tarball)} into ${cfg.nodes}/node_modules/${PKG.name}`
			: `external n8n: ${cfg.nodes}/node_modules/${PKG.name} already holds this build (installed ${install.since})`,
	);
	if (install.installed) {
		if (!cfg.restart) {
			const up = await ready(cfg.url, 2000);
			if (up) {
				throw new Error(
					`the package was installed into ${cfg.nodes} just now, and the n8n at ${cfg.url} loaded its community packages when it started: restart it (e.g. docker restart <container>) and run again, or set GETBILL_E2E_N8N_RESTART to the command that restarts it`,
				);
			}
		} else {
			say(`external n8n: restarting it (${cfg.restart}) to load the package`);
			execSync(cfg.restart, { stdio: 'inherit', timeout: 300000 });
		}
	}
	if (!(await ready(cfg.url, 2000))) say(`external n8n: waiting up to 3 minutes for ${cfg.url} to answer (start it now if it is not started)`);
	if (!(await ready(cfg.url, 180000))) {
		throw new Error(`nothing answered ${cfg.url}/healthz/readiness within 3 minutes: start the n8n (after the package is in ${cfg.nodes}: it loads community packages at its start)`);
	}
	const { cookie, ownerCreated } = await ownerCookie(cfg.url);
	const { restClient } = require('./shared');
	const rest = restClient(cfg.url, cookie);
	const settings = await rest('/rest/settings');
	const version = settings.versionCli;
	if (!version) throw new Error(`${cfg.url}/rest/settings names no n8n version (versionCli)`);
	const types = await rest('/types/nodes.json');
	const ours = types.filter((t) => t.name.startsWith(`${PKG.name}.`)).map((t) => t.name);
	if (!ours.includes(`${PKG.name}.getBill`)) {
		throw new Error(
			`the n8n ${version} at ${cfg.url} has not loaded ${PKG.name} (no ${PKG.name}.getBill in /types/nodes.json): was it started after the package was installed into ${cfg.nodes}? On n8n 3.x it also needs N8N_UNVERIFIED_PACKAGES_ENABLED=true; its log says why a package did not load`,
		);
	}
	say(`external n8n: ${version} at ${cfg.url}, ${ownerCreated ? 'owner created' : 'owner signed in'}, ${PKG.name} loaded (${ours.join(', ')})`);
	return {
		version,
		url: cfg.url,
		userFolder: path.dirname(cfg.data),
		// n8n's HOME (its ~/.n8n-files) as far as the harness can tell: the data folder's parent.
		home: path.dirname(cfg.data),
		dataDir: cfg.data,
		nodes: cfg.nodes,
		cookie,
		restarts: 0,
		external: true,
		sha256: install.sha256,
	};
}

module.exports = { CORE, SKIPPED, NOT_CORE, MARKER, isExternal, externalConfig, externalPlan, skipBanner, installIntoNodes, connectExternal, ready };

/*
 * `node test/e2e/lib/external.js install [file.tgz]`: puts the package into GETBILL_E2E_N8N_NODES
 * before the n8n starts (CI does this before `docker run`): the tarball given (or
 * GETBILL_E2E_TARBALL), else this package built and packed now.
 */
if (require.main === module) {
	const [command, given = process.env.GETBILL_E2E_TARBALL] = process.argv.slice(2);
	if (command !== 'install') {
		process.stderr.write('usage: GETBILL_E2E_N8N_NODES=<n8n nodes folder> node test/e2e/lib/external.js install [file.tgz]\n');
		process.exit(2);
	}
	try {
		const { nodes } = externalConfig({ GETBILL_E2E_N8N_URL: 'http://127.0.0.1', ...process.env });
		const tarball = given ? path.resolve(given) : require('./package').buildAndPack();
		const r = installIntoNodes(tarball, nodes);
		process.stdout.write(`${r.installed ? 'installed' : 'already installed'}: ${path.basename(tarball)} (sha256 ${r.sha256.slice(0, 12)}) in ${nodes}; start (or restart) the n8n now\n`);
	} catch (error) {
		process.stderr.write(`external.js install: ${error.message}\n`);
		process.exit(1);
	}
}
