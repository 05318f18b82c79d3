/**
 * Volume and failure: retries of temporary errors, rate-limit waits, bounded
 * concurrency with one token, and nothing lost under injected faults.
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { decideRetry, DEFAULT_RETRY_POLICY, isTransient } from '../../nodes/GetBill/transport/retry';
import type { Fault } from '../server/getbill-server';
import { runGetBill } from '../helpers/n8n-harness';
import { useGetBillServer } from '../helpers/server';

const ids = Array.from({ length: 300 }, (_, i) => `f-${String(i).padStart(3, '0')}`);
const gb = useGetBillServer({ followupIds: ['f1', ...ids] });
const { server } = gb;
beforeEach(() => {
	server.latencyMs = 0;
});

const params = (updateFields: IDataObject, options: IDataObject = {}, followupId = 'f1'): INodeParameters =>
	({ followupId, updateFields, options }) as INodeParameters;
const fault = (status: number, details?: IDataObject): Fault => ({
	status,
	body: { error: true, message: status === 429 ? 'Rate limit exceeded. Please try again later.' : 'Service unavailable', code: status, ...(details ? { details } : {}) },
});

describe('retry decisions', () => {
	const policy = { ...DEFAULT_RETRY_POLICY, baseDelayMs: 1000, maxDelayMs: 30_000 };

	it('retries 429, 502, 503, 504 and broken connections only', () => {
		for (const status of [429, 502, 503, 504]) expect(isTransient({ status })).toBe(true);
		for (const status of [400, 401, 403, 404, 422, 500]) expect(isTransient({ status })).toBe(false);
		for (const networkCode of ['ECONNRESET', 'ETIMEDOUT', 'ECONNABORTED']) expect(isTransient({ networkCode })).toBe(true);
		for (const networkCode of ['ECONNREFUSED', 'ENOTFOUND']) expect(isTransient({ networkCode })).toBe(false);
		expect(isTransient({ rawMessage: 'socket hang up' })).toBe(true);
	});

	it('backs off exponentially with jitter, within bounds', () => {
		const delays = [0, 1, 2, 3].map((n) => [
			(decideRetry({ status: 503 }, n, { ...policy, maxRetries: 10 }, () => 0) as { delayMs: number }).delayMs,
			(decideRetry({ status: 503 }, n, { ...policy, maxRetries: 10 }, () => 0.999) as { delayMs: number }).delayMs,
		]);
		expect(delays).toEqual([
			[500, 1000],
			[1000, 1999],
			[2000, 3998],
			[4000, 7996],
		]);
		expect((decideRetry({ status: 503 }, 9, { ...policy, maxRetries: 10 }, () => 1) as { delayMs: number }).delayMs).toBe(30_000);
	});

	it('waits what GetBill asks on a 429, unless that is beyond the maximum', () => {
		expect(decideRetry({ status: 429, body: { details: { retry_after: 12 } } }, 0, policy, () => 0)).toEqual({ retry: true, delayMs: 12_000 });
		expect(decideRetry({ status: 429, retryAfterHeader: '5' }, 0, policy, () => 0)).toEqual({ retry: true, delayMs: 5000 });
		expect(decideRetry({ status: 429, body: { details: { retry_after: 1800 } } }, 0, policy)).toEqual({ retry: false, rateLimitWaitSeconds: 1800 });
		expect(decideRetry({ status: 429 }, 0, policy, () => 0)).toEqual({ retry: true, delayMs: 500 });
	});

	it('stops after the maximum number of retries', () => {
		expect(decideRetry({ status: 503 }, 3, policy)).toEqual({ retry: false });
		expect(decideRetry({ status: 503 }, 0, { ...policy, maxRetries: 0 })).toEqual({ retry: false });
	});
});

describe('retries inside a run', () => {
	it('retries a 503 and a dropped connection, then outputs the update', async () => {
		server.injectFaults(fault(503), { drop: true });
		const result = await runGetBill({ credentials: gb.credentials, parameters: params({ status: 'sent' }) });
		expect(result.error).toBeUndefined();
		expect(server.requests.map((r) => r.fault ?? r.status)).toEqual([503, 'drop', 200]);
		expect(result.outputs[0]).toHaveLength(1);
		expect(result.outputs[0][0].json.status).toBe('sent');
	});

	it('waits GetBill\'s retry_after on a 429, then succeeds', async () => {
		server.injectFaults(fault(429, { retry_after: 1, limit: 500 }));
		const started = Date.now();
		const result = await runGetBill({ credentials: gb.credentials, parameters: params({ status: 'sent' }) });
		expect(result.error).toBeUndefined();
		const [first, second] = server.requests;
		expect(second.startedAt - first.endedAt!).toBeGreaterThanOrEqual(1000);
		expect(Date.now() - started).toBeLessThan(5000);
	});

	it('fails at once when GetBill asks to wait longer than Max Rate-Limit Wait', async () => {
		server.injectFaults(fault(429, { retry_after: 1800, limit: 500, reset_time: '2024-01-15T10:30:00Z' }));
		const started = Date.now();
		const result = await runGetBill({ credentials: gb.credentials, parameters: params({ status: 'sent' }) });
		expect(Date.now() - started).toBeLessThan(1000);
		expect(server.requests).toHaveLength(1);
		expect(result.error!.message).toBe('GetBill rate limit reached: Rate limit exceeded. Please try again later.');
		expect(result.error!.description).toContain('GetBill asks to wait 30 minutes (1800 seconds), longer than the node\'s Max Rate-Limit Wait (60 seconds)');
		expect(result.error!.description).toContain('The limit resets at 2024-01-15T10:30:00Z.');
	});

	it('a larger Max Rate-Limit Wait lets it wait', async () => {
		server.injectFaults(fault(429, { retry_after: 2 }));
		const result = await runGetBill({ credentials: gb.credentials, parameters: params({ status: 'sent' }, { maxRateLimitWait: 1 }) });
		expect(result.error!.description).toContain('longer than the node\'s Max Rate-Limit Wait (1 seconds)');
		server.reset();
		server.injectFaults(fault(429, { retry_after: 1 }));
		const waited = await runGetBill({ credentials: gb.credentials, parameters: params({ status: 'sent' }, { maxRateLimitWait: 1 }) });
		expect(waited.error).toBeUndefined();
	});

	it.each([400, 403, 404, 422, 500])('never retries a %i', async (status) => {
		server.injectFaults({ status, body: { error: true, message: 'No', code: status } });
		const result = await runGetBill({ credentials: gb.credentials, parameters: params({ status: 'sent' }) });
		expect(result.error!.name).toBe('NodeApiError');
		expect(server.requests).toHaveLength(1);
	});

	it('gives up after Max Retries and says how often it tried', async () => {
		server.injectFaults(fault(503), fault(503), fault(503));
		const result = await runGetBill({ credentials: gb.credentials, parameters: params({ status: 'sent' }, { maxRetries: 2 }) });
		expect(server.requests.map((r) => r.status)).toEqual([503, 503, 503]);
		expect(result.error!.message).toBe('GetBill had a server error (503): Service unavailable');
		expect(result.error!.description).toContain('The request was sent 3 times.');
	});

	it.each([
		[{ maxRetries: 11 }, 'Max Retries must be a whole number from 0 to 10: 11 [item 0]'],
		[{ concurrency: 0 }, 'Concurrency must be a whole number from 1 to 20: 0 [item 0]'],
		[{ maxRateLimitWait: -1 }, 'Max Rate-Limit Wait (Seconds) must be a whole number from 0 to 3600: -1 [item 0]'],
	])('refuses the option %p before any request', async (options, message) => {
		const result = await runGetBill({ credentials: gb.credentials, parameters: params({ status: 'sent' }, options) });
		expect(result.error!.message).toBe(message);
		expect(server.requests).toHaveLength(0);
	});
});

describe('concurrency', () => {
	it('runs at most Concurrency requests at once, the first one alone, output in input order', async () => {
		server.latencyMs = 40;
		const items = ids.slice(0, 30).map((id, i) => ({ id, n: i }));
		const result = await runGetBill({
			credentials: gb.credentials,
			items,
			parameters: params({ summary: '={{ "n" + $json.n }}' }, { concurrency: 4 }, '={{ $json.id }}'),
		});
		expect(result.error).toBeUndefined();
		expect(server.maxInFlight).toBe(4);
		expect(server.tokenRequests).toHaveLength(1);
		const sorted = [...server.requests].sort((a, b) => a.startedAt - b.startedAt);
		expect(sorted.slice(1).every((r) => r.startedAt >= sorted[0].endedAt!)).toBe(true);
		const [out] = result.outputs;
		expect(out.map((i) => i.json.id)).toEqual(items.map((i) => i.id));
		expect(out.map((i) => i.json.summary)).toEqual(items.map((i) => `n${i.n}`));
		expect(out.map((i) => i.pairedItem)).toEqual(items.map((_, item) => ({ item })));
	});

	it('defaults to 5 at once', async () => {
		server.latencyMs = 30;
		const items = ids.slice(0, 20).map((id) => ({ id }));
		await runGetBill({ credentials: gb.credentials, items, parameters: params({ status: 'sent' }, {}, '={{ $json.id }}') });
		expect(server.maxInFlight).toBe(5);
	});

	it('keeps the first item alone until a request reached GetBill (invalid items first)', async () => {
		server.latencyMs = 20;
		const items = [{ s: 'bad' }, { s: 'bad' }, ...Array.from({ length: 10 }, () => ({ s: 'sent' }))];
		const result = await runGetBill({
			credentials: gb.credentials,
			items: items.map((it, i) => ({ ...it, id: ids[i] })),
			parameters: params({ status: '={{ $json.s }}' }, {}, '={{ $json.id }}'),
			onError: 'continueRegularOutput',
		});
		expect(server.tokenRequests).toHaveLength(1);
		expect(result.outputs[0].map((i) => (i.json.error ? 'error' : i.json.status))).toEqual(['error', 'error', ...Array(10).fill('sent')]);
	});

	it('stops scheduling after a failure when not continuing, and reports the earliest failing item', async () => {
		const items = ids.slice(0, 40).map((id, i) => ({ id: i === 7 ? 'missing' : id }));
		const result = await runGetBill({ credentials: gb.credentials, items, parameters: params({ status: 'failed' }, { concurrency: 3 }, '={{ $json.id }}') });
		expect(result.error!.message).toBe('Followup "missing" not found: Followup not found');
		expect((result.error as unknown as { context: IDataObject }).context.itemIndex).toBe(7);
		expect(server.requests.length).toBeLessThan(40);
	});
});

describe('fault test: 300 updates under injected 429s, 503s and dropped connections', () => {
	it('applies every update or reports it as an error item, loses none, uses one token', async () => {
		const exhausted = new Set(['f-013', 'f-250']);
		const faults: Fault[] = [];
		// four 503s in a row for two followups: more than Max Retries (3)
		for (const id of exhausted) for (let i = 0; i < 4; i++) faults.push({ ...fault(503), match: (r) => r.rawPath.endsWith(`/${id}`) });
		// one fault on the first request of 50 other followups, spread over the batch
		const target = (n: number) => ({ match: (r: { rawPath: string }) => r.rawPath.endsWith(`/${ids[n]}`) });
		for (let i = 0; i < 20; i++) faults.push({ ...fault(429, { retry_after: 1, limit: 500 }), ...target(6 * i + 2) });
		for (let i = 0; i < 20; i++) faults.push({ ...fault(503), ...target(6 * i + 4) });
		for (let i = 0; i < 10; i++) faults.push({ drop: true, ...target(6 * i + 125) });
		server.injectFaults(...faults);
		server.latencyMs = 2;
		const items = ids.map((id, i) => ({ id, n: i }));
		const result = await runGetBill({
			credentials: gb.credentials,
			items,
			parameters: params({ status: 'delivered', summary: '={{ "batch " + $json.n }}' }, {}, '={{ $json.id }}'),
			onError: 'continueRegularOutput',
		});
		expect(result.error).toBeUndefined();
		const [out] = result.outputs;
		expect(out).toHaveLength(300);
		expect(out.map((i) => i.pairedItem)).toEqual(ids.map((_, item) => ({ item })));
		const failed = out.filter((i) => i.json.error);
		expect(failed.map((i) => (i.pairedItem as { item: number }).item)).toEqual([13, 250]);
		for (const item of failed) expect(item.json.description).toContain('The request was sent 4 times.');
		ids.forEach((id, n) => {
			const followup = server.getFollowup(id)!;
			if (exhausted.has(id)) expect(followup.status).not.toBe('delivered');
			else expect([id, followup.status, followup.summary]).toEqual([id, 'delivered', `batch ${n}`]);
		});
		const injected = server.requests.filter((r) => r.fault !== undefined);
		const byKind = (kind: number | 'drop') => injected.filter((r) => r.fault === kind).length;
		expect(server.faults).toHaveLength(0); // every injected fault was met
		expect([byKind(429), byKind(503), byKind('drop')]).toEqual([20, 28, 10]);
		// every fault costs one extra request, except the last of each exhausted followup
		expect(server.requests).toHaveLength(300 + injected.length - exhausted.size);
		expect(server.tokenRequests).toHaveLength(1);
		const lost = ids.filter((id, n) => !exhausted.has(id) && server.getFollowup(id)!.summary !== `batch ${n}`).length;
		// eslint-disable-next-line no-console -- the fault test reports its figures
		console.log(
			`fault test: ${items.length} items, ${injected.length} injected faults (${byKind(429)}×429, ${byKind(503)}×503, ${byKind('drop')} dropped), ` +
				`${server.requests.length - items.length} retries, ${failed.length} error items (retries ran out), ` +
				`${server.tokenRequests.length} token request, lost=${lost}`,
		);
		expect(lost).toBe(0);
	}, 120_000);
});
