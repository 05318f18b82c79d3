/** What the node knows of one GetBill quota, from the answers' X-RateLimit headers (transport/quota.ts). */
import { allowance, itemRanges, Quota, readQuotaHeaders } from '../../nodes/GetBill/transport/quota';

const headers = (remaining: number, resetInS = 300, limit = 500, window = 3600) => ({
	'x-ratelimit-limit': String(limit),
	'x-ratelimit-remaining': String(remaining),
	'x-ratelimit-reset': String(Math.ceil(Date.now() / 1000) + resetInS),
	'x-ratelimit-window': String(window),
});

describe('Quota', () => {
	it('sends one request while it knows nothing, then as many as the answer says are left, in-flight ones counted', () => {
		const q = new Quota();
		expect(q.check()).toEqual({ go: true });
		q.start();
		expect(q.check()).toEqual({ waitForAnswer: true });
		q.answered(headers(3));
		for (let n = 0; n < 3; n++) {
			expect(q.check()).toEqual({ go: true });
			q.start();
		}
		expect(q.check()).toEqual({ waitForAnswer: true });
	});

	it('answers out of GetBill\'s order never raise what is left: 2 left, answers say 0 then 1 → spent', () => {
		const q = new Quota();
		q.start();
		q.answered(headers(2));
		q.start();
		q.start();
		// GetBill counted the second request last (Remaining 0) but its answer arrives first
		q.answered(headers(0));
		q.answered(headers(1));
		expect(q.check()).toEqual({ spentUntil: expect.any(Number) });
		expect(q.spentBy).toBe('headers');
	});

	it('a failed write with no header still counts (GetBill counts a refused write)', () => {
		const q = new Quota();
		q.start();
		q.answered(headers(1));
		q.start();
		q.failed();
		expect('spentUntil' in q.check()).toBe(true);
	});

	it('once the spent quota frees up (Reset passed), one request goes first again', () => {
		const q = new Quota();
		q.start();
		q.answered(headers(0, -1));
		expect(q.check()).toEqual({ go: true });
		q.start();
		expect(q.check()).toEqual({ waitForAnswer: true });
	});

	it('a 429 marks the quota spent until its retry_after, with the limit it names', () => {
		const q = new Quota();
		q.start();
		const until = Date.now() + 60_000;
		q.refused(until, 25);
		expect(q.check()).toEqual({ spentUntil: until });
		expect([q.limit, q.spentBy]).toEqual([25, '429']);
	});

	it('a 429 blocks until its retry_after, no longer: answers and failures of requests sent before neither move nor re-label it', () => {
		const q = new Quota();
		q.start();
		q.answered(headers(498, 3600));
		q.start();
		q.start();
		q.start();
		const until = Date.now() + 1000;
		q.refused(until, 500);
		q.answered(headers(497, 3600));
		q.failed();
		expect(q.check()).toEqual({ spentUntil: until });
		expect(q.spentBy).toBe('429');
		expect(q.check(until + 1)).toEqual({ go: true });
	});

	it('answers without the headers turn the count off (nothing to go by)', () => {
		const q = new Quota();
		q.start();
		q.answered({ 'content-type': 'application/json' });
		for (let n = 0; n < 50; n++) q.start();
		expect(q.check()).toEqual({ go: true });
	});

	it('restores a spent quota from an earlier try, not one that has freed up', () => {
		const spent = new Quota({ remaining: 0, resetAt: Date.now() + 60_000, limit: 500 });
		expect('spentUntil' in spent.check()).toBe(true);
		const freed = new Quota({ remaining: 0, resetAt: Date.now() - 1 });
		expect(freed.check()).toEqual({ go: true });
	});
});

describe('wording', () => {
	it('reads the four headers in any case; not without Limit and Remaining', () => {
		expect(readQuotaHeaders({ 'X-RateLimit-Limit': '25', 'X-RateLimit-Remaining': '3', 'X-RateLimit-Reset': '1700000000', 'X-RateLimit-Window': '300' })).toEqual({
			limit: 25,
			remaining: 3,
			// GetBill's own Reset (to order answers), and the same on n8n's clock (no Date header here: as it is)
			reset: 1_700_000_000_000,
			resetAt: 1_700_000_000_000,
			windowSeconds: 300,
		});
		expect(readQuotaHeaders({ 'x-ratelimit-remaining': '3' })).toBeUndefined();
	});

	it('names the limit and window GetBill announced', () => {
		expect(allowance('writes', 500, 3600)).toBe('GetBill allows 500 writes per hour per OAuth client');
		expect(allowance('writes', 25, 300)).toBe('GetBill allows 25 writes per 5 minutes per OAuth client');
		expect(allowance('writes', 25, 10)).toBe('GetBill allows 25 writes per 10 seconds per OAuth client');
		expect(allowance('writes', 25, undefined)).toBe('GetBill allows 25 writes per OAuth client in its sliding window');
		expect(allowance('reads', undefined, 3600)).toBe('GetBill limits the reads of each OAuth client');
	});

	it('lists items as ranges, none left out', () => {
		expect(itemRanges([25, 26, 27, 39, 30, 31, 5])).toBe('5, 25 to 27, 30, 31, 39');
		expect(itemRanges(Array.from({ length: 1000 }, (_, n) => n))).toBe('0 to 999');
	});
});

describe('Quota after a 429', () => {
	it('stays spent until the 429 says, whatever answers of requests sent before it say (a 429 of a burst limit, a proxy)', () => {
		const q = new Quota();
		q.start();
		q.answered(headers(480, 3600));
		q.start();
		q.start();
		const until = Date.now() + 1000;
		q.refused(until);
		// The other request was under way before the 429: its answer says 479 left, the window frees up in an hour
		q.answered(headers(479, 3600));
		expect(q.check()).toEqual({ spentUntil: until });
		expect(q.spentBy).toBe('429');
	});

	it('once the 429\'s time has passed, one request goes first and its answer tells', () => {
		const q = new Quota();
		q.start();
		q.refused(Date.now() - 1);
		expect(q.check()).toEqual({ go: true });
		q.start();
		expect(q.check()).toEqual({ waitForAnswer: true });
		q.answered(headers(480, 3600));
		expect(q.check()).toEqual({ go: true });
	});
});

describe('Quota as the window slides', () => {
	it('an answer with a later Reset is the latest GetBill counted: the slots freed since count', () => {
		const q = new Quota();
		q.start();
		q.answered(headers(1, 10));
		q.start();
		// Counted later (its Reset is later: the window slid), with 40 slots freed meanwhile
		q.answered(headers(40, 11));
		for (let n = 0; n < 40; n++) {
			expect(q.check()).toEqual({ go: true });
			q.start();
		}
		expect(q.check()).toEqual({ waitForAnswer: true });
	});

	it('an answer with the same Reset and more room is not trusted (it may be older)', () => {
		const q = new Quota();
		q.start();
		q.answered(headers(3, 10));
		q.start();
		q.answered(headers(9, 10));
		expect(q.remaining).toBe(3);
	});
});

describe('Quota, stale answers after a later one', () => {
	it('answers out of order never count a request twice: 5 left, answers 3 then 4 → 3 left, not 2', () => {
		const q = new Quota();
		q.start();
		q.answered(headers(5, 10));
		q.start();
		q.start();
		q.answered(headers(3, 10)); // counted second
		q.answered(headers(4, 10)); // counted first, already in the 3
		expect(q.remaining).toBe(3);
	});

	it('an older answer does not move the Reset back, so a second older one is not taken for the latest', () => {
		const q = new Quota();
		q.start();
		q.answered(headers(10, 12));
		q.start();
		q.start();
		q.start();
		q.answered(headers(20, 10)); // older: Reset earlier
		q.answered(headers(30, 11)); // older too, though later than the one before
		expect(q.remaining).toBe(10);
	});
});
