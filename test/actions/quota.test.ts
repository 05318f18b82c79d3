/**
 * Big jobs: GetBill's write quota (X-RateLimit-* headers, 429), "When Write
 * Quota Runs Out", and n8n's Retry On Fail, run by n8n-core's real engine
 * against the GetBill-like server, which enforces the quota per client in a
 * sliding window.
 */
import type { IDataObject } from 'n8n-workflow';

import type { RunExtra } from '../helpers/server';
import { nodeRunner, useGetBillServer } from '../helpers/server';

const SCOPES = ['debts:read', 'debts:write', 'followups:read', 'followups:write'];
const IDS = Array.from({ length: 40 }, (_, n) => `fu_q${String(n).padStart(2, '0')}`);
const gb = useGetBillServer({
	followupIds: IDS,
	clients: [{ clientId: 'test-client-id', clientSecret: 'test-client-secret', scopes: SCOPES }],
});
const { server } = gb;

const api = () => server.requests.filter((r) => r.path.startsWith('/external-api/'));
const puts = () => api().filter((r) => r.method === 'PUT');
const refused = () => api().filter((r) => r.status === 429);

type Extra = RunExtra;
const run = nodeRunner(gb, SCOPES);

/** 40 followup updates (Auto-Map): each item names its followup and a status. */
const updates = IDS.map((id) => ({ id, status: 'deal_found' }));
const updateAll = (options: IDataObject, extra: Extra = {}) =>
	run(
		'followup',
		'update',
		{ followupId: { __rl: true, mode: 'id', value: '={{ $json.id }}' }, fieldsToSend: 'autoMapInputData', inputFieldsToIgnore: 'id', options },
		{ items: updates, timezone: 'Europe/Paris', ...extra },
	);

describe('the write quota', () => {
	it('Stop: 25 writes left in a 300 s window → exactly 25 PUTs, none refused, an error naming the 15 not sent and when the quota frees up', async () => {
		server.setQuota('writes', { limit: 500, windowSeconds: 300, used: 475 });
		const result = await updateAll({ concurrency: 10 });
		expect(puts()).toHaveLength(25);
		expect(refused()).toHaveLength(0);
		expect(result.error!.message).toBe("GetBill's write quota is spent: 25 of 40 items done, 15 not sent");
		expect(result.error!.description).toContain('Not sent: items 25 to 39. Done: items 0 to 24.');
		expect(result.error!.description).toContain('GetBill allows 500 writes per 5 minutes per OAuth client');
		expect(result.error!.description).toMatch(/none is left until \d{4}-\d\d-\d\d \d\d:\d\d:\d\d \(Europe\/Paris\)/);
		// The done items are the first 25, each followup updated once
		expect(new Set(puts().map((r) => r.path)).size).toBe(25);
		expect(server.getFollowup('fu_q24')!.status).toBe('deal_found');
		expect(server.getFollowup('fu_q25')!.status).toBe('scheduled');
	});

	it('Concurrency never defeats it: with 20 at once and 3 writes left, exactly 3 PUTs', async () => {
		server.setQuota('writes', { limit: 10, windowSeconds: 300, used: 7 });
		const result = await updateAll({ concurrency: 20 });
		expect(puts()).toHaveLength(3);
		expect(refused()).toHaveLength(0);
		expect(result.error!.message).toBe("GetBill's write quota is spent: 3 of 40 items done, 37 not sent");
	});

	it('Output Unsent Items: the done items on the first output, the 15 others on the second, paired, with the time the quota frees up', async () => {
		server.setQuota('writes', { limit: 500, windowSeconds: 300, used: 475 });
		const result = await updateAll({ whenQuotaRunsOut: 'outputUnsent' });
		expect(result.error).toBeUndefined();
		expect(puts()).toHaveLength(25);
		const [done, unsent] = result.outputs;
		expect(done.map((o) => o.pairedItem)).toEqual(IDS.slice(0, 25).map((_, item) => ({ item })));
		expect(unsent.map((o) => o.pairedItem)).toEqual(IDS.slice(25).map((_, n) => ({ item: 25 + n })));
		const at = unsent[0].json.getbill_quota_frees_at as string;
		expect(at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$/);
		const freesAt = Date.parse(at);
		expect(freesAt).toBeGreaterThan(Date.now() + 250_000);
		// GetBill's Reset is in whole seconds (+1 s at most), the time left after its Date header too (+1 s: Date is in
		// whole seconds), and the time handed on is rounded up to the second (+1 s): never earlier than the quota frees up.
		expect(freesAt).toBeGreaterThanOrEqual(server.quotaState('writes').resetAt);
		expect(freesAt).toBeLessThanOrEqual(server.quotaState('writes').resetAt + 3000);
		expect(unsent[0].json).toEqual({ id: 'fu_q25', status: 'deal_found', getbill_quota_frees_at: at });
	});

	it('an item handed on comes back: the time it carries is not sent, even with Auto-Map, and is not reported as ignored', async () => {
		const back = [{ id: 'fu_q01', status: 'deal_found', getbill_quota_frees_at: '2026-12-02T10:00:00+01:00' }];
		const result = await run(
			'followup',
			'update',
			{ followupId: { __rl: true, mode: 'id', value: '={{ $json.id }}' }, fieldsToSend: 'autoMapInputData', inputFieldsToIgnore: 'id', options: { whenQuotaRunsOut: 'outputUnsent' } },
			{ items: back },
		);
		expect(result.error).toBeUndefined();
		expect(puts().map((r) => r.body)).toEqual([{ status: 'deal_found' }]);
		expect(result.hints.map((h) => h.message).join(' ')).not.toContain('getbill_quota_frees_at');
		expect(result.outputs).toHaveLength(2);
		expect(result.outputs[1]).toEqual([]);
	});

	it('Wait: a quota that frees up within Max Rate-Limit Wait is waited for; every followup updated once, none refused', async () => {
		server.setQuota('writes', { limit: 25, windowSeconds: 3, used: 0 });
		const started = Date.now();
		const result = await updateAll({ whenQuotaRunsOut: 'wait', maxRateLimitWait: 60 });
		expect(result.error).toBeUndefined();
		expect(result.outputs[0]).toHaveLength(40);
		expect(puts()).toHaveLength(40);
		expect(refused()).toHaveLength(0);
		expect(new Set(puts().map((r) => r.path)).size).toBe(40);
		expect(Date.now() - started).toBeGreaterThanOrEqual(2500);
	});

	it('Wait: a quota that frees up later than Max Rate-Limit Wait stops as Stop does, at once', async () => {
		server.setQuota('writes', { limit: 500, windowSeconds: 300, used: 475 });
		const started = Date.now();
		const result = await updateAll({ whenQuotaRunsOut: 'wait', maxRateLimitWait: 60 });
		expect(Date.now() - started).toBeLessThan(5000);
		expect(puts()).toHaveLength(25);
		expect(result.error!.message).toBe("GetBill's write quota is spent: 25 of 40 items done, 15 not sent");
	});

	it('Continue On Fail with Stop: the 15 not sent become paired error items, the 25 done are output', async () => {
		server.setQuota('writes', { limit: 500, windowSeconds: 300, used: 475 });
		const result = await updateAll({}, { onError: 'continueRegularOutput' });
		const out = result.outputs[0];
		expect(out).toHaveLength(40);
		expect(out.map((o) => o.pairedItem)).toEqual(IDS.map((_, item) => ({ item })));
		expect(out.slice(0, 25).every((o) => o.json.status === 'deal_found')).toBe(true);
		expect(out[25].json.error).toBe("GetBill's write quota is spent: item 25 was not sent [item 25]");
		expect(puts()).toHaveLength(25);
	});

	it('a spent quota that the node learns from a 429 (no header told it): that write is not done, the rest not sent, at most one 429', async () => {
		server.setQuota('writes', { limit: 500, windowSeconds: 300, used: 500 });
		const result = await updateAll({});
		expect(puts()).toHaveLength(1);
		expect(refused()).toHaveLength(1);
		expect(result.error!.name).toBe('NodeApiError');
		expect(result.error!.message).toBe('GetBill rate limit reached: Rate limit exceeded. Please try again later. [item 0]');
		expect(result.error!.description).toContain('0 of 40 items done, 40 not sent. Not sent: items 0 to 39.');
		expect(result.error!.description).toContain('GetBill allows 500 writes');
	});

	it('reads keep their own count: a spent write quota does not hold reads back', async () => {
		server.setQuota('writes', { limit: 500, windowSeconds: 300, used: 500 });
		const result = await run('followup', 'get', { followupId: { __rl: true, mode: 'id', value: 'fu_q01' } });
		expect(result.error).toBeUndefined();
		expect(api().map((r) => [r.method, r.status])).toEqual([['GET', 200]]);
	});

	it('Create Many: a batch is one write; the batches the quota has no room for are not sent', async () => {
		server.setQuota('writes', { limit: 500, windowSeconds: 300, used: 499 });
		const items = Array.from({ length: 5 }, (_, n) => ({ firstname: `Jane${n}`, lastname: 'Smith', amount: 10 + n, currency: 'EUR', email: `jane${n}@example.com` }));
		const result = await run('debt', 'createMany', { fieldsToSend: 'autoMapInputData', options: { batchSize: 2, whenQuotaRunsOut: 'outputUnsent' } }, { items });
		expect(result.error).toBeUndefined();
		expect(api().map((r) => [r.method, r.status, r.body?.debts?.length])).toEqual([['POST', 200, 2]]);
		expect(result.outputs[0].map((o) => o.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(result.outputs[1].map((o) => o.pairedItem)).toEqual([{ item: 2 }, { item: 3 }, { item: 4 }]);
	});
});

describe("n8n's Retry On Fail never sends a write twice", () => {
	const RETRY = { retryOnFail: true, maxTries: 3, waitBetweenTries: 0 };
	const debts = Array.from({ length: 10 }, (_, n) => ({
		firstname: `Jane${n}`,
		lastname: 'Smith',
		amount: 10 + n,
		currency: 'EUR',
		phone: n === 7 ? '+3312' : `+3361234${String(n).padStart(4, '0')}`,
	}));
	const created = () => server.requests.filter((r) => r.method === 'POST' && r.status === 201);

	it('Create, item 7 refused by GetBill: items 0 to 6 created once each over three tries', async () => {
		const result = await run('debt', 'create', { fieldsToSend: 'autoMapInputData' }, { items: debts, settings: RETRY });
		expect(result.error!.message).toMatch(/^GetBill refused to create the debt of Jane7 Smith/);
		const posts = api().filter((r) => r.method === 'POST');
		// 7 creates, then item 7 once per try
		expect(posts.map((r) => r.body.firstname)).toEqual(['Jane0', 'Jane1', 'Jane2', 'Jane3', 'Jane4', 'Jane5', 'Jane6', 'Jane7', 'Jane7', 'Jane7']);
		expect(created()).toHaveLength(7);
	});

	it('Create Many of 10, one row refused: 9 debts created once; the retries send only the refused row', async () => {
		const result = await run('debt', 'createMany', { fieldsToSend: 'autoMapInputData' }, { items: debts, settings: RETRY });
		expect(result.error!.message).toMatch(/^GetBill did not create the debt of item 7: phone: /);
		const batches = api().filter((r) => r.method === 'POST');
		expect(batches.map((r) => r.body.debts.map((d: IDataObject) => d.temp_id))).toEqual([
			['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
			['7'],
			['7'],
		]);
		const debtsCreated = batches.flatMap((r) => r.body.debts.map((d: IDataObject) => d.firstname));
		expect(debtsCreated.filter((name) => name !== 'Jane7')).toHaveLength(9);
		expect(result.error!.description).toContain('GetBill created the debts of 9 item(s)');
	});

	it('a run that succeeds on its second try sends its updates again (safe to repeat: nothing kept of them) and outputs each item once', async () => {
		// The 3rd update fails once with a 500 (not retried by the node: Max Retries 0), then n8n retries the node.
		server.injectFaults({ status: 500, match: (r: { method: string; path: string }) => r.method === 'PUT' && r.path.endsWith('/fu_q02') });
		const result = await run(
			'followup',
			'update',
			{ followupId: { __rl: true, mode: 'id', value: '={{ $json.id }}' }, fieldsToSend: 'autoMapInputData', inputFieldsToIgnore: 'id', options: { maxRetries: 0, concurrency: 1 } },
			{ items: updates.slice(0, 4), settings: RETRY },
		);
		expect(result.error).toBeUndefined();
		expect(puts().map((r) => r.path.split('/').pop())).toEqual(['fu_q00', 'fu_q01', 'fu_q02', 'fu_q00', 'fu_q01', 'fu_q02', 'fu_q03']);
		expect(result.outputs[0].map((o) => [o.json.id, o.pairedItem])).toEqual([
			['fu_q00', { item: 0 }],
			['fu_q01', { item: 1 }],
			['fu_q02', { item: 2 }],
			['fu_q03', { item: 3 }],
		]);
	});
});

describe('Create Many names every refused row', () => {
	it('30 debts, items 4 and 25 refused: both named with their reasons, the 28 created listed item → debt, every output with id', async () => {
		const items = Array.from({ length: 30 }, (_, n) => ({
			firstname: `Jane${n}`,
			lastname: 'Smith',
			amount: 10 + n,
			currency: 'EUR',
			phone: n === 4 || n === 25 ? '+3312' : `+3361234${String(n).padStart(4, '0')}`,
		}));
		const result = await run('debt', 'createMany', { fieldsToSend: 'autoMapInputData' }, { items });
		const error = result.error!;
		expect(error.message).toMatch(/^GetBill did not create the debts of 2 items \(items 4, 25\): item 4: phone: /);
		expect(error.description).toMatch(/- item 4: phone: .+\n- item 25: phone: /);
		expect(error.description).toContain('GetBill created the debts of 28 item(s)');
		const listed = [...error.description!.matchAll(/item (\d+) \(debt "([^"]+)"\)/g)].map((m) => Number(m[1]));
		expect(listed).toEqual(Array.from({ length: 30 }, (_, n) => n).filter((n) => n !== 4 && n !== 25));

		const ok = await run('debt', 'createMany', { fieldsToSend: 'autoMapInputData' }, { items: items.slice(0, 3) });
		expect(ok.outputs[0].map((o) => [o.json.id === o.json.debt_id, typeof o.json.id])).toEqual([
			[true, 'string'],
			[true, 'string'],
			[true, 'string'],
		]);
		expect(api().filter((r) => r.method === 'POST').pop()!.body.debts).toHaveLength(3);
	});

	it('the batch label names exactly the items sent', async () => {
		server.injectFaults({ status: 403, body: { error: true, message: 'Insufficient scope', code: 403 } });
		const items = Array.from({ length: 4 }, (_, n) => ({ firstname: n === 1 ? '' : `Jane${n}`, lastname: 'Smith', amount: 10, currency: 'EUR', email: `j${n}@example.com` }));
		const result = await run('debt', 'createMany', { fieldsToSend: 'autoMapInputData' }, { items, onError: 'continueRegularOutput' });
		const errors = result.outputs[0].map((o) => o.json.error);
		expect(errors[0]).toBe('GetBill denied access: Insufficient scope [items 0, 2, 3]');
	});
});

describe('Create Many, a batch that fails without an answer', () => {
	it('a 500 on the batch: its items are named as sent and maybe created, never as "not sent" or "no debt was created"', async () => {
		server.injectFaults({ status: 500, match: (r: { method: string }) => r.method === 'POST' });
		const items = Array.from({ length: 5 }, (_, n) => ({ firstname: `Jane${n}`, lastname: 'Smith', amount: 10 + n, currency: 'EUR', email: `jane${n}@example.com` }));
		const result = await run('debt', 'createMany', { fieldsToSend: 'autoMapInputData', options: { batchSize: 3 } }, { items });
		expect(api().map((r) => [r.method, r.status])).toEqual([['POST', 500]]);
		const description = result.error!.description!;
		expect(description).toContain('Sent without an answer that says what GetBill did: items 0 to 2. GetBill may have created some of these debts');
		expect(description).not.toContain('No debt was created in this run');
		expect(description).toContain('Not sent (no later batch is sent after a failed one): items 3, 4.');
	});
});
