/**
 * GetBill's time is not n8n's (issue #28, point 4): an instant GetBill
 * announces (X-RateLimit-Reset, a 429's reset_time, an HTTP-date Retry-After)
 * is on its clock. The node reads the time left until it as GetBill measures
 * it (the instant minus the answer's Date header) and applies it on its own
 * clock; answers are still ordered by GetBill's own Reset values.
 */
import { describeFailure, extractHttpFailure } from '../../nodes/GetBill/transport/errors';
import { fromGetBillClock, Quota, readQuotaHeaders } from '../../nodes/GetBill/transport/quota';
import { retryAfterSeconds } from '../../nodes/GetBill/transport/retry';

/** An instant of n8n's clock, whole seconds (as HTTP dates are) */
const NOW = Math.floor(Date.now() / 1000) * 1000;
/** GetBill's clock is 5 minutes ahead */
const AHEAD = 5 * 60_000;
const httpDate = (ms: number) => new Date(ms).toUTCString();

/** An answer of GetBill's at NOW (its Date: NOW + AHEAD), its quota freeing up `resetInS` later on its clock */
const answer = (remaining: number, resetInS: number, dateOffsetMs = 0) => ({
	'x-ratelimit-limit': '4',
	'x-ratelimit-remaining': String(remaining),
	'x-ratelimit-reset': String((NOW + AHEAD) / 1000 + resetInS),
	'x-ratelimit-window': '10',
	date: httpDate(NOW + AHEAD + dateOffsetMs),
});

describe("X-RateLimit-Reset is read on GetBill's clock: Reset − Date, from when the answer arrived", () => {
	it('GetBill 5 minutes ahead, its quota freeing up 2 s later: free at n8n\'s now + 2 s; without a Date header, Reset as it is', () => {
		expect(readQuotaHeaders(answer(0, 2), NOW)).toEqual({
			limit: 4,
			remaining: 0,
			reset: NOW + AHEAD + 2000,
			resetAt: NOW + 2000,
			windowSeconds: 10,
		});
		const noDate: Record<string, string> = answer(0, 2);
		delete noDate.date;
		expect(readQuotaHeaders(noDate, NOW)?.resetAt).toBe(NOW + AHEAD + 2000);
		// Header names in any case; a Reset before the Date (GetBill late in answering) frees up now, never in the past
		expect(readQuotaHeaders({ ...noDate, Date: httpDate(NOW + AHEAD + 5000) }, NOW)?.resetAt).toBe(NOW);
		expect(fromGetBillClock(NOW + AHEAD + 2000, 'not a date', NOW)).toBe(NOW + AHEAD + 2000);
	});

	it('a Quota told by such an answer is spent 2 s, not 5 minutes; the next request goes when they are over', () => {
		const q = new Quota();
		q.start();
		q.answered(answer(0, 2), NOW);
		expect(q.check(NOW)).toEqual({ spentUntil: NOW + 2000 });
		expect(q.snapshot()?.resetAt).toBe(NOW + 2000);
		expect(q.check(NOW + 2001)).toEqual({ go: true });
	});

	it("answers are ordered by GetBill's own Reset, not by the converted times (a Date in whole seconds moves them by up to 1 s)", () => {
		const q = new Quota();
		q.start();
		q.answered(answer(3, 10), NOW);
		q.start();
		q.start();
		// Counted later (Reset 1 s later on GetBill's clock, 2 slots freed), but its Date is 2 s later too: converted, it frees up earlier
		q.answered(answer(5, 11, 2000), NOW);
		expect(q.remaining).toBe(5);
		// An older answer (the first Reset) whose Date is 1 s earlier: converted, it would look later; it is not believed
		q.answered(answer(9, 10, -1000), NOW);
		expect(q.remaining).toBe(5);
		// What the node waits for is on n8n's clock
		expect(q.resetAt).toBe(NOW + 11_000);
	});

	it("a 429's X-RateLimit headers, where kept, with its Date: on n8n's clock", () => {
		const q = new Quota();
		q.start();
		const { date, ...quotaHeaders } = answer(0, 3);
		q.refused(NOW + 1000, 4, quotaHeaders, date, NOW);
		expect(q.check(NOW)).toEqual({ spentUntil: NOW + 3000 });
	});
});

describe("a failure's Date header, and the instants measured against it", () => {
	it('extractHttpFailure keeps the Date header of the answer, and no header but the ones it names', () => {
		const failure = extractHttpFailure({
			response: {
				status: 429,
				data: { message: 'Rate limit exceeded. Please try again later.' },
				headers: { date: httpDate(NOW + AHEAD), 'set-cookie': 'session=secret', 'x-ratelimit-remaining': '0', server: 'getbill' },
			},
		});
		expect(failure).toEqual({
			status: 429,
			body: { message: 'Rate limit exceeded. Please try again later.' },
			dateHeader: httpDate(NOW + AHEAD),
			quotaHeaders: { 'x-ratelimit-remaining': '0' },
		});
	});

	it('a Retry-After that is an HTTP date is measured against the Date header: 30 s, not 5 minutes and 30 s', () => {
		expect(retryAfterSeconds({ status: 429, retryAfterHeader: httpDate(NOW + AHEAD + 30_000), dateHeader: httpDate(NOW + AHEAD) })).toBe(30);
	});

	it("a 429's reset_time is shown on n8n's clock when the answer's Date says how far GetBill's is", () => {
		const failure = {
			status: 429,
			body: { message: 'Rate limit exceeded. Please try again later.', details: { retry_after: 120, reset_time: new Date(NOW + AHEAD + 120_000).toISOString() } },
			dateHeader: httpDate(NOW + AHEAD),
		};
		const shown = /The limit resets at (\S+Z)\./.exec(describeFailure(failure, { action: 'update followup "abc"' }).description)?.[1];
		const resetsAt = Date.parse(shown!);
		// 2 minutes from now (the time it took to get here aside), not 7
		expect(resetsAt).toBeGreaterThanOrEqual(NOW + 120_000);
		expect(resetsAt).toBeLessThan(Date.now() + 121_000);
	});
});
