/**
 * The item policy's steps (nodes/GetBill/actions/run), each on its own with a
 * small stand-in for n8n's execute context: the ItemRun's rules (fail, take,
 * the quota, Retry On Fail's memory), step 1 (check), step 2 (send, one per
 * item or in batches) and step 3 (report). The whole run, in n8n-core's engine
 * against the GetBill-like server, is in the other files of this folder.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { checkEvery, checkOutputFields } from '../../nodes/GetBill/actions/run/check';
import { ItemRun } from '../../nodes/GetBill/actions/run/itemRun';
import type { RunPolicy } from '../../nodes/GetBill/actions/run/policy';
import { report } from '../../nodes/GetBill/actions/run/report';
import { sendBatches, sendEach } from '../../nodes/GetBill/actions/run/send';
import { Tries } from '../../nodes/GetBill/actions/run/tries';
import type { BatchRow, ItemOperation } from '../../nodes/GetBill/actions/run/types';
import { sendOne } from '../../nodes/GetBill/actions/requests';
import type { RunContext, Send } from '../../nodes/GetBill/actions/types';
import { quotaSpentError } from '../../nodes/GetBill/transport/quota';

const NODE = { id: 'n1', name: 'GetBill', type: 'n8n-nodes-getbill.getBill', typeVersion: 2, position: [0, 0] as [number, number], parameters: {} };

interface Stand {
	ctx: IExecuteFunctions;
	store: IDataObject;
	cancel: AbortController;
	logs: string[];
}

function stand(items: number, { retryOnFail = false, store = {} as IDataObject } = {}): Stand {
	const cancel = new AbortController();
	const logs: string[] = [];
	const ctx = {
		getInputData: () => Array.from({ length: items }, (_, i) => ({ json: { i } })),
		getNode: () => ({ ...NODE, retryOnFail }),
		getTimezone: () => 'UTC',
		getContext: () => store,
		getWorkflowDataProxy: () => ({ $thisRunIndex: 0 }),
		getWorkflowSettings: () => ({}),
		getExecutionCancelSignal: () => cancel.signal,
		logger: { info: (m: string) => logs.push(m), warn: (m: string) => logs.push(m) },
		addExecutionHints: () => undefined,
	} as unknown as IExecuteFunctions;
	return { ctx, store, cancel, logs };
}

const policyOf = (over: Partial<RunPolicy> = {}): RunPolicy => ({
	kind: 'create',
	safeToRepeat: false,
	continueOnFail: false,
	toErrorOutput: false,
	asTool: false,
	whenSpent: 'stop',
	oneAtATime: true,
	...over,
});

const runContext = { noun: 'debt', ignoredInputKeys: new Set(), emptyInputKeys: new Set(), skippedInputKeys: new Set() } as unknown as RunContext;

function itemRun(items: number, over: Partial<RunPolicy> = {}, s = stand(items)): ItemRun {
	const policy = policyOf(over);
	return new ItemRun(s.ctx, policy, runContext, new Tries(s.ctx, policy.kind, policy.asTool));
}

const failure = (itemIndex: number) => new NodeOperationError(NODE, `Amount is not a number [item ${itemIndex}]`, { itemIndex, description: 'Use a number, e.g. 120.50' });
const spentAt = (itemIndex: number) => quotaSpentError(NODE, { itemIndex, resetAt: Date.parse('2026-12-06T10:00:00Z'), limit: 500, windowSeconds: 3600 });
const post = (i: number) => ({ method: 'POST' as const, path: '/api/external/v1/debts', body: { amount: i } });
const out = (itemIndex: number, json: IDataObject): INodeExecutionData[] => [{ json, pairedItem: { item: itemIndex } }];

describe('ItemRun: one home for each rule', () => {
	it('a failing item stops the run at the first failing item; with Continue On Fail it is a paired error item', () => {
		const run = itemRun(4);
		run.fail(failure(2), 2);
		run.fail(failure(1), 1);
		expect(run.stop?.itemIndex).toBe(1);
		expect(run.results.filter(Boolean)).toHaveLength(0);

		const going = itemRun(4, { continueOnFail: true, oneAtATime: false });
		going.fail(failure(2), 2);
		expect(going.stop).toBeUndefined();
		expect(going.results[2]).toEqual([{ json: { error: 'Amount is not a number [item 2]', description: 'Use a number, e.g. 120.50' }, pairedItem: { item: 2 } }]);
	});

	it('as a tool the error is worded for the model as the item fails; an unknown outcome is kept for the log', () => {
		const run = itemRun(2, { asTool: true });
		const unknown = failure(0);
		unknown.context.outcomeUnknown = true;
		run.fail(unknown, 0);
		expect(run.stop?.error.message).toBe('Amount is not a number. Use a number, e.g. 120.50');
		expect([...run.unknown]).toEqual([unknown]);
	});

	it('take gives items in order and none once the run stopped, the quota is spent or the execution cancelled', () => {
		const run = itemRun(6);
		run.enqueue([0, 1, 2, 3, 4, 5]);
		expect(run.take(2)).toEqual([0, 1]);
		expect(run.quotaRefused(new Error('not the quota'), [1])).toBe(false);
		expect(run.quotaRefused(spentAt(1), [1])).toBe(true);
		expect(run.take()).toEqual([]);
		expect(run.unsent()).toEqual([1, 2, 3, 4, 5]);

		const stopped = itemRun(3);
		stopped.enqueue([0, 1, 2]);
		stopped.fail(failure(0), 0);
		expect(stopped.take()).toEqual([]);
		expect(stopped.unsent()).toEqual([]);

		const s = stand(3);
		const cancelled = itemRun(3, {}, s);
		cancelled.enqueue([0, 1, 2]);
		s.cancel.abort();
		expect(cancelled.take()).toEqual([]);
	});

	it('a create done now is given back by the next try (Retry On Fail) when it sends the same request, and stops when it would not', () => {
		const s = stand(2, { retryOnFail: true });
		const first = itemRun(2, {}, s);
		first.done(0, out(0, { id: 'd0' }), post(0), { id: 'd0', o: [{ id: 'd0' }], b: post(0).body });
		first.tries.end('thrown');

		const again = itemRun(2, {}, s);
		expect(again.givenBack(0, post(0))).toBe(true);
		expect(again.results[0]).toEqual(out(0, { id: 'd0' }));
		expect(again.givenBack(1, post(1))).toBe(false);
		expect(() => again.givenBack(0, post(9))).toThrow(/Item 0 created debt "d0" in an earlier try of this execution, with amount 0 \(now 9\)/);
		// a read or an update is sent again
		expect(itemRun(2, { safeToRepeat: true, kind: 'update' }, s).givenBack(0, post(0))).toBe(false);
	});
});

describe('step 1: check every item before the first request', () => {
	it('stops at the first invalid item (no later item read); with Continue On Fail every item is read', () => {
		const read = jest.fn((i: number) => {
			if (i === 1) throw failure(1);
			return post(i);
		});
		const run = itemRun(4);
		expect([...checkEvery(run, read, (r) => r).keys()]).toEqual([0]);
		expect(read).toHaveBeenCalledTimes(2);
		expect(run.stop?.itemIndex).toBe(1);

		read.mockClear();
		const going = itemRun(4, { continueOnFail: true });
		expect([...checkEvery(going, read, (r) => r).keys()]).toEqual([0, 2, 3]);
		expect(read).toHaveBeenCalledTimes(4);
	});

	it('a read keeps all fields when it has no Simplify or Tool Output to read', () => {
		expect(checkOutputFields(itemRun(2, { kind: 'read', safeToRepeat: true }), undefined)).toEqual([undefined, undefined]);
	});
});

/** An operation whose requests take a tick and record how many are in flight. */
function counting(fail: Set<number> = new Set()) {
	let inFlight = 0;
	const seen = { max: 0, sent: [] as number[] };
	const op: ItemOperation = {
		kind: 'update',
		prepare(itemIndex: number): Send {
			return sendOne(post(itemIndex), async () => {
				seen.sent.push(itemIndex);
				inFlight++;
				seen.max = Math.max(seen.max, inFlight);
				// eslint-disable-next-line @n8n/community-nodes/no-restricted-globals -- a test's own wait, not node code
				await new Promise((resolve) => setTimeout(resolve, 5));
				inFlight--;
				if (fail.has(itemIndex)) throw new NodeApiError(NODE, { message: 'Not found' }, { httpCode: '404', itemIndex });
				return out(itemIndex, { id: `f${itemIndex}` });
			});
		},
	};
	return { op, seen };
}

describe('step 2: send', () => {
	it('one request per item: the first alone, then at most Concurrency at a time', async () => {
		const { op, seen } = counting();
		const run = itemRun(10, { kind: 'update', safeToRepeat: true, oneAtATime: false });
		await sendEach(run, op, undefined, [], 3);
		expect(seen.sent.slice(0, 1)).toEqual([0]);
		expect(seen.max).toBe(3);
		expect(run.results.map((r) => r[0].json.id)).toEqual(Array.from({ length: 10 }, (_, i) => `f${i}`));
	});

	it('one at a time, no request after a failure that stops the run', async () => {
		const { op, seen } = counting(new Set([2]));
		const run = itemRun(5);
		await sendEach(run, op, undefined, [], 1);
		expect(seen.sent).toEqual([0, 1, 2]);
		expect(run.stop?.itemIndex).toBe(2);
	});

	it('batches: one at a time; GetBill\'s created and refused rows go to their items; the quota leaves its batch and the later ones unsent', async () => {
		const rows = new Map<number, BatchRow>(
			[0, 1, 2, 3, 4, 5].map((i) => [i, { body: { amount: i }, request: post(i), rebuild: () => ({}) }]),
		);
		const chunks: number[][] = [];
		const send = async (_run: RunContext, chunk: number[]) => {
			chunks.push(chunk);
			if (chunks.length === 3) throw spentAt(chunk[0]);
			return {
				created: chunk.filter((i) => i !== 1).map((i) => ({ itemIndex: i, json: { id: `d${i}` }, write: { id: `d${i}` } })),
				refused: chunk.filter((i) => i === 1).map((i) => ({ itemIndex: i, error: failure(i), refusal: { itemIndex: i, reason: 'amount: invalid', skipped: false } })),
			};
		};
		const run = itemRun(6, { continueOnFail: true });
		const outcome = await sendBatches(run, { size: 2, send }, rows);
		expect(chunks).toEqual([[0, 1], [2, 3], [4, 5]]);
		expect(outcome.refusals.map((r) => r.itemIndex)).toEqual([1]);
		expect(run.results[1][0].json.error).toMatch(/Amount is not a number/);
		expect(run.results[3]).toEqual(out(3, { id: 'd3' }));
		expect(run.unsent()).toEqual([4, 5]);
	});

	it('a batch without an answer (5xx) is named as unanswered; a refused one (4xx) is not', async () => {
		const rows = new Map<number, BatchRow>([0, 1].map((i) => [i, { body: {}, request: post(i), rebuild: () => ({}) }]));
		const down = async () => {
			throw new NodeApiError(NODE, { message: 'down' }, { httpCode: '503' });
		};
		const run = itemRun(2);
		expect((await sendBatches(run, { size: 2, send: down }, rows)).unanswered).toEqual([0, 1]);
		const refused = async () => {
			throw new NodeApiError(NODE, { message: 'bad' }, { httpCode: '422' });
		};
		expect((await sendBatches(itemRun(2), { size: 2, send: refused }, rows)).unanswered).toEqual([]);
	});
});

describe('step 3: report', () => {
	it('the outputs: one, or two with Output Unsent Items (the second with the items the quota left, and when it frees up)', () => {
		const run = itemRun(3, { whenSpent: 'outputUnsent' });
		run.enqueue([0, 1, 2]);
		run.take();
		run.done(0, out(0, { id: 'd0' }));
		run.quotaRefused(spentAt(1), [1]);
		const [done, unsent] = report(run);
		expect(done).toEqual(out(0, { id: 'd0' }));
		expect(unsent.map((i) => [i.pairedItem, i.json.getbill_quota_frees_at])).toEqual([
			[{ item: 1 }, '2026-12-06T10:00:00Z'],
			[{ item: 2 }, '2026-12-06T10:00:00Z'],
		]);
	});

	it('a create run that stops names what GetBill did before the failing item', () => {
		const run = itemRun(3);
		run.done(0, out(0, { id: 'd0' }), post(0));
		run.fail(failure(1), 1);
		expect(() => report(run)).toThrow('Amount is not a number [item 1]');
		expect(run.stop?.error.description).toMatch(/Before item 1 failed, GetBill had already done this item, .*: item 0 \(ID "d0"\)/);
	});

	it('a cancelled run gives what was done, and says so in n8n\'s log with every create left without an answer', () => {
		const s = stand(3);
		const run = itemRun(3, {}, s);
		run.done(0, out(0, { id: 'd0' }), post(0));
		const unknown = new NodeOperationError(NODE, 'No answer to the create of item 1', { itemIndex: 1 });
		unknown.context.outcomeUnknown = true;
		run.fail(unknown, 1);
		s.cancel.abort();
		expect(report(run)).toEqual([out(0, { id: 'd0' })]);
		expect(s.logs.join('\n')).toMatch(/No answer to the create of item 1[\s\S]*execution was stopped; 1 of 3 items done/);
	});
});
