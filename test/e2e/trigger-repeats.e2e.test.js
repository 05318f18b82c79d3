'use strict';

/*
 * Issue #31, points 5 and 6: the GetBill Trigger inside real n8n, on every pinned n8n version
 * (its lane: when n8n answers and what it saves in static data is n8n's webhook handling,
 * webhooks/webhook-helpers.js executeWebhook and live-webhooks.js, which differs between versions).
 *
 * Per version, on the shared n8n server (lib/shared.js), three workflows "GetBill Trigger → NoOp"
 * created over n8n's REST API and published, each with a webhook ID of this file's own:
 * - Repeats: Ignore Repeated Deliveries on (window 60 minutes). One signed event delivered 3
 *   times starts 1 execution; the repeats are answered 200 saying so; what n8n saved is keys only.
 * - Acknowledgement: the trigger as saved before #31 (the option off). An event n8n cannot store
 *   (the database refuses the execution: a SQLite trigger on execution_entity for this workflow
 *   only) is answered 500, not 200, and starts nothing; sent again, it starts. A wrong secret
 *   leaves a warn line with the reason in n8n's log (never the secret, signature or body). A
 *   multipart body is answered 415.
 * - Flood: its credential deleted after publishing, so that loading it fails (a signed event gets
 *   n8n's 500): 20 unsigned or malformed requests are each answered 401, which they could not be
 *   had the node loaded the credential before looking at the header.
 */

const { execFile } = require('child_process');
const path = require('path');

const { versionsFor, writeReport } = require('./lib/setup');
const { sharedN8n } = require('./lib/shared');
const W = require('./lib/workflows');
const { SECRET, sign, FOLLOWUP_COMPLETED } = require('./lib/events');
const { runsOf, waitForRuns, outputsOfRun } = require('./lib/executions');

jest.setTimeout(180000);

const CRED = { id: 'gbRepeatsCred001', name: 'GetBill webhook (repeats suite)' };
const FLOOD_CRED = { id: 'gbRepeatsCred002', name: 'GetBill webhook (flood suite, deleted)' };
const WORKFLOW_ID = 'gbRepeatsFlow001';
const ACK_WORKFLOW_ID = 'gbRepeatsAck0001';
const FLOOD_WORKFLOW_ID = 'gbRepeatsFlood01';
/** This file's own: the shared server serves every file's webhooks. */
const WEBHOOK_ID = '3c5a9f20-8d14-4b6e-a7c2-91e0b4d6f813';
const ACK_WEBHOOK_ID = 'b71e0c94-2a6d-4f58-9e3b-5d8a1f4c7062';
const FLOOD_WEBHOOK_ID = '8e2b7d41-5f03-4c9a-b6e1-0a7d3c9f2e54';
const TRIGGER = 'GetBill Trigger';

function workflows() {
	const trigger = W.getBillTrigger(TRIGGER, { events: ['*'], webhookId: WEBHOOK_ID, credential: CRED });
	Object.assign(trigger.parameters, { ignoreRepeats: true, repeatWindow: 60 });
	const ack = W.getBillTrigger(TRIGGER, { events: ['*'], webhookId: ACK_WEBHOOK_ID, credential: CRED });
	const flood = W.getBillTrigger(TRIGGER, { events: ['*'], webhookId: FLOOD_WEBHOOK_ID, credential: FLOOD_CRED });
	return [
		W.chain(WORKFLOW_ID, 'E2E: GetBill Trigger, Ignore Repeated Deliveries', [trigger, W.noOp('Received')]),
		W.chain(ACK_WORKFLOW_ID, 'E2E: GetBill Trigger, as saved before #31', [ack, W.noOp('Received')]),
		W.chain(FLOOD_WORKFLOW_ID, 'E2E: GetBill Trigger, credential deleted', [flood, W.noOp('Received')]),
	];
}

/**
 * Runs SQL on the n8n's SQLite database (while n8n runs), with that n8n install's sqlite3 under its
 * node; waits up to 10 s for n8n's write lock.
 */
function sqliteWrite(n8n, sql) {
	const sqlite3 = path.join(n8n.installDir, 'node_modules', 'sqlite3');
	const database = path.join(n8n.dataDir, 'database.sqlite');
	const script = `
		const [sqlite3, file, sql] = process.argv.slice(1);
		const db = new (require(sqlite3).Database)(file);
		db.configure('busyTimeout', 10000);
		db.exec(sql, (err) => {
			if (err) { console.error(err.message); process.exitCode = 1; }
			db.close();
		});
	`;
	return new Promise((resolve, reject) => {
		execFile(n8n.nodeBin, ['-e', script, sqlite3, database, sql], { encoding: 'utf8', timeout: 30000 }, (err, _stdout, stderr) =>
			err ? reject(new Error(`sqlite write failed: ${stderr || err.message}\n${sql}`)) : resolve(),
		);
	});
}

// Every pinned version: the trigger's answers go through n8n's webhook handling (test/e2e/README.md).
const versions = versionsFor('every version');

describe.each(versions)('GetBill Trigger: repeats and acknowledgement in n8n %s (#31)', (version) => {
	let n8n;
	let hookUrl;
	let ackUrl;
	let floodUrl;
	let refusalTrigger;
	const report = { version, cases: [] };

	/** POSTs to a production URL like GetBill: the body, its signature (omitted when undefined). */
	async function post(url, name, body, { signature, contentType = 'application/json' } = {}) {
		const headers = { ...(contentType ? { 'content-type': contentType } : {}), ...(signature === undefined ? {} : { 'x-getbill-signature': signature }) };
		const res = await fetch(url, { method: 'POST', headers, body });
		const text = await res.text();
		let json;
		try {
			json = JSON.parse(text);
		} catch {
			json = undefined;
		}
		const result = { name, status: res.status, body: json ?? text };
		report.cases.push(result);
		return result;
	}

	beforeAll(async () => {
		n8n = await sharedN8n(version);
		await n8n.importCredentials([W.webhookCredential({ ...CRED, secret: SECRET }), W.webhookCredential({ ...FLOOD_CRED, secret: SECRET })]);
		await n8n.importWorkflows(workflows());
		for (const id of [WORKFLOW_ID, ACK_WORKFLOW_ID, FLOOD_WORKFLOW_ID]) await n8n.publish(id);
		hookUrl = `${n8n.url}/webhook/${WEBHOOK_ID}/webhook`;
		ackUrl = `${n8n.url}/webhook/${ACK_WEBHOOK_ID}/webhook`;
		floodUrl = `${n8n.url}/webhook/${FLOOD_WEBHOOK_ID}/webhook`;
		// The probe `{}` is unsigned: 401, no execution.
		report.probe = await n8n.waitForProductionUrl(hookUrl);
		report.ackProbe = await n8n.waitForProductionUrl(ackUrl);
		report.floodProbe = await n8n.waitForProductionUrl(floodUrl);
		// The flood workflow's credential is gone: loading it fails from now on.
		await n8n.rest(`/rest/credentials/${n8n.credentialId(FLOOD_CRED.id)}`, { method: 'DELETE' });
	}, 300000);

	afterAll(async () => {
		if (refusalTrigger) await sqliteWrite(n8n, `DROP TRIGGER IF EXISTS ${refusalTrigger};`).catch(() => {});
		if (n8n) {
			for (const id of [WORKFLOW_ID, ACK_WORKFLOW_ID, FLOOD_WORKFLOW_ID]) await n8n.unpublish(id).catch(() => {});
		}
		if (report.cases.length) writeReport(`trigger-repeats-${version}.json`, report);
	});

	test('one signed event delivered 3 times starts 1 execution; the repeats are answered 200 and start nothing', async () => {
		const before = (await runsOf(n8n, WORKFLOW_ID)).length;
		const signature = sign(FOLLOWUP_COMPLETED);
		const answers = [];
		for (let i = 1; i <= 3; i++) answers.push(await post(hookUrl, `delivery ${i} of the same event`, FOLLOWUP_COMPLETED, { signature }));
		expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
		expect(answers[0].body).toEqual({ error: false, message: 'Event followup.completed received' });
		for (const a of answers.slice(1)) {
			expect(a.body).toEqual({ error: false, message: expect.stringMatching(/^Event followup\.completed already received at \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ: repeat ignored$/) });
		}
		// Another event (other bytes) still starts: 2 executions in all, the repeats none.
		const other = JSON.stringify({ type: 'payment.received', data: { id: 'pay_repeats_1', amount: 250, currency: 'EUR' } });
		expect((await post(hookUrl, 'another event', other, { signature: sign(other) })).status).toBe(200);
		const rows = await waitForRuns(n8n, WORKFLOW_ID, before + 2);
		await new Promise((resolve) => setTimeout(resolve, 1500));
		const after = await runsOf(n8n, WORKFLOW_ID);
		expect(after.length - before).toBe(2);
		expect(after.slice(before).map((r) => [r.status, r.mode])).toEqual([
			['success', 'webhook'],
			['success', 'webhook'],
		]);
		const items = await Promise.all(rows.slice(before).map(async (r) => (await outputsOfRun(n8n, r.id))(TRIGGER)));
		expect(items).toEqual([[JSON.parse(FOLLOWUP_COMPLETED)], [JSON.parse(other)]]);
		// What n8n saved: the node's memory in the workflow's static data, keys only (no body, no signature).
		const wf = await n8n.workflow(WORKFLOW_ID);
		const memory = wf.staticData?.[`node:${TRIGGER}`];
		report.staticData = wf.staticData;
		expect(memory?.deliveries).toEqual([
			[expect.stringMatching(/^[A-Za-z0-9_-]{22}$/), expect.any(Number)],
			[expect.stringMatching(/^[A-Za-z0-9_-]{22}$/), expect.any(Number)],
		]);
		expect(JSON.stringify(wf.staticData)).not.toContain(signature);
		expect(JSON.stringify(wf.staticData)).not.toContain('deal_found');
	});

	test('Ignore Repeated Deliveries off (saved workflows): an event n8n cannot store gets 500, not 200, and starts nothing; sent again, it starts', async () => {
		const id = n8n.id(ACK_WORKFLOW_ID);
		refusalTrigger = `e2e_refuse_executions_${id.replace(/[^A-Za-z0-9]/g, '')}`;
		const body = JSON.stringify({ type: 'debt.status_changed', data: { id: 'debt_repeats_db', status: 'paid' } });
		const before = (await runsOf(n8n, ACK_WORKFLOW_ID)).length;
		// The database refuses this workflow's executions only (the shared server's other workflows run on).
		await sqliteWrite(
			n8n,
			`CREATE TRIGGER ${refusalTrigger} BEFORE INSERT ON execution_entity WHEN NEW."workflowId" = '${id}' BEGIN SELECT RAISE(ABORT, 'e2e: the database refuses executions of this workflow'); END;`,
		);
		let refused;
		try {
			refused = await post(ackUrl, 'event while the database refuses the execution', body, { signature: sign(body) });
		} finally {
			await sqliteWrite(n8n, `DROP TRIGGER IF EXISTS ${refusalTrigger};`);
			refusalTrigger = undefined;
		}
		// Not acknowledged: GetBill sends it again.
		expect(refused.status).toBeGreaterThanOrEqual(500);
		expect((await runsOf(n8n, ACK_WORKFLOW_ID)).length).toBe(before);
		// GetBill's resend, the database back: one execution, the event as sent.
		const resent = await post(ackUrl, 'the same event sent again, the database back', body, { signature: sign(body) });
		expect(resent).toMatchObject({ status: 200, body: { error: false, message: 'Event debt.status_changed received' } });
		const rows = await waitForRuns(n8n, ACK_WORKFLOW_ID, before + 1);
		expect(rows).toHaveLength(before + 1);
		expect((await outputsOfRun(n8n, rows.at(-1).id))(TRIGGER)).toEqual([JSON.parse(body)]);
	});

	test('a wrong secret gets 401 and a warn line with the reason in n8n\'s log, without secret, signature or body', async () => {
		const since = Date.now();
		const signature = sign(FOLLOWUP_COMPLETED, 'whsec_not_the_secret');
		const r = await post(ackUrl, 'wrong secret', FOLLOWUP_COMPLETED, { signature });
		expect(r).toMatchObject({ status: 401, body: { error: true, message: 'Invalid signature' } });
		const wanted = `GetBill Trigger "${TRIGGER}" (workflow ${n8n.id(ACK_WORKFLOW_ID)}) refused a request with 401: its X-GetBill-Signature does not match the body.`;
		let lines = [];
		for (const until = Date.now() + 10000; Date.now() < until; await new Promise((resolve) => setTimeout(resolve, 200))) {
			lines = n8n.logSince(since);
			if (lines.some((l) => l.line.includes(wanted))) break;
		}
		const ours = lines.filter((l) => l.line.includes(wanted));
		report.warnLine = ours.map((l) => l.line);
		expect(ours).toHaveLength(1);
		expect(ours[0].line).toMatch(/warn/i);
		expect(ours[0].line).toContain("the webhook secret in the credential differs from the one in GetBill's dashboard");
		const logged = lines.map((l) => l.line).join('\n');
		for (const leak of [SECRET, 'whsec_not_the_secret', signature, 'hTBN7n6lkmkhMb6LYqEBZw']) expect(logged).not.toContain(leak);
	});

	test('a signed multipart body gets 415 (not 500) and starts nothing', async () => {
		const before = (await runsOf(n8n, ACK_WORKFLOW_ID)).length;
		const form = new FormData();
		form.append('type', 'followup.completed');
		const r = await post(ackUrl, 'multipart', form, { signature: sign('type=followup.completed'), contentType: null });
		expect(r).toMatchObject({ status: 415, body: { error: true, message: 'Unsupported media type: send the event as JSON (Content-Type: application/json)' } });
		await new Promise((resolve) => setTimeout(resolve, 1000));
		expect((await runsOf(n8n, ACK_WORKFLOW_ID)).length).toBe(before);
	});

	test('an unsigned flood (20 requests) gets 401 each and never loads the credential (deleted: loading it is a 500)', async () => {
		const flood = [];
		for (let i = 0; i < 20; i++) {
			const body = JSON.stringify({ type: 'payment.received', data: { id: `pay_flood_${i}` } });
			// Half without the header, half with a malformed one (not 64 hex characters).
			flood.push(await post(floodUrl, `flood ${i}`, body, i % 2 ? { signature: `sha256=${sign(body)}` } : {}));
		}
		report.flood = flood.map((r) => r.status);
		expect(flood.map((r) => r.status)).toEqual(Array(20).fill(401));
		expect(flood.every((r) => r.body?.message === 'Invalid signature')).toBe(true);
		// The contrast: a well-formed signature makes the node load the credential, which n8n cannot.
		const body = JSON.stringify({ type: 'payment.received', data: { id: 'pay_flood_signed' } });
		const signed = await post(floodUrl, 'signed, credential deleted', body, { signature: sign(body) });
		expect(signed.status).toBe(500);
		report.floodExecutions = await runsOf(n8n, FLOOD_WORKFLOW_ID);
	});
});
