import type {
	IDataObject,
	IHttpRequestMethods,
	IHttpRequestOptions,
	IN8nHttpFullResponse,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { GaveUp, GetBillContext, RequestDeadline } from './cancel';
import { cancellableWait, cancelledError, isCancelled, requestDeadline, STOP_GRACE_MS, untilSettledOrStopped, withRequestSignal } from './cancel';
import type { ErrorContext, HttpFailure, RequestKind } from './types';
import { parseBaseUrl } from './hosts';
import { extractHttpFailure, failureToApiError } from './errors';
import type { Quota, QuotaClass, QuotaGate } from './quota';
import { allowance, fromGetBillClock, localTime, quotaSpentError, quotaWordsForModel } from './quota';
import type { RetryPolicy } from './retry';
import { decideRetry, DEFAULT_RETRY_POLICY, retryAfterSeconds } from './retry';

export const CREDENTIAL_TYPE = 'getBillOAuth2Api';
export const DEFAULT_BASE_URL = 'https://getbill.io';
export const API_PREFIX = '/external-api/v1';

/**
 * The credential's Base URL as every request uses it: spaces around it and
 * trailing slashes off, GetBill's own when empty. The credential's token URL
 * (an expression in GetBillOAuth2Api) normalises it the same way; a unit test
 * holds the two alike. One that is not an http(s) address is refused, naming it.
 */
export function normaliseBaseUrl(value: unknown): string {
	const raw = typeof value === 'string' ? value.trim() : '';
	// (?<!\/): tried only where a run of slashes starts, so linear (/\/+$/ rescans the run from each of its slashes)
	return raw.replace(/(?<!\/)\/+$/, '') || DEFAULT_BASE_URL;
}

/** The base URL of the credential (see normaliseBaseUrl). */
export async function getBaseUrl(this: GetBillContext): Promise<string> {
	const credentials = await this.getCredentials(CREDENTIAL_TYPE);
	const baseUrl = normaliseBaseUrl(credentials.baseUrl);
	if (!parseBaseUrl(baseUrl)) {
		throw new NodeOperationError(this.getNode(), `The credential's Base URL is not a web address: ${JSON.stringify(baseUrl.slice(0, 200))}`, {
			description: 'Set Base URL in the GetBill OAuth2 API credential to an http or https address, e.g. https://getbill.io.',
		});
	}
	return baseUrl;
}

/** Builds an API path from literal parts and IDs; every ID is URL-encoded. */
export function apiPath(strings: TemplateStringsArray, ...ids: string[]): string {
	return strings.reduce(
		(path, part, i) => path + part + (i < ids.length ? encodeURIComponent(ids[i]) : ''),
		API_PREFIX,
	);
}

export interface GetBillRequest {
	method: IHttpRequestMethods;
	/** Path under /external-api/v1, IDs already encoded (see `apiPath`) */
	path: string;
	body?: IDataObject;
	qs?: IDataObject;
}

/**
 * What a request of that method does, as GetBill counts it (writes are POST,
 * PUT, PATCH and DELETE). Only for a caller that does not say what its request
 * is (the editor's lists): an operation declares its `kind`, which goes with
 * every request it makes (`ErrorContext.kind`).
 */
export const KIND_OF_METHOD: Partial<Record<IHttpRequestMethods, RequestKind>> = {
	GET: 'read',
	POST: 'create',
	PUT: 'update',
	PATCH: 'update',
	DELETE: 'delete',
};

/** The request's kind: the one its operation declared, else its method's (an unknown method counts as a create, never repeated). */
export const kindOf = (request: GetBillRequest, ctx: ErrorContext): RequestKind => ctx.kind ?? KIND_OF_METHOD[request.method] ?? 'create';

/**
 * The one rule of what may be repeated: reads and updates may be sent again
 * (retried after a 5xx or a broken connection, run concurrently, cut short
 * when the execution stops), as GetBill then did nothing a retry would not
 * redo; a create or a delete may not.
 */
export const isSafeToRepeat = (kind: RequestKind): boolean => kind === 'read' || kind === 'update';

/**
 * When a 429 says the quota frees up, on n8n's clock (ms): `details.retry_after`
 * (a duration, counted from `now`, when the 429 arrived), or
 * `details.reset_time`, whichever is later; undefined when it says neither.
 *
 * reset_time is an instant on GetBill's clock: the time left until it is
 * measured against the 429's own `Date` header (see `fromGetBillClock`: at
 * most 1 s too long, never too short). n8n's request helper keeps no header of
 * a failed request (its NodeApiError drops them), so inside n8n a 429 usually
 * comes without its Date: reset_time then only counts where there is no
 * retry_after (taken as it is), as otherwise it would move the wait by however
 * far the two clocks are apart; retry_after says the same time left.
 */
function spentUntilOf(failure: HttpFailure, now: number): number | undefined {
	const seconds = retryAfterSeconds(failure);
	const afterRetry = seconds === undefined ? NaN : now + seconds * 1000;
	const body = failure.body as { details?: { reset_time?: unknown } } | undefined;
	const resetTime = typeof body?.details?.reset_time === 'string' ? Date.parse(body.details.reset_time) : NaN;
	const atReset =
		failure.dateHeader !== undefined ? fromGetBillClock(resetTime, failure.dateHeader, now) : Number.isFinite(afterRetry) ? NaN : resetTime;
	const times = [afterRetry, atReset].filter(Number.isFinite);
	return times.length ? Math.max(...times) : undefined;
}

/** The limit a 429 names (`details.limit`). */
function limitOf(failure: HttpFailure): number | undefined {
	const limit = Number((failure.body as { details?: { limit?: unknown } } | undefined)?.details?.limit);
	return Number.isFinite(limit) && limit > 0 ? limit : undefined;
}

/**
 * The editor's lists ("From List": no execution, so no Timeout option) wait
 * at most this long for each request: the editor is waiting for the list.
 */
export const EDITOR_TIMEOUT_MS = 15_000;

/**
 * Whether n8n's own request library gave up for lack of data (axios's
 * `timeout`, passed as the Timeout: the node's own deadline ends the request
 * first, this is the same deadline should it not).
 */
const isLibraryTimeout = (failure: HttpFailure): boolean => /timeout of \d+ms exceeded/i.test(failure.rawMessage ?? '');

/** Past the reset, the margin before the next request leaves (GetBill's Reset is in whole seconds). */
const RESET_MARGIN_MS = 200;

/** GetBill's 429 as the NodeApiError of the request, with the limit GetBill announced. */
function refusalError(
	this: GetBillContext,
	refusal: HttpFailure,
	quota: Quota,
	cls: QuotaClass,
	ctx: ErrorContext,
	policy: RetryPolicy,
	root: string,
	attempts?: number,
) {
	return failureToApiError(this.getNode(), refusal, {
		...ctx,
		baseUrl: root,
		attempts,
		maxRateLimitWaitSeconds: policy.maxRateLimitWaitSeconds,
		kind: cls === 'read' ? 'read' : (ctx.kind ?? 'update'),
		quotaLimit: quota.limit,
		quotaWindowSeconds: quota.windowSeconds,
	});
}

/**
 * Lets a request of the class leave only when its quota has room: requests in
 * flight count against what the last answer said was left; until an answer
 * has said, one request goes at a time. When the quota is spent, a read waits
 * for it if it frees up within Max Rate-Limit Wait, and so does a write under
 * "When Write Quota Runs Out" = Stop (the default) or Wait (the same since
 * Stop waits too; kept for workflows saved with it); under Output Unsent Items
 * a write never waits. The rule is one whatever told the node the quota is
 * spent: GetBill's X-RateLimit headers or its 429. A request that does not
 * wait is not sent (a `quotaSpentError` for a write, which the run answers
 * as the option says).
 */
async function admit(
	this: GetBillContext,
	quota: Quota,
	cls: QuotaClass,
	gate: QuotaGate,
	policy: RetryPolicy,
	ctx: ErrorContext,
	refusal: HttpFailure | undefined,
	root: string,
): Promise<void> {
	const itemIndex = ctx.itemIndex ?? 0;
	for (;;) {
		if (isCancelled(this)) throw cancelledError(this, itemIndex, `before the request to ${ctx.action}`);
		const now = Date.now();
		const check = quota.check(now);
		if ('go' in check) return quota.start();
		if ('waitForAnswer' in check) {
			await untilSettledOrStopped(this, quota.nextAnswer(), itemIndex, `while waiting for GetBill's rate limit before the request to ${ctx.action}`);
			continue;
		}
		const waitMs = check.spentUntil - now + RESET_MARGIN_MS;
		// Not how the node learnt the quota (headers or 429): only the choice and Max Rate-Limit Wait decide.
		const mayWait = cls === 'read' || gate.whenSpent !== 'outputUnsent';
		if (mayWait && waitMs <= policy.maxRateLimitWaitSeconds * 1000 + RESET_MARGIN_MS) {
			this.logger?.debug?.(`GetBill's ${cls} quota is spent; waiting ${Math.ceil(waitMs / 1000)} s until it frees up`);
			await cancellableWait(this, waitMs, itemIndex, `while waiting for GetBill's rate limit before the request to ${ctx.action}`);
			continue;
		}
		// GetBill's own 429 in its words, as before; otherwise what the headers said.
		const refused = quotaRefusal.call(this, refusal, quota, cls, ctx, policy, root, check.spentUntil);
		if (refused) throw refused;
		if (ctx.forTool) {
			// A model made one call: no item, when to call again in ISO time (the same words as for the write quota).
			throw new NodeOperationError(this.getNode(), quotaWordsForModel('read', check.spentUntil, 'the read was not sent'), { itemIndex });
		}
		const timezone = 'getTimezone' in this ? this.getTimezone() : 'UTC';
		throw new NodeOperationError(this.getNode(), `GetBill's read quota is spent until ${localTime(check.spentUntil, timezone)} [item ${itemIndex}]`, {
			itemIndex,
			description:
				`${allowance('reads', quota.limit, quota.windowSeconds)}, and its last answer said none is left. ` +
				`The request to ${ctx.action} was not sent, as the quota frees up later than Max Rate-Limit Wait (${policy.maxRateLimitWaitSeconds} seconds) allows. Run again after that time, or raise Max Rate-Limit Wait.`,
		});
	}
}

/** The options of one request to GetBill under the Base URL (`root`), with its deadline. */
function httpOptions(request: GetBillRequest, root: string, deadline: RequestDeadline, timeoutMs: number): IHttpRequestOptions {
	const options: IHttpRequestOptions = {
		method: request.method,
		url: `${root}${request.path}`,
		json: true,
		headers: { Accept: 'application/json' },
		returnFullResponse: true,
	};
	if (request.body !== undefined) options.body = request.body;
	if (request.qs !== undefined) options.qs = request.qs;
	options.abortSignal = deadline.signal;
	options.timeout = timeoutMs;
	return options;
}

/**
 * What an attempt that threw got: GetBill's answer, or none (`gaveUp`): the
 * node waited the Timeout, or the grace after a stop, so GetBill may have done
 * it; for a create or a delete, its outcome is unknown.
 */
function attemptFailure(
	error: unknown,
	deadline: RequestDeadline,
	safeToRepeat: boolean,
	timeoutMs: number,
	answeredAt: number,
): { failure: HttpFailure; gaveUp: GaveUp | undefined } {
	const raw = extractHttpFailure(error);
	// A create cut short by a stop before its grace ran out (an n8n that aborts it itself) is as unknown.
	const cutByStop = !safeToRepeat && deadline.stoppedAt !== undefined && raw.status === undefined;
	const gaveUp = deadline.gaveUp ?? (isLibraryTimeout(raw) ? 'timeout' : cutByStop ? 'stopped' : undefined);
	// No answer: GetBill may have done it (the node waited the Timeout, or the grace after a stop).
	const failure: HttpFailure = gaveUp
		? {
				networkCode: 'ETIMEDOUT',
				gaveUp: {
					why: gaveUp,
					afterMs: gaveUp === 'timeout' ? timeoutMs : Math.min(STOP_GRACE_MS, answeredAt - (deadline.stoppedAt ?? answeredAt)),
					outcomeUnknown: !safeToRepeat,
				},
			}
		: raw;
	return { failure, gaveUp };
}

/**
 * The error of a request the quota does not let go (spent until `spentUntil`):
 * a write's says its quota is spent (see `quotaSpentError`), with GetBill's
 * 429 (`refusal`) in its words where GetBill answered one; a read's is that
 * 429, or undefined when only the headers said it.
 */
function quotaRefusal(
	this: GetBillContext,
	refusal: HttpFailure | undefined,
	quota: Quota,
	cls: QuotaClass,
	ctx: ErrorContext,
	policy: RetryPolicy,
	root: string,
	spentUntil: number,
	attempts?: number,
): Error | undefined {
	const apiError = refusal ? refusalError.call(this, refusal, quota, cls, ctx, policy, root, attempts) : undefined;
	if (cls === 'write') {
		return quotaSpentError(this.getNode(), {
			itemIndex: ctx.itemIndex ?? 0,
			resetAt: spentUntil,
			limit: quota.limit,
			windowSeconds: quota.windowSeconds,
			refusal: apiError,
		});
	}
	return apiError;
}

/**
 * The one function that talks to GetBill. n8n's helper fetches, caches and
 * refreshes the OAuth2 token. Temporary failures (429, 502, 503, 504, broken
 * connections) are retried as the policy says: a read or an update (the
 * request's kind, see `kindOf`) is safe to send again; a create or a delete is
 * retried only after a 429, which GetBill answers without doing anything. Any final failure becomes a
 * NodeApiError that carries GetBill's message and field details, and nothing
 * of the request's headers.
 *
 * With a gate (a node run), every answer's X-RateLimit headers are read and no
 * request leaves into a quota they say is spent (see `admit`).
 *
 * Every request has a deadline (see `requestDeadline`): the whole answer
 * within the policy's Timeout (in the editor's lists, EDITOR_TIMEOUT_MS at
 * most). A read or an update that gets none is retried like a dropped
 * connection, and is cut short at once by a stop. A create or a delete is
 * never sent again without an answer: past the Timeout, or past a short grace
 * after a stop (STOP_GRACE_MS, for its answer to still arrive), its error says
 * that its outcome is unknown, naming the item and what to check in GetBill.
 */
export async function getBillApiRequest(
	this: GetBillContext,
	request: GetBillRequest,
	ctx: ErrorContext,
	baseUrl?: string,
	policy: RetryPolicy = DEFAULT_RETRY_POLICY,
	gate?: QuotaGate,
): Promise<IDataObject> {
	const root = baseUrl ?? (await getBaseUrl.call(this));
	const kind = kindOf(request, ctx);
	/** What the request's errors are about: its kind, method and path */
	const about: ErrorContext = { ...ctx, kind, method: request.method, path: request.path };
	const safeToRepeat = isSafeToRepeat(kind);
	const cls: QuotaClass = kind === 'read' ? 'read' : 'write';
	const quota = gate?.quotas[cls];
	const inRun = 'getExecutionCancelSignal' in this;
	const timeoutMs = inRun ? policy.timeoutMs : Math.min(policy.timeoutMs, EDITOR_TIMEOUT_MS);
	let refusal: HttpFailure | undefined;
	for (let attempt = 1; ; attempt++) {
		if (isCancelled(this)) throw cancelledError(this, ctx.itemIndex ?? 0, `before the request to ${ctx.action}`);
		if (quota) await admit.call(this, quota, cls, gate!, policy, about, refusal, root);
		// A read or an update under way is cut short by a stop; a create or delete gets a short grace for its answer.
		const deadline = requestDeadline(this, timeoutMs, safeToRepeat ? 0 : STOP_GRACE_MS);
		const options = httpOptions(request, root, deadline, timeoutMs);
		try {
			// n8n's helper takes the abort signal from the context it is called with (see withRequestSignal).
			const response = (await deadline.race(
				this.helpers.httpRequestWithAuthentication.call(withRequestSignal(this, deadline.signal), CREDENTIAL_TYPE, options),
			)) as IN8nHttpFullResponse;
			quota?.answered(response?.headers, Date.now());
			return response?.body as IDataObject;
		} catch (error) {
			const answeredAt = Date.now();
			const { failure, gaveUp } = attemptFailure(error, deadline, safeToRepeat, timeoutMs, answeredAt);
			const spentUntil = failure.status === 429 ? spentUntilOf(failure, answeredAt) : undefined;
			if (quota && spentUntil !== undefined) quota.refused(spentUntil, limitOf(failure), failure.quotaHeaders, failure.dateHeader, answeredAt);
			else quota?.failed();
			if (safeToRepeat && isCancelled(this)) throw cancelledError(this, ctx.itemIndex ?? 0, `during the request to ${ctx.action}`);
			if (quota && spentUntil !== undefined) {
				// GetBill did nothing: the quota decides whether to wait and send again (at most Max Retries times).
				refusal = failure;
				if (attempt - 1 < policy.maxRetries) continue;
				throw quotaRefusal.call(this, failure, quota, cls, about, policy, root, spentUntil, attempt)!;
			}
			// Stopped past the grace: nothing more is sent, the outcome is reported.
			const decision = gaveUp === 'stopped' ? { retry: false as const } : decideRetry(failure, attempt - 1, policy, Math.random, safeToRepeat);
			if (decision.retry) {
				this.logger?.debug?.(
					`${failure.gaveUp ? `GetBill did not answer within ${timeoutMs} ms` : `GetBill answered ${failure.status ?? failure.networkCode ?? 'with an error'}`}; retry ${attempt} of ${policy.maxRetries} in ${decision.delayMs} ms`,
				);
				await cancellableWait(this, decision.delayMs, ctx.itemIndex ?? 0, `while waiting to retry the request to ${ctx.action}`);
				continue;
			}
			throw failureToApiError(this.getNode(), failure, {
				...about,
				baseUrl: root,
				attempts: attempt,
				maxRateLimitWaitSeconds: policy.maxRateLimitWaitSeconds,
			});
		} finally {
			deadline.dispose();
		}
	}
}

/** Page size GetBill allows at most */
export const MAX_PAGE_SIZE = 100;

/**
 * One page of a paged list (`{data: [...], pagination: {total, page, pages}}`):
 * its entries, whether it is the last (`pagination.pages` reached, or an empty
 * or unpaged answer), and the list's `total` when GetBill gives it.
 */
export async function getBillApiRequestPage(
	this: GetBillContext,
	request: GetBillRequest,
	ctx: ErrorContext,
	baseUrl: string,
	policy: RetryPolicy,
	page: number,
	pageSize: number,
	gate?: QuotaGate,
): Promise<{ entries: IDataObject[]; last: boolean; total?: number }> {
	const response = await getBillApiRequest.call(this, { ...request, qs: { ...request.qs, page, limit: pageSize } }, ctx, baseUrl, policy, gate);
	const entries = Array.isArray(response?.data) ? (response.data as IDataObject[]) : [];
	const pagination = response?.pagination as IDataObject | undefined;
	const pages = Number(pagination?.pages);
	const total = pagination?.total;
	const counted = (typeof total === 'number' && Number.isInteger(total) && total >= 0) || (typeof total === 'string' && /^\d+$/.test(total));
	return {
		entries,
		last: entries.length === 0 || !Number.isFinite(pages) || page >= pages,
		...(counted ? { total: Number(total) } : {}),
	};
}

/**
 * Reads a paged list (`{data: [...], pagination: {page, pages}}`), page after
 * page from 1, until `limit` entries are read (all when undefined) or the last
 * page. Every page goes through getBillApiRequest (retries included).
 */
export async function getBillApiRequestPages(
	this: GetBillContext,
	request: GetBillRequest,
	ctx: ErrorContext,
	baseUrl: string,
	policy: RetryPolicy,
	limit: number | undefined,
	gate?: QuotaGate,
): Promise<IDataObject[]> {
	const pageSize = limit === undefined ? MAX_PAGE_SIZE : Math.min(MAX_PAGE_SIZE, limit);
	const entries: IDataObject[] = [];
	for (let page = 1; ; page++) {
		const read = await getBillApiRequestPage.call(this, request, ctx, baseUrl, policy, page, pageSize, gate);
		entries.push(...read.entries);
		const done = (limit !== undefined && entries.length >= limit) || read.last;
		if (done) return limit === undefined ? entries : entries.slice(0, limit);
	}
}
