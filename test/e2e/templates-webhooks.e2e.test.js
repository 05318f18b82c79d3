'use strict';

/*
 * The webhook templates of examples/workflows inside real n8n:
 *   a. getbill-overdue-invoice-to-debt.json: Webhook → Debt Create → Respond
 *      to Webhook (the debt's ID; GetBill's refusal as a 422 on the error output);
 *   b. getbill-payment-marks-debt-paid.json: Webhook (a Stripe-style event) →
 *      If → Debt Update, status Paid;
 *   c. getbill-voice-call-updates-followup.json: Webhook (Retell's call events)
 *      → If → Edit Fields → Followup Update with Auto-Map.
 *
 * Newest pinned n8n only (GETBILL_E2E_FULL=1: every version): the Webhook, If,
 * Edit Fields and Respond to Webhook nodes and our node's Create, Update and
 * Auto-Map do not depend on what differs between the pinned versions (the
 * webhook handling of our own trigger is trigger.e2e's, on every version).
 *
 * The files as templates (their nodes and connections, the Overview sticky
 * note, credential placeholders, layout) are test/templates.test.ts's; that
 * the import changes only the id and the credential is
 * test/e2e-workflows-helper.test.ts's (W.fromTemplate). Here, on the shared n8n
 * server (lib/shared.js): each template created over n8n's REST API as it is
 * but for its id and credential, published (activated) like the editor's
 * Publish, read back (n8n kept every node and connection), checked against the
 * node types this n8n serves (each type version known, no parameter issue the
 * editor would mark), then the sample payloads POSTed to the production URLs
 * (the templates' own paths: no other file publishes them): the caller's
 * answer, exactly the requests the GetBill-like server received, its state
 * after, and the executions (read over REST).
 */

const path = require('path');

const { sleep } = require('./lib/n8n');
const { versionsFor } = require('./lib/setup');
const W = require('./lib/workflows');
const { useSuite } = require('./lib/run');
const { runsOf, waitForRuns, outputsOfRun, sqliteQuery } = require('./lib/executions');
const { parameterIssues } = require('./lib/node-issues');

jest.setTimeout(120000);

const DIR = path.join(__dirname, '..', '..', 'examples', 'workflows');
const CRED = { id: 'gbTplHookCred001', name: 'GetBill sandbox (webhook templates)' };
const SCOPES = ['debts:read', 'debts:write', 'followups:read', 'followups:write'];
const API = '/external-api/v1';
const GETBILL = 'n8n-nodes-getbill.getBill';

const WEBHOOK = 'n8n-nodes-base.webhook';
const IF = 'n8n-nodes-base.if';
const RESPOND = 'n8n-nodes-base.respondToWebhook';

/**
 * The templates: the file, the id the test imports it with, its webhook path,
 * its nodes but the sticky note ([type, name], in the file's order: the GetBill
 * node's name is read from here) and its connections ([from, output, to];
 * `chain`: each node to the next, output 0). test/templates.test.ts holds the
 * same, checked against the files.
 */
const TEMPLATES = {
	a: {
		file: 'getbill-overdue-invoice-to-debt.json',
		id: 'gbTplOverdue0001',
		path: 'getbill/overdue-invoice',
		nodes: [[WEBHOOK, 'When an invoice goes overdue'], [GETBILL, 'Create the debt in GetBill'], [RESPOND, 'Answer with the debt ID'], [RESPOND, 'Answer with the refusal']],
		edges: [
			['When an invoice goes overdue', 0, 'Create the debt in GetBill'],
			['Create the debt in GetBill', 0, 'Answer with the debt ID'],
			['Create the debt in GetBill', 1, 'Answer with the refusal'],
		],
	},
	b: {
		file: 'getbill-payment-marks-debt-paid.json',
		id: 'gbTplPaid0000001',
		path: 'getbill/invoice-paid',
		nodes: [[WEBHOOK, 'When an invoice is paid'], [IF, 'Paid invoice with a GetBill debt?'], [GETBILL, 'Mark the debt paid in GetBill']],
		edges: 'chain',
	},
	c: {
		file: 'getbill-voice-call-updates-followup.json',
		id: 'gbTplVoiceCall01',
		path: 'getbill/retell-call',
		nodes: [
			[WEBHOOK, 'When a Retell call is analyzed'],
			[IF, 'Analyzed call with a GetBill followup?'],
			['n8n-nodes-base.set', 'Followup fields from the call'],
			[GETBILL, 'Update the followup in GetBill'],
		],
		edges: 'chain',
	},
};
for (const spec of Object.values(TEMPLATES)) {
	if (spec.edges === 'chain') spec.edges = spec.nodes.slice(1).map(([, to], i) => [spec.nodes[i][1], 0, to]);
}
const KEYS = Object.keys(TEMPLATES);
const fileOf = (key) => path.join(DIR, TEMPLATES[key].file);
const imported = (key) => W.fromTemplate(fileOf(key), { id: TEMPLATES[key].id, credential: CRED });

/** The paths where two JSON values differ ('' for the root). */
function differences(a, b, at = '') {
	if (JSON.stringify(a) === JSON.stringify(b)) return [];
	if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || Array.isArray(a) !== Array.isArray(b)) return [at];
	return [...new Set([...Object.keys(a), ...Object.keys(b)])].flatMap((k) => differences(a[k], b[k], at ? `${at}.${k}` : k));
}

// --- The sample payloads ---------------------------------------------------------

const INVOICE = {
	invoice_number: 'INV-2024-002',
	amount: 750.5,
	currency: 'eur',
	due_date: '2024-02-10',
	customer: { first_name: 'Jane', last_name: 'Smith', email: 'jane.smith@example.com', phone: '0612345678' },
};
/** What GetBill must receive for INVOICE (the node's checks: EUR upper-case; GetBill makes the phone E.164). */
const INVOICE_BODY = {
	firstname: 'Jane',
	lastname: 'Smith',
	amount: 750.5,
	currency: 'EUR',
	email: 'jane.smith@example.com',
	phone: '0612345678',
	object: 'Invoice INV-2024-002',
	invoice_reference: 'INV-2024-002',
	due_date: '2024-02-10',
};
const EMAIL_ONLY = { ...INVOICE, invoice_number: 'INV-2024-003', customer: { first_name: 'Paul', last_name: 'Martin', email: 'paul.martin@example.com' } };
const BAD_PHONE = { ...INVOICE, invoice_number: 'INV-2024-004', customer: { ...INVOICE.customer, phone: '+3312' } };
const NO_CONTACT = { ...INVOICE, invoice_number: 'INV-2024-005', customer: { first_name: 'Jane', last_name: 'Smith' } };

const PAID_DEBT = 'debt_tpl_paid_0001';
const OTHER_DEBT = 'debt_tpl_other_001';
const stripeEvent = (type, metadata) => ({
	id: 'evt_1Q2w3E4r5T6y7U8i',
	object: 'event',
	type,
	data: { object: { id: 'in_1Q2w3E4r', object: 'invoice', amount_paid: 75050, currency: 'eur', status: 'paid', ...(metadata ? { metadata } : {}) } },
});

const CALL_FOLLOWUP = 'fu_tpl_call_0001';
const NO_ANSWER_FOLLOWUP = 'fu_tpl_call_0002';
const UNTOUCHED_FOLLOWUP = 'fu_tpl_call_0003';
const STARTED = Date.parse('2024-01-25T10:15:00Z');
const ANSWERED_CALL = {
	call_id: 'Jabr9TXYYJHfvl6Syypi88rdAHYHmcq6',
	agent_id: 'oBeDLoLOeuAbiuaMFXRtDOLriTJ5tSxD',
	call_type: 'phone_call',
	call_status: 'ended',
	direction: 'outbound',
	from_number: '+33800123456',
	to_number: '+33612345678',
	start_timestamp: STARTED,
	end_timestamp: STARTED + 185000,
	duration_ms: 185000,
	disconnection_reason: 'agent_hangup',
	recording_url: 'https://dxc03zgurdly9.cloudfront.net/Jabr9TXYYJHfvl6Syypi88rdAHYHmcq6/recording.wav',
	transcript: 'Agent: Hello, this is Anna from Acme about invoice INV-2024-002.\nUser: Yes, I can pay on Friday.\n',
	metadata: { getbill_followup_id: CALL_FOLLOWUP },
};
const CALL_ANALYSIS = { call_summary: 'The debtor agreed to pay the 750.50 EUR on Friday.', in_voicemail: false, user_sentiment: 'Neutral', call_successful: true };
/** Retell's call_ended: the call without call_analysis. */
const CALL_ENDED = { event: 'call_ended', call: ANSWERED_CALL };
const CALL_ANALYZED = { event: 'call_analyzed', call: { ...ANSWERED_CALL, call_analysis: CALL_ANALYSIS } };
/** A call nobody answered: no start, recording or transcript. */
const NO_ANSWER = {
	event: 'call_analyzed',
	call: {
		call_id: 'Kcbs0UYZZKIgwm7Tzzqj99seBIZInd7r',
		agent_id: ANSWERED_CALL.agent_id,
		call_type: 'phone_call',
		call_status: 'not_connected',
		direction: 'outbound',
		from_number: '+33800123456',
		to_number: '+33698765432',
		disconnection_reason: 'dial_no_answer',
		metadata: { getbill_followup_id: NO_ANSWER_FOLLOWUP },
		call_analysis: { call_summary: 'The call was not answered.', in_voicemail: false, call_successful: false },
	},
};
const NO_METADATA = { event: 'call_analyzed', call: { ...ANSWERED_CALL, call_id: 'Ldct1VZAALJhxn8U', metadata: undefined, call_analysis: CALL_ANALYSIS } };

// --- In n8n -----------------------------------------------------------------------

// Newest pinned n8n only (GETBILL_E2E_FULL=1: every version): nothing here depends on what differs between versions (test/e2e/README.md).
const versions = versionsFor('newest');

describe.each(versions)('webhook templates in n8n %s', (version) => {
	const suite = useSuite({
		version,
		name: 'templates-webhooks',
		scopes: SCOPES,
		credential: CRED,
		workflows: KEYS.map(imported),
		seed: (server) => {
			server.seedDebt(PAID_DEBT, { firstname: 'Jane', lastname: 'Smith', amount: 750.5, invoice_reference: 'INV-2024-002' });
			server.seedDebt(OTHER_DEBT);
			for (const id of [CALL_FOLLOWUP, NO_ANSWER_FOLLOWUP, UNTOUCHED_FOLLOWUP]) server.seedFollowup(id);
		},
	});
	const { report } = suite;
	const saved = {};
	/** The last answer to `{}` at each production URL while waiting for n8n to register the webhooks */
	const probes = {};
	/** Each template's executions so far: its probe's, then one per payload sent. */
	const expectedRuns = Object.fromEntries(KEYS.map((key) => [key, 0]));
	let url;
	let nodeTypes;

	beforeAll(async () => {
		const { n8n } = suite;
		url = n8n.url;
		// Created inactive; published (activated) as the editor's Publish does.
		for (const key of KEYS) await n8n.publish(TEMPLATES[key].id);
		for (const key of KEYS) saved[key] = await n8n.workflow(TEMPLATES[key].id);
		nodeTypes = await n8n.rest('/types/nodes.json');
		// n8n registers the production webhooks shortly after publishing. The probe `{}` reaches no GetBill
		// request in any template (a refuses it before any request, b and c stop at their If); once it is
		// answered, it starts one execution, waited for here so that the cases count from it.
		// A webhook still unknown after 60 s fails its template's tests, not the others'.
		const deadline = Date.now() + 60000;
		for (const key of KEYS) {
			while ((probes[key] = await post(key, {})).status === 404 && Date.now() < deadline) await sleep(100);
			if (probes[key].status !== 404) await waitForRuns(n8n, TEMPLATES[key].id, (expectedRuns[key] = 1));
		}
		report.probes = probes;
	}, 300000);

	afterAll(async () => {
		for (const key of KEYS) await suite.n8n?.unpublish(TEMPLATES[key].id).catch(() => {});
	});

	/** POSTs a JSON body to a template's production URL: the answer's status and body (JSON when it is). */
	async function post(key, body) {
		const res = await fetch(`${url}/webhook/${TEMPLATES[key].path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
		const text = await res.text();
		try {
			return { status: res.status, body: JSON.parse(text) };
		} catch {
			return { status: res.status, body: text };
		}
	}

	/**
	 * POSTs a payload and waits until its execution ended: the answer, the execution, the GetBill node's
	 * output and the GetBill API requests made meanwhile, recorded in the report under the template.
	 */
	async function send(key, name, payload) {
		const { server, n8n } = suite;
		const id = TEMPLATES[key].id;
		const before = { requests: server.requests.length, executions: (await runsOf(n8n, id)).length };
		const answer = await post(key, payload);
		expectedRuns[key] += 1;
		const rows = await waitForRuns(n8n, id, before.executions + 1);
		const execution = rows[rows.length - 1];
		const getBillNode = TEMPLATES[key].nodes.find(([type]) => type === GETBILL)[1];
		const output = (await outputsOfRun(n8n, execution.id))(getBillNode);
		const requests = server.requests.slice(before.requests).filter((q) => q.path.startsWith(`${API}/`));
		const result = { name, payload, answer, requests, execution: { status: execution.status, executions: rows.length - before.executions }, output };
		((report.cases[key] ??= [])).push({
			name,
			payload,
			answer,
			requests: requests.map((q) => ({ method: q.method, path: q.path, body: q.body, status: q.status })),
			execution: result.execution,
			getBillOutput: output ?? null,
		});
		return result;
	}

	const sent = (requests) => requests.map((q) => [q.method, q.path, JSON.parse(q.rawBody)]);

	/** Each [name, payload] answered 200, its execution a success that sent GetBill nothing. */
	async function expectIgnored(key, cases) {
		for (const [name, payload] of cases) {
			const r = await send(key, name, payload);
			expect([name, r.answer.status, r.requests, r.execution.status, r.output]).toEqual([name, 200, [], 'success', undefined]);
		}
	}

	describe('as imported and published', () => {
		test.each(KEYS)('template %s: n8n kept every node, parameter and connection; the workflow is active, its webhook registered', async (key) => {
			const { n8n } = suite;
			// What was sent: the template with its id and credential, the credential's ID n8n's.
			const wf = n8n.mapped(imported(key));
			expect(saved[key]).toBeDefined();
			expect(saved[key].nodes).toEqual(wf.nodes);
			expect(saved[key].connections).toEqual(wf.connections);
			expect(saved[key].settings).toMatchObject(wf.settings);
			expect(saved[key].active).toBe(true);
			// n8n keeps the registered webhooks only in its database (no REST route lists them).
			const hooks = await sqliteQuery(n8n)(`SELECT "webhookPath", method FROM webhook_entity WHERE "workflowId" = '${n8n.id(TEMPLATES[key].id)}'`);
			expect(hooks).toEqual([{ webhookPath: TEMPLATES[key].path, method: 'POST' }]);
			// Not a 404, and nothing sent to GetBill (the answer: a's 422 for an empty invoice, b's and c's 200)
			expect(probes[key].status).toBe(key === 'a' ? 422 : 200);
			expect(suite.server.apiRequests()).toEqual([]);
		});

		test.each(KEYS)('template %s: every node type version is one this n8n has, and no node has a parameter issue', async (key) => {
			const issues = await parameterIssues(suite.n8n, nodeTypes, imported(key));
			(report.parameterIssues ??= {})[key] = issues;
			expect(issues).toEqual({});
		});
	});

	describe('a. an overdue invoice becomes a GetBill debt', () => {
		test('200 with the new debt\'s ID: exactly one POST /debts with the invoice\'s fields, the debt in GetBill', async () => {
			const { server } = suite;
			const debtsBefore = server.debtRecords.size;
			const r = await send('a', 'overdue invoice', INVOICE);
			expect(r.answer).toEqual({ status: 200, body: { getbill_debt_id: expect.stringMatching(/^debt_/), invoice_number: 'INV-2024-002' } });
			expect(sent(r.requests)).toEqual([['POST', `${API}/debts`, INVOICE_BODY]]);
			expect(r.requests[0].status).toBe(201);
			expect(server.debtRecords.size).toBe(debtsBefore + 1);
			expect(server.getDebt(r.answer.body.getbill_debt_id)).toMatchObject({
				...INVOICE_BODY,
				phone: '+33612345678',
				status: 'status.default.pending',
			});
			expect(r.execution).toEqual({ status: 'success', executions: 1 });
		});

		test('an invoice with an email and no phone: 200, the debt created without a phone', async () => {
			const { server } = suite;
			const r = await send('a', 'email only', EMAIL_ONLY);
			expect(r.answer).toEqual({ status: 200, body: { getbill_debt_id: expect.stringMatching(/^debt_/), invoice_number: 'INV-2024-003' } });
			const { phone, ...withoutPhone } = INVOICE_BODY;
			expect(phone).toBeDefined();
			expect(sent(r.requests)).toEqual([
				['POST', `${API}/debts`, { ...withoutPhone, firstname: 'Paul', lastname: 'Martin', email: 'paul.martin@example.com', object: 'Invoice INV-2024-003', invoice_reference: 'INV-2024-003' }],
			]);
			expect(server.getDebt(r.answer.body.getbill_debt_id)).toMatchObject({ firstname: 'Paul', phone: null, email: 'paul.martin@example.com' });
		});

		test('a phone GetBill refuses: 422 with GetBill\'s message, one POST answered 400, no debt created', async () => {
			const { server } = suite;
			const debtsBefore = server.debtRecords.size;
			const r = await send('a', 'phone refused by GetBill', BAD_PHONE);
			expect(r.answer.status).toBe(422);
			expect(r.answer.body).toEqual({ error: expect.stringContaining('phone number too short'), invoice_number: 'INV-2024-004' });
			expect(sent(r.requests)).toEqual([['POST', `${API}/debts`, { ...INVOICE_BODY, phone: '+3312', object: 'Invoice INV-2024-004', invoice_reference: 'INV-2024-004' }]]);
			expect(r.requests[0].status).toBe(400);
			expect(server.debtRecords.size).toBe(debtsBefore);
			expect(r.execution.status).toBe('success');
		});

		test('neither email nor phone: 422 with the node\'s message, no request, no debt created', async () => {
			const { server } = suite;
			const debtsBefore = server.debtRecords.size;
			const r = await send('a', 'no email, no phone', NO_CONTACT);
			expect(r.answer).toEqual({
				status: 422,
				body: { error: expect.stringMatching(/^Phone \(phone\) or Email \(email\) is required/), invoice_number: 'INV-2024-005' },
			});
			expect(r.requests).toEqual([]);
			expect(server.debtRecords.size).toBe(debtsBefore);
		});
	});

	describe('b. a paid invoice marks its GetBill debt paid', () => {
		test('invoice.paid with metadata.getbill_debt_id: 200 at once, exactly one PUT status Paid, the debt paid, nothing else changed', async () => {
			const { server } = suite;
			const before = structuredClone(server.getDebt(PAID_DEBT));
			const other = structuredClone(server.getDebt(OTHER_DEBT));
			const r = await send('b', 'invoice.paid', stripeEvent('invoice.paid', { getbill_debt_id: PAID_DEBT }));
			expect(r.answer.status).toBe(200);
			expect(sent(r.requests)).toEqual([['PUT', `${API}/debts/${PAID_DEBT}`, { status: 'status.default.paid' }]]);
			expect(r.requests[0].status).toBe(200);
			expect(differences(before, server.getDebt(PAID_DEBT))).toEqual(['status']);
			expect(server.getDebt(PAID_DEBT).status).toBe('status.default.paid');
			expect(server.getDebt(OTHER_DEBT)).toEqual(other);
			expect(r.execution).toEqual({ status: 'success', executions: 1 });
			expect(r.output).toEqual([expect.objectContaining({ id: PAID_DEBT, status: 'status.default.paid' })]);
		});

		test('another event type, and invoice.paid without the metadata (or with it empty): 200, no request', async () => {
			const { server } = suite;
			const other = structuredClone(server.getDebt(OTHER_DEBT));
			await expectIgnored('b', [
				['invoice.payment_failed', stripeEvent('invoice.payment_failed', { getbill_debt_id: OTHER_DEBT })],
				['invoice.paid without metadata', stripeEvent('invoice.paid')],
				['invoice.paid, getbill_debt_id empty', stripeEvent('invoice.paid', { getbill_debt_id: '', order_id: '6735' })],
			]);
			expect(server.getDebt(OTHER_DEBT)).toEqual(other);
		});
	});

	describe('c. an analyzed Retell call updates its GetBill followup', () => {
		test('call_ended (no analysis yet), and call_analyzed without getbill_followup_id in its metadata: 200, no request', async () => {
			await expectIgnored('c', [
				['call_ended', CALL_ENDED],
				['call_analyzed, no metadata', NO_METADATA],
			]);
		});

		test('call_analyzed of an answered, successful call: exactly one PUT with the call\'s fields (Auto-Map), status deal_found', async () => {
			const { server } = suite;
			const before = structuredClone(server.getFollowup(CALL_FOLLOWUP));
			const untouched = structuredClone(server.getFollowup(UNTOUCHED_FOLLOWUP));
			const r = await send('c', 'call_analyzed, deal', CALL_ANALYZED);
			expect(r.answer.status).toBe(200);
			expect(r.requests.map((q) => [q.method, q.path, q.status])).toEqual([['PUT', `${API}/followups/${CALL_FOLLOWUP}`, 200]]);
			const body = JSON.parse(r.requests[0].rawBody);
			expect(body).toEqual({
				status: 'deal_found',
				call_date: expect.any(String),
				summary: CALL_ANALYSIS.call_summary,
				notes: ANSWERED_CALL.transcript,
				call_id: ANSWERED_CALL.call_id,
				audio_url: ANSWERED_CALL.recording_url,
				duration_ms: 185000,
				phone_number_used: '+33800123456',
				direction: 'outbound',
				disconnection_reason: 'agent_hangup',
			});
			// The call's start (epoch ms), sent as ISO 8601 with the workflow's offset.
			expect(body.call_date).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?([+-]\d\d:\d\d|Z)$/);
			expect(Date.parse(body.call_date)).toBe(STARTED);
			const after = server.getFollowup(CALL_FOLLOWUP);
			expect(differences(before, after).sort()).toEqual([...Object.keys(body).filter((k) => k !== 'direction'), 'processed_at'].sort());
			expect(after).toMatchObject({ ...body, call_date: '2024-01-25T10:15:00+00:00' });
			expect(server.getFollowup(UNTOUCHED_FOLLOWUP)).toEqual(untouched);
			expect(r.output).toEqual([expect.objectContaining({ id: CALL_FOLLOWUP, status: 'deal_found' })]);
		});

		test('call_analyzed of a call nobody answered: status no_answer, the values Retell left out not sent', async () => {
			const { server } = suite;
			const r = await send('c', 'call_analyzed, no answer', NO_ANSWER);
			expect(r.answer.status).toBe(200);
			expect(sent(r.requests)).toEqual([
				[
					'PUT',
					`${API}/followups/${NO_ANSWER_FOLLOWUP}`,
					{
						status: 'no_answer',
						summary: 'The call was not answered.',
						call_id: NO_ANSWER.call.call_id,
						phone_number_used: '+33800123456',
						direction: 'outbound',
						disconnection_reason: 'dial_no_answer',
					},
				],
			]);
			expect(server.getFollowup(NO_ANSWER_FOLLOWUP)).toMatchObject({ status: 'no_answer', audio_url: null, duration_ms: null, call_date: null });
		});

		test('each followup was changed exactly once; each template ran once per request, every execution a success', async () => {
			const { server, n8n } = suite;
			const puts = server.apiRequests('PUT', `${API}/followups/`).map((q) => q.path);
			expect(puts).toEqual([`${API}/followups/${CALL_FOLLOWUP}`, `${API}/followups/${NO_ANSWER_FOLLOWUP}`]);
			// Every request sent was waited for until its execution ended: exactly that many executions (the probe's
			// and one per payload), none more, none still running, none but a success.
			for (const key of KEYS) {
				const rows = await runsOf(n8n, TEMPLATES[key].id);
				expect([key, rows.length, rows.filter((row) => row.status !== 'success')]).toEqual([key, expectedRuns[key], []]);
			}
		});
	});
});
