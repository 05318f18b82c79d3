import type {
	IDataObject,
	IHttpRequestMethods,
	IHttpRequestOptions,
} from 'n8n-workflow';

import type { GetBillContext } from './cancel';
import { cancellableWait, cancelledError, isCancelled, signalOf } from './cancel';
import type { ErrorContext, RequestKind } from './errors';
import { extractHttpFailure, failureToApiError } from './errors';
import type { RetryPolicy } from './retry';
import { decideRetry, DEFAULT_RETRY_POLICY } from './retry';

export const CREDENTIAL_TYPE = 'getBillOAuth2Api';
export const DEFAULT_BASE_URL = 'https://getbill.io';
export const API_PREFIX = '/external-api/v1';

/** The base URL of the credential, without trailing slashes. */
export async function getBaseUrl(this: GetBillContext): Promise<string> {
	const credentials = await this.getCredentials(CREDENTIAL_TYPE);
	const raw = typeof credentials.baseUrl === 'string' ? credentials.baseUrl.trim() : '';
	return (raw || DEFAULT_BASE_URL).replace(/\/+$/, '');
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

/** What a request does, from its method: a create (POST) and a delete are not safe to send twice. */
const KIND_OF_METHOD: Partial<Record<IHttpRequestMethods, RequestKind>> = {
	GET: 'read',
	POST: 'create',
	PUT: 'update',
	DELETE: 'delete',
};
const kindOf = (request: GetBillRequest): RequestKind => KIND_OF_METHOD[request.method] ?? 'create';

/** Requests that may be sent again, and cut short when the execution stops: GetBill then did nothing a retry would not redo. */
export const isSafeToRepeat = (kind: RequestKind): boolean => kind === 'read' || kind === 'update';

/**
 * The one function that talks to GetBill. n8n's helper fetches, caches and
 * refreshes the OAuth2 token. Temporary failures (429, 502, 503, 504, broken
 * connections) are retried as the policy says: reads and updates (GET, PUT)
 * are safe to send again; a create (POST) is retried only after a 429, which
 * GetBill answers without creating anything. Any final failure becomes a NodeApiError that carries
 * GetBill's message and field details, and nothing of the request's headers.
 */
export async function getBillApiRequest(
	this: GetBillContext,
	request: GetBillRequest,
	ctx: ErrorContext,
	baseUrl?: string,
	policy: RetryPolicy = DEFAULT_RETRY_POLICY,
): Promise<IDataObject> {
	const root = baseUrl ?? (await getBaseUrl.call(this));
	const kind = kindOf(request);
	const safeToRepeat = isSafeToRepeat(kind);
	const signal = signalOf(this);
	for (let attempt = 1; ; attempt++) {
		if (isCancelled(this)) throw cancelledError(this, ctx.itemIndex ?? 0, `before the request to ${ctx.action}`);
		const options: IHttpRequestOptions = {
			method: request.method,
			url: `${root}${request.path}`,
			json: true,
			headers: { Accept: 'application/json' },
		};
		if (request.body !== undefined) options.body = request.body;
		if (request.qs !== undefined) options.qs = request.qs;
		// A read or an update under way is cut short by a stop; a create or delete is let finish, so its outcome is known.
		if (signal && safeToRepeat) options.abortSignal = signal;
		try {
			return (await this.helpers.httpRequestWithAuthentication.call(
				this,
				CREDENTIAL_TYPE,
				options,
			)) as IDataObject;
		} catch (error) {
			if (safeToRepeat && isCancelled(this)) throw cancelledError(this, ctx.itemIndex ?? 0, `during the request to ${ctx.action}`);
			const failure = extractHttpFailure(error);
			const decision = decideRetry(failure, attempt - 1, policy, Math.random, safeToRepeat);
			if (decision.retry) {
				this.logger?.debug?.(
					`GetBill answered ${failure.status ?? failure.networkCode ?? 'with an error'}; retry ${attempt} of ${policy.maxRetries} in ${decision.delayMs} ms`,
				);
				await cancellableWait(this, decision.delayMs, ctx.itemIndex ?? 0, `while waiting to retry the request to ${ctx.action}`);
				continue;
			}
			throw failureToApiError(this.getNode(), failure, {
				...ctx,
				baseUrl: root,
				attempts: attempt,
				maxRateLimitWaitSeconds: policy.maxRateLimitWaitSeconds,
				kind,
			});
		}
	}
}

/** Page size GetBill allows at most */
export const MAX_PAGE_SIZE = 100;

/**
 * One page of a paged list (`{data: [...], pagination: {page, pages}}`): its
 * entries, and whether it is the last (`pagination.pages` reached, or an empty
 * or unpaged answer).
 */
export async function getBillApiRequestPage(
	this: GetBillContext,
	request: GetBillRequest,
	ctx: ErrorContext,
	baseUrl: string,
	policy: RetryPolicy,
	page: number,
	pageSize: number,
): Promise<{ entries: IDataObject[]; last: boolean }> {
	const response = await getBillApiRequest.call(this, { ...request, qs: { ...request.qs, page, limit: pageSize } }, ctx, baseUrl, policy);
	const entries = Array.isArray(response?.data) ? (response.data as IDataObject[]) : [];
	const pages = Number((response?.pagination as IDataObject | undefined)?.pages);
	return { entries, last: entries.length === 0 || !Number.isFinite(pages) || page >= pages };
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
): Promise<IDataObject[]> {
	const pageSize = limit === undefined ? MAX_PAGE_SIZE : Math.min(MAX_PAGE_SIZE, limit);
	const entries: IDataObject[] = [];
	for (let page = 1; ; page++) {
		const read = await getBillApiRequestPage.call(this, request, ctx, baseUrl, policy, page, pageSize);
		entries.push(...read.entries);
		const done = (limit !== undefined && entries.length >= limit) || read.last;
		if (done) return limit === undefined ? entries : entries.slice(0, limit);
	}
}
