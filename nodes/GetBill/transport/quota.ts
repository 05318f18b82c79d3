import { DateTime } from 'luxon';
import type { INode, NodeApiError } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

/**
 * GetBill's rate limits, as its answers announce them: per OAuth client, a
 * sliding window for reads and another for writes (create, update, delete).
 * Every answer carries `X-RateLimit-Limit`, `-Remaining`, `-Reset` (Unix
 * time) and `-Window` (seconds) of its class; past the limit GetBill answers
 * 429 with `details.retry_after` and `details.reset_time`.
 *
 * `-Reset` and `reset_time` are instants on GetBill's clock, which need not
 * be the n8n host's: the node takes the time left until them as GetBill
 * measures it (the instant minus the answer's `Date` header) and counts it
 * from when the answer arrived (see `fromGetBillClock`).
 *
 * A `Quota` is what the node knows of one class in one run, so that no request
 * leaves into a quota the headers say is spent: requests in flight count
 * against `Remaining`, and until an answer has told how much is left (at the
 * start, or after a reset) one request goes at a time.
 */
export type QuotaClass = 'read' | 'write';

/** What the node knows of a quota, kept across the tries of one execution (Retry On Fail). */
export interface QuotaSnapshot {
	limit?: number;
	remaining: number;
	/** When the spent quota frees up (ms since epoch, on n8n's clock) */
	resetAt: number;
	windowSeconds?: number;
	/**
	 * Why the node counts it spent: the headers said 0, or GetBill answered
	 * 429. It only decides which later answers to believe (see
	 * `Quota.answered`), never whether a write waits: the same spent quota gets
	 * the same answer whatever told the node.
	 */
	spentBy?: 'headers' | '429';
}

/** What a request of the class may do now. */
export type QuotaCheck = { go: true } | { waitForAnswer: true } | { spentUntil: number };

/**
 * An instant GetBill announced on its own clock (ms since epoch), on n8n's:
 * the time left until it as GetBill measures it (the instant minus the
 * answer's `Date` header, never below 0), counted from `now`, when the answer
 * arrived. Without a readable Date header the instant is taken as it is.
 *
 * `Date` has a resolution of one second (GetBill's time of the answer is
 * within the second after it), so the time left is at most 1 s too long and
 * never too short: the node may wait a second more, never send early.
 */
export function fromGetBillClock(instant: number, dateHeader: unknown, now = Date.now()): number {
	const raw = Array.isArray(dateHeader) ? dateHeader[0] : dateHeader;
	const answeredAt = typeof raw === 'string' ? Date.parse(raw) : NaN;
	return Number.isFinite(answeredAt) ? now + Math.max(0, instant - answeredAt) : instant;
}

/** What the X-RateLimit headers of an answer say. */
export interface QuotaHeaders {
	limit: number;
	remaining: number;
	/** `X-RateLimit-Reset` as GetBill gave it (ms, GetBill's clock): only to compare answers with one another */
	reset?: number;
	/** When the quota frees up on n8n's clock (ms): the Reset as the time left after the answer's `Date` (see `fromGetBillClock`) */
	resetAt?: number;
	windowSeconds?: number;
}

/**
 * The four headers of an answer, when it has them (header names in any case),
 * with its `Date` header to put the Reset on n8n's clock; `now` is when the
 * answer arrived.
 */
export function readQuotaHeaders(headers: unknown, now = Date.now()): QuotaHeaders | undefined {
	if (typeof headers !== 'object' || headers === null) return undefined;
	const named = new Map(Object.entries(headers as Record<string, unknown>).map(([name, value]) => [name.toLowerCase(), value]));
	const get = (name: string): number | undefined => {
		const raw = named.get(name);
		const value = Number(Array.isArray(raw) ? raw[0] : raw);
		return raw === undefined || raw === null || raw === '' || !Number.isFinite(value) ? undefined : value;
	};
	const limit = get('x-ratelimit-limit');
	const remaining = get('x-ratelimit-remaining');
	if (limit === undefined || remaining === undefined) return undefined;
	const seconds = get('x-ratelimit-reset');
	// Unix seconds as documented; a value in milliseconds is taken as it is.
	const reset = seconds === undefined ? undefined : seconds > 1e12 ? seconds : seconds * 1000;
	return {
		limit,
		remaining: Math.max(0, Math.floor(remaining)),
		reset,
		resetAt: reset === undefined ? undefined : fromGetBillClock(reset, named.get('date'), now),
		windowSeconds: get('x-ratelimit-window'),
	};
}

export class Quota {
	/** unknown: no answer has told yet (one request at a time); known; untracked: GetBill sends no such headers */
	private state: 'unknown' | 'known' | 'untracked' = 'unknown';
	limit?: number;
	windowSeconds?: number;
	remaining = 0;
	/** When the spent quota frees up, on n8n's clock (ms): what the node waits for and reports */
	resetAt = 0;
	/**
	 * The latest `X-RateLimit-Reset` read, on GetBill's clock (ms): only to tell
	 * which answer GetBill counted last. Never the converted `resetAt`, which
	 * moves by up to a second from answer to answer (`Date` is in whole seconds).
	 */
	private reset = 0;
	/** Why the node counts it spent (see `QuotaSnapshot.spentBy`): which later answers to believe, never whether to wait */
	spentBy?: 'headers' | '429';
	private inFlight = 0;
	private waiters: Array<() => void> = [];

	constructor(snapshot?: QuotaSnapshot, now = Date.now()) {
		if (snapshot) {
			this.limit = snapshot.limit;
			this.windowSeconds = snapshot.windowSeconds;
			// Still spent: known until it frees up; otherwise the next answer tells.
			if (snapshot.remaining <= 0 && snapshot.resetAt > now) {
				Object.assign(this, { state: 'known', remaining: 0, resetAt: snapshot.resetAt, spentBy: snapshot.spentBy });
			}
		}
	}

	/** What the node knows now, to keep for a later try. */
	snapshot(): QuotaSnapshot | undefined {
		if (this.state !== 'known') return undefined;
		return { limit: this.limit, remaining: this.remaining, resetAt: this.resetAt, windowSeconds: this.windowSeconds, spentBy: this.spentBy };
	}

	/** Whether a request may leave now, must wait for an answer in flight, or the quota is spent until a time. */
	check(now = Date.now()): QuotaCheck {
		if (this.state === 'untracked') return { go: true };
		if (this.state === 'known') {
			if (this.remaining - this.inFlight > 0) return { go: true };
			if (this.inFlight > 0) return { waitForAnswer: true };
			if (now < this.resetAt) return { spentUntil: this.resetAt };
			// Freed up: how much is left is unknown until the next answer.
			this.state = 'unknown';
			this.spentBy = undefined;
		}
		return this.inFlight > 0 ? { waitForAnswer: true } : { go: true };
	}

	/** A request leaves: it counts against what is left until its answer. */
	start(): void {
		this.inFlight++;
	}

	/**
	 * An answer arrived, with its headers (undefined where the helper did not
	 * pass them on). Each answer is one more request GetBill counted, and
	 * answers of concurrent requests may arrive in another order than GetBill
	 * counted them: unless its Reset is later than the last one read (then it
	 * is the latest, and slots the window freed count), what is left is the
	 * lowest Remaining read (the latest counted; each answer's Remaining
	 * already counts its own request).
	 */
	answered(headers: unknown, now = Date.now()): void {
		const read = readQuotaHeaders(headers, now);
		if (read) {
			const known = this.state === 'known';
			// A 429 came first: spent until its time (this answer's request was under way before it).
			const by429 = known && this.remaining <= 0 && this.spentBy === '429';
			this.state = 'known';
			this.limit = read.limit;
			this.windowSeconds = read.windowSeconds ?? this.windowSeconds;
			if (by429) return this.settle();
			// A later Reset means GetBill counted this request after the one that set what the node knows (its
			// window only moves forward): its Remaining is the latest, slots freed since included. Otherwise the
			// answer may be older than one already read. GetBill's own Reset values are compared (one clock), never
			// the converted times.
			const latest = !known || (read.reset !== undefined && read.reset > this.reset);
			// Never moved back by an older answer, so that a later one is recognised as later.
			this.reset = Math.max(known ? this.reset : 0, read.reset ?? 0);
			// GetBill's Remaining already counts this request; an answer with more room than the node knows was
			// counted before the one that told it (so it is in there already).
			this.remaining = Math.max(0, latest ? read.remaining : Math.min(this.remaining, read.remaining));
			if (this.remaining > 0) {
				this.resetAt = Math.max(known ? this.resetAt : 0, read.resetAt ?? this.resetAt);
				this.spentBy = undefined;
			} else {
				this.resetAt = Math.max(known && this.spentBy === 'headers' ? this.resetAt : 0, read.resetAt ?? now);
				this.spentBy = 'headers';
			}
		} else if (headers !== undefined && this.state === 'unknown') {
			this.state = 'untracked';
		} else {
			this.counted();
		}
		this.settle();
	}

	/**
	 * GetBill answered 429: nothing was done; the quota is spent until `until`
	 * (ms, n8n's clock). The answer's X-RateLimit headers, where kept, give limit
	 * and window, and with its `Date` header (`dateHeader`) their Reset on n8n's clock.
	 */
	refused(until: number, limit?: number, headers?: unknown, dateHeader?: string, now = Date.now()): void {
		const spentUntil = this.state === 'known' && this.remaining <= 0 ? this.resetAt : 0;
		const read = readQuotaHeaders(headers && dateHeader !== undefined ? { ...(headers as object), date: dateHeader } : headers, now);
		if (read?.reset !== undefined) this.reset = Math.max(this.state === 'known' ? this.reset : 0, read.reset);
		this.state = 'known';
		this.remaining = 0;
		this.resetAt = Math.max(until, spentUntil, read?.remaining === 0 && read.resetAt ? read.resetAt : 0);
		this.limit = limit ?? read?.limit ?? this.limit;
		this.windowSeconds = read?.windowSeconds ?? this.windowSeconds;
		this.spentBy = '429';
		this.settle();
	}

	/** The request failed without telling anything of the quota: GetBill may have counted it (it counts a refused write too). */
	failed(): void {
		this.counted();
		this.settle();
	}

	/** One more request counted, with no header to say what is left. */
	private counted(): void {
		if (this.state !== 'known') return;
		this.remaining = Math.max(0, this.remaining - 1);
		if (this.remaining <= 0) this.spentBy ??= 'headers';
	}

	/** Resolves at the next answer of a request in flight. */
	nextAnswer(): Promise<void> {
		return new Promise((resolve) => this.waiters.push(resolve));
	}

	private settle(): void {
		this.inFlight = Math.max(0, this.inFlight - 1);
		const waiters = this.waiters;
		this.waiters = [];
		waiters.forEach((wake) => wake());
	}
}

/**
 * The field an unsent item carries on the "Unsent" output: when the quota
 * frees up, for a Wait node's "At Specified Time". When the item comes back
 * to the node, the field is not sent (Auto-Map included).
 */
export const QUOTA_FREES_AT_FIELD = 'getbill_quota_frees_at';

/** What the node does when the write quota runs out with items left (the option "When Write Quota Runs Out"). */
export type WhenQuotaRunsOut = 'stop' | 'wait' | 'outputUnsent';

/** The write and read quotas of a run, and what to do when the write quota runs out. */
export interface QuotaGate {
	quotas: Record<QuotaClass, Quota>;
	whenSpent: WhenQuotaRunsOut;
}

/** "per hour", "per 5 minutes", "per 10 seconds": GetBill's window as announced. */
function windowText(seconds: number): string {
	if (seconds === 3600) return 'per hour';
	if (seconds % 3600 === 0) return `per ${seconds / 3600} hours`;
	if (seconds % 60 === 0) return seconds === 60 ? 'per minute' : `per ${seconds / 60} minutes`;
	return `per ${seconds} seconds`;
}

/**
 * What GetBill announced of a quota, never a constant: "GetBill allows 25
 * writes per 5 minutes per OAuth client" (the window where an answer said it).
 */
export function allowance(what: string, limit: number | undefined, windowSeconds: number | undefined): string {
	if (limit === undefined || !Number.isFinite(limit) || limit <= 0) return `GetBill limits the ${what} of each OAuth client`;
	return windowSeconds === undefined || !(windowSeconds > 0)
		? `GetBill allows ${limit} ${what} per OAuth client in its sliding window`
		: `GetBill allows ${limit} ${what} ${windowText(windowSeconds)} per OAuth client`;
}

/**
 * The second a quota frees up in, rounded up: a time shown or handed on is
 * never before the quota frees up (a time on n8n's clock carries the
 * milliseconds of when the answer arrived, see `fromGetBillClock`).
 */
const wholeSecondUp = (ms: number): number => Math.ceil(ms / 1000) * 1000;

/** A time for a person: in the workflow's time zone, e.g. "2026-12-02 10:35:12 (Europe/Paris)" (rounded up to the second). */
export function localTime(ms: number, timezone: string): string {
	const time = DateTime.fromMillis(wholeSecondUp(ms), { zone: timezone });
	return time.isValid ? `${time.toFormat('yyyy-MM-dd HH:mm:ss')} (${timezone})` : new Date(wholeSecondUp(ms)).toISOString();
}

/** A time for a Wait node's "At Specified Time": ISO 8601 with the workflow time zone's offset, to the second (rounded up). */
export function isoTime(ms: number, timezone: string): string {
	const time = DateTime.fromMillis(wholeSecondUp(ms), { zone: timezone });
	return (time.isValid ? time.toISO({ suppressMilliseconds: true }) : null) ?? new Date(wholeSecondUp(ms)).toISOString();
}

/** A time for a model (the node as an AI Agent's tool): ISO 8601 in UTC, to the second (rounded up), e.g. "2026-12-02T09:35:12Z". */
export function isoUtc(ms: number): string {
	return new Date(wholeSecondUp(ms)).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * A spent quota as a model reads it (the node as an AI Agent's tool): the
 * model made one call, so it is told no item, only what was done (`what`) and
 * when to call again, in ISO time: "GetBill's write quota is spent until
 * 2026-12-05T21:47:33Z: nothing was changed. Call again after 2026-12-05T21:47:33Z."
 */
export function quotaWordsForModel(cls: QuotaClass, resetAt: number, what: string, again = ''): string {
	const at = isoUtc(resetAt);
	return `GetBill's ${cls} quota is spent until ${at}: ${what}. Call again after ${at}${again}.`;
}

/**
 * A write the node did not send because GetBill's write quota is spent (known
 * from the headers or a 429 that GetBill answered without doing anything).
 * The run (actions/run) turns the items left into its answer (stop, wait, output).
 */
export interface QuotaSpent {
	itemIndex: number;
	/** When the quota frees up (ms since epoch) */
	resetAt: number;
	limit?: number;
	windowSeconds?: number;
	/** GetBill's own 429 for this write, in its words, where GetBill answered one */
	refusal?: NodeApiError;
}

const spentErrors = new WeakMap<object, QuotaSpent>();

/** The error a write gets when the quota leaves no room for it: what the run needs rides along (see `quotaSpentOf`). */
export function quotaSpentError(node: INode, spent: QuotaSpent): NodeOperationError {
	const error = new NodeOperationError(node, `GetBill's write quota is spent: the write was not sent [item ${spent.itemIndex}]`, {
		itemIndex: spent.itemIndex,
	});
	spentErrors.set(error, spent);
	return error;
}

/** What a `quotaSpentError` says, or undefined for any other error. */
export function quotaSpentOf(error: unknown): QuotaSpent | undefined {
	return typeof error === 'object' && error !== null ? spentErrors.get(error) : undefined;
}

/** Item numbers as ranges: "0 to 3, 5, 7 to 9" (none left out). */
export function itemRanges(items: number[]): string {
	const sorted = [...new Set(items)].sort((a, b) => a - b);
	const parts: string[] = [];
	for (let i = 0; i < sorted.length; ) {
		let j = i;
		while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
		parts.push(j === i ? `${sorted[i]}` : j === i + 1 ? `${sorted[i]}, ${sorted[j]}` : `${sorted[i]} to ${sorted[j]}`);
		i = j + 1;
	}
	return parts.join(', ');
}

/** "item 4" or "items 0 to 3, 5" */
export function itemsLabel(items: number[]): string {
	return `${new Set(items).size === 1 ? 'item' : 'items'} ${itemRanges(items)}`;
}
