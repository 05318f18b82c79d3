import type { HttpFailure } from './types';

/** How a request is retried; the user sets the first two under "Options". */
export interface RetryPolicy {
	/** Retries after the first attempt (0 = never retry) */
	maxRetries: number;
	/** The longest wait GetBill may ask for on a 429 before the item fails at once */
	maxRateLimitWaitSeconds: number;
	/** First backoff delay; it doubles with each retry */
	baseDelayMs: number;
	/** Cap of one backoff delay */
	maxDelayMs: number;
	/** The longest the node waits for an answer, or for more of its body, before it gives up on a request (the option Timeout) */
	timeoutMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
	maxRetries: 3,
	maxRateLimitWaitSeconds: 60,
	baseDelayMs: 1000,
	maxDelayMs: 30_000,
	timeoutMs: 120_000,
};

/** Statuses GetBill documents that are worth another try. 400/401/403/404/422 never are. */
const TRANSIENT_STATUSES = new Set([429, 502, 503, 504]);
/** Network errors where the connection broke or timed out (not a wrong address). */
const TRANSIENT_NETWORK_CODES = new Set([
	'ECONNRESET',
	'ETIMEDOUT',
	'ESOCKETTIMEDOUT',
	'ECONNABORTED',
	'EPIPE',
	'EAI_AGAIN',
]);

export type RetryDecision =
	| { retry: true; delayMs: number }
	| { retry: false; rateLimitWaitSeconds?: number };

function isObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * GetBill's `details.retry_after` (seconds), or the Retry-After header. A
 * Retry-After that is an HTTP date is an instant on GetBill's clock: the time
 * left is measured against the answer's own `Date` header (the n8n host's
 * clock only without one). `Date` is in whole seconds, so that time is at most
 * 1 s too long, never too short.
 */
export function retryAfterSeconds(failure: HttpFailure): number | undefined {
	const details = isObject(failure.body) && isObject(failure.body.details) ? failure.body.details : undefined;
	const fromBody = Number(details?.retry_after);
	if (details?.retry_after !== undefined && Number.isFinite(fromBody) && fromBody >= 0) return fromBody;
	if (failure.retryAfterHeader !== undefined) {
		const seconds = Number(failure.retryAfterHeader);
		if (Number.isFinite(seconds) && seconds >= 0) return seconds;
		const date = Date.parse(failure.retryAfterHeader);
		const answeredAt = failure.dateHeader === undefined ? NaN : Date.parse(failure.dateHeader);
		if (!Number.isNaN(date)) return Math.max(0, Math.ceil((date - (Number.isNaN(answeredAt) ? Date.now() : answeredAt)) / 1000));
	}
	return undefined;
}

export function isTransient(failure: HttpFailure): boolean {
	if (failure.status !== undefined) return TRANSIENT_STATUSES.has(failure.status);
	if (failure.networkCode !== undefined) return TRANSIENT_NETWORK_CODES.has(failure.networkCode);
	return /socket hang up/i.test(failure.rawMessage ?? '');
}

/**
 * Whether to try again after `retriesDone` retries, and how long to wait
 * (a request that is not idempotent, a create, only after a 429):
 * GetBill's retry_after for a 429 (if within the policy's maximum), otherwise
 * exponential backoff with jitter (half fixed, half random).
 */
export function decideRetry(
	failure: HttpFailure,
	retriesDone: number,
	policy: RetryPolicy,
	random: () => number = Math.random,
	idempotent = true,
): RetryDecision {
	if (!isTransient(failure)) return { retry: false };
	// A create sent again after a 5xx or a broken connection may create a second
	// followup; a 429 means GetBill refused it, so only that is retried.
	if (!idempotent && failure.status !== 429) return { retry: false };
	if (failure.status === 429) {
		const wait = retryAfterSeconds(failure);
		if (wait !== undefined && wait > policy.maxRateLimitWaitSeconds) {
			return { retry: false, rateLimitWaitSeconds: wait };
		}
		if (retriesDone >= policy.maxRetries) return { retry: false };
		if (wait !== undefined) return { retry: true, delayMs: Math.round(wait * 1000 + random() * 250) };
	}
	if (retriesDone >= policy.maxRetries) return { retry: false };
	const exponential = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retriesDone);
	return { retry: true, delayMs: Math.round(exponential / 2 + (random() * exponential) / 2) };
}
