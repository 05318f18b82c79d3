'use strict';

/*
 * The webhook templates of examples/workflows inside real n8n, called the way
 * their senders call them, and the way an attacker who knows the URL would
 * (issue #27):
 *   a. getbill-overdue-invoice-to-debt.json: a CRM's overdue invoice, behind
 *      n8n's Header Auth → a Data table keyed by invoice number → Debt Create
 *      (only for an invoice not yet in the table) → the debt ID remembered →
 *      the debt's ID answered; refusals 422 (the invoice) or 503 (GetBill);
 *   b. getbill-payment-marks-debt-paid.json: Stripe's invoice.paid, its
 *      `Stripe-Signature` checked in the workflow (Crypto HMAC of the raw body
 *      with the endpoint's signing secret, 5 minutes) → Debt Update Paid → 200,
 *      or 503 when GetBill failed so that Stripe sends the event again;
 *   c. getbill-voice-call-updates-followup.json: Retell's call events, their
 *      `x-retell-signature` checked the same way with the Retell API key →
 *      Edit Fields → Followup Update (Auto-Map) → 204, or 503.
 *
 * Newest pinned n8n only (GETBILL_E2E_FULL=1: every version): the Webhook
 * (Header Auth, Raw Body), Extract From File, Crypto, If, Data table, Edit
 * Fields and Respond to Webhook nodes and our node's Create, Update and
 * Auto-Map behave the same on both pinned versions (helper-5 ran these
 * templates on 2.8.4 too; the weekly full run keeps proving it). The webhook
 * handling of our own trigger is trigger.e2e's, on every version.
 *
 * The files as templates (nodes, connections, notes, placeholders, layout, the
 * signature, refusal-status, separator and amount expressions evaluated) are
 * test/templates.test.ts's; that the import changes only the id and the
 * credentials is test/e2e-workflows-helper.test.ts's (W.fromTemplate). Here, on
 * the shared n8n server (lib/shared.js): each template created over n8n's REST
 * API as it is but for its id and credentials, published (activated) like the
 * editor's Publish, read back, checked against the node types this n8n serves,
 * then requests POSTed to the production URLs (the templates' own paths: no
 * other file publishes them): the caller's answer, exactly the requests the
 * GetBill-like server received, its state after, and the executions.
 *
 * "Nothing happened" is never a sleep: a request n8n refuses before any
 * execution (Header Auth's 403) is followed by a valid request, and the only
 * new execution is that request's; a request the workflow refuses (a bad
 * signature: 401) has its own execution, waited for, that ended at "Refuse
 * the request" with no GetBill request. Invoice numbers are unique to the run:
 * the Data table lives in the shared n8n's project.
 */

const crypto = require('crypto');
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

/** The secrets of this run (not secrets: the test makes them up), each in its n8n credential. */
const CRM_HEADER = { name: 'X-Webhook-Token', value: crypto.randomBytes(24).toString('hex') };
const STRIPE_SECRET = `stripe-endpoint-secret-${crypto.randomBytes(8).toString('hex')}`;
const RETELL_KEY = `key_retell_${crypto.randomBytes(12).toString('hex')}`;
const HEADER_CRED = { id: 'gbTplHookHeader1', name: 'CRM webhook header (e2e)' };
const STRIPE_CRED = { id: 'gbTplHookStripe1', name: 'Stripe signing secret (e2e)' };
const RETELL_CRED = { id: 'gbTplHookRetell1', name: 'Retell API key (e2e)' };

/**
 * The templates: the file, the id the test imports it with, its webhook path, the credentials
 * swapped in (by type), and its GetBill node (whose output the cases read).
 */
const TEMPLATES = {
	a: { file: 'getbill-overdue-invoice-to-debt.json', id: 'gbTplOverdue0001', path: 'getbill/overdue-invoice', credentials: { httpHeaderAuth: HEADER_CRED }, getBill: 'Create the debt in GetBill' },
	b: { file: 'getbill-payment-marks-debt-paid.json', id: 'gbTplPaid0000001', path: 'getbill/invoice-paid', credentials: { crypto: STRIPE_CRED }, getBill: 'Mark the debt paid in GetBill' },
	c: { file: 'getbill-voice-call-updates-followup.json', id: 'gbTplVoiceCall01', path: 'getbill/retell-call', credentials: { crypto: RETELL_CRED }, getBill: 'Update the followup in GetBill' },
};
const KEYS = Object.keys(TEMPLATES);
const imported = (key) => W.fromTemplate(path.join(DIR, TEMPLATES[key].file), { id: TEMPLATES[key].id, credential: CRED, credentials: TEMPLATES[key].credentials });

/** The paths where two JSON values differ ('' for the root). */
function differences(a, b, at = '') {
	if (JSON.stringify(a) === JSON.stringify(b)) return [];
	if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || Array.isArray(a) !== Array.isArray(b)) return [at];
	return [...new Set([...Object.keys(a), ...Object.keys(b)])].flatMap((k) => differences(a[k], b[k], at ? `${at}.${k}` : k));
}

const hmacHex = (key, text) => crypto.createHmac('sha256', key).update(text).digest('hex');
/** Stripe's `Stripe-Signature` (t=<s>,v1=<HMAC-SHA256 of `<t>.<raw body>`>), as Stripe's libraries make it. */
const stripeSignature = (raw, secret = STRIPE_SECRET, at = Math.floor(Date.now() / 1000)) => `t=${at},v1=${hmacHex(secret, `${at}.${raw}`)}`;
/** Retell's `x-retell-signature` (v=<ms>,d=<HMAC-SHA256 of the raw body followed by <ms>>), as retell-sdk's sign() makes it. */
const retellSignature = (raw, key = RETELL_KEY, at = Date.now()) => `v=${at},d=${hmacHex(key, raw + at)}`;
const MINUTES_6 = 6 * 60 * 1000;

// --- The payloads ------------------------------------------------------------------

/** Unique to this run: the Data table of created debts outlives the run's workflows in the shared n8n's project. */
const RUN = `${Date.now().toString(36)}${crypto.randomBytes(2).toString('hex')}`.toUpperCase();
const invoiceNo = (n) => `INV-${RUN}-${n}`;
const INVOICE = {
	invoice_number: invoiceNo('002'),
	amount: 750.5,
	currency: 'eur',
	due_date: '2024-02-10',
	customer: { first_name: 'Jane', last_name: 'Smith', email: 'jane.smith@example.com', phone: '0612345678' },
};
/** What GetBill must receive for an invoice like INVOICE (the node's checks: EUR upper-case; GetBill makes the phone E.164). */
const bodyFor = (invoice) => ({
	firstname: invoice.customer.first_name,
	lastname: invoice.customer.last_name,
	amount: 750.5,
	currency: 'EUR',
	...(invoice.customer.email ? { email: invoice.customer.email } : {}),
	...(invoice.customer.phone ? { phone: invoice.customer.phone } : {}),
	object: `Invoice ${String(invoice.invoice_number).trim()}`,
	invoice_reference: String(invoice.invoice_number).trim(),
	due_date: '2024-02-10',
});
const EMAIL_ONLY = { ...INVOICE, invoice_number: invoiceNo('003'), customer: { first_name: 'Paul', last_name: 'Martin', email: 'paul.martin@example.com' } };
const BAD_PHONE = { ...INVOICE, invoice_number: invoiceNo('004'), customer: { ...INVOICE.customer, phone: '+3312' } };
const NO_CONTACT = { ...INVOICE, invoice_number: invoiceNo('005'), customer: { first_name: 'Jane', last_name: 'Smith' } };
const GETBILL_DOWN = { ...INVOICE, invoice_number: invoiceNo('006') };
/** An invoice number a CRM sends as a JSON number (unique to the run). */
const NUMERIC = { ...INVOICE, invoice_number: Number(`9${String(Date.now()).slice(-9)}`) };

const PAID_DEBT = 'debt_tpl_paid_0001';
const RETRY_DEBT = 'debt_tpl_paid_0002';
const OTHER_DEBT = 'debt_tpl_other_001';
const stripeEvent = (type, metadata, id = 'evt_1Q2w3E4r5T6y7U8i') => ({
	id,
	object: 'event',
	type,
	data: { object: { id: 'in_1Q2w3E4r', object: 'invoice', amount_paid: 75050, currency: 'eur', status: 'paid', ...(metadata ? { metadata } : {}) } },
});

const CALL_FOLLOWUP = 'fu_tpl_call_0001';
const NO_ANSWER_FOLLOWUP = 'fu_tpl_call_0002';
const RETRY_FOLLOWUP = 'fu_tpl_call_0004';
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
	transcript: 'Agent: Bonjour Hélène, c’est Anna 👋 au sujet de la facture INV-2024-002.\nUser: Oui, je paie vendredi.\n',
	metadata: { getbill_followup_id: CALL_FOLLOWUP },
};
const CALL_ANALYSIS = { call_summary: 'La débitrice paiera les 750,50 EUR vendredi.', in_voicemail: false, user_sentiment: 'Neutral', call_successful: true };
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
const RETRY_CALL = { event: 'call_analyzed', call: { ...ANSWERED_CALL, call_id: 'Mdeu2WABBMKiyo9V', metadata: { getbill_followup_id: RETRY_FOLLOWUP }, call_analysis: CALL_ANALYSIS } };

// --- In n8n -----------------------------------------------------------------------

// Newest pinned n8n only (GETBILL_E2E_FULL=1: every version): nothing here depends on what differs between versions (test/e2e/README.md).
const versions = versionsFor('newest');

describe.each(versions)('webhook templates in n8n %s', (version) => {
	const suite = useSuite({
		version,
		name: 'templates-webhooks',
		scopes: SCOPES,
		credential: CRED,
		credentials: [
			{ ...HEADER_CRED, type: 'httpHeaderAuth', data: CRM_HEADER },
			{ ...STRIPE_CRED, type: 'crypto', data: { hmacSecret: STRIPE_SECRET } },
			{ ...RETELL_CRED, type: 'crypto', data: { hmacSecret: RETELL_KEY } },
		],
		workflows: KEYS.map(imported),
		seed: (server) => {
			server.seedDebt(PAID_DEBT, { firstname: 'Jane', lastname: 'Smith', amount: 750.5, invoice_reference: 'INV-2024-002' });
			server.seedDebt(RETRY_DEBT, { firstname: 'Paul', lastname: 'Martin', amount: 120, invoice_reference: 'INV-2024-007' });
			server.seedDebt(OTHER_DEBT);
			for (const id of [CALL_FOLLOWUP, NO_ANSWER_FOLLOWUP, UNTOUCHED_FOLLOWUP, RETRY_FOLLOWUP]) server.seedFollowup(id);
		},
	});
	const { report } = suite;
	const saved = {};
	/** The answer to `{}` (no signature, no header) at each production URL once n8n registered it */
	const probes = {};
	/** Each template's executions so far: one per request its workflow ran for (Header Auth refusals start none). */
	const expectedRuns = Object.fromEntries(KEYS.map((key) => [key, 0]));
	let nodeTypes;

	beforeAll(async () => {
		const { n8n } = suite;
		// Created inactive; published (activated) as the editor's Publish does.
		for (const key of KEYS) await n8n.publish(TEMPLATES[key].id);
		for (const key of KEYS) saved[key] = await n8n.workflow(TEMPLATES[key].id);
		nodeTypes = await n8n.rest('/types/nodes.json');
		// n8n registers the production webhooks shortly after publishing; until then 404. The probe `{}` is unsigned:
		// a refuses it before any execution (403), b and c in one execution that ends at "Refuse the request" (401).
		for (const key of KEYS) {
			probes[key] = await post(key, '{}').catch((error) => ({ status: 404, body: error.message }));
			for (const deadline = Date.now() + 60000; probes[key].status === 404 && Date.now() < deadline; ) {
				await sleep(100); // polling n8n's registration, not waiting for something to not happen
				probes[key] = await post(key, '{}');
			}
			if (key !== 'a' && probes[key].status !== 404) await waitForRuns(n8n, TEMPLATES[key].id, (expectedRuns[key] = 1));
		}
		report.probes = probes;
	}, 300000);

	afterAll(async () => {
		for (const key of KEYS) await suite.n8n?.unpublish(TEMPLATES[key].id).catch(() => {});
	});

	/** POSTs `raw` (the body as sent) to a template's production URL: the answer's status and body (JSON when it is). */
	async function post(key, raw, headers = {}) {
		const res = await fetch(`${suite.n8n.url}/webhook/${TEMPLATES[key].path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: raw });
		const text = await res.text();
		try {
			return { status: res.status, body: JSON.parse(text) };
		} catch {
			return { status: res.status, body: text };
		}
	}

	/**
	 * POSTs a payload (an object, sent as JSON, or the raw text) and, unless `executes` is false, waits
	 * until its execution ended: the answer, the execution, the GetBill node's output and the GetBill
	 * API requests made meanwhile, recorded in the report under the template.
	 */
	async function send(key, name, payload, { headers = {}, executes = true } = {}) {
		const { server, n8n } = suite;
		const id = TEMPLATES[key].id;
		const raw = typeof payload === 'string' ? payload : JSON.stringify(payload);
		const before = { requests: server.requests.length, executions: (await runsOf(n8n, id)).length };
		const answer = await post(key, raw, headers);
		let execution;
		let output;
		let ran;
		if (executes) {
			expectedRuns[key] += 1;
			const rows = await waitForRuns(n8n, id, before.executions + 1);
			execution = rows[rows.length - 1];
			const outputs = await outputsOfRun(n8n, execution.id);
			output = outputs(TEMPLATES[key].getBill);
			ran = Object.keys((await n8n.execution(execution.id)).data?.resultData?.runData ?? {});
		}
		const requests = server.requests.slice(before.requests).filter((q) => q.path.startsWith(`${API}/`));
		const result = { name, answer, requests, execution: execution && { status: execution.status, executions: (await runsOf(n8n, id)).length - before.executions }, output, ran };
		((report.cases[key] ??= [])).push({
			name,
			payload: raw.length > 2000 ? `${raw.slice(0, 2000)}…` : raw,
			headers: Object.keys(headers),
			answer,
			requests: requests.map((q) => ({ method: q.method, path: q.path, body: q.body, status: q.status })),
			execution: result.execution ?? null,
			nodesRun: ran ?? null,
			getBillOutput: output ?? null,
		});
		return result;
	}

	const sent = (requests) => requests.map((q) => [q.method, q.path, JSON.parse(q.rawBody)]);
	const debtsOf = (invoice) => [...suite.server.debtRecords.values()].filter((d) => d.invoice_reference === String(invoice).trim());
	const crmHeaders = { [CRM_HEADER.name]: CRM_HEADER.value };
	const signedStripe = (payload, at) => {
		const raw = JSON.stringify(payload);
		return [raw, { headers: { 'stripe-signature': stripeSignature(raw, STRIPE_SECRET, at) } }];
	};
	const signedRetell = (payload, at) => {
		const raw = JSON.stringify(payload);
		return [raw, { headers: { 'x-retell-signature': retellSignature(raw, RETELL_KEY, at) } }];
	};

	/** Each [name, raw, headers] refused by the workflow: 401 `Unauthorized`, its execution ended at "Refuse the request", nothing sent to GetBill. */
	async function expectRefused(key, cases) {
		for (const [name, raw, headers] of cases) {
			const r = await send(key, name, raw, { headers });
			expect([name, r.answer, r.requests, r.execution.status, r.output, r.ran.includes('Refuse the request')]).toEqual([name, { status: 401, body: 'Unauthorized' }, [], 'success', undefined, true]);
		}
	}

	describe('as imported and published', () => {
		test.each(KEYS)('template %s: n8n kept every node, parameter and connection; the workflow is active, its webhook registered', async (key) => {
			const { n8n } = suite;
			// What was sent: the template with its id and credentials, the credentials' IDs n8n's.
			const wf = n8n.mapped(imported(key));
			expect(saved[key]).toBeDefined();
			expect(saved[key].nodes).toEqual(wf.nodes);
			expect(saved[key].connections).toEqual(wf.connections);
			expect(saved[key].settings).toMatchObject(wf.settings);
			expect(saved[key].active).toBe(true);
			// n8n keeps the registered webhooks only in its database (no REST route lists them).
			const hooks = await sqliteQuery(n8n)(`SELECT "webhookPath", method FROM webhook_entity WHERE "workflowId" = '${n8n.id(TEMPLATES[key].id)}'`);
			expect(hooks).toEqual([{ webhookPath: TEMPLATES[key].path, method: 'POST' }]);
			// Unsigned, unauthenticated `{}`: a 403 (n8n's Header Auth), b and c 401 (the workflow's check); nothing sent to GetBill.
			expect(probes[key]).toEqual(key === 'a' ? { status: 403, body: 'Authorization data is wrong!' } : { status: 401, body: 'Unauthorized' });
			expect(suite.server.apiRequests()).toEqual([]);
		});

		test.each(KEYS)('template %s: every node type version is one this n8n has, and no node has a parameter issue', async (key) => {
			const issues = await parameterIssues(suite.n8n, nodeTypes, imported(key));
			(report.parameterIssues ??= {})[key] = issues;
			expect(issues).toEqual({});
		});
	});

	describe('a. an overdue invoice becomes a GetBill debt (Header Auth, one debt per invoice)', () => {
		test('no header, a wrong value, the value under another header: 403, no execution, nothing sent; then the CRM\'s invoice: 200 with the new debt\'s ID, one POST /debts, the debt in GetBill', async () => {
			const { server, n8n } = suite;
			const before = { executions: (await runsOf(n8n, TEMPLATES.a.id)).length, requests: server.apiRequests().length };
			for (const [name, headers] of [
				['no header', {}],
				// The last character changed (a random value may already end in 0).
				['a wrong value', { [CRM_HEADER.name]: `${CRM_HEADER.value.slice(0, -1)}${CRM_HEADER.value.endsWith('0') ? '1' : '0'}` }],
				['the value under another header', { 'X-Api-Key': CRM_HEADER.value }],
			]) {
				const r = await send('a', `refused: ${name}`, INVOICE, { headers, executes: false });
				expect([name, r.answer]).toEqual([name, { status: 403, body: 'Authorization data is wrong!' }]);
			}
			const r = await send('a', 'overdue invoice', INVOICE, { headers: crmHeaders });
			// The valid request's execution is the only new one: the three refused started none, and sent GetBill nothing.
			expect((await runsOf(n8n, TEMPLATES.a.id)).length).toBe(before.executions + 1);
			expect(server.apiRequests().length - before.requests).toBe(r.requests.length);
			expect(r.answer).toEqual({ status: 200, body: { getbill_debt_id: expect.stringMatching(/^debt_/), invoice_number: INVOICE.invoice_number } });
			expect(sent(r.requests)).toEqual([['POST', `${API}/debts`, bodyFor(INVOICE)]]);
			expect(r.requests[0].status).toBe(201);
			expect(debtsOf(INVOICE.invoice_number)).toEqual([expect.objectContaining({ id: r.answer.body.getbill_debt_id, ...bodyFor(INVOICE), phone: '+33612345678', status: 'status.default.pending' })]);
			expect(r.execution).toEqual({ status: 'success', executions: 1 });
		});

		test('the same invoice delivered again, twice: 200 with the first debt\'s ID, nothing sent to GetBill, still one debt', async () => {
			const [first] = debtsOf(INVOICE.invoice_number);
			for (const attempt of ['again', 'once more']) {
				const r = await send('a', `same invoice ${attempt}`, INVOICE, { headers: crmHeaders });
				expect([attempt, r.answer, r.requests, r.output, r.execution.status]).toEqual([attempt, { status: 200, body: { getbill_debt_id: first.id, invoice_number: INVOICE.invoice_number } }, [], undefined, 'success']);
			}
			expect(debtsOf(INVOICE.invoice_number)).toHaveLength(1);
		});

		test('an invoice number sent as a number, then as text with spaces: one debt, the second answer its ID', async () => {
			const r = await send('a', 'numeric invoice number', NUMERIC, { headers: crmHeaders });
			// The Data table keeps the invoice number as text: the answer's too.
			expect(r.answer).toEqual({ status: 200, body: { getbill_debt_id: expect.stringMatching(/^debt_/), invoice_number: String(NUMERIC.invoice_number) } });
			expect(sent(r.requests)).toEqual([['POST', `${API}/debts`, bodyFor(NUMERIC)]]);
			const again = await send('a', 'the same number as text', { ...NUMERIC, invoice_number: ` ${NUMERIC.invoice_number} ` }, { headers: crmHeaders });
			expect(again.answer).toEqual({ status: 200, body: { getbill_debt_id: r.answer.body.getbill_debt_id, invoice_number: String(NUMERIC.invoice_number) } });
			expect(again.requests).toEqual([]);
			expect(debtsOf(NUMERIC.invoice_number)).toHaveLength(1);
		});

		test('an invoice with an email and no phone: 200, the debt created without a phone', async () => {
			const r = await send('a', 'email only', EMAIL_ONLY, { headers: crmHeaders });
			expect(r.answer).toEqual({ status: 200, body: { getbill_debt_id: expect.stringMatching(/^debt_/), invoice_number: EMAIL_ONLY.invoice_number } });
			expect(sent(r.requests)).toEqual([['POST', `${API}/debts`, bodyFor(EMAIL_ONLY)]]);
			expect(bodyFor(EMAIL_ONLY)).not.toHaveProperty('phone');
			expect(suite.server.getDebt(r.answer.body.getbill_debt_id)).toMatchObject({ firstname: 'Paul', phone: null, email: 'paul.martin@example.com' });
		});

		test('a phone GetBill refuses: 422 with GetBill\'s message, no debt; the invoice sent again with the phone fixed: 200, one debt; once more: its ID, nothing sent', async () => {
			const r = await send('a', 'phone refused by GetBill', BAD_PHONE, { headers: crmHeaders });
			expect(r.answer).toEqual({ status: 422, body: { error: expect.stringMatching(/^GetBill refused to create the debt of Jane Smith: .*phone number too short/), invoice_number: BAD_PHONE.invoice_number } });
			expect(sent(r.requests)).toEqual([['POST', `${API}/debts`, bodyFor(BAD_PHONE)]]);
			expect(r.requests[0].status).toBe(400);
			expect(debtsOf(BAD_PHONE.invoice_number)).toEqual([]);
			expect(r.execution.status).toBe('success');
			// Nothing was remembered for the refused invoice: the corrected one is created.
			const fixed = { ...BAD_PHONE, customer: { ...BAD_PHONE.customer, phone: '+33612345679' } };
			const retried = await send('a', 'phone fixed, sent again', fixed, { headers: crmHeaders });
			expect(retried.answer).toEqual({ status: 200, body: { getbill_debt_id: expect.stringMatching(/^debt_/), invoice_number: BAD_PHONE.invoice_number } });
			expect(sent(retried.requests)).toEqual([['POST', `${API}/debts`, bodyFor(fixed)]]);
			const again = await send('a', 'phone fixed, sent once more', fixed, { headers: crmHeaders });
			expect([again.answer.body.getbill_debt_id, again.requests]).toEqual([retried.answer.body.getbill_debt_id, []]);
			expect(debtsOf(BAD_PHONE.invoice_number)).toEqual([expect.objectContaining({ id: retried.answer.body.getbill_debt_id, phone: '+33612345679' })]);
		});

		test('GetBill failing (503): 503 so the CRM sends it again, no debt; sent again: 200, one debt', async () => {
			const { server } = suite;
			server.injectFaults({ status: 503, match: (q) => q.method === 'POST' && q.path === `${API}/debts` });
			const r = await send('a', 'GetBill down', GETBILL_DOWN, { headers: crmHeaders });
			expect(r.answer).toEqual({ status: 503, body: { error: expect.stringMatching(/^GetBill failed on its side \(503\)/), invoice_number: GETBILL_DOWN.invoice_number } });
			// A create is not sent twice by the node (a retried POST could create two debts): one request.
			expect(r.requests.map((q) => [q.method, q.path, q.status])).toEqual([['POST', `${API}/debts`, 503]]);
			expect(debtsOf(GETBILL_DOWN.invoice_number)).toEqual([]);
			const retried = await send('a', 'GetBill back, sent again', GETBILL_DOWN, { headers: crmHeaders });
			expect(retried.answer).toEqual({ status: 200, body: { getbill_debt_id: expect.stringMatching(/^debt_/), invoice_number: GETBILL_DOWN.invoice_number } });
			expect(retried.requests.map((q) => [q.method, q.path, q.status])).toEqual([['POST', `${API}/debts`, 201]]);
			expect(debtsOf(GETBILL_DOWN.invoice_number)).toHaveLength(1);
		});

		test('neither email nor phone: 422 with the node\'s message; no invoice number: 422; no request, no debt', async () => {
			const r = await send('a', 'no email, no phone', NO_CONTACT, { headers: crmHeaders });
			expect(r.answer).toEqual({ status: 422, body: { error: expect.stringMatching(/^Phone \(phone\) or Email \(email\) is required: both are missing/), invoice_number: NO_CONTACT.invoice_number } });
			expect(r.requests).toEqual([]);
			expect(debtsOf(NO_CONTACT.invoice_number)).toEqual([]);
			for (const [name, invoice] of [
				['no invoice number', { ...INVOICE, invoice_number: undefined }],
				['a blank invoice number', { ...INVOICE, invoice_number: '   ' }],
			]) {
				const none = await send('a', name, invoice, { headers: crmHeaders });
				expect([name, none.answer, none.requests, none.execution.status]).toEqual([name, { status: 422, body: { error: 'The invoice has no invoice_number.', invoice_number: invoice.invoice_number ?? null } }, [], 'success']);
			}
		});
	});

	describe('b. a paid invoice marks its GetBill debt paid (Stripe-Signature checked, 503 until GetBill is updated)', () => {
		test('unsigned, signed with another secret, a changed body, signed 6 minutes ago: 401, nothing sent to GetBill, the debt as it was', async () => {
			const { server } = suite;
			const before = structuredClone(server.getDebt(PAID_DEBT));
			const raw = JSON.stringify(stripeEvent('invoice.paid', { getbill_debt_id: PAID_DEBT }));
			const now = Math.floor(Date.now() / 1000);
			await expectRefused('b', [
				['unsigned', raw, {}],
				['signed with another secret', raw, { 'stripe-signature': stripeSignature(raw, 'another-endpoint-secret') }],
				['the body changed after signing', raw.replace(PAID_DEBT, OTHER_DEBT), { 'stripe-signature': stripeSignature(raw) }],
				['signed 6 minutes ago (replayed)', raw, { 'stripe-signature': stripeSignature(raw, STRIPE_SECRET, now - MINUTES_6 / 1000) }],
			]);
			expect(server.getDebt(PAID_DEBT)).toEqual(before);
		});

		test('signed invoice.paid with metadata.getbill_debt_id: 200 once GetBill is updated, exactly one PUT status Paid, the debt paid, nothing else changed', async () => {
			const { server } = suite;
			const before = structuredClone(server.getDebt(PAID_DEBT));
			const other = structuredClone(server.getDebt(OTHER_DEBT));
			const r = await send('b', 'invoice.paid', ...signedStripe(stripeEvent('invoice.paid', { getbill_debt_id: PAID_DEBT })));
			expect(r.answer).toEqual({ status: 200, body: { received: true } });
			expect(sent(r.requests)).toEqual([['PUT', `${API}/debts/${PAID_DEBT}`, { status: 'status.default.paid' }]]);
			expect(r.requests[0].status).toBe(200);
			expect(differences(before, server.getDebt(PAID_DEBT))).toEqual(['status']);
			expect(server.getDebt(PAID_DEBT).status).toBe('status.default.paid');
			expect(server.getDebt(OTHER_DEBT)).toEqual(other);
			expect(r.execution).toEqual({ status: 'success', executions: 1 });
			expect(r.output).toEqual([expect.objectContaining({ id: PAID_DEBT, status: 'status.default.paid' })]);
		});

		test('the same event delivered again: 200, the same PUT, the debt unchanged (harmless)', async () => {
			const { server } = suite;
			const before = structuredClone(server.getDebt(PAID_DEBT));
			const r = await send('b', 'invoice.paid again', ...signedStripe(stripeEvent('invoice.paid', { getbill_debt_id: PAID_DEBT })));
			expect(r.answer).toEqual({ status: 200, body: { received: true } });
			expect(sent(r.requests)).toEqual([['PUT', `${API}/debts/${PAID_DEBT}`, { status: 'status.default.paid' }]]);
			expect(server.getDebt(PAID_DEBT)).toEqual(before);
		});

		test('signed, another event type, and invoice.paid without the metadata (or with it empty): 200, no request', async () => {
			const { server } = suite;
			const other = structuredClone(server.getDebt(OTHER_DEBT));
			for (const [name, event] of [
				['invoice.payment_failed', stripeEvent('invoice.payment_failed', { getbill_debt_id: OTHER_DEBT })],
				['invoice.paid without metadata', stripeEvent('invoice.paid')],
				['invoice.paid, getbill_debt_id empty', stripeEvent('invoice.paid', { getbill_debt_id: '', order_id: '6735' })],
			]) {
				const r = await send('b', name, ...signedStripe(event));
				expect([name, r.answer, r.requests, r.execution.status, r.output]).toEqual([name, { status: 200, body: { received: true } }, [], 'success', undefined]);
			}
			expect(server.getDebt(OTHER_DEBT)).toEqual(other);
		});

		test('GetBill failing (500): 503 with its message, so Stripe sends the event again; sent again: 200, the debt paid', async () => {
			const { server } = suite;
			const event = stripeEvent('invoice.paid', { getbill_debt_id: RETRY_DEBT }, 'evt_2R3e4T5y6U7i8O9p');
			server.injectFaults({ status: 500, match: (q) => q.method === 'PUT' && q.path === `${API}/debts/${RETRY_DEBT}` });
			const r = await send('b', 'GetBill failing', ...signedStripe(event));
			expect(r.answer).toEqual({ status: 503, body: { error: expect.stringMatching(/^GetBill failed on its side \(500\)/) } });
			expect(r.requests.map((q) => [q.method, q.path, q.status])).toEqual([['PUT', `${API}/debts/${RETRY_DEBT}`, 500]]);
			expect(server.getDebt(RETRY_DEBT).status).toBe('status.default.pending');
			expect(r.execution.status).toBe('success');
			const retried = await send('b', 'GetBill back, sent again', ...signedStripe(event));
			expect(retried.answer).toEqual({ status: 200, body: { received: true } });
			expect(retried.requests.map((q) => [q.method, q.path, q.status])).toEqual([['PUT', `${API}/debts/${RETRY_DEBT}`, 200]]);
			expect(server.getDebt(RETRY_DEBT).status).toBe('status.default.paid');
		});
	});

	describe('c. an analyzed Retell call updates its GetBill followup (x-retell-signature checked, 503 until GetBill is updated)', () => {
		test('unsigned, signed with another key, a changed body, signed 6 minutes ago: 401, nothing sent to GetBill', async () => {
			const { server } = suite;
			const before = structuredClone(server.getFollowup(CALL_FOLLOWUP));
			const raw = JSON.stringify(CALL_ANALYZED);
			await expectRefused('c', [
				['unsigned', raw, {}],
				['signed with another key', raw, { 'x-retell-signature': retellSignature(raw, 'key_someone_else') }],
				['the body changed after signing', raw.replace('vendredi', 'lundi'), { 'x-retell-signature': retellSignature(raw) }],
				['signed 6 minutes ago (replayed)', raw, { 'x-retell-signature': retellSignature(raw, RETELL_KEY, Date.now() - MINUTES_6) }],
			]);
			expect(server.getFollowup(CALL_FOLLOWUP)).toEqual(before);
		});

		test('signed call_ended (no analysis yet), and call_analyzed without getbill_followup_id in its metadata: 204, no request', async () => {
			for (const [name, event] of [
				['call_ended', CALL_ENDED],
				['call_analyzed, no metadata', NO_METADATA],
			]) {
				const r = await send('c', name, ...signedRetell(event));
				expect([name, r.answer, r.requests, r.execution.status, r.output]).toEqual([name, { status: 204, body: '' }, [], 'success', undefined]);
			}
		});

		test('signed call_analyzed of an answered, successful call: 204, exactly one PUT with the call\'s fields (Auto-Map), status deal_found', async () => {
			const { server } = suite;
			const before = structuredClone(server.getFollowup(CALL_FOLLOWUP));
			const untouched = structuredClone(server.getFollowup(UNTOUCHED_FOLLOWUP));
			const r = await send('c', 'call_analyzed, deal', ...signedRetell(CALL_ANALYZED));
			expect(r.answer).toEqual({ status: 204, body: '' });
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

		test('the same event delivered again: 204, the same PUT, the same values (harmless)', async () => {
			const { server } = suite;
			const before = structuredClone(server.getFollowup(CALL_FOLLOWUP));
			const r = await send('c', 'call_analyzed again', ...signedRetell(CALL_ANALYZED));
			expect(r.answer).toEqual({ status: 204, body: '' });
			expect(r.requests.map((q) => [q.method, q.path, q.status])).toEqual([['PUT', `${API}/followups/${CALL_FOLLOWUP}`, 200]]);
			expect(differences(before, server.getFollowup(CALL_FOLLOWUP)).filter((k) => k !== 'processed_at')).toEqual([]);
		});

		test('signed call_analyzed of a call nobody answered: status no_answer, the values Retell left out not sent', async () => {
			const { server } = suite;
			const r = await send('c', 'call_analyzed, no answer', ...signedRetell(NO_ANSWER));
			expect(r.answer).toEqual({ status: 204, body: '' });
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

		test('GetBill failing (500): 503 with its message, so Retell sends the event again; sent again: 204, the followup updated', async () => {
			const { server } = suite;
			server.injectFaults({ status: 500, match: (q) => q.method === 'PUT' && q.path === `${API}/followups/${RETRY_FOLLOWUP}` });
			const r = await send('c', 'GetBill failing', ...signedRetell(RETRY_CALL));
			expect(r.answer).toEqual({ status: 503, body: { error: expect.stringMatching(/^GetBill failed on its side \(500\)/) } });
			expect(r.requests.map((q) => [q.method, q.path, q.status])).toEqual([['PUT', `${API}/followups/${RETRY_FOLLOWUP}`, 500]]);
			expect(server.getFollowup(RETRY_FOLLOWUP).status).not.toBe('deal_found');
			const retried = await send('c', 'GetBill back, sent again', ...signedRetell(RETRY_CALL));
			expect(retried.answer).toEqual({ status: 204, body: '' });
			expect(retried.requests.map((q) => [q.method, q.path, q.status])).toEqual([['PUT', `${API}/followups/${RETRY_FOLLOWUP}`, 200]]);
			expect(server.getFollowup(RETRY_FOLLOWUP)).toMatchObject({ status: 'deal_found', call_id: RETRY_CALL.call.call_id });
		});
	});

	test('each template ran exactly once per request its workflow took (none for a Header Auth refusal), every execution a success', async () => {
		const { n8n } = suite;
		// Every request sent was waited for until its execution ended: exactly that many executions, none more, none
		// still running, none but a success (refusals and GetBill's failures end at a Respond to Webhook node).
		for (const key of KEYS) {
			const rows = await runsOf(n8n, TEMPLATES[key].id);
			expect([key, rows.length, rows.filter((row) => row.status !== 'success')]).toEqual([key, expectedRuns[key], []]);
		}
		const puts = suite.server.apiRequests('PUT', `${API}/followups/`).map((q) => q.path);
		expect(puts).toEqual([CALL_FOLLOWUP, CALL_FOLLOWUP, NO_ANSWER_FOLLOWUP, RETRY_FOLLOWUP, RETRY_FOLLOWUP].map((id) => `${API}/followups/${id}`));
	});
});
