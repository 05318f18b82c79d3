/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-hardcoded-secrets -- signs test requests with a made-up webhook secret; tests run in Node.js, not inside n8n Cloud: they read files, use timers and process */
/**
 * The GetBill Trigger's webhook(): the signature of the raw body, the answers
 * n8n sends back, and which requests start the workflow. Driven through a fake
 * of n8n's webhook context (request, response, credential, parameter) with
 * n8n-core's own returnJsonArray.
 */
import { createHash, createHmac } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { returnJsonArray } from 'n8n-core';
import type { IDataObject, INodePropertyOptions, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { GetBillWebhookApi } from '../../credentials/GetBillWebhookApi.credentials';
import { GetBillTrigger } from '../../nodes/GetBillTrigger/GetBillTrigger.node';
import { rememberDelivery, REPEAT_MEMORY_CAP } from '../../nodes/GetBillTrigger/webhook';

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
	/** Ignore Repeated Deliveries (unset: the parameter's default, off) */
	ignoreRepeats?: boolean;
	repeatWindow?: unknown;
	/** The node's static data (getWorkflowStaticData('node')), shared between calls of a test */
	staticData?: IDataObject;
}

/** What webhook() did besides answering: credential loads and n8n log lines. */
interface Seen {
	credentialLoads: number;
	warnings: string[];
	staticDataTypes: string[];
}

/** Runs webhook() on a fake n8n context; returns what it returned and what it answered itself. */
async function call(body: string | Buffer | undefined, opts: Call = {}) {
	const sent: Sent = { ended: false };
	const seen: Seen = { credentialLoads: 0, warnings: [], staticDataTypes: [] };
	const parameters: Record<string, unknown> = {
		events: opts.events ?? ['*'],
		...(opts.ignoreRepeats === undefined ? {} : { ignoreRepeats: opts.ignoreRepeats }),
		...(opts.repeatWindow === undefined ? {} : { repeatWindow: opts.repeatWindow }),
	};
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
			seen.credentialLoads += 1;
			return { secret: opts.secret ?? SECRET };
		},
		// As n8n: a parameter not saved in the workflow gives the fallback (the default).
		getNodeParameter: (name: string, fallback?: unknown) => {
			expect(['events', 'ignoreRepeats', 'repeatWindow']).toContain(name);
			return name in parameters ? parameters[name] : fallback;
		},
		getWorkflowStaticData: (type: string) => {
			seen.staticDataTypes.push(type);
			return opts.staticData ?? {};
		},
		getNode: () => ({ name: 'GetBill Trigger', type: 'n8n-nodes-getbill.getBillTrigger', typeVersion: 1 }),
		getWorkflow: () => ({ id: 'wf123', active: true }),
		logger: {
			warn: (message: string) => seen.warnings.push(message),
			debug: () => {},
			info: () => {},
			error: (message: string) => seen.warnings.push(`error: ${message}`),
		},
		helpers: { returnJsonArray },
	} as unknown as IWebhookFunctions;
	const result: IWebhookResponseData = await new GetBillTrigger().webhook.call(context);
	return { result, sent, seen };
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
	it('starts one execution whose item is the event as sent; n8n answers it once the execution is stored', async () => {
		const { result, sent } = await signed(FOLLOWUP_COMPLETED, { events: ['followup.completed', 'payment.received'] });
		// Not answered by the node: n8n sends webhookResponse after WorkflowRunner.run (responseData '').
		expect(sent).toEqual({ ended: false });
		expect(result.noWebhookResponse).toBeUndefined();
		expect(result.webhookResponse).toEqual({ error: false, message: 'Event followup.completed received' });
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

describe('GetBill Trigger: refusals before the credential, and in n8n\'s log (#31)', () => {
	it.each([
		['no header', {}, /: no X-GetBill-Signature header$/],
		['a malformed header', { 'x-getbill-signature': `sha256=${sign(FOLLOWUP_COMPLETED)}` }, /: the X-GetBill-Signature header is not 64 hexadecimal characters$/],
		['the header twice', { 'x-getbill-signature': [sign(FOLLOWUP_COMPLETED), sign(FOLLOWUP_COMPLETED)] }, /: the X-GetBill-Signature header is sent more than once$/],
	])('refuses %s with 401 without loading the credential, and logs why at warn', async (_, headers, reason) => {
		const r = await call(FOLLOWUP_COMPLETED, { headers: headers as Call['headers'] });
		expectRefused(r, 401, /^Invalid signature$/);
		expect(r.seen.credentialLoads).toBe(0);
		expect(r.seen.warnings).toEqual([expect.stringMatching(reason)]);
		expect(r.seen.warnings[0]).toMatch(/^GetBill Trigger "GetBill Trigger" \(workflow wf123\) refused a request with 401: /);
	});

	it('20 unsigned requests: 20 answers 401, no credential load', async () => {
		let loads = 0;
		for (let i = 0; i < 20; i++) {
			const r = await call(JSON.stringify({ type: 'followup.completed', data: { id: `flood_${i}` } }));
			expect(r.sent.status).toBe(401);
			loads += r.seen.credentialLoads;
		}
		expect(loads).toBe(0);
	});

	it('loads the credential once for a well-formed signature, and logs a wrong secret at warn without secret, signature or body', async () => {
		const signature = sign(FOLLOWUP_COMPLETED, 'whsec_another_secret');
		const r = await call(FOLLOWUP_COMPLETED, { headers: { 'x-getbill-signature': signature } });
		expectRefused(r, 401, /^Invalid signature$/);
		expect(r.seen.credentialLoads).toBe(1);
		expect(r.seen.warnings).toEqual([
			'GetBill Trigger "GetBill Trigger" (workflow wf123) refused a request with 401: its X-GetBill-Signature does not match the body. ' +
				"If GetBill's own events are refused, the webhook secret in the credential differs from the one in GetBill's dashboard.",
		]);
		const logged = r.seen.warnings.join('\n');
		for (const secretOrBody of [SECRET, 'whsec_another_secret', signature, 'deal_found', 'hTBN7n6lkmkhMb6LYqEBZw']) expect(logged).not.toContain(secretOrBody);
		// An accepted event logs nothing.
		expect((await signed(FOLLOWUP_COMPLETED)).seen).toEqual({ credentialLoads: 1, warnings: [], staticDataTypes: [] });
	});

	it.each(['multipart/form-data; boundary=----x', 'Multipart/Form-Data', 'multipart/mixed; boundary=b'])(
		'refuses a %s body (n8n keeps no raw bytes of it) with 415, not 500, without loading the credential',
		async (contentType) => {
			const r = await call(undefined, { headers: { 'x-getbill-signature': sign('{}'), 'content-type': contentType } });
			expectRefused(r, 415, /^Unsupported media type: send the event as JSON \(Content-Type: application\/json\)$/);
			expect(r.seen.credentialLoads).toBe(0);
		},
	);

	it('refuses an unsigned multipart request with 401 (the header is looked at first)', async () => {
		const r = await call(undefined, { headers: { 'content-type': 'multipart/form-data; boundary=b' } });
		expectRefused(r, 401, /^Invalid signature$/);
	});

	it('logs a credential without secret at warn (500: GetBill sends the event again)', async () => {
		const body = JSON.stringify({ type: 'followup.completed' });
		const r = await call(body, { headers: { 'x-getbill-signature': sign(body, '') }, secret: '' });
		expectRefused(r, 500, /no secret/);
		expect(r.seen.warnings).toEqual([expect.stringMatching(/refused an event with 500: the GetBill Webhook API credential has no secret$/)]);
	});
});

describe('GetBill Trigger: Ignore Repeated Deliveries (#31)', () => {
	const T0 = Date.parse('2024-01-25T10:15:00Z');
	let now = T0;
	beforeEach(() => {
		now = T0;
		jest.spyOn(Date, 'now').mockImplementation(() => now);
	});
	afterEach(() => jest.restoreAllMocks());

	const started = (r: { result: IWebhookResponseData }) => r.result.workflowData !== undefined;

	it('is off by default: the same signed delivery 3 times starts 3 times, no static data touched', async () => {
		const staticData: IDataObject = {};
		const runs = [];
		for (let i = 0; i < 3; i++) runs.push(await signed(FOLLOWUP_COMPLETED, { staticData }));
		expect(runs.map(started)).toEqual([true, true, true]);
		expect(runs.flatMap((r) => r.seen.staticDataTypes)).toEqual([]);
		expect(staticData).toEqual({});
	});

	it('on: the same signed delivery 3 times starts once; the repeats are answered 200 by n8n (webhookResponse) and start nothing', async () => {
		const staticData: IDataObject = {};
		const first = await signed(FOLLOWUP_COMPLETED, { ignoreRepeats: true, staticData });
		now += 5 * 60000;
		const second = await signed(FOLLOWUP_COMPLETED, { ignoreRepeats: true, staticData });
		// The same bytes with the signature in upper-case hex: the same delivery.
		const third = await call(FOLLOWUP_COMPLETED, { headers: { 'x-getbill-signature': sign(FOLLOWUP_COMPLETED).toUpperCase() }, ignoreRepeats: true, staticData });
		expect([first, second, third].map(started)).toEqual([true, false, false]);
		// With the option on, the node answers before n8n stores the execution: n8n 2.41 would not save the memory otherwise.
		expect(first.sent).toEqual({ status: 200, body: { error: false, message: 'Event followup.completed received' }, ended: true });
		expect(first.result.noWebhookResponse).toBe(true);
		for (const repeat of [second, third]) {
			expect(repeat.sent).toEqual({ ended: false });
			expect(repeat.result).toEqual({
				webhookResponse: { error: false, message: 'Event followup.completed already received at 2024-01-25T10:15:00Z: repeat ignored' },
			});
		}
		expect(first.seen.staticDataTypes).toEqual(['node']);
	});

	it('on: another body (even the same JSON re-serialised and signed) starts; an unselected event is not remembered', async () => {
		const staticData: IDataObject = {};
		const compact = JSON.stringify(JSON.parse(FOLLOWUP_COMPLETED));
		expect(started(await signed(FOLLOWUP_COMPLETED, { ignoreRepeats: true, staticData }))).toBe(true);
		expect(started(await signed(compact, { ignoreRepeats: true, staticData }))).toBe(true);
		const unselected = JSON.stringify({ type: 'debt.created', data: { id: 'abc' } });
		await signed(unselected, { ignoreRepeats: true, staticData, events: ['followup.completed'] });
		expect((staticData.deliveries as unknown[]).length).toBe(2);
		expect(started(await signed(unselected, { ignoreRepeats: true, staticData }))).toBe(true);
	});

	it('on: a delivery older than the window starts again (window counted from the first start)', async () => {
		const staticData: IDataObject = {};
		const run = () => signed(FOLLOWUP_COMPLETED, { ignoreRepeats: true, repeatWindow: 10, staticData });
		expect(started(await run())).toBe(true);
		now = T0 + 10 * 60000 - 1000;
		expect(started(await run())).toBe(false);
		now = T0 + 10 * 60000;
		expect(started(await run())).toBe(true);
		expect(staticData.deliveries).toEqual([[expect.any(String), (T0 + 10 * 60000) / 1000]]);
	});

	it('keeps no body, hash of the body, signature or secret in static data: a 22-character key and a time in seconds', async () => {
		const staticData: IDataObject = {};
		await signed(FOLLOWUP_COMPLETED, { ignoreRepeats: true, staticData });
		const kept = JSON.stringify(staticData);
		expect(staticData.deliveries).toEqual([[expect.stringMatching(/^[A-Za-z0-9_-]{22}$/), T0 / 1000]]);
		for (const leak of [SECRET, sign(FOLLOWUP_COMPLETED), createHash('sha256').update(FOLLOWUP_COMPLETED).digest('hex'), createHash('sha256').update(FOLLOWUP_COMPLETED).digest('base64url').slice(0, 22), 'deal_found'])
			expect(kept).not.toContain(leak);
	});

	it.each([[0], [-5], [10081], [Number.NaN], ['60'], [null]] as unknown[][])('refuses a Repeat Window (Minutes) of %p with 500 and a warning, starting nothing', async (repeatWindow) => {
		const r = await signed(FOLLOWUP_COMPLETED, { ignoreRepeats: true, repeatWindow });
		expectRefused(r, 500, /^The trigger's Repeat Window \(Minutes\) is not a number from 1 to 10080$/);
		expect(r.seen.warnings).toEqual([expect.stringMatching(/Repeat Window \(Minutes\) is .*, not a number of minutes from 1 to 10080$/)]);
	});
});

describe('rememberDelivery: the repeat memory, bounded', () => {
	const T = Date.parse('2024-01-25T10:00:00Z');

	it(`keeps at most ${REPEAT_MEMORY_CAP} deliveries, dropping the oldest`, () => {
		const memory: IDataObject = {};
		for (let i = 0; i <= REPEAT_MEMORY_CAP; i++) expect(rememberDelivery(memory, `k${i}`, T + i * 1000, 10080)).toBeUndefined();
		const kept = memory.deliveries as Array<[string, number]>;
		expect(kept).toHaveLength(REPEAT_MEMORY_CAP);
		expect(kept[0][0]).toBe('k1');
		expect(kept.at(-1)![0]).toBe(`k${REPEAT_MEMORY_CAP}`);
		// k0 was dropped: it counts as new again; k1 is still a repeat.
		expect(rememberDelivery(memory, 'k1', T + 2000 * 1000, 10080)).toBe(T / 1000 + 1);
		expect(rememberDelivery(memory, 'k0', T + 2000 * 1000, 10080)).toBeUndefined();
		expect(memory.deliveries as unknown[]).toHaveLength(REPEAT_MEMORY_CAP);
	});

	it('drops what is older than the window, and ignores what is not a remembered delivery', () => {
		const memory: IDataObject = { deliveries: [['old', T / 1000 - 3601], ['recent', T / 1000 - 60], 'junk', ['x'], [1, 2], ['nan', 'soon']] };
		expect(rememberDelivery(memory, 'recent', T, 60)).toBe(T / 1000 - 60);
		expect(memory.deliveries).toEqual([['recent', T / 1000 - 60]]);
		expect(rememberDelivery(memory, 'old', T, 60)).toBeUndefined();
		expect(rememberDelivery({ deliveries: 'not a list' }, 'a', T, 60)).toBeUndefined();
	});

	it('writes nothing back for a repeat when nothing was dropped (n8n saves only changed static data)', () => {
		const writes: string[] = [];
		const memory = new Proxy({} as IDataObject, {
			set(target, key, value) {
				writes.push(String(key));
				return Reflect.set(target, key, value);
			},
		});
		rememberDelivery(memory, 'a', T, 60);
		expect(writes).toEqual(['deliveries']);
		rememberDelivery(memory, 'a', T + 1000, 60);
		expect(writes).toEqual(['deliveries']);
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
		// responseData '': n8n answers with the node's webhookResponse after storing the execution.
		expect(description.webhooks).toEqual([{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', responseData: '', path: 'webhook' }]);
		const notice = description.properties.find((p) => p.type === 'notice')!;
		expect(notice.displayName).toMatch(/Production URL/);
		expect(notice.displayName).toMatch(/secret/);
		expect(notice.displayName).toMatch(/activate/);
	});

	it('offers Ignore Repeated Deliveries, off by default, and its Repeat Window (Minutes), 60 by default, shown when it is on', () => {
		const names = description.properties.map((p) => p.name);
		// After Events; Events keeps its place, name and default (saved workflows).
		expect(names).toEqual(['notice', 'events', 'ignoreRepeats', 'repeatWindow']);
		const ignore = description.properties.find((p) => p.name === 'ignoreRepeats')!;
		expect(ignore).toMatchObject({ displayName: 'Ignore Repeated Deliveries', type: 'boolean', default: false });
		expect(ignore.description).toMatch(/^Whether /);
		expect(ignore.description).toMatch(/Production URL/);
		const window = description.properties.find((p) => p.name === 'repeatWindow')!;
		expect(window).toMatchObject({
			displayName: 'Repeat Window (Minutes)',
			type: 'number',
			default: 60,
			typeOptions: { minValue: 1, maxValue: 10080 },
			displayOptions: { show: { ignoreRepeats: [true] } },
		});
		expect(window.description).toMatch(/1,000 deliveries/);
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
