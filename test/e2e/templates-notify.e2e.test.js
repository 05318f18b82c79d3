'use strict';

/*
 * The e-mail templates of examples/workflows inside real n8n.
 *
 * - getbill-event-notify-team.json: GetBill Trigger → Switch by event type → one
 *   Send Email per route (and one for the other events).
 * - getbill-monthly-reports-email.json: Schedule Trigger → GetBill Report Get Many →
 *   Filter (generated last month, downloadable) → GetBill Report Download →
 *   Aggregate (files into one item) → Send Email with the files attached.
 *
 * Newest pinned n8n only (GETBILL_E2E_FULL=1: every version): the Switch, Filter,
 * Aggregate and Send Email nodes and our Report operations do not depend on what
 * differs between the pinned versions (our trigger's webhook handling is
 * trigger.e2e's, on every version).
 *
 * The files as templates (nodes, connections, parameters, the Overview sticky
 * note, placeholders) are test/templates.test.ts's; that the import changes
 * only their id and credentials is test/e2e-workflows-helper.test.ts's.
 * Here, on the shared n8n server (lib/shared.js), over n8n's REST API: a GetBill
 * Webhook API credential (the suites' secret), a GetBill OAuth2 credential
 * pointing at the GetBill-like test server (test/server, in the jest process,
 * seeded with reports) and an SMTP credential pointing at a catcher started by
 * the test (lib/smtp.js: 127.0.0.1, no TLS, no login); both templates created
 * changed only in their id and credentials, but for the monthly one's time zone:
 * its workflow setting Timezone (Settings > Timezone, which its Overview points
 * to) set to Europe/Paris, which n8n honours over the instance's zone (the
 * shared server's is n8n's default). The notify template is published (its
 * webhook ID is the template's own: no other file publishes it). Events are
 * POSTed signed as GetBill signs them; the monthly workflow is run as the
 * editor's "Execute workflow" runs it (SharedN8n#execute from its Schedule
 * Trigger). A request that must start nothing is followed by a signed event
 * whose e-mail is then the only one: it proves the first was handled.
 */

const fs = require('fs');
const path = require('path');

const { versionsFor, writeReport } = require('./lib/setup');
const { sharedN8n } = require('./lib/shared');
const W = require('./lib/workflows');
const { SECRET, sign } = require('./lib/events');
const { SmtpCatcher } = require('./lib/smtp');
const { runsOf, waitForRuns } = require('./lib/executions');
const { GetBillServer } = require('../server/getbill-server');

jest.setTimeout(120000);

const EXAMPLES = path.join(__dirname, '..', '..', 'examples', 'workflows');
const NOTIFY_FILE = path.join(EXAMPLES, 'getbill-event-notify-team.json');
const REPORTS_FILE = path.join(EXAMPLES, 'getbill-monthly-reports-email.json');

const WEBHOOK_CRED = { id: 'gbTplWebhook0001', name: 'GetBill webhook (e2e)' };
const SMTP_CRED = { id: 'gbTplSmtp0000001', name: 'SMTP catcher (e2e)' };
const GETBILL_CRED = { id: 'gbTplGetBill0001', name: 'GetBill sandbox (e2e)' };
const NOTIFY_ID = 'gbTplNotifyTeam1';
const REPORTS_ID = 'gbTplMonthlyRep1';
const TIMEZONE = 'Europe/Paris';
const API = '/external-api/v1';

const readTemplate = (file) => JSON.parse(fs.readFileSync(file, 'utf8'));
/** The json of each item a node output on its first output, in its first run of an execution. */
const nodeItems = (execution, node) => execution.data?.resultData?.runData?.[node]?.[0]?.data?.main?.[0]?.map((i) => i.json);

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

/**
 * The instant (ISO 8601, UTC) `minutes` after the 1st of `{year, month}` began in a time zone: e.g. 00:30 in
 * Paris on the 1st is still the month before in New York and in UTC.
 */
function monthStartIn({ year, month }, timeZone, minutes = 0) {
	const guess = Date.UTC(year, month - 1, 1);
	const local = Object.fromEntries(
		new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric' })
			.formatToParts(new Date(guess))
			.map((p) => [p.type, Number(p.value)]),
	);
	const offset = Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute) - guess;
	return new Date(guess - offset + minutes * 60000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** `{year, month}` moved by `delta` months, with its `YYYY-MM` and its English name ("November 2026"). */
function shiftMonth({ year, month }, delta) {
	const d = new Date(Date.UTC(year, month - 1 + delta, 1));
	const ym = d.toISOString().slice(0, 7);
	return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, ym, name: d.toLocaleString('en-US', { month: 'long', year: 'numeric', timeZone: 'UTC' }) };
}

// Newest pinned n8n only (GETBILL_E2E_FULL=1: every version): nothing here depends on what differs between versions (test/e2e/README.md).
const versions = versionsFor('newest');

describe.each(versions)('the e-mail templates in n8n %s', (version) => {
	const notifyTemplate = readTemplate(NOTIFY_FILE);
	const webhookId = notifyTemplate.nodes.find((n) => n.type === W.TRIGGER_TYPE).webhookId;
	const reportsTrigger = readTemplate(REPORTS_FILE).nodes.find((n) => n.type === 'n8n-nodes-base.scheduleTrigger').name;
	let n8n;
	let server;
	let smtp;
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
		n8n = await sharedN8n(version);
		await n8n.importCredentials([
			W.webhookCredential({ ...WEBHOOK_CRED, secret: SECRET }),
			W.credential({ ...GETBILL_CRED, baseUrl: server.url, scope: 'reports:read' }),
			// No user: nodemailer sends no AUTH. No TLS: the catcher offers no STARTTLS.
			{ ...SMTP_CRED, type: 'smtp', data: { user: '', password: '', host: '127.0.0.1', port: smtp.port, secure: false, disableStartTls: true } },
		]);
		const credentials = { getBillWebhookApi: WEBHOOK_CRED, smtp: SMTP_CRED };
		const monthly = W.fromTemplate(REPORTS_FILE, { id: REPORTS_ID, credential: GETBILL_CRED, credentials });
		// The workflow's own time zone (Settings > Timezone): n8n computes its $now there, whatever the instance's zone.
		monthly.settings = { ...monthly.settings, timezone: TIMEZONE };
		await n8n.importWorkflows([W.fromTemplate(NOTIFY_FILE, { id: NOTIFY_ID, credentials }), monthly]);
		// Created inactive; published (activated) as the editor's Publish does.
		await n8n.publish(NOTIFY_ID);
		hookUrl = `${n8n.url}/webhook/${webhookId}/webhook`;
		// The production webhook is registered shortly after publishing: until then, 404 (the probe is unsigned: 401, no execution).
		await n8n.waitForProductionUrl(hookUrl);
	}, 300000);

	afterAll(async () => {
		if (n8n) await n8n.unpublish(NOTIFY_ID).catch(() => {});
		await server?.stop();
		await smtp?.stop();
		writeReport(`templates-notify-${version}.json`, { ...report, smtpCommands: smtp?.commands.length });
	});

	describe('getbill-event-notify-team.json, published', () => {
		let executions = 0;
		let followUps = 0;

		/** Waits for the notify workflow's `executions`-th execution; returns the rows, the last a success from the webhook. */
		async function waitForNotify() {
			const rows = await waitForRuns(n8n, NOTIFY_ID, executions);
			expect(rows.at(-1)).toMatchObject({ status: 'success', mode: 'webhook' });
			return rows;
		}

		/**
		 * Proves that the requests sent since `mailsBefore` were handled and started nothing: a signed
		 * payment.received sent after them gives one execution, the only new one, and one e-mail, its own and
		 * the only one since `mailsBefore`. Had a request before it started a run or sent a mail, there would be more.
		 */
		async function expectNothingElse(after, mailsBefore) {
			const n = ++followUps;
			const event = { type: 'payment.received', data: { id: `pay_followup_${n}`, debt_id: `debt_followup_${n}`, amount: n, currency: 'EUR' } };
			const body = JSON.stringify(event);
			const r = await post(`signed follow-up after: ${after}`, body, sign(body));
			expect(r.status).toBe(200);
			executions += 1;
			const rows = await waitForNotify();
			const mails = (await smtp.waitForMessages(r.mailsBefore + 1)).slice(mailsBefore);
			report.notify.push({ event: `follow-up after: ${after}`, status: r.status, execution: rows.at(-1), mails: mails.map(mailView) });
			expect({ after, executions: rows.length }).toEqual({ after, executions });
			expect({ after, subjects: mails.map((m) => m.subject) }).toEqual({ after, subjects: [`Payment received: ${n} EUR on debt debt_followup_${n}`] });
		}

		test.each(EVENTS.map((e) => [e.route, e]))('a signed event for "%s": one e-mail, the right recipient, subject and body', async (_route, expected) => {
			const body = JSON.stringify(expected.event, null, 2);
			const r = await post(expected.event.type, body, sign(body));
			expect(r.status).toBe(200);
			expect(r.answer).toEqual({ error: false, message: `Event ${expected.event.type} received` });
			executions += 1;
			const rows = await waitForNotify();
			expect(rows).toHaveLength(executions);
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
			report.notify.push({ event: 'payment.received unsigned / wrong secret', status: [r.status, wrong.status] });
			expect([r.status, wrong.status]).toEqual([401, 401]);
			expect(r.answer).toEqual({ error: true, message: 'Invalid signature' });
			await expectNothingElse('unsigned and wrong-secret events', r.mailsBefore);
		});

		test('a signed event the trigger does not listen to: 200, ignored, no e-mail', async () => {
			const body = JSON.stringify({ type: 'followup.completed', data: { id: 'fu_Ok11Aa', debt_id: 'debt_Qx81Za', status: 'deal_found' } });
			const r = await post('not selected', body, sign(body));
			report.notify.push({ event: 'followup.completed (not selected)', status: r.status });
			expect(r.status).toBe(200);
			expect(r.answer).toEqual({ error: false, message: 'Event followup.completed is not selected: ignored' });
			await expectNothingElse('an event not selected', r.mailsBefore);
		});

		test('every execution of the notify workflow: one per event it took, each a success', async () => {
			const rows = await runsOf(n8n, NOTIFY_ID);
			expect(rows.map((row) => [row.status, row.mode])).toEqual(Array(executions).fill(['success', 'webhook']));
		});
	});

	describe('getbill-monthly-reports-email.json, run as "Execute workflow"', () => {
		// Months as n8n sees them: in the workflow's time zone (its setting, made Europe/Paris above).
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
				// The 1st of last month at 00:30 in Paris: in New York (the shared server's zone) and in UTC still the
				// month before last. Sent only when n8n computes the months in the workflow's zone.
				generated_at: monthStartIn(last, TIMEZONE, 30),
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
			// The 1st of this month at 00:30 in Paris: last month in New York and in UTC (it would be sent in either zone).
			rep_this_month_paris: { title: 'Generated this month in Paris', generated_at: monthStartIn(thisMonth, TIMEZONE, 30) },
			rep_before: { title: 'Generated the month before last', generated_at: `${before.ym}-15T12:00:00Z` },
			rep_not_ready: { title: 'Not downloadable yet', status: 'processing', download_available: false, generated_at: `${last.ym}-20T12:00:00Z` },
		};

		/** Runs the workflow; returns the execution, the GetBill requests, the file host requests and the e-mails of the run. */
		async function run(name) {
			const mark = { api: server.requests.length, files: server.fileRequests.length, mails: smtp.messages.length };
			const r = await n8n.execute(REPORTS_ID, { trigger: reportsTrigger, timeoutMs: 60000 });
			const execution = r.run;
			// The catcher records an e-mail before it answers its DATA: by the end of the run every e-mail sent is in.
			const api = server.requests.slice(mark.api).filter((q) => q.path.startsWith(API));
			const files = server.fileRequests.slice(mark.files);
			const mails = smtp.messages.slice(mark.mails);
			report.reports.push({
				name,
				execution: { id: r.executionId, status: execution.status, mode: execution.mode },
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
