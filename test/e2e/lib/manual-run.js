'use strict';

/*
 * Running a workflow the way the editor's "Execute workflow" does, through n8n's
 * REST API with the owner's session (lib/run.js ownerSession), for workflows
 * `n8n execute` cannot start: the CLI starts only from a Manual Trigger (or an
 * Execute Workflow Trigger), not from a Schedule Trigger. Also reads executions
 * over REST.
 */

const path = require('path');

const { sleep } = require('./n8n');

const ENDED = ['success', 'error', 'crashed', 'canceled'];

/** A workflow's executions, oldest first ({id, status, mode, finished, ...}), from `GET /rest/executions`. */
async function executionsOf(rest, workflowId) {
	const filter = encodeURIComponent(JSON.stringify({ workflowId }));
	const answer = await rest(`/rest/executions?filter=${filter}&limit=100`);
	const results = answer.data?.results ?? answer.results ?? [];
	return results.sort((a, b) => Number(a.id) - Number(b.id));
}

/**
 * Calls `read` every 250 ms until `done(value)`; returns that value. After `timeoutMs`,
 * throws with `what` and the last value.
 */
async function poll(read, done, what, { timeoutMs = 30000 } = {}) {
	const deadline = Date.now() + timeoutMs;
	for (let value = await read(); ; value = await read()) {
		if (done(value)) return value;
		if (Date.now() > deadline) throw new Error(`${what} within ${timeoutMs} ms; last: ${JSON.stringify(value)?.slice(0, 500)}`);
		await sleep(250);
	}
}

/** Waits until a workflow has `n` executions, all ended; returns them, oldest first. */
const waitForExecutions = (rest, workflowId, n, options) =>
	poll(
		async () => (await executionsOf(rest, workflowId)).map(({ id, status, mode }) => ({ id, status, mode })),
		(rows) => rows.length >= n && rows.every((r) => ENDED.includes(r.status)),
		`expected ${n} ended executions of ${workflowId}`,
		options,
	);

/**
 * One execution with its run data (`resultData`, parsed with the install's `flatted`).
 * @param {any} n8n the N8n whose install serves `flatted`
 */
async function executionData(rest, n8n, executionId) {
	const answer = await rest(`/rest/executions/${executionId}`);
	const execution = answer.data ?? answer;
	const flatted = require(path.join(n8n.installDir, 'node_modules', 'flatted'));
	const data = typeof execution.data === 'string' ? flatted.parse(execution.data) : execution.data;
	return { ...execution, data };
}

/**
 * Runs a saved workflow from its trigger node `trigger` as the editor's "Execute workflow"
 * does (`POST /rest/workflows/<id>/run` with the saved workflow, mode manual: a Schedule
 * Trigger fires at once),
 * waits for it to end, and returns the execution with its run data.
 */
async function runManually(rest, n8n, workflowId, trigger, { timeoutMs = 60000 } = {}) {
	// n8n 2.8 runs the workflow sent in the body (as the editor has it); 2.41 runs the saved one and ignores it.
	const saved = await rest(`/rest/workflows/${workflowId}`);
	const workflowData = saved.data ?? saved;
	const answer = await rest(`/rest/workflows/${workflowId}/run`, { method: 'POST', body: { workflowData, triggerToStartFrom: { name: trigger } } });
	const executionId = (answer.data ?? answer).executionId;
	if (!executionId) throw new Error(`POST /rest/workflows/${workflowId}/run started no execution: ${JSON.stringify(answer).slice(0, 500)}`);
	return await poll(
		() => executionData(rest, n8n, executionId),
		(execution) => ENDED.includes(execution.status),
		`execution ${executionId} of ${workflowId} did not end`,
		{ timeoutMs },
	);
}

/** The json of each item a node output on its first output, in its first run of an execution. */
const nodeItems = (execution, node) => execution.data?.resultData?.runData?.[node]?.[0]?.data?.main?.[0]?.map((i) => i.json);

module.exports = { poll, executionsOf, waitForExecutions, executionData, runManually, nodeItems };
