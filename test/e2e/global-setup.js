'use strict';

/*
 * jest globalSetup of the e2e suite: makes sure the pinned n8n versions are in
 * the cache (installs them only when missing), builds and packs this package
 * once for all test files, then starts the shared n8n server of each version
 * (lib/shared.js): the newest before the first file runs, the others in the
 * background (a file that needs one waits for it). Says what it does as it goes.
 *
 * GETBILL_E2E_TARBALL=<a packed .tgz> skips the build (a second run side by side).
 */

const fs = require('fs');
const os = require('os');
const path = require('path');

const { ensureAll, cacheDir } = require('./install-n8n');
const { buildAndPack } = require('./lib/package');
const { say, duration } = require('./lib/progress-reporter');
const { ARTIFACTS, NEWEST, selectedVersions, writeState, readState } = require('./lib/setup');
const { startShared } = require('./lib/shared');

const installed = (v) => fs.existsSync(path.join(cacheDir(), `n8n-${v}`, '.installed-ok'));

/** The packed package: GETBILL_E2E_TARBALL, or built and packed now. */
function packed() {
	const t = Date.now();
	let tarball = process.env.GETBILL_E2E_TARBALL;
	if (tarball) {
		tarball = path.resolve(tarball);
		if (!fs.existsSync(tarball)) throw new Error(`GETBILL_E2E_TARBALL=${tarball} does not exist`);
		say(`setup 2/3: the package packed before: ${tarball}`);
		return tarball;
	}
	say('setup 2/3: building and packing this package (npm run build, npm pack) ...');
	fs.rmSync(ARTIFACTS, { recursive: true, force: true });
	tarball = buildAndPack(ARTIFACTS);
	say(`setup 2/3: packed ${path.relative(process.cwd(), tarball) || tarball} in ${duration(Date.now() - t)}`);
	return tarball;
}

/**
 * External mode (GETBILL_E2E_N8N_URL, lib/external.js): the package installed into that n8n's
 * nodes folder, its owner signed in, and that n8n written into the state as the run's one
 * shared server (of its own version). Nothing is started here, nothing is stopped at the end.
 */
async function externalSetup() {
	const { connectExternal } = require('./lib/external');
	say(`setup 1/3: an n8n started elsewhere: ${process.env.GETBILL_E2E_N8N_URL} (GETBILL_E2E_N8N_URL; no n8n installed or started here)`);
	const tarball = packed();
	const entry = await connectExternal({ tarball, say: (line) => say(`setup 3/3: ${line}`) });
	writeState({ tarball, versions: [entry.version], installs: [], packedAt: new Date().toISOString(), external: entry, shared: { [entry.version]: entry } });
	globalThis.__GETBILL_E2E_SHARED = [];
}

module.exports = async function globalSetup() {
	// This run's own state and ledger (lib/setup.js, lib/ledger.js): the test files read them.
	const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'getbill-e2e-run-'));
	process.env.GETBILL_E2E_STATE = path.join(runDir, 'e2e-state.json');
	process.env.GETBILL_E2E_LEDGER = path.join(runDir, 'ledger.jsonl');
	globalThis.__GETBILL_E2E_RUN_DIR = runDir;
	// The shared servers' logs: one folder per run under .e2e/logs (lib/shared.js); the last 5 runs kept.
	const logs = path.join(require('./lib/package').ROOT, '.e2e', 'logs');
	if (fs.existsSync(logs)) {
		const runs = fs.readdirSync(logs).filter((d) => d.startsWith('getbill-e2e-run-')).map((d) => ({ d, t: fs.statSync(path.join(logs, d)).mtimeMs }));
		for (const { d } of runs.sort((a, b) => b.t - a.t).slice(4)) fs.rmSync(path.join(logs, d), { recursive: true, force: true });
	}

	// An n8n started elsewhere (GETBILL_E2E_N8N_URL): no n8n installed or started here (lib/external.js).
	if (require('./lib/external').isExternal()) return await externalSetup();

	const versions = selectedVersions();
	const missing = versions.filter((v) => !installed(v));
	say(
		`setup 1/3: n8n ${versions.join(' + ')} in ${cacheDir()}` +
			(missing.length
				? `: installing ${missing.join(' + ')} (not in the cache; several minutes each, \`npm run setup\` does this beforehand)`
				: ': cached'),
	);
	const t = Date.now();
	const installs = await ensureAll(versions);
	if (missing.length) say(`setup 1/3: n8n ${versions.join(' + ')} ready in ${duration(Date.now() - t)}`);
	const tarball = packed();
	writeState({ tarball, versions, installs, packedAt: new Date().toISOString(), shared: {} });

	// The shared servers: the newest now, the others in the background.
	globalThis.__GETBILL_E2E_SHARED = [];
	const start = async (version) => {
		const started = Date.now();
		try {
			const { n8n, entry } = await startShared(version, tarball);
			globalThis.__GETBILL_E2E_SHARED.push(n8n);
			const state = readState();
			writeState({ ...state, shared: { ...state.shared, [version]: entry } });
			say(`setup 3/3: the shared n8n ${version} is up at ${entry.url} in ${duration(Date.now() - started)} (log: ${path.relative(process.cwd(), entry.logFile)})`);
		} catch (error) {
			const state = readState();
			writeState({ ...state, shared: { ...state.shared, [version]: { version, error: error.message } } });
			say(`setup 3/3: the shared n8n ${version} did not start: ${error.message.split('\n')[0]}`);
		}
	};
	const later = versions.filter((v) => v !== NEWEST);
	say(`setup 3/3: starting the shared n8n server${versions.length > 1 ? 's' : ''} (${versions.join(', ')}${later.length ? `; ${later.join(', ')} in the background` : ''}) ...`);
	const first = versions.includes(NEWEST) ? start(NEWEST) : Promise.resolve();
	globalThis.__GETBILL_E2E_BACKGROUND = Promise.all(later.map((v) => first.then(() => start(v))));
	await first;
};
