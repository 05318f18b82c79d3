/**
 * The types the transport's modules share (errors.ts, forTool.ts, retry.ts,
 * index.ts): they live below all of them, so no two of those import each other
 * in a circle. errors.ts re-exports them for the operations.
 */
import type { GaveUp } from './cancel';

/** The parts of a failed HTTP exchange that may be shown to a user. Never headers of the request. */
export interface HttpFailure {
	status?: number;
	body?: unknown;
	retryAfterHeader?: string;
	/**
	 * The answer's `Date` header: GetBill's time when it answered, to read the
	 * instants it announces on its own clock (reset_time, an HTTP-date
	 * Retry-After, X-RateLimit-Reset) as times left. No other header is kept.
	 */
	dateHeader?: string;
	/** The X-RateLimit-* headers of the answer, where the helper kept them */
	quotaHeaders?: Record<string, unknown>;
	/** Node.js network error code (ECONNREFUSED, ETIMEDOUT, ...) when there was no response */
	networkCode?: string;
	/** Set when the failure happened while n8n fetched an OAuth2 token */
	duringTokenRequest?: boolean;
	rawMessage?: string;
	/**
	 * Set when the node gave up waiting for the answer: its Timeout passed, or
	 * the execution was stopped (past the grace of a create or delete; see
	 * cancel.ts). `afterMs`: the Timeout, or the grace. `outcomeUnknown`: the
	 * request was one not safe to repeat (a create, a delete), so whether
	 * GetBill did it is unknown and it is not sent again.
	 */
	gaveUp?: { why: GaveUp; afterMs: number; outcomeUnknown: boolean };
}

export interface ErrorContext {
	/** What was being done, e.g. "update followup \"abc\"" */
	action: string;
	baseUrl?: string;
	itemIndex?: number;
	/** How many times the request was sent, retries included */
	attempts?: number;
	/** The user's maximum wait on a 429, when GetBill asked for longer */
	maxRateLimitWaitSeconds?: number;
	/**
	 * What the request does: its scope, its words, and whether it is safe to
	 * repeat. Its operation declares it (the operation's `kind`); the transport
	 * falls back on the method only for a caller without one (the editor's lists).
	 */
	kind?: RequestKind;
	/** The resource, for the scope and wording: "followup" (default), "debt" */
	noun?: string;
	/** The scope the request needs, where it is not `<noun>s:read` / `<noun>s:write` (e.g. users:read) */
	scope?: string;
	/**
	 * For a 404 of a request about the operation's own ID (Get, Update, Delete
	 * by ID; the debt of a followup to create): that record was not found.
	 * Without it, a 404 is about the address (a wrong Base URL, a proxy).
	 */
	notFound?: { message: string; description: string };
	/** The node version's words: from 2, the message names the item (`[item 3]`) and never says "error" */
	wording?: 1 | 2;
	/** What the message names when the request was for many items, e.g. "items 0 to 999" (a batch) */
	itemLabel?: string;
	/** The limit and window of the quota as GetBill's last answers announced them (X-RateLimit-Limit, -Window) */
	quotaLimit?: number;
	quotaWindowSeconds?: number;
	/** The request's method and path (under the Base URL, no query), set by the transport */
	method?: string;
	path?: string;
	/** Where the operation accepts an expensive phone destination, as its fields come (Debt Create, Create Many); none elsewhere */
	expensiveHint?: ExpensiveHint;
	/** The node runs as an AI Agent's tool: the description says only what the model can change (see forTool.ts) */
	forTool?: boolean;
}

/**
 * Where a debt's `accept_expensive_destination` comes from: the parameter
 * (Define Below, under Additional Fields) or the input item's field (Auto-Map
 * Input Data, where the parameter is hidden).
 */
export type ExpensiveHint = 'parameter' | 'inputField';

export type RequestKind = 'read' | 'create' | 'update' | 'delete';
