/* eslint-disable @n8n/community-nodes/no-restricted-imports -- reads what the node logs through n8n-core's Logger; tests run in Node.js, not inside n8n Cloud */
/**
 * Issue #31, point 3: every GetBill request has a deadline (the option
 * Timeout), run by n8n-core's real engine and helpers against the GetBill-like
 * server whose answers stall (`stallAnswers`: the request is handled, a create
 * creates, but its answer comes late or never). A read or an update that gets
 * no answer is retried within Max Retries; a create or delete is never sent
 * again and its outcome is reported as unknown, naming the item and what to
 * check (the error that stops the run, the error item of Continue On Fail, the
 * model's message); a Stop during a create ends the run within about a second,
 * with the same report in n8n's log.
 */
import { Logger } from '@n8n/backend-common';
import { Container } from '@n8n/di';
import type { IDataObject, IExecuteFunctions, IHttpRequestOptions, INode } from 'n8n-workflow';

import { EDITOR_TIMEOUT_MS, getBillApiRequest } from '../../nodes/GetBill/transport';
import { DEFAULT_RETRY_POLICY } from '../../nodes/GetBill/transport/retry';
import { nodeRunner, useGetBillServer } from '../helpers/server';

jest.setTimeout(15000);

const SCOPES = ['followups:read', 'followups:write', 'debts:read', 'debts:write'];
const gb = useGetBillServer({
	followupIds: ['fu1', 'fu2'],
	clients: [{ clientId: 'test-client-id', clientSecret: 'test-client-secret', scopes: SCOPES }],
});
const { server } = gb;

const run = nodeRunner(gb, SCOPES);

const api = (method?: string) => server.requests.filter((r) => r.path.startsWith('/external-api/') && (!method || r.method === method));
/** The n-th (1-based) request of that method, only */
const nth = (method: string, n: number) => {
	let seen = 0;
	return (q: { method: string }) => q.method === method && ++seen === n;
};
const createFollowup = { debtId: { __rl: true, mode: 'id', value: '={{ $json.debt }}' }, additionalFields: { summary: '={{ "call " + $json.n }}' } };
const threeCreates = [0, 1, 2].map((n) => ({ debt: 'debt_dl', n }));
const createdFor = (summary: string) => [...server.followups.values()].filter((f) => f.summary === summary);

/** What the node said in n8n's log at warn level during the test */
let warnings: string[];
beforeEach(() => {
	server.seedDebt('debt_dl');
	warnings = [];
	jest.spyOn(Container.get(Logger), 'warn').mockImplementation((message: string) => void warnings.push(message));
});
afterEach(async () => {
	jest.restoreAllMocks();
	// A request the node gave up on is still open on the server's side until the socket closes: let it land here.
	// eslint-disable-next-line @n8n/community-nodes/no-restricted-globals -- a test's own wait, not node code
	await new Promise((resolve) => setTimeout(resolve, 50));
});

describe('a read or an update without an answer is retried within Max Retries', () => {
	it('a GET that gets nothing is sent again, then fails after Max Retries saying it timed out', async () => {
		server.stallAnswers({}, {});
		const started = Date.now();
		const result = await run('followup', 'get', { followupId: { __rl: true, mode: 'id', value: 'fu1' }, options: { timeout: 1, maxRetries: 1 } });
		const ms = Date.now() - started;
		expect(api('GET').map((q) => q.stalled)).toEqual([true, true]);
		expect(result.error!.message).toBe('GetBill did not answer within 1 second [item 0]');
		expect(result.error!.description).toBe(
			'The request to get followup "fu1" got no complete answer within the Timeout (1 second). Reads are safe to repeat. Run again later, or raise Timeout under Options if GetBill is often this slow. The request was sent 2 times.',
		);
		// Two 1 s deadlines and one backoff (0.5 to 1 s), not n8n's 300 s.
		expect(ms).toBeGreaterThanOrEqual(2400);
		expect(ms).toBeLessThan(4500);
	});

	it('a GET whose body stalls after the headers is sent again and answered', async () => {
		server.stallAnswers({ headers: true, bodyBytes: 5 });
		const result = await run('followup', 'get', { followupId: { __rl: true, mode: 'id', value: 'fu1' }, options: { timeout: 1 } });
		expect(result.error).toBeUndefined();
		expect(api('GET').map((q) => q.stalled)).toEqual([true, undefined]);
		expect(result.outputs[0][0].json.id).toBe('fu1');
	});

	it('an update whose answer stalls is sent again (safe to repeat) and its output is the second answer', async () => {
		server.stallAnswers({ headers: true });
		const result = await run('followup', 'update', { followupId: { __rl: true, mode: 'id', value: 'fu2' }, updateFields: { summary: 'Promised to pay' }, options: { timeout: 1 } });
		expect(result.error).toBeUndefined();
		expect(api('PUT').map((q) => [q.status, q.stalled])).toEqual([
			[200, true],
			[200, undefined],
		]);
		expect(result.outputs[0][0].json).toMatchObject({ id: 'fu2', summary: 'Promised to pay' });
	});
});

describe('a create without an answer is never sent again: its outcome is unknown', () => {
	const OUTCOME = 'Outcome unknown: GetBill did not answer within 1 second [item 1]';
	const DESCRIPTION =
		'The request to create a followup for debt "debt_dl" was sent, but no complete answer came within the Timeout (1 second), so whether GetBill did it is unknown; it was not sent again. ' +
		'Before sending item 1 again, check in GetBill whether the followup was created: a create sent twice makes two followups. If GetBill is often this slow, raise Timeout under Options.';

	it('stops the run naming the item, what to check, and what was done before', async () => {
		server.stallAnswers({ match: nth('POST', 2) });
		const started = Date.now();
		const result = await run('followup', 'create', { ...createFollowup, options: { timeout: 1 } }, { items: threeCreates });
		expect(Date.now() - started).toBeLessThan(3000);
		// Item 1's create reached GetBill (it created the followup) and was not sent again; item 2 was never sent.
		expect(api('POST').map((q) => [q.body.summary, q.stalled])).toEqual([
			['call 0', undefined],
			['call 1', true],
		]);
		expect(createdFor('call 1')).toHaveLength(1);
		const [first] = createdFor('call 0');
		expect(result.error!.message).toBe(OUTCOME);
		expect(result.error!.description).toBe(
			`${DESCRIPTION}\n\n` +
				`Before item 1, GetBill had already done this item, which are not in the output because the run stopped: item 0 (ID "${first.id}"). Do not send them again. ` +
				"The outcome of item 1 is unknown: check it in GetBill first, then retry this execution from n8n's executions list (the node gives back what GetBill already did, but sends item 1 again), " +
				'or run again only for the items after it (no request was sent for those), with item 1 if GetBill did not do it.',
		);
	});

	it('with Continue On Fail: a paired error item for it, every other item still created once', async () => {
		server.stallAnswers({ match: nth('POST', 2) });
		const result = await run('followup', 'create', { ...createFollowup, options: { timeout: 1 } }, { items: threeCreates, onError: 'continueRegularOutput' });
		expect(result.error).toBeUndefined();
		expect(api('POST')).toHaveLength(3);
		const out = result.outputs[0];
		expect(out.map((o) => o.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(out[1].json).toEqual({ error: OUTCOME, description: DESCRIPTION });
		expect([out[0].json.summary, out[2].json.summary]).toEqual(['call 0', 'call 2']);
	});

	it('as a tool: the model is told the outcome is unknown and to check before calling again', async () => {
		server.stallAnswers({});
		const result = await run(
			'followup',
			'create',
			{ debtId: { __rl: true, mode: 'id', value: "={{ $fromAI('debtId', 'The debt ID', 'string') }}" }, options: { timeout: 1 } },
			{ asTool: true, items: [{ debtId: 'debt_dl' }] },
		);
		expect(api('POST')).toHaveLength(1);
		expect(result.error!.message).toBe(
			'Outcome unknown: GetBill did not answer within 1 second. GetBill did not answer in time, so it may or may not have done it. Before calling again, check whether the followup was created: a create sent twice makes two.',
		);
	});

	it('a delete that gets no answer is not sent again either', async () => {
		server.stallAnswers({});
		const result = await run('debt', 'delete', { debtId: { __rl: true, mode: 'id', value: 'debt_dl' }, options: { timeout: 1 } });
		expect(api('DELETE')).toHaveLength(1);
		expect(result.error!.message).toBe('Outcome unknown: GetBill did not answer within 1 second [item 0]');
		expect(result.error!.description).toContain('Before sending item 0 again, check in GetBill whether the debt was deleted.');
	});
});

describe('a Stop during a create', () => {
	it('ends the run within about a second of the stop, and says in n8n\'s log that the outcome is unknown', async () => {
		server.stallAnswers({});
		const started = Date.now();
		const result = await run('followup', 'create', createFollowup, { items: threeCreates, cancelAfterMs: 300 });
		const ms = Date.now() - started;
		expect(result.run.status).toBe('canceled');
		expect(ms).toBeLessThan(1500);
		expect(ms).toBeGreaterThanOrEqual(300 + 700);
		expect(api('POST')).toHaveLength(1);
		expect(warnings).toEqual([
			'GetBill: Outcome unknown: the execution was stopped before GetBill answered [item 0]. ' +
				'n8n stopped the execution while the request to create a followup for debt "debt_dl" was under way, and no answer came within 750 ms of the stop, so whether GetBill did it is unknown. ' +
				'Before sending item 0 again, check in GetBill whether the followup was created: a create sent twice makes two followups.',
		]);
	});

	it('keeps an answer that comes within the grace: the followup is in the output, nothing unknown', async () => {
		server.stallAnswers({ releaseAfterMs: 500 });
		const result = await run('followup', 'create', createFollowup, { items: threeCreates, cancelAfterMs: 200 });
		expect(result.run.status).toBe('canceled');
		expect(api('POST')).toHaveLength(1);
		expect(result.outputs[0].map((o) => o.json.summary)).toEqual(['call 0']);
		expect(warnings).toEqual([]);
	});
});

describe('Create Many: a batch without an answer', () => {
	const debts = Array.from({ length: 6 }, (_, n) => ({ firstname: 'Jane', lastname: `Doe${n}`, email: `jane${n}@example.com`, amount: 100 + n, currency: 'EUR' }));
	const createMany = { fieldsToSend: 'autoMapInputData', options: { batchSize: 2, timeout: 1 } };

	it('stops the run naming the batch\'s items as unknown, the debts created before, and the items not sent', async () => {
		server.stallAnswers({ match: nth('POST', 2) });
		const result = await run('debt', 'createMany', createMany, { items: debts });
		expect(api('POST').map((q) => q.stalled)).toEqual([undefined, true]);
		expect(result.error!.message).toBe('Outcome unknown: GetBill did not answer within 1 second [items 2, 3]');
		const description = result.error!.description!;
		expect(description).toMatch(
			/^The request to create 2 debts \(items 2, 3\) was sent, but no complete answer came within the Timeout \(1 second\), so whether GetBill did it is unknown; it was not sent again\. Before sending items 2, 3 again, check in GetBill which of the debts were created: a create sent twice makes two debts\./,
		);
		expect(description).toContain('GetBill created the debts of 2 item(s) in this run before it stopped: item 0 (debt ');
		expect(description).toContain('Sent without an answer that says what GetBill did: items 2, 3.');
		expect(description).toContain('Not sent (no later batch is sent after a failed one): items 4, 5.');
	});

	it('stopped during the batch: the run ends cancelled within about a second and the log names the batch', async () => {
		server.stallAnswers({ match: nth('POST', 2) });
		const started = Date.now();
		const result = await run('debt', 'createMany', { ...createMany, options: { batchSize: 2 } }, { items: debts, cancelAfterMs: 300 });
		expect(result.run.status).toBe('canceled');
		expect(Date.now() - started).toBeLessThan(1500);
		expect(result.outputs[0].map((o) => o.json.lastname)).toEqual(['Doe0', 'Doe1']);
		expect(warnings).toHaveLength(1);
		expect(warnings[0]).toMatch(/^GetBill: Outcome unknown: the execution was stopped before GetBill answered \[items 2, 3\]\. /);
		expect(warnings[0]).toContain('Sent without an answer that says what GetBill did: items 2, 3.');
		expect(api('POST')).toHaveLength(2);
	});
});

describe('the deadline each request is given', () => {
	const node: INode = { id: '1', name: 'GetBill', type: 'n8n-nodes-getbill.getBill', typeVersion: 2, position: [0, 0], parameters: {} };
	/** The editor's lists: a context without an execution (no cancel signal), the request handed to a stand-in for n8n */
	const editorContext = (sent: IHttpRequestOptions[]) =>
		({
			getNode: () => node,
			helpers: {
				httpRequestWithAuthentication: async (_credential: string, options: IHttpRequestOptions) => {
					sent.push(options);
					return { body: { data: [] }, headers: {} };
				},
			},
		}) as unknown as IExecuteFunctions;

	it('is the Timeout, passed to n8n\'s helper with an abort signal; the editor\'s lists wait 15 s at most', async () => {
		const sent: IHttpRequestOptions[] = [];
		await getBillApiRequest.call(editorContext(sent), { method: 'GET', path: '/external-api/v1/debts' }, { action: 'list debts', kind: 'read' }, 'https://getbill.example', DEFAULT_RETRY_POLICY);
		expect(EDITOR_TIMEOUT_MS).toBe(15_000);
		expect(sent[0].timeout).toBe(EDITOR_TIMEOUT_MS);
		expect(sent[0].abortSignal).toBeInstanceOf(AbortSignal);
	});

	it('a create that n8n itself cuts short on a stop (not waiting for the grace) is reported as unknown too, never silently', async () => {
		const stop = new AbortController();
		const ctx = {
			getNode: () => node,
			getExecutionCancelSignal: () => stop.signal,
			helpers: {
				// An n8n that aborts every request on the execution's own signal, whatever the node gives.
				httpRequestWithAuthentication: async () =>
					await new Promise((_resolve, reject) => stop.signal.addEventListener('abort', () => reject(Object.assign(new Error('canceled'), { code: 'ERR_CANCELED' })))),
			},
		} as unknown as IExecuteFunctions;
		const sending = getBillApiRequest.call(
			ctx,
			{ method: 'POST', path: '/external-api/v1/followups', body: { debt_id: 'd1' } },
			{ action: 'create a followup for debt "d1"', kind: 'create', itemIndex: 4, wording: 2 },
			'https://getbill.example',
			DEFAULT_RETRY_POLICY,
		);
		stop.abort();
		const error = (await sending.catch((e: unknown) => e)) as { message: string; description: string; context: IDataObject };
		expect(error.message).toBe('Outcome unknown: the execution was stopped before GetBill answered [item 4]');
		expect(error.description).toMatch(/^n8n stopped the execution while the request to create a followup for debt "d1" was under way, and no answer came within \d+ ms of the stop/);
		expect(error.context.outcomeUnknown).toBe(true);
	});
});
