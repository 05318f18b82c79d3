'use strict';

/*
 * n8n's executions of a workflow, read from its database through a `query(sql)`
 * function: sqlite (trigger.e2e.test.js, with that n8n install's sqlite3) or
 * PostgreSQL (queue mode, lib/queue.js). The same SQL serves both: identifiers
 * in double quotes, IDs the tests choose written into the SQL.
 */

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

module.exports = { ENDED, executionsOf, waitForExecutions, outputsOf };
