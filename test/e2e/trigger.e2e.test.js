'use strict';

/*
 * The GetBill Trigger inside real n8n, on every pinned n8n version.
 *
 * Per version: a fresh user folder with the packed package installed, a
 * "GetBill Webhook API" credential and the workflow "GetBill Trigger → NoOp"
 * (events followup.completed and payment.received) imported and published
 * with the n8n CLI, then one `n8n start`. Each case POSTs to the production
 * URL as GetBill would (or as a forger would) and counts the executions in
 * n8n's database (sqlite, read with the sqlite3 module of that n8n install,
 * under the node that runs it).
 */

const fs = require('fs');
const path = require('path');
const { execFile } = require('child_process');

const { N8n, freshUserFolder, sleep } = require('./lib/n8n');
const { installTarball } = require('./lib/package');
const { readState, selectedVersions, writeReport, keepFolders } = require('./lib/setup');
const W = require('./lib/workflows');
const { ownerSession } = require('./lib/run');
const { SECRET, sign, FOLLOWUP_COMPLETED } = require('./lib/events');
const { executionsOf, waitForExecutions, outputsOf } = require('./lib/executions');

jest.setTimeout(120000);

const CRED = { id: 'gbWebhookCred001', name: 'GetBill webhook' };
const WORKFLOW_ID = 'gbTriggerFlow001';
const WEBHOOK_ID = '6f0e7c1a-4c1e-4f7b-9a43-2b7d0f3c9e11';
const TRIGGER = 'GetBill Trigger';

function workflow() {
	const trigger = W.getBillTrigger(TRIGGER, { events: ['followup.completed', 'payment.received'], webhookId: WEBHOOK_ID, credential: CRED });
	return W.chain(WORKFLOW_ID, 'E2E: GetBill Trigger', [trigger, W.noOp('Received')]);
}

/** Runs SQL against n8n's sqlite database with that install's sqlite3 module and node. */
function query(n8n, sql) {
	const script = `
		const sqlite3 = require(${JSON.stringify(path.join(n8n.installDir, 'node_modules', 'sqlite3'))});
		const db = new sqlite3.Database(${JSON.stringify(path.join(n8n.dataDir, 'database.sqlite'))}, sqlite3.OPEN_READONLY);
		db.all(${JSON.stringify(sql)}, (err, rows) => {
			if (err) { console.error(err.message); process.exitCode = 1; } else process.stdout.write(JSON.stringify(rows));
			db.close();
		});
	`;
	return new Promise((resolve, reject) => {
		execFile(n8n.nodeBin, ['-e', script], { encoding: 'utf8', timeout: 30000 }, (err, stdout, stderr) => {
			if (err) reject(new Error(`sqlite query failed: ${stderr || err.message}`));
			else resolve(JSON.parse(stdout));
		});
	});
}

const versions = selectedVersions();

describe.each(versions)('GetBill Trigger in n8n %s', (version) => {
	let n8n;
	let userFolder;
	let hookUrl;
	let flatted;
	let expectedExecutions = 0;
	const report = { version, webhookPath: `/webhook/${WEBHOOK_ID}/webhook`, cases: [] };

	const sql = (text) => query(n8n, text);
	const executions = async () => await executionsOf(sql, WORKFLOW_ID);

	/** POSTs like GetBill: JSON body, signature header (omitted when undefined). */
	async function post(name, body, { signature, contentType = 'application/json' } = {}) {
		const before = (await executions()).length;
		const res = await fetch(hookUrl, {
			method: 'POST',
			headers: { 'content-type': contentType, ...(signature === undefined ? {} : { 'x-getbill-signature': signature }) },
			body,
		});
		const text = await res.text();
		let json;
		try {
			json = JSON.parse(text);
		} catch {
			json = undefined;
		}
		const after = (await executions()).length;
		const result = { name, status: res.status, body: json ?? text, executionsBefore: before, executionsAfter: after };
		report.cases.push(result);
		return result;
	}

	/** What the execution's trigger and NoOp output. */
	async function runDataOf(executionId) {
		const items = await outputsOf(sql, flatted, executionId);
		return { trigger: items(TRIGGER), received: items('Received') };
	}

	beforeAll(async () => {
		const { tarball } = readState();
		userFolder = freshUserFolder(`getbill-e2e-trigger-${version}-`);
		installTarball(tarball, userFolder);
		n8n = await new N8n({ version, userFolder }).init();
		flatted = require(path.join(n8n.installDir, 'node_modules', 'flatted'));
		await n8n.importCredentials([W.webhookCredential({ ...CRED, secret: SECRET })]);
		await n8n.importWorkflows([workflow()]);
		// n8n 2.x imports workflows inactive; publishing is how the CLI activates one.
		await n8n.cliOk(['publish:workflow', `--id=${WORKFLOW_ID}`]);
		const url = await n8n.start();
		hookUrl = `${url}/webhook/${WEBHOOK_ID}/webhook`;
		// n8n registers the production webhook shortly after the editor is up (2.41: after).
		const deadline = Date.now() + 60000;
		for (;;) {
			const res = await fetch(hookUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
			await res.text();
			if (res.status !== 404) break;
			if (Date.now() > deadline) throw new Error(`${hookUrl} still 404 after 60 s:\n${n8n.serverOutput().slice(-3000)}`);
			await sleep(250);
		}
	}, 300000);

	afterAll(async () => {
		await n8n?.stop();
		if (report.cases.length) writeReport(`trigger-${version}.json`, report);
		if (userFolder && !keepFolders()) fs.rmSync(userFolder, { recursive: true, force: true });
	});

	test('n8n loads the trigger (no AI-tool variant) and its credential', async () => {
		// The type lists need a session: create the owner, keep its auth cookie.
		const get = await ownerSession(n8n.url);
		const nodes = await get('/types/nodes.json');
		const ours = nodes.filter((n) => n.name.startsWith('n8n-nodes-getbill.getBillTrigger'));
		expect(ours.map((n) => n.name)).toEqual(['n8n-nodes-getbill.getBillTrigger']);
		expect(ours[0]).toMatchObject({ displayName: 'GetBill Trigger', group: ['trigger'], inputs: [], outputs: ['main'] });
		expect(ours[0].webhooks).toEqual([expect.objectContaining({ name: 'default', httpMethod: 'POST', path: 'webhook' })]);
		const credentials = await get('/types/credentials.json');
		expect(credentials.find((c) => c.name === 'getBillWebhookApi')).toMatchObject({ displayName: 'GetBill Webhook API' });
	});

	test('the workflow is published and active', async () => {
		const [wf] = await query(n8n, `SELECT active FROM workflow_entity WHERE id = '${WORKFLOW_ID}'`);
		expect(wf.active).toBe(1);
		const hooks = await query(n8n, `SELECT webhookPath, method, node FROM webhook_entity WHERE workflowId = '${WORKFLOW_ID}'`);
		expect(hooks).toEqual([{ webhookPath: `${WEBHOOK_ID}/webhook`, method: 'POST', node: TRIGGER }]);
	});

	test('a request without X-GetBill-Signature gets 401 and starts nothing', async () => {
		const r = await post('missing signature', FOLLOWUP_COMPLETED);
		expect(r.status).toBe(401);
		expect(r.body).toEqual({ error: true, message: 'Invalid signature' });
		expect(r.executionsAfter).toBe(expectedExecutions);
	});

	test('a signature made with another secret gets 401 and starts nothing', async () => {
		const r = await post('wrong signature', FOLLOWUP_COMPLETED, { signature: sign(FOLLOWUP_COMPLETED, 'whsec_not_the_secret') });
		expect(r.status).toBe(401);
		expect(r.body).toEqual({ error: true, message: 'Invalid signature' });
		expect(r.executionsAfter).toBe(expectedExecutions);
	});

	test('a body changed after signing gets 401 and starts nothing', async () => {
		const tampered = FOLLOWUP_COMPLETED.replace('"deal_found"', '"no_answer"');
		const r = await post('tampered body', tampered, { signature: sign(FOLLOWUP_COMPLETED) });
		expect(r.status).toBe(401);
		expect(r.executionsAfter).toBe(expectedExecutions);
		// Same JSON value, other bytes: the signature is of the raw body, not of what n8n parsed.
		const compact = await post('re-serialised body', JSON.stringify(JSON.parse(FOLLOWUP_COMPLETED)), { signature: sign(FOLLOWUP_COMPLETED) });
		expect(compact.status).toBe(401);
		expect(compact.executionsAfter).toBe(expectedExecutions);
	});

	test('a malformed signature gets 401 and starts nothing', async () => {
		const r = await post('malformed signature', FOLLOWUP_COMPLETED, { signature: `sha256=${sign(FOLLOWUP_COMPLETED)}` });
		expect(r.status).toBe(401);
		expect(r.executionsAfter).toBe(expectedExecutions);
	});

	test('a signed event that is not selected gets 200 and starts nothing', async () => {
		const body = JSON.stringify({ type: 'debt.created', data: { id: 'abc123def456', status: 'active' } });
		const r = await post('event not selected', body, { signature: sign(body) });
		expect(r.status).toBe(200);
		expect(r.body).toEqual({ error: false, message: 'Event debt.created is not selected: ignored' });
		expect(r.executionsAfter).toBe(expectedExecutions);
	});

	test('a signed body that is not JSON gets 400 (sent as text/plain) and starts nothing', async () => {
		const r = await post('signed, not JSON', 'type=followup.completed', { signature: sign('type=followup.completed'), contentType: 'text/plain' });
		expect(r.status).toBe(400);
		expect(r.body).toEqual({ error: true, message: expect.stringMatching(/^Invalid payload/) });
		expect(r.executionsAfter).toBe(expectedExecutions);
		// Declared as JSON, n8n's own body parser refuses it before the node runs.
		const asJson = await post('signed, not JSON, as application/json', '{"type":', { signature: sign('{"type":') });
		expect(asJson.status).toBe(422);
		expect(asJson.executionsAfter).toBe(expectedExecutions);
	});

	test('a signed followup.completed gets 200 and starts exactly one execution with the event as sent', async () => {
		const r = await post('valid followup.completed', FOLLOWUP_COMPLETED, { signature: sign(FOLLOWUP_COMPLETED) });
		expect(r.status).toBe(200);
		expect(r.body).toEqual({ error: false, message: 'Event followup.completed received' });
		expectedExecutions += 1;
		const rows = await waitForExecutions(sql, WORKFLOW_ID, expectedExecutions);
		expect(rows).toHaveLength(expectedExecutions);
		const execution = rows[rows.length - 1];
		expect(execution).toMatchObject({ status: 'success', mode: 'webhook' });
		const out = await runDataOf(execution.id);
		expect(out.trigger).toEqual([JSON.parse(FOLLOWUP_COMPLETED)]);
		expect(out.received).toEqual([JSON.parse(FOLLOWUP_COMPLETED)]);
		report.execution = { id: execution.id, status: execution.status, mode: execution.mode, item: out.trigger[0] };
	});

	test('a signed payment.received with an upper-case hex signature starts one more', async () => {
		const body = JSON.stringify({ type: 'payment.received', data: { id: 'pay_001', amount: 250, currency: 'EUR' } });
		const r = await post('valid payment.received (upper-case hex)', body, { signature: sign(body).toUpperCase() });
		expect(r.status).toBe(200);
		expectedExecutions += 1;
		const rows = await waitForExecutions(sql, WORKFLOW_ID, expectedExecutions);
		expect((await runDataOf(rows[rows.length - 1].id)).trigger).toEqual([JSON.parse(body)]);
	});

	test('nothing else was started', async () => {
		await sleep(1500);
		const rows = await executions();
		expect(rows).toHaveLength(expectedExecutions);
		expect(rows.every((row) => row.status === 'success')).toBe(true);
		report.executions = rows;
	});
});
