'use strict';

/*
 * The e-mail templates of examples/workflows inside real n8n, on every pinned version.
 *
 * - getbill-event-notify-team.json: GetBill Trigger → Switch by event type → one
 *   Send Email per route (and one for the other events).
 * - getbill-monthly-reports-email.json: Schedule Trigger → GetBill Report Get Many →
 *   Filter (generated last month, downloadable) → GetBill Report Download →
 *   Aggregate (files into one item) → Send Email with the files attached.
 *
 * Per version: one n8n user folder with the packed package; a GetBill Webhook API
 * credential (the suites' secret), a GetBill OAuth2 credential pointing at the
 * GetBill-like test server (test/server, in the jest process, seeded with reports)
 * and an SMTP credential pointing at a catcher started by the test (lib/smtp.js:
 * 127.0.0.1, no TLS, no login); both templates imported changed only in their id
 * and credentials, the first published, then one `n8n start` in the time zone
 * Europe/Paris. Events are POSTed signed as GetBill signs them; the monthly
 * workflow is run as the editor's "Execute workflow" runs it (REST, the owner's
 * session: `n8n execute` starts only from a Manual Trigger).
 */

const fs = require('fs');
const path = require('path');

const { N8n, freshUserFolder, sleep } = require('./lib/n8n');
const { installTarball } = require('./lib/package');
const { readState, selectedVersions, writeReport, keepFolders } = require('./lib/setup');
const W = require('./lib/workflows');
const { ownerSession } = require('./lib/run');
const { SECRET, sign } = require('./lib/events');
const { SmtpCatcher } = require('./lib/smtp');
const { poll, executionsOf, waitForExecutions, runManually, nodeItems } = require('./lib/manual-run');
const { GetBillServer } = require('../server/getbill-server');

jest.setTimeout(120000);

const EXAMPLES = path.join(__dirname, '..', '..', 'examples', 'workflows');
const NOTIFY_FILE = path.join(EXAMPLES, 'getbill-event-notify-team.json');
const REPORTS_FILE = path.join(EXAMPLES, 'getbill-monthly-reports-email.json');
const PLACEHOLDER = 'REPLACE_WITH_YOUR_CREDENTIAL_ID';

const WEBHOOK_CRED = { id: 'gbTplWebhook0001', name: 'GetBill webhook (e2e)' };
const SMTP_CRED = { id: 'gbTplSmtp0000001', name: 'SMTP catcher (e2e)' };
const GETBILL_CRED = { id: 'gbTplGetBill0001', name: 'GetBill sandbox (e2e)' };
const NOTIFY_ID = 'gbTplNotifyTeam1';
const REPORTS_ID = 'gbTplMonthlyRep1';
const TIMEZONE = 'Europe/Paris';
const API = '/external-api/v1';

const readTemplate = (file) => JSON.parse(fs.readFileSync(file, 'utf8'));

/** Each kind of news: the event sent (signed), the e-mail it must give. */
const EVENTS = [
	{
		route: 'Payment received',
		event: { type: 'payment.received', data: { id: 'pay_7Kq2Lm', debt_id: 'debt_Qx81Za', amount: 250.5, currency: 'EUR' }, created_at: '2026-11-20T10:15:00Z' },
		to: 'collections@example.com',
		subject: 'Payment received: 250.5 EUR on debt debt_Qx81Za',
		body: ['Debt: debt_Qx81Za', 'Amount: 250.5 EUR', 'Payment: pay_7Kq2Lm'],
	},
	{
		route: 'Payment failed',
		event: { type: 'payment.failed', data: { id: 'pay_9Hw3Ty', debt_id: 'debt_Rb52Kc', amount: 99.9, currency: 'EUR' }, created_at: '2026-11-20T10:16:00Z' },
		to: 'collections@example.com',
		subject: 'Payment failed: 99.9 EUR on debt debt_Rb52Kc',
		body: ['Debt: debt_Rb52Kc', 'Amount: 99.9 EUR', 'Payment: pay_9Hw3Ty'],
	},
	{
		route: 'Followup failed',
		event: {
			type: 'followup.failed',
			data: { id: 'fu_Tz03Pq', debt_id: 'debt_Mn44Vx', status: 'failed', type: 'call', direction: 'outbound', summary: 'Numéro injoignable' },
			changes: { status: { old: 'in_progress', new: 'failed' } },
			created_at: '2026-11-20T10:17:00Z',
		},
		to: 'collections@example.com',
		subject: 'Followup failed on debt debt_Mn44Vx',
		body: ['Debt: debt_Mn44Vx', 'Followup: fu_Tz03Pq (call, outbound)', 'Status: failed', 'Numéro injoignable'],
	},
	{
		route: 'Credits low',
		event: { type: 'company.credits_low', data: { credits_remaining: 42, threshold: 50 }, created_at: '2026-11-20T10:18:00Z' },
		to: 'admin@example.com',
		subject: 'GetBill credits are running low',
		body: ['"credits_remaining": 42', '"threshold": 50'],
	},
	{
		route: 'Other events',
		event: {
			type: 'debt.status_changed',
			data: { id: 'debt_Wy77Hd', status: 'payment_plan', amount: 1500, currency: 'EUR' },
			changes: { status: { old: 'active', new: 'payment_plan' } },
			created_at: '2026-11-20T10:19:00Z',
		},
		to: 'collections@example.com',
		subject: 'GetBill event: debt.status_changed',
		body: ['GetBill sent the event debt.status_changed.', '"id": "debt_Wy77Hd"', '"new": "payment_plan"'],
	},
];

/** The year and month (1 to 12) of an instant in a time zone. */
function monthIn(ms, timeZone) {
	const parts = Object.fromEntries(
		new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: 'numeric' })
			.formatToParts(new Date(ms))
			.map((p) => [p.type, Number(p.value)]),
	);
	return { year: parts.year, month: parts.month };
}

/** `{year, month}` moved by `delta` months, with its `YYYY-MM` and its English name ("November 2026"). */
function shiftMonth({ year, month }, delta) {
	const d = new Date(Date.UTC(year, month - 1 + delta, 1));
	const ym = d.toISOString().slice(0, 7);
	return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, ym, name: d.toLocaleString('en-US', { month: 'long', year: 'numeric', timeZone: 'UTC' }) };
}

describe.each([
	['getbill-event-notify-team.json', NOTIFY_FILE],
	['getbill-monthly-reports-email.json', REPORTS_FILE],
])('examples/workflows/%s as a template', (_name, file) => {
	const template = readTemplate(file);
	const nodes = template.nodes.filter((n) => n.type !== 'n8n-nodes-base.stickyNote');

	test('one sticky note "Overview": the title, How it works naming every node, Setup', () => {
		const stickies = template.nodes.filter((n) => n.type === 'n8n-nodes-base.stickyNote');
		expect(stickies.map((n) => n.name)).toEqual(['Overview']);
		const content = stickies[0].parameters.content;
		expect(content.split('\n')[0]).toBe(`## ${template.name}`);
		expect(content).toMatch(/^## How it works$/m);
		expect(content).toMatch(/^## Setup$/m);
		const howItWorks = content.slice(content.indexOf('## How it works'), content.indexOf('## Setup'));
		for (const n of nodes) expect(howItWorks).toContain(`**${n.name}**`);
	});

	test('importable as it is: inactive, no id, no pinned data, settings v1, credential placeholders, no secret', () => {
		expect(template.id).toBeUndefined();
		expect(template.active).toBe(false);
		expect(template.pinData).toEqual({});
		expect(template.settings).toEqual({ executionOrder: 'v1' });
		const names = { getBillOAuth2Api: 'GetBill account', getBillWebhookApi: 'GetBill webhook', smtp: 'SMTP account' };
		for (const n of nodes.filter((x) => x.credentials)) {
			for (const [type, c] of Object.entries(n.credentials)) expect([n.name, c]).toEqual([n.name, { id: PLACEHOLDER, name: names[type] }]);
		}
		const text = JSON.stringify(template);
		expect(text).not.toMatch(/clientSecret|access_token|Bearer |whsec_|password/i);
		// Every e-mail address is an example.com placeholder.
		for (const address of text.match(/[\w.+-]+@[\w-]+(\.[\w-]+)+/g) ?? []) expect(address).toMatch(/@example\.com$/);
		// Every connection joins nodes of the workflow; every node but the trigger has an input.
		const byName = new Set(nodes.map((n) => n.name));
		const targets = Object.values(template.connections).flatMap((c) => c.main.flat().map((t) => t.node));
		for (const from of Object.keys(template.connections)) expect(byName.has(from)).toBe(true);
		for (const to of targets) expect(byName.has(to)).toBe(true);
		expect(nodes.filter((n) => !targets.includes(n.name)).map((n) => n.name)).toEqual([nodes[0].name]);
		// Laid out left to right along the connections.
		for (const [from, c] of Object.entries(template.connections)) {
			const x = template.nodes.find((n) => n.name === from).position[0];
			for (const t of c.main.flat()) expect(template.nodes.find((n) => n.name === t.node).position[0]).toBeGreaterThan(x);
		}
	});

	test('the e2e imports it changed only in its id and credentials', () => {
		const swapped = { getBillOAuth2Api: GETBILL_CRED, getBillWebhookApi: WEBHOOK_CRED, smtp: SMTP_CRED };
		const imported = W.fromTemplate(file, { id: 'gbTplCheck000001', credential: GETBILL_CRED, credentials: swapped });
		expect(imported.id).toBe('gbTplCheck000001');
		// Each credential is the test's; put the placeholder back and nothing else differs.
		imported.nodes.forEach((n, i) => {
			for (const type of Object.keys(n.credentials ?? {})) {
				expect(n.credentials[type]).toEqual(swapped[type]);
				n.credentials[type] = template.nodes[i].credentials[type];
			}
		});
		delete imported.id;
		expect(imported).toEqual(template);
	});
});

describe('the templates\' nodes', () => {
	const types = (file) => readTemplate(file).nodes.filter((n) => n.type !== 'n8n-nodes-base.stickyNote').map((n) => [n.name, n.type, n.typeVersion]);

	test('event notify: GetBill Trigger → Switch (a route per kind of news, fallback Other events) → Send Email per route', () => {
		const template = readTemplate(NOTIFY_FILE);
		expect(types(NOTIFY_FILE)).toEqual([
			['On GetBill event', 'n8n-nodes-getbill.getBillTrigger', 1],
			['Route by event', 'n8n-nodes-base.switch', 3.2],
			['E-mail: payment received', 'n8n-nodes-base.emailSend', 2.1],
			['E-mail: payment failed', 'n8n-nodes-base.emailSend', 2.1],
			['E-mail: followup failed', 'n8n-nodes-base.emailSend', 2.1],
			['E-mail: credits low', 'n8n-nodes-base.emailSend', 2.1],
			['E-mail: other events', 'n8n-nodes-base.emailSend', 2.1],
		]);
		const byName = Object.fromEntries(template.nodes.map((n) => [n.name, n]));
		const trigger = byName['On GetBill event'];
		expect(trigger.parameters.events.sort()).toEqual(['company.credits_low', 'debt.status_changed', 'followup.failed', 'payment.failed', 'payment.received']);
		expect(trigger.webhookId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
		const route = byName['Route by event'].parameters;
		expect(route.rules.values.map((r) => [r.outputKey, r.conditions.conditions.map((c) => [c.leftValue, c.operator.operation, c.rightValue])])).toEqual(
			EVENTS.slice(0, 4).map(({ route: key, event }) => [key, [['={{ $json.type }}', 'equals', event.type]]]),
		);
		expect(route.options).toEqual({ fallbackOutput: 'extra', renameFallbackOutput: 'Other events' });
		const outputs = template.connections['Route by event'].main.map((o) => o.map((c) => c.node));
		expect(outputs).toEqual(types(NOTIFY_FILE).slice(2).map(([name]) => [name]));
	});

	test('monthly reports: Schedule (the 1st, 08:00) → Get Many → Filter → Download → Aggregate → Send Email with the files', () => {
		const template = readTemplate(REPORTS_FILE);
		expect(types(REPORTS_FILE)).toEqual([
			['Every month on the 1st at 08:00', 'n8n-nodes-base.scheduleTrigger', 1.2],
			['Get all reports', 'n8n-nodes-getbill.getBill', 2],
			['Reports of last month', 'n8n-nodes-base.filter', 2.2],
			['Download each report', 'n8n-nodes-getbill.getBill', 2],
			['All files in one item', 'n8n-nodes-base.aggregate', 1],
			['E-mail the reports', 'n8n-nodes-base.emailSend', 2.1],
		]);
		const byName = Object.fromEntries(template.nodes.map((n) => [n.name, n.parameters]));
		expect(byName['Every month on the 1st at 08:00'].rule).toEqual({ interval: [{ field: 'months', triggerAtDayOfMonth: 1, triggerAtHour: 8 }] });
		expect(byName['Get all reports']).toEqual({ resource: 'report', operation: 'getAll', returnAll: true });
		expect(byName['Download each report']).toEqual({ resource: 'report', operation: 'download', reportId: W.idLocator('={{ $json.id }}'), binaryPropertyName: 'data' });
		expect(byName['E-mail the reports'].options.attachments).toBe('={{ Object.keys($binary).join(\',\') }}');
		const chain = types(REPORTS_FILE).map(([name]) => name);
		for (let i = 1; i < chain.length; i++) expect(template.connections[chain[i - 1]].main).toEqual([[{ node: chain[i], type: 'main', index: 0 }]]);
	});
});

const versions = selectedVersions();

describe.each(versions)('the e-mail templates in n8n %s', (version) => {
	const notifyTemplate = readTemplate(NOTIFY_FILE);
	const webhookId = notifyTemplate.nodes.find((n) => n.type === W.TRIGGER_TYPE).webhookId;
	const reportsTrigger = readTemplate(REPORTS_FILE).nodes.find((n) => n.type === 'n8n-nodes-base.scheduleTrigger').name;
	let n8n;
	let server;
	let smtp;
	let userFolder;
	let rest;
	let hookUrl;
	const report = { version, timezone: TIMEZONE, notify: [], reports: [] };

	/** A short view of an e-mail, for the report and the failure messages. */
	const mailView = (m) => ({
		from: m.from,
		to: m.to,
		subject: m.subject,
		text: m.text,
		attachments: m.attachments.map((a) => ({ filename: a.filename, contentType: a.contentType, disposition: a.disposition, bytes: a.content.length })),
	});

	/** POSTs a webhook request; returns n8n's answer and the e-mails caught since. */
	async function post(name, body, signature) {
		const mailsBefore = smtp.messages.length;
		const res = await fetch(hookUrl, {
			method: 'POST',
			headers: { 'content-type': 'application/json', ...(signature ? { 'x-getbill-signature': signature } : {}) },
			body,
		});
		const answer = await res.json().catch(() => undefined);
		return { name, status: res.status, answer, mailsBefore };
	}

	beforeAll(async () => {
		smtp = new SmtpCatcher();
		await smtp.start();
		server = new GetBillServer({ clients: [{ clientId: 'test-client-id', clientSecret: 'test-client-secret', scopes: ['reports:read'] }] });
		await server.start();
		userFolder = freshUserFolder(`getbill-e2e-templates-notify-${version}-`);
		installTarball(readState().tarball, userFolder);
		n8n = await new N8n({ version, userFolder, env: { GENERIC_TIMEZONE: TIMEZONE } }).init();
		await n8n.importCredentials([
			W.webhookCredential({ ...WEBHOOK_CRED, secret: SECRET }),
			W.credential({ ...GETBILL_CRED, baseUrl: server.url, scope: 'reports:read' }),
			// No user: nodemailer sends no AUTH. No TLS: the catcher offers no STARTTLS.
			{ ...SMTP_CRED, type: 'smtp', data: { user: '', password: '', host: '127.0.0.1', port: smtp.port, secure: false, disableStartTls: true } },
		]);
		const credentials = { getBillWebhookApi: WEBHOOK_CRED, smtp: SMTP_CRED };
		await n8n.importWorkflows([
			W.fromTemplate(NOTIFY_FILE, { id: NOTIFY_ID, credentials }),
			W.fromTemplate(REPORTS_FILE, { id: REPORTS_ID, credential: GETBILL_CRED, credentials }),
		]);
		await n8n.cliOk(['publish:workflow', `--id=${NOTIFY_ID}`]);
		const url = await n8n.start();
		rest = await ownerSession(url);
		hookUrl = `${url}/webhook/${webhookId}/webhook`;
		// The production webhook is registered shortly after the editor is up: until then, 404.
		await poll(
			async () => (await fetch(hookUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).status,
			(status) => status !== 404,
			`${hookUrl} still 404`,
			{ timeoutMs: 60000 },
		);
	}, 300000);

	afterAll(async () => {
		await n8n?.stop();
		await server?.stop();
		await smtp?.stop();
		writeReport(`templates-notify-${version}.json`, { ...report, smtpCommands: smtp?.commands.length });
		if (userFolder && !keepFolders()) fs.rmSync(userFolder, { recursive: true, force: true });
	});

	describe('getbill-event-notify-team.json, published', () => {
		let executions = 0;

		test.each(EVENTS.map((e) => [e.route, e]))('a signed event for "%s": one e-mail, the right recipient, subject and body', async (_route, expected) => {
			const body = JSON.stringify(expected.event, null, 2);
			const r = await post(expected.event.type, body, sign(body));
			expect(r.status).toBe(200);
			expect(r.answer).toEqual({ error: false, message: `Event ${expected.event.type} received` });
			executions += 1;
			const rows = await waitForExecutions(rest, NOTIFY_ID, executions);
			expect(rows.at(-1)).toMatchObject({ status: 'success', mode: 'webhook' });
			const mails = (await smtp.waitForMessages(r.mailsBefore + 1)).slice(r.mailsBefore);
			report.notify.push({ event: expected.event.type, status: r.status, execution: rows.at(-1), mails: mails.map(mailView) });
			expect(mails).toHaveLength(1);
			const [mail] = mails;
			expect(mail.to).toEqual([expected.to]);
			expect(mail.from).toBe('n8n@example.com');
			expect(mail.headers.to).toBe(expected.to);
			expect(mail.headers.from).toBe('GetBill alerts <n8n@example.com>');
			expect(mail.subject).toBe(expected.subject);
			for (const line of expected.body) expect(mail.text).toContain(line);
			// Then the event as sent, and no n8n attribution.
			expect(mail.text).toContain(JSON.stringify(expected.event, null, 2));
			expect(mail.text).not.toMatch(/sent automatically with n8n/);
			expect(mail.html).toBeUndefined();
			expect(mail.attachments).toEqual([]);
		});

		test('an unsigned event: 401, no execution, no e-mail', async () => {
			const body = JSON.stringify(EVENTS[0].event);
			const r = await post('unsigned', body);
			const wrong = await post('wrong secret', body, sign(body, 'whsec_not_the_secret'));
			await sleep(1500);
			report.notify.push({ event: 'payment.received unsigned / wrong secret', status: [r.status, wrong.status], mails: smtp.messages.slice(r.mailsBefore).map(mailView) });
			expect([r.status, wrong.status]).toEqual([401, 401]);
			expect(r.answer).toEqual({ error: true, message: 'Invalid signature' });
			expect(await executionsOf(rest, NOTIFY_ID)).toHaveLength(executions);
			expect(smtp.messages.length).toBe(r.mailsBefore);
		});

		test('a signed event the trigger does not listen to: 200, ignored, no e-mail', async () => {
			const body = JSON.stringify({ type: 'followup.completed', data: { id: 'fu_Ok11Aa', debt_id: 'debt_Qx81Za', status: 'deal_found' } });
			const r = await post('not selected', body, sign(body));
			await sleep(1500);
			report.notify.push({ event: 'followup.completed (not selected)', status: r.status, mails: smtp.messages.slice(r.mailsBefore).map(mailView) });
			expect(r.status).toBe(200);
			expect(r.answer).toEqual({ error: false, message: 'Event followup.completed is not selected: ignored' });
			expect(await executionsOf(rest, NOTIFY_ID)).toHaveLength(executions);
			expect(smtp.messages.length).toBe(r.mailsBefore);
		});
	});

	describe('getbill-monthly-reports-email.json, run as "Execute workflow"', () => {
		// Months as n8n sees them: in the instance's time zone (the workflow sets none).
		const now = Date.now();
		const thisMonth = monthIn(now, TIMEZONE);
		const last = shiftMonth(thisMonth, -1);
		const before = shiftMonth(thisMonth, -2);
		/** The reports: two generated last month (downloadable), and three the workflow must leave out. */
		const SENT = {
			rep_fin_lastmonth: {
				type: 'financial',
				title: 'Monthly Financial Summary',
				filename: `financial_summary_${before.ym.replace('-', '_')}.pdf`,
				period_from: `${before.ym}-01`,
				period_to: `${before.ym}-28`,
				// The 1st of last month at 09:30 UTC: last month in Paris too.
				generated_at: `${last.ym}-01T09:30:00Z`,
				content: Buffer.from(`%PDF-1.4\n% GetBill financial summary ${before.ym}\n%\u00e2\u00e3\u00cf\u00d3\n%%EOF\n`, 'latin1'),
			},
			rep_col_lastmonth: {
				type: 'collection',
				title: 'Relevé des recouvrements',
				filename: `relevé_recouvrements_${last.ym}.xlsx`,
				mime_type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
				period_from: `${last.ym}-01`,
				period_to: `${last.ym}-15`,
				generated_at: `${last.ym}-16T06:00:00Z`,
				content: Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 37 + 11) % 256)),
			},
		};
		const LEFT_OUT = {
			rep_this_month: { title: 'Generated this month', generated_at: new Date(now).toISOString().replace(/\.\d{3}Z$/, 'Z') },
			rep_before: { title: 'Generated the month before last', generated_at: `${before.ym}-15T12:00:00Z` },
			rep_not_ready: { title: 'Not downloadable yet', status: 'processing', download_available: false, generated_at: `${last.ym}-20T12:00:00Z` },
		};

		/** Runs the workflow; returns the execution, the GetBill requests, the file host requests and the e-mails of the run. */
		async function run(name) {
			const mark = { api: server.requests.length, files: server.fileRequests.length, mails: smtp.messages.length };
			const execution = await runManually(rest, n8n, REPORTS_ID, reportsTrigger);
			await sleep(500);
			const api = server.requests.slice(mark.api).filter((q) => q.path.startsWith(API));
			const files = server.fileRequests.slice(mark.files);
			const mails = smtp.messages.slice(mark.mails);
			report.reports.push({
				name,
				execution: { id: execution.id, status: execution.status, mode: execution.mode },
				requests: api.map((q) => `${q.method} ${q.rawPath}${Object.keys(q.query).length ? `?${new URLSearchParams(q.query)}` : ''} ${q.status}`),
				fileRequests: files.map((f) => ({ path: f.path, status: f.status, reportId: f.reportId, authorization: f.headers.authorization })),
				mails: mails.map(mailView),
			});
			return { execution, api, files, mails };
		}

		test('the reports generated last month: one e-mail, each file attached with the bytes GetBill serves', async () => {
			for (const [id, fields] of Object.entries({ ...SENT, ...LEFT_OUT })) server.seedReport(id, fields);
			const r = await run('reports of last month');
			expect(r.execution.status).toBe('success');
			expect(r.execution.mode).toBe('manual');
			const ids = Object.keys(SENT);
			// One list (every report on one page), then one link per report of last month, nothing for the others.
			expect(r.api.map((q) => `${q.method} ${q.path}`)).toEqual([`GET ${API}/reports`, ...ids.map((id) => `GET ${API}/reports/download/${id}`)]);
			expect(r.api.every((q) => q.status === 200)).toBe(true);
			// The file host: one GET per report (in parallel, any order), no Authorization header.
			expect(r.files.map((f) => [f.reportId, f.status, f.headers.authorization]).sort()).toEqual(ids.map((id) => [id, 200, undefined]).sort());
			expect(nodeItems(r.execution, 'Reports of last month').map((j) => j.id)).toEqual(ids);

			expect(r.mails).toHaveLength(1);
			const [mail] = r.mails;
			expect(mail.to).toEqual(['reports@example.com']);
			expect(mail.headers.from).toBe('GetBill reports <n8n@example.com>');
			expect(mail.subject).toBe(`GetBill reports of ${last.name}`);
			expect(mail.text).toContain(`generated in ${last.name}:`);
			for (const [id, s] of Object.entries(SENT)) {
				const seeded = server.reports.get(id);
				expect(mail.text).toContain(`- ${s.title} (${seeded.period_from} to ${seeded.period_to}): ${s.filename}`);
			}
			expect(mail.attachments.map((a) => a.filename)).toEqual(Object.values(SENT).map((s) => s.filename));
			for (const [i, s] of Object.values(SENT).entries()) {
				expect(mail.attachments[i].content.equals(s.content)).toBe(true);
				expect(mail.attachments[i].contentType).toBe(s.mime_type ?? 'application/pdf');
				// A file in the attachments list, not inline (n8n 2.41 calls this option "Attachments (Inline)": inline only for images).
				expect(mail.attachments[i].disposition).toBe('attachment');
			}
		});

		test('no report generated last month: the list is read, nothing downloaded, no e-mail', async () => {
			for (const id of Object.keys(SENT)) server.reports.delete(id);
			const r = await run('no report of last month');
			expect(r.execution.status).toBe('success');
			expect(r.api.map((q) => `${q.method} ${q.path} ${q.status}`)).toEqual([`GET ${API}/reports 200`]);
			expect(r.files).toEqual([]);
			expect(nodeItems(r.execution, 'Get all reports').map((j) => j.id).sort()).toEqual(Object.keys(LEFT_OUT).sort());
			expect(nodeItems(r.execution, 'Reports of last month') ?? []).toEqual([]);
			expect(r.execution.data.resultData.runData['E-mail the reports']).toBeUndefined();
			expect(r.mails).toEqual([]);
		});
	});
});
