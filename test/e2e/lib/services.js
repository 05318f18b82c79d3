'use strict';

/*
 * The services n8n's queue mode needs, from the machine's own packages (Debian's
 * `redis-server` and `postgresql`, which `npm run setup` installs), each started
 * for one test file and thrown away after it: on 127.0.0.1, on a free port,
 * nothing kept on disk. Each runs in a process group of its own, guarded like
 * n8n (lib/n8n.js spawnGuarded): it does not outlive the test, however the test ends.
 *
 * Ports: a port asked from the OS (freePort) is free when asked, but another
 * process may bind it before the service does. A service that then exits
 * saying its address is in use is started again on a new port (3 tries, the
 * way lib/n8n.js N8n#start does for n8n).
 *
 * PostgreSQL refuses to run as root: as root, the cluster belongs to the
 * `postgres` user (created by Debian's package) or, without it, to `nobody`;
 * the processes run as that user (Node's spawn `uid`/`gid`), the data folder
 * (under the OS temp dir) is made theirs. Authentication is `trust`, for a
 * superuser `n8n`, on 127.0.0.1 only; no Unix socket.
 */

const fs = require('fs');
const os = require('os');
const path = require('path');
const { execFile, execFileSync } = require('child_process');

const { freePort, spawnGuarded, stopGroup, sleep } = require('./n8n');

const PG_USER = 'n8n';
const PG_DATABASE = 'postgres';

/** The first executable of `names` on PATH or in `dirs`, or undefined. */
function findExecutable(names, dirs = []) {
	for (const dir of [...(process.env.PATH ?? '').split(path.delimiter).filter(Boolean), ...dirs]) {
		for (const name of names) {
			const file = path.join(dir, name);
			try {
				fs.accessSync(file, fs.constants.X_OK);
				if (fs.statSync(file).isFile()) return file;
			} catch {
				/* not here */
			}
		}
	}
	return undefined;
}

/** PostgreSQL's server binaries (initdb, postgres): on PATH, or Debian's /usr/lib/postgresql/<major>/bin (the newest). */
function postgresBinDir() {
	const onPath = findExecutable(['initdb']);
	if (onPath && findExecutable(['postgres'], [path.dirname(onPath)])) return path.dirname(onPath);
	let majors = [];
	try {
		majors = fs.readdirSync('/usr/lib/postgresql').filter((d) => /^\d+$/.test(d)).sort((a, b) => Number(b) - Number(a));
	} catch {
		/* not Debian's layout */
	}
	const bin = majors.map((m) => `/usr/lib/postgresql/${m}/bin`).find((dir) => fs.existsSync(path.join(dir, 'initdb')) && fs.existsSync(path.join(dir, 'postgres')));
	return bin;
}

const redisServer = () => findExecutable(['redis-server'], ['/usr/sbin', '/usr/bin']);

/**
 * What queue mode needs and this machine lacks, in words (empty when all is there).
 * @returns {string[]}
 */
function missingForQueueMode() {
	const missing = [];
	if (!redisServer()) missing.push('redis-server (Debian package redis-server)');
	if (!postgresBinDir()) missing.push('PostgreSQL server binaries initdb and postgres (Debian package postgresql)');
	return missing;
}

/** Whether this machine could install what is missing the way `npm run setup` does (root and apt-get). */
const canInstallPackages = () => process.getuid?.() === 0 && Boolean(findExecutable(['apt-get']));

/** uid/gid of a user from /etc/passwd, or undefined. */
function systemUser(name) {
	try {
		const line = fs.readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith(`${name}:`));
		if (!line) return undefined;
		const [, , uid, gid] = line.split(':');
		return { name, uid: Number(uid), gid: Number(gid) };
	} catch {
		return undefined;
	}
}

/** As root, who runs PostgreSQL (`postgres`, or `nobody`); otherwise undefined: this user runs it. */
function postgresRunAs() {
	if (process.getuid?.() !== 0) return undefined;
	const user = systemUser('postgres') ?? systemUser('nobody');
	if (!user) throw new Error('running as root, and neither a "postgres" nor a "nobody" user exists to run PostgreSQL as');
	return user;
}

/**
 * Starts a guarded process and waits for its "ready" line.
 * @returns {Promise<{child: any, output: () => string}>}
 */
async function startUntil(name, command, args, options, ready, timeoutMs = 60000) {
	const proc = spawnGuarded(command, args, options);
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		if (ready.test(proc.output())) return proc;
		if (proc.child.exitCode !== null || proc.child.signalCode !== null || Date.now() > deadline) {
			await stopGroup(proc.child, { signal: 'SIGKILL', timeoutMs: 2000 });
			throw new Error(`${name} did not start (${proc.child.exitCode ?? proc.child.signalCode ?? `not ready after ${timeoutMs} ms`}):\n${proc.output().slice(-3000)}`);
		}
		await sleep(100);
	}
}

/** What Redis and PostgreSQL print when their port was taken before they bound it. */
const ADDRESS_IN_USE = /Address already in use|EADDRINUSE/i;

/**
 * Runs `start(port)` on a free port; when the port was taken meanwhile (the service says its address
 * is in use), again on a new one, `tries` times in all. `firstPort`: the port of the first try (tests).
 */
async function onFreePort(name, start, { firstPort, tries = 3 } = {}) {
	for (let attempt = 1; ; attempt++) {
		const port = attempt === 1 && firstPort !== undefined ? firstPort : await freePort();
		try {
			return await start(port);
		} catch (error) {
			if (attempt >= tries || !ADDRESS_IN_USE.test(error.message)) throw error;
			process.stderr.write(`[e2e] ${name}: port ${port} was taken before it bound it; starting again on a new port\n`);
		}
	}
}

/**
 * Redis on 127.0.0.1 and a free port, no persistence (no RDB, no AOF), its working folder thrown away after.
 * @returns {Promise<{host: string, port: number, output: () => string, stop: () => Promise<void>}>}
 */
async function startRedis({ port: firstPort } = {}) {
	const bin = redisServer();
	if (!bin) throw new Error('redis-server not found (npm run setup installs Debian\'s redis-server)');
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'getbill-e2e-redis-'));
	let proc;
	let port;
	try {
		[proc, port] = await onFreePort(
			'redis-server',
			async (p) => {
				const args = ['--port', String(p), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--daemonize', 'no', '--logfile', ''];
				return [await startUntil('redis-server', bin, args, { cwd: dir }, /Ready to accept connections/), p];
			},
			{ firstPort },
		);
	} catch (error) {
		fs.rmSync(dir, { recursive: true, force: true });
		throw error;
	}
	return {
		host: '127.0.0.1',
		port,
		output: proc.output,
		async stop() {
			await stopGroup(proc.child, { timeoutMs: 5000 });
			fs.rmSync(dir, { recursive: true, force: true });
		},
	};
}

/**
 * A throwaway PostgreSQL cluster: `initdb` into a fresh folder, then `postgres` on 127.0.0.1 and a
 * free port (fsync off: nothing here needs to survive a crash). Superuser `n8n`, trust authentication.
 * @returns {Promise<{host: string, port: number, user: string, database: string, runAs?: string, output: () => string, stop: () => Promise<void>}>}
 */
async function startPostgres({ port: firstPort } = {}) {
	const bin = postgresBinDir();
	if (!bin) throw new Error('PostgreSQL\'s initdb/postgres not found (npm run setup installs Debian\'s postgresql)');
	const runAs = postgresRunAs();
	const ids = runAs ? { uid: runAs.uid, gid: runAs.gid } : {};
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'getbill-e2e-pg-'));
	const data = path.join(dir, 'data');
	const env = { PATH: process.env.PATH, LANG: 'C', LC_ALL: 'C', TZ: 'UTC' };
	const cleanUp = () => fs.rmSync(dir, { recursive: true, force: true });
	try {
		if (runAs) fs.chownSync(dir, runAs.uid, runAs.gid);
		await new Promise((resolve, reject) => {
			execFile(
				path.join(bin, 'initdb'),
				['-D', data, '-U', PG_USER, '--auth=trust', '--encoding=UTF8', '--locale=C', '--no-sync'],
				{ cwd: dir, env, ...ids, timeout: 120000, encoding: 'utf8' },
				(error, stdout, stderr) => (error ? reject(new Error(`initdb failed: ${stderr || error.message}`)) : resolve()),
			);
		});
	} catch (error) {
		cleanUp();
		throw error;
	}
	const settings = {
		listen_addresses: '127.0.0.1',
		unix_socket_directories: '',
		fsync: 'off',
		synchronous_commit: 'off',
		full_page_writes: 'off',
		max_connections: '100',
	};
	let proc;
	let port;
	try {
		[proc, port] = await onFreePort(
			'postgres',
			async (p) => {
				const args = ['-D', data, '-p', String(p), ...Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`])];
				return [await startUntil('postgres', path.join(bin, 'postgres'), args, { cwd: dir, env, ...ids }, /database system is ready to accept connections/), p];
			},
			{ firstPort },
		);
	} catch (error) {
		cleanUp();
		throw error;
	}
	return {
		host: '127.0.0.1',
		port,
		user: PG_USER,
		database: PG_DATABASE,
		runAs: runAs?.name,
		version: execFileSync(path.join(bin, 'postgres'), ['--version'], { encoding: 'utf8' }).trim(),
		output: proc.output,
		async stop() {
			// SIGINT: PostgreSQL's fast shutdown (SIGTERM would wait for every client to leave).
			await stopGroup(proc.child, { signal: 'SIGINT', timeoutMs: 10000 });
			cleanUp();
		},
	};
}

module.exports = { startRedis, startPostgres, missingForQueueMode, canInstallPackages };
