/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-hardcoded-secrets -- signs test requests with a made-up webhook secret; tests run in Node.js, not inside n8n Cloud: they read files, use timers and process */
/**
 * The GetBill Trigger's webhook(): the signature of the raw body, the answers
 * n8n sends back, and which requests start the workflow. Driven through a fake
 * of n8n's webhook context (request, response, credential, parameter) with
 * n8n-core's own returnJsonArray.
 */
import { createHmac } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { returnJsonArray } from 'n8n-core';
import type { INodePropertyOptions, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { GetBillWebhookApi } from '../../credentials/GetBillWebhookApi.credentials';
import { GetBillTrigger } from '../../nodes/GetBillTrigger/GetBillTrigger.node';

const SECRET = 'whsec_test_5f2b9c1e8a7d4b3f';
const SHARED_API = path.resolve(__dirname, '../../../shared/api/getbill-api.md');

/** The events of getbill-api.md ("Webhooks"), in the doc's order. */
const DOCUMENTED_EVENTS = [
	'debt.created',
	'debt.updated',
	'debt.status_changed',
	'followup.created',
	'followup.updated',
	'followup.completed',
	'followup.failed',
	'payment.received',
	'payment.failed',
	'payment_plan.created',
	'payment_plan.completed',
	'payment_plan.canceled',
	'company.credits_low',
	'report.generated',
];

const sign = (body: string | Buffer, secret = SECRET) => createHmac('sha256', secret).update(body).digest('hex');

/** Pretty-printed on purpose: the signature is of these bytes, not of a re-serialisation. */
const FOLLOWUP_COMPLETED = JSON.stringify(
	{
		type: 'followup.completed',
		data: { id: 'hTBN7n6lkmkhMb6LYqEBZw', debt_id: 'abc123def456', status: 'deal_found', duration_ms: 180000 },
		changes: { status: { old: 'in_progress', new: 'deal_found' } },
		created_at: '2024-01-25T10:15:00Z',
	},
	null,
	2,
);

interface Sent {
	status?: number;
	body?: unknown;
	ended: boolean;
}

interface Call {
	headers?: Record<string, string | string[] | undefined>;
	/** undefined: n8n kept no raw body (multipart) */
	rawBody?: Buffer;
	events?: string[];
	secret?: string;
	readRawBody?: () => Promise<void>;
}

/** Runs webhook() on a fake n8n context; returns what it returned and what it answered itself. */
async function call(body: string | Buffer | undefined, opts: Call = {}) {
	const sent: Sent = { ended: false };
	const rawBody = opts.rawBody ?? (body === undefined ? undefined : Buffer.from(body));
	const req = {
		headers: opts.headers ?? {},
		rawBody,
		readRawBody: opts.readRawBody,
		body: {},
	};
	const res = {
		status(code: number) {
			sent.status = code;
			return res;
		},
		json(value: unknown) {
			sent.body = value;
			sent.ended = true;
			return res;
		},
	};
	const context = {
		getRequestObject: () => req,
		getResponseObject: () => res,
		getCredentials: async (type: string) => {
			expect(type).toBe('getBillWebhookApi');
			return { secret: opts.secret ?? SECRET };
		},
		getNodeParameter: (name: string) => {
			expect(name).toBe('events');
			return opts.events ?? ['*'];
		},
		getNode: () => ({ name: 'GetBill Trigger', type: 'n8n-nodes-getbill.getBillTrigger', typeVersion: 1 }),
		helpers: { returnJsonArray },
	} as unknown as IWebhookFunctions;
	const result: IWebhookResponseData = await new GetBillTrigger().webhook.call(context);
	return { result, sent };
}

const signed = (body: string, extra: Omit<Call, 'headers'> = {}) =>
	call(body, { headers: { 'x-getbill-signature': sign(body) }, ...extra });

function expectRefused(r: { result: IWebhookResponseData; sent: Sent }, status: number, message: RegExp) {
	expect(r.result).toEqual({ noWebhookResponse: true });
	expect(r.result.workflowData).toBeUndefined();
	expect(r.sent.status).toBe(status);
	expect(r.sent.ended).toBe(true);
	expect(r.sent.body).toEqual({ error: true, message: expect.stringMatching(message) });
}

describe('GetBill Trigger webhook()', () => {
	it('starts one execution whose item is the event as sent', async () => {
		const { result, sent } = await signed(FOLLOWUP_COMPLETED, { events: ['followup.completed', 'payment.received'] });
		expect(sent).toEqual({ status: 200, body: { error: false, message: 'Event followup.completed received' }, ended: true });
		expect(result.noWebhookResponse).toBe(true);
		expect(result.workflowData).toEqual([[{ json: JSON.parse(FOLLOWUP_COMPLETED) }]]);
		const [[item]] = result.workflowData!;
		expect(item.json).toMatchObject({ type: 'followup.completed', data: { id: 'hTBN7n6lkmkhMb6LYqEBZw' }, changes: { status: { new: 'deal_found' } } });
	});

	it('accepts the signature in upper-case hex', async () => {
		const { result } = await call(FOLLOWUP_COMPLETED, { headers: { 'x-getbill-signature': sign(FOLLOWUP_COMPLETED).toUpperCase() } });
		expect(result.workflowData).toHaveLength(1);
	});

	it('verifies the raw UTF-8 bytes of non-ASCII text', async () => {
		const body = '{"type":"payment.received","data":{"debtor":"Zoë Ångström","amount":"1 250,00 €"}}';
		const { result } = await signed(body);
		expect(result.workflowData).toEqual([[{ json: JSON.parse(body) }]]);
	});

	it('refuses a request without X-GetBill-Signature with 401 and starts nothing', async () => {
		expectRefused(await call(FOLLOWUP_COMPLETED), 401, /^Invalid signature$/);
	});

	it('refuses a wrong signature with 401', async () => {
		expectRefused(await call(FOLLOWUP_COMPLETED, { headers: { 'x-getbill-signature': sign(FOLLOWUP_COMPLETED, 'another-secret') } }), 401, /^Invalid signature$/);
	});

	it('refuses a body changed after signing (even whitespace) with 401', async () => {
		const compact = JSON.stringify(JSON.parse(FOLLOWUP_COMPLETED));
		expectRefused(await call(FOLLOWUP_COMPLETED, { headers: { 'x-getbill-signature': sign(compact) } }), 401, /^Invalid signature$/);
		const tampered = FOLLOWUP_COMPLETED.replace('deal_found', 'no_answer');
		expectRefused(await call(tampered, { headers: { 'x-getbill-signature': sign(FOLLOWUP_COMPLETED) } }), 401, /^Invalid signature$/);
	});

	it.each([
		['not hex', 'z'.repeat(64)],
		['too short', sign(FOLLOWUP_COMPLETED).slice(0, 63)],
		['too long', `${sign(FOLLOWUP_COMPLETED)}0`],
		['prefixed', `sha256=${sign(FOLLOWUP_COMPLETED)}`],
		['empty', ''],
		['repeated header', [sign(FOLLOWUP_COMPLETED), sign(FOLLOWUP_COMPLETED)]],
	])('refuses a malformed signature (%s) with 401, without throwing', async (_, signature) => {
		expectRefused(await call(FOLLOWUP_COMPLETED, { headers: { 'x-getbill-signature': signature } }), 401, /^Invalid signature$/);
	});

	it('answers 200 and starts nothing for an event that is not selected', async () => {
		const body = JSON.stringify({ type: 'debt.created', data: { id: 'abc123def456' } });
		const { result, sent } = await signed(body, { events: ['followup.completed', 'payment.received'] });
		expect(sent).toEqual({ ended: false });
		expect(result.workflowData).toBeUndefined();
		expect(result.noWebhookResponse).toBeUndefined();
		expect(result.webhookResponse).toEqual({ error: false, message: 'Event debt.created is not selected: ignored' });
	});

	it('selects every event, documented or not, with All Events (*)', async () => {
		for (const type of [...DOCUMENTED_EVENTS, 'debt.archived']) {
			const body = JSON.stringify({ type, data: {} });
			const { result } = await signed(body, { events: ['*'] });
			expect(result.workflowData).toEqual([[{ json: { type, data: {} } }]]);
		}
	});

	it('selects nothing when no event is selected', async () => {
		const { result } = await signed(FOLLOWUP_COMPLETED, { events: [] });
		expect(result.workflowData).toBeUndefined();
		expect(result.webhookResponse).toBeDefined();
	});

	it.each([
		['not JSON', 'type=followup.completed'],
		['empty', ''],
		['a JSON array', '[{"type":"followup.completed"}]'],
		['JSON without type', '{"data":{"id":"x"}}'],
		['a type that is not a string', '{"type":42,"data":{}}'],
	])('refuses a correctly signed body that is %s with 400', async (_, body) => {
		expectRefused(await signed(body), 400, /^Invalid payload/);
	});

	it('checks the signature before the body: an unsigned non-JSON body gets 401', async () => {
		expectRefused(await call('not json'), 401, /^Invalid signature$/);
	});

	it('reads the raw body itself when n8n has not yet (readRawBody)', async () => {
		const rawBodyHolder: { rawBody?: Buffer } = {};
		const { result } = await call(undefined, {
			headers: { 'x-getbill-signature': sign(FOLLOWUP_COMPLETED) },
			readRawBody: async function (this: { rawBody?: Buffer }) {
				this.rawBody = Buffer.from(FOLLOWUP_COMPLETED);
				rawBodyHolder.rawBody = this.rawBody;
			},
		});
		expect(rawBodyHolder.rawBody).toBeDefined();
		expect(result.workflowData).toEqual([[{ json: JSON.parse(FOLLOWUP_COMPLETED) }]]);
	});

	it('never accepts a request whose raw bytes are not available (500, nothing started)', async () => {
		expectRefused(await call(undefined, { headers: { 'x-getbill-signature': sign('{}') } }), 500, /raw request body/);
		const failing = async () => {
			throw new Error('Request body stream was aborted or is not readable');
		};
		expectRefused(await call(undefined, { headers: { 'x-getbill-signature': sign('{}') }, readRawBody: failing }), 500, /raw request body/);
	});

	it('refuses everything with 500 when the credential has no secret', async () => {
		const body = JSON.stringify({ type: 'followup.completed' });
		expectRefused(await call(body, { headers: { 'x-getbill-signature': sign(body, '') }, secret: '' }), 500, /no secret/);
	});

	it('never puts the secret or the signature in what it answers', async () => {
		const signature = sign(FOLLOWUP_COMPLETED, 'another-secret');
		const answers = [
			(await call(FOLLOWUP_COMPLETED, { headers: { 'x-getbill-signature': signature } })).sent.body,
			(await signed('not json')).sent.body,
			(await signed(JSON.stringify({ type: 'debt.created' }), { events: ['payment.received'] })).result.webhookResponse,
		];
		for (const answer of answers) {
			expect(JSON.stringify(answer)).not.toContain(SECRET);
			expect(JSON.stringify(answer)).not.toContain(signature);
		}
	});
});

describe('GetBill Trigger description', () => {
	const { description } = new GetBillTrigger();
	const events = description.properties.find((p) => p.name === 'events')!;
	const options = events.options as INodePropertyOptions[];

	it('is a POST webhook trigger answering on receipt, with the webhook credential, not an AI tool', () => {
		expect(description).toMatchObject({ name: 'getBillTrigger', displayName: 'GetBill Trigger', group: ['trigger'], version: 1, inputs: [], outputs: ['main'] });
		expect(description.usableAsTool).toBeUndefined();
		expect(description.credentials).toEqual([expect.objectContaining({ name: 'getBillWebhookApi', required: true })]);
		expect(description.webhooks).toEqual([{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: 'webhook' }]);
		const notice = description.properties.find((p) => p.type === 'notice')!;
		expect(notice.displayName).toMatch(/Production URL/);
		expect(notice.displayName).toMatch(/secret/);
		expect(notice.displayName).toMatch(/activate/);
	});

	it('offers All Events (*) and the 14 documented events, sorted by name, All Events by default', () => {
		expect(events).toMatchObject({ displayName: 'Events', type: 'multiOptions', required: true, default: ['*'] });
		expect(options[0]).toEqual({ name: 'All Events', value: '*' });
		expect(options.slice(1).map((o) => o.value).sort()).toEqual([...DOCUMENTED_EVENTS].sort());
		const names = options.map((o) => o.name);
		expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b)));
		expect(options.find((o) => o.value === 'followup.completed')!.name).toBe('Followup Completed');
		expect(options.find((o) => o.value === 'payment_plan.canceled')!.name).toBe('Payment Plan Canceled');
		for (const { name, value } of options.slice(1)) {
			// Title Case of the value: "payment_plan.canceled" -> "Payment Plan Canceled"
			const expected = String(value)
				.split(/[._]/)
				.map((w) => w[0].toUpperCase() + w.slice(1))
				.join(' ');
			expect(name).toBe(expected);
		}
	});

	const hasShared = fs.existsSync(SHARED_API);
	if (!hasShared) {
		process.stderr.write(
			`trigger.test.ts: skipping "uses the events of ../shared/api/getbill-api.md": ${SHARED_API} is not beside this checkout (CI has it)\n`,
		);
	}
	(hasShared ? it : it.skip)(`uses the events of ../shared/api/getbill-api.md${hasShared ? '' : ' (skipped: ../shared/api not beside this checkout)'}`, () => {
		const doc = fs.readFileSync(SHARED_API, 'utf8');
		const start = doc.indexOf('- Events:');
		expect(start).toBeGreaterThan(-1);
		const rest = doc.slice(start + 2);
		const end = rest.search(/\n(- |#|\n)/);
		const bullet = end === -1 ? rest : rest.slice(0, end);
		const documented = [...bullet.matchAll(/`([^`]+)`/g)].map((m) => m[1]);
		expect(documented).toEqual(DOCUMENTED_EVENTS);
		expect(options.slice(1).map((o) => o.value).sort()).toEqual([...documented].sort());
	});
});

describe('GetBill Webhook API credential', () => {
	const type = new GetBillWebhookApi();

	it('has one required, protected secret', () => {
		expect(type.name).toBe('getBillWebhookApi');
		expect(type.displayName).toBe('GetBill Webhook API');
		expect(type.documentationUrl).toMatch(/^https:\/\/docs\.getbill\.io\//);
		expect(type.icon).toEqual({ light: 'file:getbill.svg', dark: 'file:getbill.dark.svg' });
		expect(type.properties).toHaveLength(1);
		expect(type.properties[0]).toMatchObject({
			displayName: 'Webhook Secret',
			name: 'secret',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
		});
		expect(type.properties[0].description).toMatch(/dashboard/);
	});

	it('is tested locally by the trigger: set, and without surrounding whitespace', async () => {
		const test = new GetBillTrigger().methods.credentialTest.getBillWebhookSecret;
		const run = (secret?: string) =>
			test.call({} as never, { id: '1', name: 'GetBill webhook', type: 'getBillWebhookApi', data: secret === undefined ? {} : { secret } });
		expect((await run(SECRET)).status).toBe('OK');
		expect((await run('')).status).toBe('Error');
		expect((await run()).status).toBe('Error');
		expect(await run(`${SECRET}\n`)).toEqual({ status: 'Error', message: expect.stringMatching(/space or a line break/) });
		for (const r of [await run(SECRET), await run(`${SECRET}\n`)]) expect(r.message).not.toContain(SECRET);
	});
});
