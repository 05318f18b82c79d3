'use strict';

/*
 * n8n's executions of a workflow.
 *
 * - On the shared n8n server (lib/shared.js), over its REST API: runsOf, waitForRuns,
 *   outputsOfRun (the webhook and trigger suites).
 * - In a database through a `query(sql)` function: sqlite (with that n8n install's
 *   sqlite3) or PostgreSQL (queue mode, lib/queue.js). The same SQL serves both:
 *   identifiers in double quotes, IDs the tests choose written into the SQL.
 */

const fs = require('fs');
const os = require('os');
const path = require('path');
const { execFile, spawnSync } = require('child_process');

const { sleep } = require('./n8n');

/** Statuses after which n8n does nothing more with an execution. */
const ENDED = ['success', 'error', 'crashed', 'canceled'];

/** A workflow's executions on a SharedN8n (REST), oldest first: [{id, status, mode, finished}]. */
async function runsOf(n8n, testId) {
	return (await n8n.executions(testId)).map(({ id, status, mode, finished }) => ({ id, status, mode, finished }));
}

/**
 * Waits until a workflow on a SharedN8n has at least `n` executions, all ended (REST); returns
 * them, oldest first. Throws after `timeoutMs` with what there is.
 */
async function waitForRuns(n8n, testId, n, { timeoutMs = 30000 } = {}) {
	const deadline = Date.now() + timeoutMs;
	for (let wait = 50; ; wait = Math.min(wait * 2, 250)) {
		const rows = await runsOf(n8n, testId);
		if (rows.length >= n && rows.every((r) => ENDED.includes(r.status))) return rows;
		if (Date.now() > deadline) {
			const count = {};
			for (const r of rows) count[r.status] = (count[r.status] ?? 0) + 1;
			throw new Error(`expected ${n} ended executions of ${testId} within ${timeoutMs} ms, have ${rows.length}: ${JSON.stringify(count)}`);
		}
		await sleep(wait);
	}
}

/**
 * What an execution's nodes output, read over REST on a SharedN8n: a function node name →
 * the json of its first output's items in its first run (undefined when it did not run).
 */
async function outputsOfRun(n8n, executionId) {
	const execution = await n8n.execution(executionId);
	const runData = execution.data?.resultData?.runData ?? {};
	return (node) => runData[node]?.[0]?.data?.main?.[0]?.map((i) => i.json);
}

/** A workflow's executions, oldest first: [{id, status, mode, finished}]. */
async function executionsOf(query, workflowId) {
	return await query(`SELECT id, status, mode, finished FROM execution_entity WHERE "workflowId" = '${workflowId}' ORDER BY id`);
}

/** Waits until a workflow has at least `n` executions, all ended; returns them. */
async function waitForExecutions(query, workflowId, n, { timeoutMs = 30000 } = {}) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const rows = await executionsOf(query, workflowId);
		if (rows.length >= n && rows.every((r) => r.finished || ENDED.includes(r.status))) return rows;
		if (Date.now() > deadline) {
			const count = {};
			for (const r of rows) count[r.status] = (count[r.status] ?? 0) + 1;
			throw new Error(`expected ${n} ended executions of ${workflowId} within ${timeoutMs} ms, have ${rows.length}: ${JSON.stringify(count)}`);
		}
		await sleep(250);
	}
}

/**
 * What an execution's nodes output (n8n keeps its run data flatted), as a function
 * node name → the json of its first output's items.
 * @param {any} flatted the `flatted` module of that n8n install
 */
async function outputsOf(query, flatted, executionId) {
	const [row] = await query(`SELECT data FROM execution_data WHERE "executionId" = ${Number(executionId)}`);
	const runData = flatted.parse(row.data).resultData.runData;
	return (node) => runData[node]?.[0]?.data?.main?.[0]?.map((i) => i.json);
}

/**
 * The last saved execution of a workflow in an n8n's sqlite database, whole: {id, status,
 * resultData} (runData of every node, every run). For runs too large for what
 * `n8n execute --rawOutput` prints: n8n exits before a print of a few MB has been written out.
 * Read by a child on that install's node, with its sqlite3 and flatted modules.
 * @param {import('./n8n').N8n} n8n an initialised N8n whose CLI ran the workflow
 */
function lastExecutionOf(n8n, workflowId) {
	const modules = path.join(n8n.installDir, 'node_modules');
	const script = `
		const [modules, file, workflowId] = process.argv.slice(1);
		const { Database, OPEN_READONLY } = require(modules + '/sqlite3');
		const flatted = require(modules + '/flatted');
		const sql = 'SELECT e.id, e.status, d.data FROM execution_entity e JOIN execution_data d ON d."executionId" = e.id WHERE e."workflowId" = ? ORDER BY e.id DESC LIMIT 1';
		const db = new Database(file, OPEN_READONLY);
		db.get(sql, [workflowId], (error, row) => {
			if (error || !row) {
				process.stderr.write(error ? error.message : 'no execution of ' + workflowId);
				process.exitCode = 1;
			} else process.stdout.write(JSON.stringify({ id: row.id, status: row.status, resultData: flatted.parse(row.data).resultData }));
			db.close();
		});
	`;
	const r = spawnSync(n8n.nodeBin, ['-e', script, modules, path.join(n8n.dataDir, 'database.sqlite'), workflowId], { encoding: 'utf8', maxBuffer: 1 << 30, timeout: 60000 });
	if (r.status !== 0) throw new Error(`reading the last execution of ${workflowId} failed: ${r.stderr || r.error?.message}`);
	return JSON.parse(r.stdout);
}

/**
 * `query(sql)` over the sqlite database of an n8n user folder (also while n8n runs):
 * read-only, with the sqlite3 module of that n8n install, under the node that runs it
 * (its native build is for that node); resolves to the rows.
 * @param {{installDir: string, dataDir: string, nodeBin: string}} n8n an init()ed N8n
 */
function sqliteQuery(n8n) {
	if (!n8n.installDir) return copiedSqliteQuery(n8n);
	const sqlite3 = path.join(n8n.installDir, 'node_modules', 'sqlite3');
	const database = path.join(n8n.dataDir, 'database.sqlite');
	const script = `
		const [sqlite3, file, sql] = process.argv.slice(1);
		const db = new (require(sqlite3).Database)(file, require(sqlite3).OPEN_READONLY);
		db.all(sql, (err, rows) => {
			if (err) { console.error(err.message); process.exitCode = 1; } else process.stdout.write(JSON.stringify(rows));
			db.close();
		});
	`;
	return (sql) =>
		new Promise((resolve, reject) => {
			execFile(n8n.nodeBin, ['-e', script, sqlite3, database, sql], { encoding: 'utf8', timeout: 30000 }, (err, stdout, stderr) =>
				err ? reject(new Error(`sqlite query failed: ${stderr || err.message}\n${sql}`)) : resolve(JSON.parse(stdout)),
			);
		});
}

/** A node that has node:sqlite (>= 22.5): this one, else the harness's Node 24 (install-n8n.js). */
async function nodeWithSqlite() {
	const [major, minor] = process.versions.node.split('.').map(Number);
	if (major > 22 || (major === 22 && minor >= 5)) return process.execPath;
	return (await require('../install-n8n').ensureNode24()).nodeBin;
}

/**
 * `query(sql)` for an n8n started elsewhere (lib/external.js), which has no install of the
 * harness's: its database may belong to another user (a Docker container's), so each query reads
 * a copy of it (the database, then its write-ahead log) with Node's own node:sqlite.
 * @param {{dataDir: string}} n8n
 */
function copiedSqliteQuery(n8n) {
	const database = path.join(n8n.dataDir, 'database.sqlite');
	const script = `
		const { DatabaseSync } = require('node:sqlite');
		const [file, sql] = process.argv.slice(1);
		const db = new DatabaseSync(file);
		process.stdout.write(JSON.stringify(db.prepare(sql).all()));
		db.close();
	`;
	return async (sql) => {
		if (!fs.existsSync(database)) {
			throw new Error(`no sqlite database at ${database}: this test reads n8n's database (GETBILL_E2E_N8N_DATA must be the n8n's data folder; an n8n on PostgreSQL cannot run it)`);
		}
		const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'getbill-e2e-sqlite-'));
		try {
			const copy = path.join(dir, 'database.sqlite');
			for (const suffix of ['', '-wal']) if (fs.existsSync(database + suffix)) fs.copyFileSync(database + suffix, copy + suffix);
			const node = await nodeWithSqlite();
			return await new Promise((resolve, reject) => {
				execFile(node, ['--no-warnings', '-e', script, copy, sql], { encoding: 'utf8', timeout: 30000 }, (err, stdout, stderr) =>
					err ? reject(new Error(`sqlite query failed: ${stderr || err.message}\n${sql}`)) : resolve(JSON.parse(stdout)),
				);
			});
		} finally {
			fs.rmSync(dir, { recursive: true, force: true });
		}
	};
}

module.exports = { ENDED, runsOf, waitForRuns, outputsOfRun, executionsOf, waitForExecutions, outputsOf, lastExecutionOf, sqliteQuery };
