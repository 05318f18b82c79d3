#!/usr/bin/env node
'use strict';

/*
 * Installs the pinned real n8n versions used by the end-to-end tests into a
 * cache folder outside the repository, and tells the tests where they are.
 *
 *   node test/e2e/install-n8n.js            # install all pinned versions
 *   node test/e2e/install-n8n.js 2.8.4      # install one
 *   node test/e2e/install-n8n.js --force    # wipe and reinstall
 *
 * Cache: $GETBILL_E2E_CACHE or ~/.cache/n8n-nodes-getbill-e2e (5.4 GB with both versions;
 * a cold install of both takes about 6 minutes on a quiet 2-core machine, 15 on a busy one)
 *   node24/                  npm install of node@NODE24_VERSION (ships the binary and headers)
 *   n8n-<version>/           npm install of n8n@<version>, sqlite3 rebuilt from source
 *   <each dir>/.installed-ok  written only after install + smoke check succeeded
 *   logs/<target>.log        npm / node-gyp output
 *
 * Recipe (works with only the npm registry reachable): `npm install
 * --ignore-scripts` then `npm rebuild sqlite3` (node-gyp, from source, against
 * the headers of the node that will run n8n). n8n 2.41.x needs Node >= 24,
 * which comes from the npm package `node` (its preinstall pulls
 * node-<platform>-<arch>, which ships bin/node and include/node).
 *
 * Uses Node built-ins only; CommonJS; Node >= 20.
 */

const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawn, execFileSync } = require('child_process');

const NODE24_VERSION = '24.21.0';
const MARKER = '.installed-ok';
const SCRIPT_REV = 1; // bump to invalidate existing markers

// Pinned n8n versions and how to install them.
const VERSIONS = {
	'2.41.1': { node: 'node24', overrides: {} },
	// n8n-nodes-base@2.8.1 depends on xlsx from cdn.sheetjs.com, which is unreachable.
	'2.8.4': { node: 'system', overrides: { xlsx: '0.18.5' } },
};

const CMD_TIMEOUT_MS = 45 * 60 * 1000;
const LOCK_MAX_AGE_MS = 3 * 60 * 60 * 1000; // a lock older than this is stale whatever its pid

/** Child processes (npm) currently running, so the CLI can stop them on SIGINT/SIGTERM. */
const activeChildren = new Set();

function cacheDir() {
	return path.resolve(
		process.env.GETBILL_E2E_CACHE || path.join(os.homedir(), '.cache', 'n8n-nodes-getbill-e2e'),
	);
}

function log(msg) {
	process.stderr.write(`[${new Date().toISOString()}] install-n8n: ${msg}\n`);
}

function fmtDuration(ms) {
	const s = Math.round(ms / 1000);
	return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

function readMarker(dir) {
	try {
		const m = JSON.parse(fs.readFileSync(path.join(dir, MARKER), 'utf8'));
		return m && m.scriptRev === SCRIPT_REV ? m : null;
	} catch {
		return null;
	}
}

function writeMarker(dir, data) {
	const file = path.join(dir, MARKER);
	const body = JSON.stringify({ ...data, scriptRev: SCRIPT_REV, installedAt: new Date().toISOString() }, null, 2);
	fs.writeFileSync(file + '.tmp', body + '\n');
	fs.renameSync(file + '.tmp', file);
}

function isFile(p) {
	try {
		return fs.statSync(p).isFile();
	} catch {
		return false;
	}
}

// ---------------------------------------------------------------- locking
// A directory lock, so parallel test workers don't install into the same folder.

function sleep(ms) {
	return new Promise((r) => setTimeout(r, ms));
}

function pidAlive(pid) {
	try {
		process.kill(pid, 0);
		return true;
	} catch (e) {
		return e.code === 'EPERM';
	}
}

async function withLock(name, fn) {
	const lockDir = path.join(cacheDir(), `${name}.lock`);
	fs.mkdirSync(cacheDir(), { recursive: true });
	let waitingSince = 0;
	for (;;) {
		try {
			fs.mkdirSync(lockDir);
			fs.writeFileSync(path.join(lockDir, 'pid'), String(process.pid));
			break;
		} catch (e) {
			if (e.code !== 'EEXIST') throw e;
			let pid = NaN;
			try {
				pid = parseInt(fs.readFileSync(path.join(lockDir, 'pid'), 'utf8'), 10);
			} catch {
				/* being created right now */
			}
			let age = 0;
			try {
				age = Date.now() - fs.statSync(lockDir).mtimeMs;
			} catch {
				continue;
			}
			const stale =
				age > LOCK_MAX_AGE_MS ||
				(Number.isFinite(pid) ? !pidAlive(pid) : age > 30000);
			if (stale) {
				log(`removing stale lock ${lockDir}`);
				fs.rmSync(lockDir, { recursive: true, force: true });
				continue;
			}
			if (!waitingSince) {
				waitingSince = Date.now();
				log(`waiting for another install of ${name} (pid ${pid}) to finish`);
			}
			await sleep(2000);
		}
	}
	try {
		return await fn();
	} finally {
		fs.rmSync(lockDir, { recursive: true, force: true });
	}
}

// ---------------------------------------------------------------- running commands

/** Environment for child npm: drop npm_* vars inherited from `npm run`/`npm test` (e.g. ignore_scripts). */
function cleanEnv(extra) {
	const keep = new Set([
		'npm_config_registry',
		'npm_config_cache',
		'npm_config_userconfig',
		'npm_config_globalconfig',
		'npm_config_proxy',
		'npm_config_https_proxy',
		'npm_config_noproxy',
		'npm_config_strict_ssl',
		'npm_config_cafile',
	]);
	const env = {};
	for (const [k, v] of Object.entries(process.env)) {
		if (/^npm_/i.test(k) && !keep.has(k.toLowerCase())) continue;
		env[k] = v;
	}
	env.npm_config_update_notifier = 'false';
	env.npm_config_fund = 'false';
	env.npm_config_audit = 'false';
	return { ...env, ...extra };
}

function tailFile(file, lines) {
	try {
		const text = fs.readFileSync(file, 'utf8');
		return text.split('\n').slice(-lines).join('\n');
	} catch {
		return '(no log)';
	}
}

/** Run a command with output appended to logFile; rejects with a clear message on failure. */
function run(cmd, args, { cwd, env, logFile, label }) {
	return new Promise((resolve, reject) => {
		fs.appendFileSync(
			logFile,
			`\n===== ${new Date().toISOString()} ${label}\n$ (cd ${cwd} && ${cmd} ${args.join(' ')})\n`,
		);
		const fd = fs.openSync(logFile, 'a');
		const started = Date.now();
		log(`${label} ...`);
		let child;
		try {
			child = spawn(cmd, args, { cwd, env, stdio: ['ignore', fd, fd] });
			activeChildren.add(child);
		} finally {
			fs.closeSync(fd);
		}
		const heartbeat = setInterval(
			() => log(`${label}: still running (${fmtDuration(Date.now() - started)}), log: ${logFile}`),
			60000,
		);
		const timer = setTimeout(() => {
			log(`${label}: timed out after ${fmtDuration(CMD_TIMEOUT_MS)}, killing`);
			child.kill('SIGKILL');
		}, CMD_TIMEOUT_MS);
		const done = (err) => {
			activeChildren.delete(child);
			clearInterval(heartbeat);
			clearTimeout(timer);
			if (err) {
				reject(
					new Error(
						`${label} failed: ${err}\n--- last lines of ${logFile} ---\n${tailFile(logFile, 40)}\n---`,
					),
				);
			} else {
				log(`${label}: done in ${fmtDuration(Date.now() - started)}`);
				resolve();
			}
		};
		child.on('error', (e) => done(`could not start ${cmd}: ${e.message}`));
		child.on('exit', (code, signal) =>
			done(code === 0 ? null : signal ? `killed by ${signal}` : `exit code ${code}`),
		);
	});
}

/** How to invoke npm with a given node binary (so lifecycle scripts and node-gyp use that node). */
function npmCommand(nodeBin) {
	const candidates = [
		process.env.npm_execpath,
		path.resolve(path.dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js'),
	];
	try {
		const npmPath = execFileSync('which', ['npm'], { encoding: 'utf8' }).trim();
		if (npmPath) candidates.push(path.resolve(path.dirname(fs.realpathSync(npmPath)), 'npm-cli.js'));
	} catch {
		/* no npm on PATH */
	}
	const cli = candidates.find((c) => c && /npm-cli\.js$/.test(c) && isFile(c));
	return cli ? { cmd: nodeBin, pre: [cli] } : { cmd: 'npm', pre: [] };
}

function withNodeOnPath(nodeBin, env) {
	return { ...env, PATH: `${path.dirname(nodeBin)}${path.delimiter}${env.PATH || ''}` };
}

function npm(nodeBin, args, opts) {
	const { cmd, pre } = npmCommand(nodeBin);
	return run(cmd, [...pre, ...args], { ...opts, env: withNodeOnPath(nodeBin, opts.env) });
}

function logFileFor(target) {
	const dir = path.join(cacheDir(), 'logs');
	fs.mkdirSync(dir, { recursive: true });
	return path.join(dir, `${target}.log`);
}

// ---------------------------------------------------------------- node 24

function nodeArchPackage() {
	const platform = process.platform === 'win32' ? 'win' : process.platform;
	return `node-${platform}-${process.arch}`;
}

/** Find the binary and header dir (nodedir, containing include/node/node.h) of an installed node@24. */
function locateNode24(dir) {
	const pkg = nodeArchPackage();
	const archDirs = [
		path.join(dir, 'node_modules', 'node', 'node_modules', pkg),
		path.join(dir, 'node_modules', pkg),
	];
	for (const archDir of archDirs) {
		const bin = path.join(archDir, 'bin', 'node');
		if (isFile(bin) && isFile(path.join(archDir, 'include', 'node', 'node.h'))) {
			return { nodeBin: bin, nodedir: archDir };
		}
	}
	return null;
}

function nodeVersionOf(bin) {
	return execFileSync(bin, ['--version'], { encoding: 'utf8', timeout: 30000 }).trim();
}

async function ensureNode24() {
	const dir = path.join(cacheDir(), 'node24');
	const cached = readMarker(dir);
	if (cached && isFile(cached.nodeBin) && isFile(path.join(cached.nodedir, 'include', 'node', 'node.h'))) {
		return cached;
	}
	return withLock('node24', async () => {
		const again = readMarker(dir);
		if (again && isFile(again.nodeBin)) return again;
		const started = Date.now();
		const logFile = logFileFor('node24');
		log(`installing node@${NODE24_VERSION} into ${dir}`);
		fs.rmSync(dir, { recursive: true, force: true });
		fs.mkdirSync(dir, { recursive: true });
		fs.writeFileSync(
			path.join(dir, 'package.json'),
			JSON.stringify({ name: 'getbill-e2e-node24', private: true }, null, 2) + '\n',
		);
		const env = cleanEnv({});
		// The `node` package's preinstall installs node-<platform>-<arch>, which holds the real binary.
		await npm(
			process.execPath,
			['install', '--save-exact', '--ignore-scripts=false', `node@${NODE24_VERSION}`],
			{ cwd: dir, env, logFile, label: `npm install node@${NODE24_VERSION}` },
		);
		let found = locateNode24(dir);
		if (!found) {
			// Newer npm may refuse the preinstall; the arch package works without scripts.
			await npm(
				process.execPath,
				['install', '--save-exact', `${nodeArchPackage()}@${NODE24_VERSION}`],
				{ cwd: dir, env, logFile, label: `npm install ${nodeArchPackage()}@${NODE24_VERSION}` },
			);
			found = locateNode24(dir);
		}
		if (!found) throw new Error(`node@${NODE24_VERSION} installed in ${dir} but no bin/node + include/node/node.h found`);
		const v = nodeVersionOf(found.nodeBin);
		if (v !== `v${NODE24_VERSION}`) throw new Error(`${found.nodeBin} --version printed ${v}, expected v${NODE24_VERSION}`);
		const marker = { nodeVersion: v, nodeBin: found.nodeBin, nodedir: found.nodedir };
		writeMarker(dir, marker);
		log(`node ${v} ready in ${fmtDuration(Date.now() - started)}: ${found.nodeBin}`);
		return readMarker(dir);
	});
}

/** The system node (the one running this script), with its header dir if we can find one. */
function systemNode() {
	const major = parseInt(process.versions.node.split('.')[0], 10);
	if (major < 20 || major > 24) {
		throw new Error(`n8n 2.8.x needs Node >=20.19 <=24.x; this script runs on ${process.version}`);
	}
	const prefix = path.resolve(path.dirname(process.execPath), '..');
	const nodedir = isFile(path.join(prefix, 'include', 'node', 'node.h')) ? prefix : null;
	return { nodeBin: process.execPath, nodeVersion: process.version, nodedir };
}

// ---------------------------------------------------------------- n8n

function n8nPaths(version) {
	const dir = path.join(cacheDir(), `n8n-${version}`);
	return { dir, n8nBin: path.join(dir, 'node_modules', 'n8n', 'bin', 'n8n') };
}

async function smokeCheck(version, nodeBin, dir, n8nBin) {
	// sqlite3 must load under the node that runs n8n (ABI / build check).
	execFileSync(
		nodeBin,
		['-e', `require(${JSON.stringify(path.join(dir, 'node_modules', 'sqlite3'))})`],
		{ cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], timeout: 60000 },
	);
	const userFolder = fs.mkdtempSync(path.join(os.tmpdir(), 'getbill-e2e-smoke-'));
	try {
		const out = execFileSync(nodeBin, [n8nBin, '--version'], {
			cwd: dir,
			encoding: 'utf8',
			timeout: 120000,
			stdio: ['ignore', 'pipe', 'pipe'],
			env: {
				...cleanEnv({}),
				N8N_USER_FOLDER: userFolder,
				N8N_DIAGNOSTICS_ENABLED: 'false',
				N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
			},
		});
		if (!out.split(/\s+/).includes(version)) {
			throw new Error(`\`n8n --version\` printed ${JSON.stringify(out.trim())}, expected ${version}`);
		}
	} finally {
		fs.rmSync(userFolder, { recursive: true, force: true });
	}
}

/**
 * Ensure n8n@version is installed in the cache; install it if not.
 * @returns {Promise<{version: string, nodeBin: string, n8nBin: string, dir: string}>}
 */
async function ensureN8n(version) {
	const spec = VERSIONS[version];
	if (!spec) throw new Error(`n8n ${version} is not pinned here (pinned: ${Object.keys(VERSIONS).join(', ')})`);
	const { dir, n8nBin } = n8nPaths(version);

	const result = (marker) => ({ version, nodeBin: marker.nodeBin, n8nBin, dir });
	const cachedOk = (m) => m && m.n8nVersion === version && isFile(m.nodeBin) && isFile(n8nBin);

	let marker = readMarker(dir);
	if (cachedOk(marker)) return result(marker);

	const node = spec.node === 'node24' ? await ensureNode24() : systemNode();

	return withLock(`n8n-${version}`, async () => {
		marker = readMarker(dir);
		if (cachedOk(marker)) return result(marker);

		const started = Date.now();
		const logFile = logFileFor(`n8n-${version}`);
		log(
			`installing n8n@${version} into ${dir} (node ${node.nodeVersion}: ${node.nodeBin}); ` +
				`about 3 minutes on a quiet 2-core machine, longer on a busy one; log: ${logFile}`,
		);
		fs.rmSync(dir, { recursive: true, force: true });
		fs.mkdirSync(dir, { recursive: true });
		const pkg = {
			name: `getbill-e2e-n8n-${version.replace(/\./g, '-')}`,
			private: true,
			dependencies: { n8n: version },
		};
		if (Object.keys(spec.overrides).length) pkg.overrides = spec.overrides;
		fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify(pkg, null, 2) + '\n');

		const env = cleanEnv(node.nodedir ? { npm_config_nodedir: node.nodedir } : {});
		await npm(node.nodeBin, ['install', '--ignore-scripts'], {
			cwd: dir,
			env,
			logFile,
			label: `n8n@${version}: npm install --ignore-scripts`,
		});
		// No prebuilt binaries can be downloaded: build sqlite3 from source for this node.
		await npm(
			node.nodeBin,
			['rebuild', 'sqlite3', '--ignore-scripts=false', '--foreground-scripts'],
			{
				cwd: dir,
				env: { ...env, npm_config_build_from_source: 'true' },
				logFile,
				label: `n8n@${version}: npm rebuild sqlite3 (node-gyp)`,
			},
		);
		if (!isFile(n8nBin)) throw new Error(`npm install finished but ${n8nBin} is missing`);

		log(`n8n@${version}: smoke check`);
		try {
			await smokeCheck(version, node.nodeBin, dir, n8nBin);
		} catch (e) {
			const stderr = e.stderr ? `\n${String(e.stderr).slice(-3000)}` : '';
			throw new Error(`n8n@${version} smoke check failed: ${e.message}${stderr}`);
		}
		writeMarker(dir, { n8nVersion: version, nodeBin: node.nodeBin, nodeVersion: node.nodeVersion, n8nBin });
		log(`n8n@${version} ready in ${fmtDuration(Date.now() - started)}`);
		return result(readMarker(dir));
	});
}

/**
 * Environment for running `n8n start` / `n8n execute` / `n8n import:*` of a cached version in
 * isolation (verified for both pinned versions). Ports must be free; each n8n process (start AND
 * execute) opens a task-broker port, 5679 unless N8N_RUNNERS_BROKER_PORT says otherwise.
 */
function n8nEnv(version, { userFolder, port, brokerPort, encryptionKey = 'some-fixed-test-key' } = {}) {
	const env = { ...cleanEnv({}) };
	for (const k of Object.keys(env)) if (/^(N8N_|DB_|EXECUTIONS_|GENERIC_|QUEUE_)/.test(k)) delete env[k];
	Object.assign(env, {
		N8N_ENCRYPTION_KEY: encryptionKey,
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
	});
	if (userFolder) env.N8N_USER_FOLDER = userFolder; // n8n keeps its data in <userFolder>/.n8n
	if (port) env.N8N_PORT = String(port);
	if (brokerPort) env.N8N_RUNNERS_BROKER_PORT = String(brokerPort);
	// 2.41.x fetches https://api.n8n.io/api/mcp-servers at startup (logs ENOTFOUND offline).
	// Module names are validated, so only name modules the version knows.
	if (version.startsWith('2.41.')) env.N8N_DISABLED_MODULES = 'mcp-registry';
	return env;
}

/** Ensure every pinned version; sequential (each install is CPU- and disk-heavy). */
async function ensureAll(versions = Object.keys(VERSIONS)) {
	const out = [];
	for (const v of versions) out.push(await ensureN8n(v));
	return out;
}

module.exports = { ensureN8n, ensureAll, ensureNode24, n8nEnv, cacheDir, VERSIONS, NODE24_VERSION };

if (require.main === module) {
	const args = process.argv.slice(2);
	const force = args.includes('--force');
	const versions = args.filter((a) => !a.startsWith('--'));
	for (const sig of ['SIGINT', 'SIGTERM']) {
		process.on(sig, () => {
			log(`${sig}: stopping; the unfinished install will be redone on the next run`);
			for (const c of activeChildren) c.kill('SIGTERM');
			process.exit(sig === 'SIGINT' ? 130 : 143);
		});
	}
	(async () => {
		const list = versions.length ? versions : Object.keys(VERSIONS);
		if (force) {
			for (const v of list) fs.rmSync(path.join(n8nPaths(v).dir, MARKER), { force: true });
		}
		for (const r of await ensureAll(list)) process.stdout.write(JSON.stringify(r) + '\n');
	})().catch((e) => {
		log(`FAILED: ${e && e.message ? e.message : e}`);
		process.exit(1);
	});
}
