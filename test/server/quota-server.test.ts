/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-dangerous-functions -- runs the server script for its command line and waits with real timers; tests run in Node.js, not inside n8n Cloud */
/**
 * The GetBill-like server's rate limits, checked over HTTP against
 * /work/shared/api/getbill-api.md "Rate limits": per OAuth client, sliding
 * windows of 500 writes (POST, PUT, PATCH, DELETE) and 1,000 reads (GET) per
 * hour; X-RateLimit-Limit / -Remaining / -Reset / -Window on every answer;
 * past a limit a 429 with {retry_after, limit, reset_time} and no Retry-After.
 * Real short windows and real waits: no fake timers.
 */
import { spawn } from 'child_process';
import * as path from 'path';

import type { Client } from './getbill-server';
import { clientToken } from '../helpers/server';
import { API, DEFAULT_CLIENT, GetBillServer, QUOTA_DEFAULTS, RATE_LIMIT_MESSAGE, quotaKind } from './getbill-server';

/** A second OAuth client, which may also write debts (for a 422) */
const OTHER: Client = {
	clientId: 'other-client',
	clientSecret: 'other-secret',
	scopes: ['followups:read', 'followups:write', 'debts:read', 'debts:write'],
};
const HOUR_MS = 3600 * 1000;
const ISO_Z = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

const server = new GetBillServer({ followupIds: ['fu_1'], clients: [DEFAULT_CLIENT, OTHER] });
let url = '';
let token = '';
let otherToken = '';

const getToken = (client: Client, baseUrl = url): Promise<string> => clientToken(baseUrl, client);

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;
/** An API call; `token: null` sends no Authorization header. */
async function api(method: string, apiPath: string, body?: unknown, options: { token?: string | null; baseUrl?: string } = {}) {
	const headers: Record<string, string> = { Accept: 'application/json' };
	const bearer = options.token === undefined ? token : options.token;
	if (bearer !== null) headers.Authorization = `Bearer ${bearer}`;
	if (body !== undefined) headers['Content-Type'] = 'application/json';
	const response = await fetch(`${options.baseUrl ?? url}${API}${apiPath}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
	return { status: response.status, headers: response.headers, body: (await response.json()) as Json };
}

/** The four rate-limit headers of an answer (Reset as a number) */
function limits(headers: Headers) {
	return {
		limit: headers.get('x-ratelimit-limit'),
		remaining: headers.get('x-ratelimit-remaining'),
		reset: Number(headers.get('x-ratelimit-reset')),
		window: headers.get('x-ratelimit-window'),
	};
}

/** Unix seconds (ceil) of a moment in ms */
const unix = (ms: number) => Math.ceil(ms / 1000);

const write = (options: { token?: string | null } = {}) => api('PUT', '/followups/fu_1', { status: 'sent' }, options);
const read = (options: { token?: string | null } = {}) => api('GET', '/followups/fu_1', undefined, options);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
async function sleepUntil(ms: number) {
	const wait = ms - Date.now();
	if (wait > 0) await sleep(wait);
}

beforeAll(async () => {
	url = await server.start();
	token = await getToken(DEFAULT_CLIENT);
	otherToken = await getToken(OTHER);
});
afterAll(async () => {
	await server.stop();
});
beforeEach(() => server.reset());

describe('the four X-RateLimit headers', () => {
	it('on successful writes and reads, for the quota of their class: limit, remaining after this request, slot freed at, window', async () => {
		const before = Date.now();
		const put = await write();
		const get = await read();
		const after = Date.now();
		expect(put.status).toBe(200);
		expect(get.status).toBe(200);
		const w = limits(put.headers);
		const r = limits(get.headers);
		expect([w.limit, w.remaining, w.window]).toEqual(['500', '499', '3600']);
		expect([r.limit, r.remaining, r.window]).toEqual(['1000', '999', '3600']);
		// the only counted request leaves the window an hour after it came
		for (const { reset } of [w, r]) {
			expect(reset).toBeGreaterThanOrEqual(unix(before + HOUR_MS));
			expect(reset).toBeLessThanOrEqual(unix(after + HOUR_MS));
		}
		expect(put.headers.get('retry-after')).toBeNull();
	});

	it('on 4xx answers too, which count (a 400, 404, 403 or 422 write; a 404 read)', async () => {
		const invalid = await api('PUT', '/followups/fu_1', { status: 'not_a_status' });
		expect(invalid.status).toBe(400);
		expect(limits(invalid.headers)).toMatchObject({ limit: '500', remaining: '499', window: '3600' });
		const missing = await api('PUT', '/followups/nope', { status: 'sent' });
		expect(missing.status).toBe(404);
		expect(limits(missing.headers).remaining).toBe('498');
		const forbidden = await api('DELETE', '/debts/debt_x');
		expect(forbidden.status).toBe(403);
		expect(limits(forbidden.headers).remaining).toBe('497');
		const missingRead = await api('GET', '/followups/nope');
		expect(missingRead.status).toBe(404);
		expect(limits(missingRead.headers)).toMatchObject({ limit: '1000', remaining: '999', window: '3600' });
		expect(server.quotaState('writes').count).toBe(3);
		expect(server.quotaState('reads').count).toBe(1);

		const expensive = await api('POST', '/debts', { firstname: 'A', lastname: 'B', amount: 1, currency: 'EUR', phone: '+212 6 12 34 56 78' }, { token: otherToken });
		expect(expensive.status).toBe(422);
		expect(limits(expensive.headers)).toMatchObject({ limit: '500', remaining: '499' });
		expect(server.quotaState('writes', OTHER.clientId).count).toBe(1);
	});

	it('on 401s: a fresh quota of the class (nothing counted, nothing counted by them)', async () => {
		await write();
		await write();
		await read();
		const before = Date.now();
		const answers = [
			await write({ token: 'at_nope' }),
			await write({ token: null }),
			await read({ token: 'at_nope' }),
			await api('DELETE', '/debts/x', undefined, { token: null }),
		];
		const after = Date.now();
		expect(answers.map((a) => a.status)).toEqual([401, 401, 401, 401]);
		expect(answers.map((a) => [limits(a.headers).limit, limits(a.headers).remaining, limits(a.headers).window])).toEqual([
			['500', '500', '3600'],
			['500', '500', '3600'],
			['1000', '1000', '3600'],
			['500', '500', '3600'],
		]);
		for (const answer of answers) {
			expect(limits(answer.headers).reset).toBeGreaterThanOrEqual(unix(before + HOUR_MS));
			expect(limits(answer.headers).reset).toBeLessThanOrEqual(unix(after + HOUR_MS));
		}
		expect(server.quotaState('writes').count).toBe(2);
		expect(server.quotaState('reads').count).toBe(1);
		expect(server.requests.slice(3).map((r) => r.quota)).toEqual([undefined, undefined, undefined, undefined]);
	});

	it('on injected faults (5xx and others): the token\'s client when it is valid, else a fresh quota; faults count nothing', async () => {
		server.setQuota('writes', { used: 7 });
		server.setQuota('reads', { used: 20 });
		server.injectFaults({ status: 503 }, { status: 502 }, { status: 500 }, { status: 429, body: { error: true, message: 'x', code: 429 }, headers: { 'X-RateLimit-Remaining': '3' } });
		const withToken = await write();
		const readWithToken = await read();
		const withoutToken = await write({ token: 'at_nope' });
		const overridden = await read();
		expect([withToken.status, readWithToken.status, withoutToken.status, overridden.status]).toEqual([503, 502, 500, 429]);
		expect(limits(withToken.headers)).toMatchObject({ limit: '500', remaining: '493', window: '3600' });
		expect(limits(readWithToken.headers)).toMatchObject({ limit: '1000', remaining: '980', window: '3600' });
		expect(limits(withoutToken.headers)).toMatchObject({ limit: '500', remaining: '500', window: '3600' });
		// a fault's own headers win
		expect(limits(overridden.headers)).toMatchObject({ limit: '1000', remaining: '3', window: '3600' });
		expect(server.quotaState('writes').count).toBe(7);
		expect(server.quotaState('reads').count).toBe(20);
		expect(server.requests.map((r) => [r.fault, r.quota])).toEqual([
			[503, undefined],
			[502, undefined],
			[500, undefined],
			[429, undefined],
		]);
	});
});

describe('counting', () => {
	it('POST, PUT, PATCH and DELETE are writes, GET a read; each class has its own count', async () => {
		expect(['POST', 'PUT', 'PATCH', 'DELETE', 'GET'].map(quotaKind)).toEqual(['writes', 'writes', 'writes', 'writes', 'reads']);
		await write();
		await api('PATCH', '/followups/fu_1', { status: 'sent' }); // 404 Endpoint not found: still a write
		await api('POST', '/followups', { debt_id: 'debt_fu_1', status: 'scheduled' });
		await api('DELETE', '/followups/fu_1'); // no such route: still a write
		await read();
		const lastRead = await api('GET', '/followups');
		expect(lastRead.status).toBe(200);
		expect(limits(lastRead.headers).remaining).toBe('998');
		expect(server.quotaState('writes').count).toBe(4);
		expect(server.quotaState('reads').count).toBe(2);
		expect(server.requests.map((r) => [r.method, r.status, r.quota])).toEqual([
			['PUT', 200, { kind: 'writes', remaining: 499 }],
			['PATCH', 404, { kind: 'writes', remaining: 498 }],
			['POST', 201, { kind: 'writes', remaining: 497 }],
			['DELETE', 404, { kind: 'writes', remaining: 496 }],
			['GET', 200, { kind: 'reads', remaining: 999 }],
			['GET', 200, { kind: 'reads', remaining: 998 }],
		]);
	});

	it('with the defaults, exactly 500 writes are accepted, then 429 with the documented body, no Retry-After, not counted', async () => {
		expect(QUOTA_DEFAULTS).toEqual({ writes: { limit: 500, windowSeconds: 3600 }, reads: { limit: 1000, windowSeconds: 3600 } });
		const first = Date.now();
		for (let i = 1; i <= 500; i++) {
			const answer = await write();
			if (answer.status !== 200 || limits(answer.headers).remaining !== String(500 - i)) {
				throw new Error(`write ${i}: ${answer.status}, remaining ${limits(answer.headers).remaining}`);
			}
		}
		const refused = await write();
		const now = Date.now();
		expect(refused.status).toBe(429);
		expect(refused.body).toEqual({
			error: true,
			message: 'Rate limit exceeded. Please try again later.',
			code: 429,
			details: { retry_after: expect.any(Number), limit: 500, reset_time: expect.stringMatching(ISO_Z) },
		});
		expect(RATE_LIMIT_MESSAGE).toBe(refused.body.message);
		expect(Object.keys(refused.body.details)).toEqual(['retry_after', 'limit', 'reset_time']);
		const { retry_after: retryAfter, reset_time: resetTime } = refused.body.details;
		expect(Number.isInteger(retryAfter)).toBe(true);
		// the first write leaves the window an hour after it was counted
		expect(retryAfter).toBeGreaterThan(3590);
		expect(retryAfter).toBeLessThanOrEqual(3600);
		const h = limits(refused.headers);
		expect(h).toMatchObject({ limit: '500', remaining: '0', window: '3600' });
		expect(h.reset).toBeGreaterThanOrEqual(unix(first + HOUR_MS));
		expect(Date.parse(resetTime)).toBe(h.reset * 1000);
		expect(Math.abs(h.reset - now / 1000 - retryAfter)).toBeLessThan(1.5);
		expect(refused.headers.get('retry-after')).toBeNull();
		// not counted, logged as a 429; reads still go through
		expect(server.quotaState('writes').count).toBe(500);
		expect(server.requests[server.requests.length - 1]).toMatchObject({ method: 'PUT', status: 429 });
		expect(server.requests[server.requests.length - 1]!.quota).toBeUndefined();
		expect((await write()).status).toBe(429);
		const get = await read();
		expect(get.status).toBe(200);
		expect(limits(get.headers).remaining).toBe('999');
	});

	it('reads get their own 429 at their own limit, with the read quota in the body and headers', async () => {
		server.setQuota('reads', { limit: 2 });
		expect((await read()).status).toBe(200);
		const last = await read();
		expect(last.status).toBe(200);
		expect(limits(last.headers)).toMatchObject({ limit: '2', remaining: '0' });
		const refused = await read();
		expect(refused.status).toBe(429);
		expect(refused.body).toMatchObject({ code: 429, message: RATE_LIMIT_MESSAGE, details: { limit: 2 } });
		expect(limits(refused.headers)).toMatchObject({ limit: '2', remaining: '0', window: '3600' });
		expect(Date.parse(refused.body.details.reset_time)).toBe(limits(refused.headers).reset * 1000);
		expect(refused.headers.get('retry-after')).toBeNull();
		const put = await write();
		expect(put.status).toBe(200);
		expect(limits(put.headers)).toMatchObject({ limit: '500', remaining: '499' });
	});

	it('two clients have separate quotas', async () => {
		server.setQuota('writes', { used: 500 });
		expect((await write()).status).toBe(429);
		const other = await write({ token: otherToken });
		expect(other.status).toBe(200);
		expect(limits(other.headers)).toMatchObject({ limit: '500', remaining: '499' });
		expect(server.quotaState('writes').count).toBe(500);
		expect(server.quotaState('writes', OTHER.clientId).count).toBe(1);
		server.setQuota('reads', { limit: 1 }, OTHER.clientId); // the limit is the class's, for every client
		expect((await read({ token: otherToken })).status).toBe(200);
		expect((await read({ token: otherToken })).status).toBe(429);
		expect((await read()).status).toBe(200);
		expect((await read()).status).toBe(429);
		// the deprecated single counter sums the writes of every client
		expect(server.rateLimit).toEqual({ limit: 500, window: 3600, used: 501 });
	});
});

describe('the sliding window', () => {
	it('frees one slot when the oldest counted write leaves it, not the whole quota at once', async () => {
		server.setQuota('writes', { limit: 2, windowSeconds: 2 });
		const a = await write();
		expect(limits(a.headers)).toMatchObject({ limit: '2', remaining: '1', window: '2' });
		const aLeaves = server.quotaState('writes').resetAt;
		await sleep(1100);
		const b = await write();
		expect(b.status).toBe(200);
		expect(limits(b.headers).remaining).toBe('0');
		// the slot frees up when a leaves, not 2 s after b
		expect(limits(b.headers).reset).toBe(unix(aLeaves));
		const full = await write();
		expect(full.status).toBe(429);
		expect(full.body.details).toMatchObject({ limit: 2, retry_after: 1 });
		expect(Date.parse(full.body.details.reset_time)).toBe(unix(aLeaves) * 1000);

		await sleepUntil(aLeaves + 30);
		const c = await write();
		expect(c.status).toBe(200);
		expect(limits(c.headers).remaining).toBe('0');
		// b is still in the window: a sliding window, not a fixed one that reset
		const stillFull = await write();
		expect(stillFull.status).toBe(429);
		expect(server.quotaState('writes').count).toBe(2);

		await sleepUntil(server.quotaState('writes').resetAt + 30);
		const d = await write();
		expect(d.status).toBe(200);
		expect(limits(d.headers).remaining).toBe('0');
		expect(server.requests.map((r) => r.status)).toEqual([200, 200, 429, 200, 429, 200]);
	});
});

describe('setQuota, quotaState and reset', () => {
	it('used counts that many requests for the client, stamped usedAgoSeconds before now, replacing its window', async () => {
		const before = Date.now();
		server.setQuota('writes', { used: 3, usedAgoSeconds: 600 });
		const state = server.quotaState('writes');
		expect(state).toMatchObject({ limit: 500, windowSeconds: 3600, count: 3, remaining: 497 });
		expect(state.resetAt).toBeGreaterThanOrEqual(before - 600_000 + HOUR_MS);
		expect(state.resetAt).toBeLessThanOrEqual(Date.now() - 600_000 + HOUR_MS);
		const put = await write();
		expect(limits(put.headers).remaining).toBe('496');
		expect(limits(put.headers).reset).toBe(unix(state.resetAt));

		server.setQuota('writes', { used: 1 });
		expect(server.quotaState('writes').count).toBe(1);
		// stamped beyond the window: already gone
		server.setQuota('writes', { used: 4, usedAgoSeconds: 3600 });
		expect(server.quotaState('writes').count).toBe(0);
		// other clients and the other class are untouched
		await read({ token: otherToken });
		server.setQuota('reads', { used: 9 });
		expect(server.quotaState('reads', OTHER.clientId).count).toBe(1);
		expect(server.quotaState('reads').count).toBe(9);
		expect(server.quotaState('writes').count).toBe(0);
	});

	it('a full window of old requests empties when they leave it', async () => {
		server.setQuota('writes', { limit: 5, used: 5, usedAgoSeconds: 3599.4 });
		const refused = await write();
		expect(refused.status).toBe(429);
		expect(refused.body.details).toMatchObject({ retry_after: 1, limit: 5 });
		await sleepUntil(server.quotaState('writes').resetAt + 30);
		const accepted = await write();
		expect(accepted.status).toBe(200);
		expect(limits(accepted.headers)).toMatchObject({ limit: '5', remaining: '4' });
	});

	it('refuses what it cannot mean', () => {
		// @ts-expect-error an unknown class
		expect(() => server.setQuota('deletes', { limit: 1 })).toThrow(TypeError);
		expect(() => server.setQuota('writes', { used: -1 })).toThrow(/used/);
		expect(() => server.setQuota('writes', { limit: 1.5 })).toThrow(/limit/);
		expect(() => server.setQuota('reads', { windowSeconds: 0 })).toThrow(/windowSeconds/);
		expect(() => server.setQuota('writes', { usedAgoSeconds: 5 })).toThrow(/usedAgoSeconds/);
		expect(() => new GetBillServer({ quota: { reads: { limit: -1 } } })).toThrow(/limit/);
		expect(server.quotaState('writes')).toMatchObject({ limit: 500, windowSeconds: 3600 });
	});

	it('reset() empties every window and restores the limits and windows given to the constructor', async () => {
		server.setQuota('writes', { limit: 2, windowSeconds: 1 });
		server.setQuota('reads', { limit: 3, used: 3 });
		await write();
		await write({ token: otherToken });
		server.reset();
		for (const clientId of [DEFAULT_CLIENT.clientId, OTHER.clientId]) {
			expect(server.quotaState('writes', clientId)).toMatchObject({ limit: 500, windowSeconds: 3600, count: 0, remaining: 500 });
			expect(server.quotaState('reads', clientId)).toMatchObject({ limit: 1000, windowSeconds: 3600, count: 0, remaining: 1000 });
		}
		expect(limits((await write()).headers)).toMatchObject({ limit: '500', remaining: '499', window: '3600' });

		const configured = new GetBillServer({ rateLimit: 9, quota: { writes: { limit: 3, windowSeconds: 60, used: 1 }, reads: { limit: 7 } } });
		configured.setQuota('writes', { limit: 50, windowSeconds: 5, used: 20 });
		configured.setQuota('reads', { limit: 70 });
		configured.reset();
		expect(configured.quotaState('writes')).toMatchObject({ limit: 3, windowSeconds: 60, count: 1, remaining: 2 });
		expect(configured.quotaState('reads')).toMatchObject({ limit: 7, windowSeconds: 3600, count: 0, remaining: 7 });
		// the old rateLimit option is the writes limit
		expect(new GetBillServer({ rateLimit: 42 }).quotaState('writes').limit).toBe(42);
	});
});

describe('the command line', () => {
	/** Runs the server script with these flags; returns its base URL and a stop function. */
	async function runCli(flags: string[]): Promise<{ baseUrl: string; stop: () => Promise<void> }> {
		const child = spawn(process.execPath, [path.join(__dirname, 'getbill-server.js'), '--port', '0', ...flags], { stdio: ['ignore', 'pipe', 'pipe'] });
		const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
		const baseUrl = await new Promise<string>((resolve, reject) => {
			let out = '';
			child.stdout.on('data', (chunk: Buffer) => {
				out += chunk.toString();
				const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
				if (match) resolve(match[1]);
			});
			child.once('exit', (code) => reject(new Error(`server exited (${code}): ${out}`)));
		});
		return {
			baseUrl,
			stop: async () => {
				child.kill('SIGTERM');
				await exited;
			},
		};
	}

	it('takes --write-limit, --write-window, --read-limit, --read-window, and --rate-limit as the old name of --write-limit', async () => {
		const cli = await runCli(['--write-limit', '2', '--write-window', '120', '--read-limit', '7', '--read-window', '60']);
		try {
			const cliToken = await getToken(DEFAULT_CLIENT, cli.baseUrl);
			const opts = { token: cliToken, baseUrl: cli.baseUrl };
			const statuses: number[] = [];
			for (let i = 0; i < 3; i++) statuses.push((await api('PUT', '/followups/abc123def456', { status: 'sent' }, opts)).status);
			expect(statuses).toEqual([200, 200, 429]);
			const get = await api('GET', '/followups/abc123def456', undefined, opts);
			expect(limits(get.headers)).toMatchObject({ limit: '7', remaining: '6', window: '60' });
			const put = await api('PUT', '/followups/abc123def456', { status: 'sent' }, opts);
			expect(limits(put.headers)).toMatchObject({ limit: '2', remaining: '0', window: '120' });
		} finally {
			await cli.stop();
		}
		const alias = await runCli(['--rate-limit', '3']);
		try {
			const answer = await api('PUT', '/followups/abc123def456', { status: 'sent' }, { token: await getToken(DEFAULT_CLIENT, alias.baseUrl), baseUrl: alias.baseUrl });
			expect(limits(answer.headers)).toMatchObject({ limit: '3', remaining: '2', window: '3600' });
		} finally {
			await alias.stop();
		}
	});
});
