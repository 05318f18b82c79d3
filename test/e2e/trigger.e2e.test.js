'use strict';

/*
 * The GetBill Trigger inside real n8n, on every pinned n8n version (its lane:
 * the trigger, a webhook node, goes through n8n's webhook handling, which
 * differs between versions).
 *
 * Per version, on the shared n8n server (lib/shared.js): a "GetBill Webhook
 * API" credential and the workflow "GetBill Trigger → NoOp" (events
 * followup.completed and payment.received, a webhook ID of this file's own)
 * created over n8n's REST API and published (activated) like the editor's
 * Publish. Each case POSTs to the production URL as GetBill would (or as a
 * forger would); executions are read over REST. A refused request is proved
 * to have started nothing by a signed event sent after it: that one's
 * execution is the only new one, and the last.
 */

const { versionsFor, writeReport } = require('./lib/setup');
const { sharedN8n } = require('./lib/shared');
const W = require('./lib/workflows');
const { SECRET, sign, FOLLOWUP_COMPLETED } = require('./lib/events');
const { runsOf, waitForRuns, outputsOfRun, sqliteQuery } = require('./lib/executions');

jest.setTimeout(120000);

const CRED = { id: 'gbWebhookCred001', name: 'GetBill webhook (trigger suite)' };
const WORKFLOW_ID = 'gbTriggerFlow001';
/** This file's own: the shared server serves every file's webhooks. */
const WEBHOOK_ID = '6f0e7c1a-4c1e-4f7b-9a43-2b7d0f3c9e11';
const TRIGGER = 'GetBill Trigger';

function workflow() {
	const trigger = W.getBillTrigger(TRIGGER, { events: ['followup.completed', 'payment.received'], webhookId: WEBHOOK_ID, credential: CRED });
	return W.chain(WORKFLOW_ID, 'E2E: GetBill Trigger', [trigger, W.noOp('Received')]);
}

// Every pinned version: the trigger (n8n's webhook handling differs between versions; test/e2e/README.md).
const versions = versionsFor('every version');

describe.each(versions)('GetBill Trigger in n8n %s', (version) => {
	let n8n;
	let hookUrl;
	let expectedExecutions = 0;
	let probes = 0;
	const report = { version, webhookPath: `/webhook/${WEBHOOK_ID}/webhook`, cases: [] };

	const executions = async () => await runsOf(n8n, WORKFLOW_ID);

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
		const result = { name, status: res.status, body: json ?? text, executionsBefore: before };
		report.cases.push(result);
		return result;
	}

	/** What the execution's trigger and NoOp output. */
	async function runDataOf(executionId) {
		const items = await outputsOfRun(n8n, executionId);
		return { trigger: items(TRIGGER), received: items('Received') };
	}

	/**
	 * Proves that the requests sent before it were handled and started nothing: a signed event
	 * (payment.received, an ID of its own) sent after them starts one execution, and that one is
	 * the last and the only one beyond those of the events accepted so far. Had a request before
	 * it started one, there would be one more, or the last would carry another event.
	 */
	async function expectNothingElseStarted(after) {
		const body = JSON.stringify({ type: 'payment.received', data: { id: `pay_probe_${++probes}`, amount: 1, currency: 'EUR' } });
		const r = await post(`signed follow-up after: ${after}`, body, { signature: sign(body) });
		expect(r.status).toBe(200);
		expectedExecutions += 1;
		const rows = await waitForRuns(n8n, WORKFLOW_ID, expectedExecutions);
		expect({ after, executions: rows.length }).toEqual({ after, executions: expectedExecutions });
		expect((await runDataOf(rows.at(-1).id)).trigger).toEqual([JSON.parse(body)]);
		return rows;
	}

	beforeAll(async () => {
		n8n = await sharedN8n(version);
		await n8n.importCredentials([W.webhookCredential({ ...CRED, secret: SECRET })]);
		await n8n.importWorkflows([workflow()]);
		// Created inactive; published (activated) as the editor's Publish does.
		await n8n.publish(WORKFLOW_ID);
		hookUrl = `${n8n.url}/webhook/${WEBHOOK_ID}/webhook`;
		// n8n registers the production webhook shortly after publishing. The probe `{}` is unsigned: 401, no execution.
		report.probe = await n8n.waitForProductionUrl(hookUrl);
	}, 300000);

	afterAll(async () => {
		if (n8n) await n8n.unpublish(WORKFLOW_ID).catch(() => {});
		if (report.cases.length) writeReport(`trigger-${version}.json`, report);
	});

	test('n8n loads the trigger (no AI-tool variant) and its credential', async () => {
		const nodes = await n8n.rest('/types/nodes.json');
		const ours = nodes.filter((n) => n.name.startsWith('n8n-nodes-getbill.getBillTrigger'));
		expect(ours.map((n) => n.name)).toEqual(['n8n-nodes-getbill.getBillTrigger']);
		expect(ours[0]).toMatchObject({ displayName: 'GetBill Trigger', group: ['trigger'], inputs: [], outputs: ['main'] });
		expect(ours[0].webhooks).toEqual([expect.objectContaining({ name: 'default', httpMethod: 'POST', path: 'webhook' })]);
		const credentials = await n8n.rest('/types/credentials.json');
		expect(credentials.find((c) => c.name === 'getBillWebhookApi')).toMatchObject({ displayName: 'GetBill Webhook API' });
	});

	test('the workflow is published and active, its one webhook registered', async () => {
		const wf = await n8n.workflow(WORKFLOW_ID);
		expect(wf.active).toBe(true);
		// n8n keeps the registered webhooks only in its database (no REST route lists them).
		const hooks = await sqliteQuery(n8n)(`SELECT "webhookPath", method, node FROM webhook_entity WHERE "workflowId" = '${n8n.id(WORKFLOW_ID)}'`);
		expect(hooks).toEqual([{ webhookPath: `${WEBHOOK_ID}/webhook`, method: 'POST', node: TRIGGER }]);
	});

	test('a request without X-GetBill-Signature gets 401 and starts nothing', async () => {
		const r = await post('missing signature', FOLLOWUP_COMPLETED);
		expect(r.status).toBe(401);
		expect(r.body).toEqual({ error: true, message: 'Invalid signature' });
		await expectNothingElseStarted('missing signature');
	});

	test('a signature made with another secret gets 401 and starts nothing', async () => {
		const r = await post('wrong signature', FOLLOWUP_COMPLETED, { signature: sign(FOLLOWUP_COMPLETED, 'whsec_not_the_secret') });
		expect(r.status).toBe(401);
		expect(r.body).toEqual({ error: true, message: 'Invalid signature' });
		await expectNothingElseStarted('wrong signature');
	});

	test('a body changed after signing gets 401 and starts nothing', async () => {
		const tampered = FOLLOWUP_COMPLETED.replace('"deal_found"', '"no_answer"');
		const r = await post('tampered body', tampered, { signature: sign(FOLLOWUP_COMPLETED) });
		expect(r.status).toBe(401);
		// Same JSON value, other bytes: the signature is of the raw body, not of what n8n parsed.
		const compact = await post('re-serialised body', JSON.stringify(JSON.parse(FOLLOWUP_COMPLETED)), { signature: sign(FOLLOWUP_COMPLETED) });
		expect(compact.status).toBe(401);
		await expectNothingElseStarted('tampered and re-serialised bodies');
	});

	test('a malformed signature gets 401 and starts nothing', async () => {
		const r = await post('malformed signature', FOLLOWUP_COMPLETED, { signature: `sha256=${sign(FOLLOWUP_COMPLETED)}` });
		expect(r.status).toBe(401);
		await expectNothingElseStarted('malformed signature');
	});

	test('a signed event that is not selected gets 200 and starts nothing', async () => {
		const body = JSON.stringify({ type: 'debt.created', data: { id: 'abc123def456', status: 'active' } });
		const r = await post('event not selected', body, { signature: sign(body) });
		expect(r.status).toBe(200);
		expect(r.body).toEqual({ error: false, message: 'Event debt.created is not selected: ignored' });
		await expectNothingElseStarted('event not selected');
	});

	test('a signed body that is not JSON gets 400 (sent as text/plain) and starts nothing', async () => {
		const r = await post('signed, not JSON', 'type=followup.completed', { signature: sign('type=followup.completed'), contentType: 'text/plain' });
		expect(r.status).toBe(400);
		expect(r.body).toEqual({ error: true, message: expect.stringMatching(/^Invalid payload/) });
		// Declared as JSON, n8n's own body parser refuses it before the node runs (n8n's behaviour, not ours: kept as the
		// contrast that the 400 above is the node's).
		const asJson = await post('signed, not JSON, as application/json', '{"type":', { signature: sign('{"type":') });
		expect(asJson.status).toBe(422);
		await expectNothingElseStarted('signed bodies that are not JSON');
	});

	test('a signed followup.completed gets 200 and starts exactly one execution with the event as sent', async () => {
		const r = await post('valid followup.completed', FOLLOWUP_COMPLETED, { signature: sign(FOLLOWUP_COMPLETED) });
		expect(r.status).toBe(200);
		expect(r.body).toEqual({ error: false, message: 'Event followup.completed received' });
		expectedExecutions += 1;
		const rows = await waitForRuns(n8n, WORKFLOW_ID, expectedExecutions);
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
		const rows = await waitForRuns(n8n, WORKFLOW_ID, expectedExecutions);
		expect(rows).toHaveLength(expectedExecutions);
		expect((await runDataOf(rows[rows.length - 1].id)).trigger).toEqual([JSON.parse(body)]);
	});

	test('nothing else was started: every execution is one of the accepted events, each a success', async () => {
		const rows = await expectNothingElseStarted('every case');
		expect(rows.map((row) => [row.status, row.mode])).toEqual(Array(expectedExecutions).fill(['success', 'webhook']));
		report.executions = rows;
	});
});
