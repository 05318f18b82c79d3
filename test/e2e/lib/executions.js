'use strict';

/*
 * n8n's executions of a workflow, read from its database through a `query(sql)`
 * function: sqlite (trigger.e2e.test.js, with that n8n install's sqlite3) or
 * PostgreSQL (queue mode, lib/queue.js). The same SQL serves both: identifiers
 * in double quotes, IDs the tests choose written into the SQL.
 */

const path = require('path');
const { execFile } = require('child_process');

const { sleep } = require('./n8n');

/** Statuses after which n8n does nothing more with an execution. */
const ENDED = ['success', 'error', 'crashed', 'canceled'];

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
 * `query(sql)` over the sqlite database of an n8n user folder (also while n8n runs):
 * read-only, with the sqlite3 module of that n8n install, under the node that runs it
 * (its native build is for that node); resolves to the rows.
 * @param {{installDir: string, dataDir: string, nodeBin: string}} n8n an init()ed N8n
 */
function sqliteQuery(n8n) {
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

module.exports = { ENDED, executionsOf, waitForExecutions, outputsOf, sqliteQuery };
