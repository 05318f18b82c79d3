#!/usr/bin/env node
'use strict';

/*
 * `npm run dev:event -- [event type] [followup id]`: sends the running `npm run dev`
 * a GetBill webhook event, signed as GetBill signs it, and shows what came of it.
 *
 *   npm run dev:event                                   # followup.completed for def456ghi789
 *   npm run dev:event -- followup.failed abc123def456
 *   npm run dev:event -- payment.received               # not selected by the workflow: ignored
 *
 * Builds a sample event of that type (`type`, `data`, `changes`, `created_at`), signs
 * its raw body (hex HMAC-SHA256 with the sandbox's webhook secret, header
 * X-GetBill-Signature), POSTs it to the Production URL of the published workflow
 * "On a GetBill event, update the followup", prints the request and n8n's answer,
 * then the execution it started (n8n's REST API, signed in as the dev owner) and
 * the sandbox followup before and after. `npm run dev`'s log shows the event and
 * the update the sandbox received.
 */

const crypto = require('crypto');
const fs = require('fs');
const path = require('path');

const dev = require('./dev');
const { OWNER } = require('../test/e2e/lib/browser');
const { cacheDir } = require('../test/e2e/install-n8n');
const { sleep } = require('../test/e2e/lib/n8n');

/** The events GetBill documents, as the GetBill Trigger offers them (dist/ is built by `npm run dev`). */
function eventTypes() {
	try {
		const { GetBillTrigger } = require('../dist/nodes/GetBillTrigger/GetBillTrigger.node.js');
		const events = new GetBillTrigger().description.properties.find((p) => p.name === 'events');
		return events.options.map((o) => o.value).filter((v) => v !== '*');
	} catch {
		process.stderr.write('dist/ is missing: start `npm run dev` first (it builds the package)\n');
		process.exit(1);
	}
}
const EVENT_TYPES = eventTypes();
const DEFAULT_FOLLOWUP = 'def456ghi789';
/** Whatever the event, the status the followup had and the one the event reports. */
const FOLLOWUP_STATUS = {
	'followup.created': ['on_hold', 'scheduled'],
	'followup.updated': ['scheduled', 'in_progress'],
	'followup.completed': ['in_progress', 'deal_found'],
	'followup.failed': ['in_progress', 'failed'],
};

const say = (msg = '') => process.stdout.write(`${msg}\n`);
const indent = (text, by = '    ') => text.replace(/^/gm, by);
const nowIso = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');

/** A sample event as GetBill sends it: the event name in `type`, the object in `data`. */
function sampleEvent(type, followupId) {
	const debtId = `debt_${followupId}`;
	const created_at = nowIso();
	if (type.startsWith('followup.')) {
		const [old, status] = FOLLOWUP_STATUS[type];
		return {
			type,
			data: {
				id: followupId,
				debt_id: debtId,
				status,
				type: 'call',
				direction: 'outbound',
				call_date: created_at,
				duration_ms: type === 'followup.completed' ? 180000 : null,
				summary: type === 'followup.completed' ? 'Zoë a accepté un échéancier de 500 €' : null,
			},
			changes: { status: { old, new: status } },
			created_at,
		};
	}
	if (type.startsWith('debt.')) {
		return {
			type,
			data: { id: debtId, status: type === 'debt.created' ? 'active' : 'payment_plan', amount: 1500, currency: 'EUR' },
			...(type === 'debt.created' ? {} : { changes: { status: { old: 'active', new: 'payment_plan' } } }),
			created_at,
		};
	}
	if (type.startsWith('payment_plan.')) {
		return { type, data: { id: 'plan_dev_0001', debt_id: debtId, installments: 3, amount: 1500, currency: 'EUR' }, created_at };
	}
	if (type.startsWith('payment.')) {
		return { type, data: { id: 'pay_dev_0001', debt_id: debtId, amount: 500, currency: 'EUR' }, created_at };
	}
	if (type === 'company.credits_low') return { type, data: { credits_remaining: 42, threshold: 50 }, created_at };
	return { type, data: { id: 'rep_dev_0001', type: 'monthly', period: created_at.slice(0, 7) }, created_at };
}

function usage() {
	return [
		'usage: npm run dev:event -- [event type] [followup id]',
		`  event type: ${EVENT_TYPES.join(', ')} (default followup.completed)`,
		`  followup id: one of the sandbox's ${dev.FOLLOWUP_IDS.join(', ')} (default ${DEFAULT_FOLLOWUP})`,
	].join('\n');
}

function sandboxFollowup(id) {
	try {
		return JSON.parse(fs.readFileSync(dev.SANDBOX_FILE, 'utf8'))[id];
	} catch {
		return undefined;
	}
}

const showFollowup = (f) =>
	f ? `status=${f.status}, summary=${JSON.stringify(f.summary)}, processed_at=${f.processed_at}` : '(not in the sandbox)';

/** A signed-in session on n8n's REST API (the owner `npm run dev` creates). */
async function signIn(url) {
	// n8n ties its auth cookie to a browser id when one is sent; send the same one throughout.
	const headers = { 'content-type': 'application/json', 'browser-id': 'getbill-dev-event' };
	const res = await fetch(`${url}/rest/login`, {
		method: 'POST',
		headers,
		body: JSON.stringify({ emailOrLdapLoginId: OWNER.email, email: OWNER.email, password: OWNER.password }),
	});
	await res.text();
	if (!res.ok) return undefined;
	const cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
	return async (p) => {
		const r = await fetch(`${url}${p}`, { headers: { ...headers, cookie } });
		if (!r.ok) throw new Error(`GET ${p} answered ${r.status}`);
		return (await r.json()).data;
	};
}

async function executions(get) {
	const filter = encodeURIComponent(JSON.stringify({ workflowId: dev.EVENTS_WORKFLOW_ID }));
	const data = await get(`/rest/executions?filter=${filter}&limit=10`);
	return (data?.results ?? []).sort((a, b) => Number(b.id) - Number(a.id));
}

/** The run data of an execution: n8n stores and serves it serialised with `flatted`. */
function runData(execution) {
	try {
		const flatted = require(path.join(cacheDir(), `n8n-${dev.VERSION}`, 'node_modules', 'flatted'));
		const data = typeof execution.data === 'string' ? flatted.parse(execution.data) : execution.data;
		return data?.resultData;
	} catch {
		return undefined;
	}
}

async function main() {
	const args = process.argv.slice(2);
	if (args.includes('-h') || args.includes('--help')) return say(usage());
	const [type = 'followup.completed', followupId = DEFAULT_FOLLOWUP] = args;
	if (!EVENT_TYPES.includes(type)) {
		process.stderr.write(`unknown event type "${type}"\n${usage()}\n`);
		process.exitCode = 2;
		return;
	}

	const state = dev.readState();
	const url = state.n8nUrl ?? `http://127.0.0.1:${dev.N8N_PORT}`;
	const hookUrl = state.webhookUrl ?? `${url}${dev.webhookPath()}`;
	const devRunning = dev.pidAlive(state.devPid) && dev.isDevProcess(state.devPid);
	const notRunning = (why) => {
		process.stderr.write(
			devRunning
				? `n8n does not answer on ${url} (${why}), although npm run dev runs (pid ${state.devPid}): wait for its "Open …" banner, then run this again\n`
				: `n8n does not answer on ${url} (${why}): start \`npm run dev\` first (in another terminal), wait for its "Open …" banner, then run this again\n`,
		);
		process.exitCode = 1;
	};
	try {
		const ready = await fetch(`${url}/healthz/readiness`);
		if (!ready.ok) return notRunning(`readiness ${ready.status}`);
	} catch (error) {
		return notRunning(error.cause?.code ?? error.message);
	}

	const get = await signIn(url).catch(() => undefined);
	const before = get ? await executions(get).catch(() => []) : [];
	const lastId = before.length ? Number(before[0].id) : 0;
	const followupBefore = sandboxFollowup(followupId);

	const event = sampleEvent(type, followupId);
	const body = JSON.stringify(event, null, 2);
	const signature = crypto.createHmac('sha256', dev.WEBHOOK_SECRET).update(body).digest('hex');

	say(`→ POST ${hookUrl}`);
	say('    Content-Type: application/json');
	say(`    X-GetBill-Signature: ${signature}`);
	say(`      (hex HMAC-SHA256 of the raw body below, with the secret ${dev.WEBHOOK_SECRET})`);
	say(indent(body));
	let res;
	try {
		res = await fetch(hookUrl, {
			method: 'POST',
			headers: { 'content-type': 'application/json', 'x-getbill-signature': signature },
			body,
		});
	} catch (error) {
		return notRunning(error.cause?.code ?? error.message);
	}
	const answer = await res.text();
	say(`← n8n answered ${res.status} ${answer}`);
	try {
		fs.appendFileSync(dev.EVENTS_LOG, JSON.stringify({ at: nowIso(), type, id: event.data.id ?? null, status: res.status, answer }) + '\n');
	} catch {
		/* npm run dev only misses the line in its log */
	}

	if (res.status === 404) {
		process.stderr.write(
			`\nThe workflow "${dev.EVENTS_WORKFLOW_NAME}" is not published (active): open ${url}/workflow/${dev.EVENTS_WORKFLOW_ID} and publish it, or start over with \`npm run dev -- --reset\`\n`,
		);
		process.exitCode = 1;
		return;
	}
	if (res.status === 401) {
		process.stderr.write(`\nThe trigger refused the signature: the credential's secret is no longer ${dev.WEBHOOK_SECRET} (changed in the editor?)\n`);
		process.exitCode = 1;
		return;
	}
	if (!res.ok) {
		process.exitCode = 1;
		return;
	}
	if (!dev.EVENTS_SELECTED.includes(type)) {
		say(`\nThe workflow listens to ${dev.EVENTS_SELECTED.join(', ')} only: nothing was started.`);
		return;
	}
	if (!get) {
		say(`\n(Could not sign in to n8n's REST API as ${OWNER.email} to show the execution: see ${url}/workflow/${dev.EVENTS_WORKFLOW_ID}/executions)`);
		return;
	}

	// The trigger answers before the workflow runs: wait for the execution to finish.
	let execution;
	for (const deadline = Date.now() + 20000; Date.now() < deadline; await sleep(300)) {
		const rows = await executions(get).catch(() => []);
		const run = rows.find((r) => Number(r.id) > lastId);
		if (run && !['new', 'running', 'waiting'].includes(run.status)) {
			execution = run;
			break;
		}
	}
	if (!execution) {
		say(`\nNo finished execution of "${dev.EVENTS_WORKFLOW_NAME}" within 20 s: see ${url}/workflow/${dev.EVENTS_WORKFLOW_ID}/executions`);
		process.exitCode = 1;
		return;
	}
	say('');
	say(`Execution ${execution.id} of "${dev.EVENTS_WORKFLOW_NAME}": ${execution.status} (mode ${execution.mode}, ${execution.startedAt} → ${execution.stoppedAt})`);
	say(`    ${url}/workflow/${dev.EVENTS_WORKFLOW_ID}/executions/${execution.id}`);
	const result = runData(await get(`/rest/executions/${execution.id}`).catch(() => ({})));
	if (result) {
		for (const [node, runs] of Object.entries(result.runData ?? {})) {
			const last = runs[runs.length - 1];
			const items = last?.data?.main?.[0] ?? [];
			const error = last?.error;
			say(`    ${node}: ${error ? `error: ${error.message}${error.description ? `\n      ${error.description}` : ''}` : `${items.length} item(s)`}`);
			if (node === dev.UPDATE_NODE && items[0]) say(indent(JSON.stringify(items[0].json, null, 2), '      '));
		}
	}

	// npm run dev writes the sandbox's followups after each update it receives (every 300 ms).
	let after = sandboxFollowup(followupId);
	const updated = execution.status === 'success';
	for (let i = 0; updated && i < 10 && after?.processed_at === followupBefore?.processed_at; i++) {
		await sleep(300);
		after = sandboxFollowup(followupId);
	}
	say('');
	say(`Sandbox followup ${followupId}`);
	say(`    before: ${showFollowup(followupBefore)}`);
	say(`    after:  ${showFollowup(after)}`);
	if (execution.status !== 'success') process.exitCode = 1;
}

main().catch((error) => {
	process.stderr.write(`dev:event: ${error.message}\n`);
	process.exit(1);
});
