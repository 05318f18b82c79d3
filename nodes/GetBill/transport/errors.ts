import type { INode, JsonObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { toolDescription } from './forTool';
import { allowance, fromGetBillClock } from './quota';
import { retryAfterSeconds } from './retry';
import type { ErrorContext, ExpensiveHint, HttpFailure, RequestKind } from './types';

/** What GetBill documents for every error: `{error, message, code, details?}`. */
export interface GetBillErrorBody {
	message?: string;
	code?: number;
	details?: Record<string, unknown>;
}

/**
 * What to do about GetBill's refusal of a phone in a costly destination: where
 * to accept the cost in the operation's mode; an operation that cannot send
 * `accept_expensive_destination` (Update: debts.md documents it for Create
 * and Batch only) says so.
 */
export function expensiveDestinationAdvice(hint: ExpensiveHint | undefined, kind: RequestKind | undefined): string {
	const what = 'The phone number is in a destination where calls cost more (GetBill names it and the cost above).';
	if (hint === 'parameter') {
		return `${what} To accept that cost, turn on the parameter "Accept Expensive Destination" under Additional Fields; otherwise use another phone or an email.`;
	}
	if (hint === 'inputField') {
		return `${what} To accept that cost, give the input item the field accept_expensive_destination with the value true (Auto-Map sends it to GetBill); otherwise use another phone or an email.`;
	}
	const cannot = 'GetBill takes accept_expensive_destination only when a debt is created (Debt → Create or Create Many)';
	return kind === 'update'
		? `${what} Update cannot accept that cost: ${cannot}. Leave the phone out of this update, or use another phone or an email.`
		: `${what} This operation cannot accept that cost: ${cannot}. Use another phone or an email.`;
}

/** What a request of that kind needs and does, for a resource (`noun`: "followup", "debt"). */
function kindText(kind: RequestKind, noun: string): { scope: string; purpose: string; repeat: string } {
	const plural = noun.endsWith('y') ? `${noun.slice(0, -1)}ies` : `${noun}s`;
	switch (kind) {
		case 'read':
			return { scope: `${plural}:read`, purpose: `read ${plural}`, repeat: 'Reads are safe to repeat.' };
		case 'update':
			return { scope: `${plural}:write`, purpose: `update ${plural}`, repeat: 'Updates are safe to repeat.' };
		case 'create':
			return {
				scope: `${plural}:write`,
				purpose: `create ${plural}`,
				repeat: `Before running again, check in GetBill whether the ${noun} was created: a create sent twice makes two ${plural}.`,
			};
		case 'delete':
			return {
				scope: `${plural}:write`,
				purpose: `delete ${plural}`,
				repeat: `Before running again, check in GetBill whether the ${noun} was deleted.`,
			};
	}
}

/**
 * Node.js and axios codes of a request that got no answer because the network
 * failed: only these may say "could not reach GetBill". Anything else without
 * an HTTP status (n8n's own "OAuth credentials not connected", a bad URL, …)
 * keeps its own words.
 */
const NETWORK_ERROR_CODES = new Set([
	'EAI_AGAIN',
	'ECONNABORTED',
	'ECONNREFUSED',
	'ECONNRESET',
	'EHOSTDOWN',
	'EHOSTUNREACH',
	'ENETDOWN',
	'ENETUNREACH',
	'ENOTFOUND',
	'EPIPE',
	'ESOCKETTIMEDOUT',
	'ETIMEDOUT',
	'ERR_SOCKET_CONNECTION_TIMEOUT',
	'UND_ERR_CONNECT_TIMEOUT',
	'UND_ERR_SOCKET',
]);

/** Whether a failure without an HTTP status is a network failure (no answer at all). */
export function isNetworkFailure(failure: HttpFailure): boolean {
	if (failure.status !== undefined) return false;
	if (failure.networkCode !== undefined) return NETWORK_ERROR_CODES.has(failure.networkCode);
	return /socket hang up|network error|timeout of \d+ms exceeded/i.test(failure.rawMessage ?? '');
}

function isObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseBody(body: unknown): unknown {
	if (typeof body === 'string') {
		try {
			return JSON.parse(body);
		} catch {
			return body;
		}
	}
	if (Buffer.isBuffer(body)) return parseBody(body.toString('utf8'));
	return body;
}

/**
 * Finds the HTTP response inside whatever n8n's helpers threw: an AxiosError,
 * a NodeApiError wrapping one (its `cause`), or an OAuth2 client error from the
 * token endpoint. Picks only status, body, Retry-After, Date and the
 * X-RateLimit-* headers of the answer: no request data,
 * so no token or secret can travel further.
 */
export function extractHttpFailure(error: unknown): HttpFailure {
	const seen = new Set<unknown>();
	let current: unknown = error;
	const failure: HttpFailure = {};
	while (isObject(current) && !seen.has(current)) {
		seen.add(current);
		const response = current.response;
		if (isObject(response) && typeof response.status === 'number') {
			failure.status = response.status;
			failure.body = parseBody(response.data ?? response.body);
			const headers = response.headers;
			if (isObject(headers)) {
				const retry = headers['retry-after'] ?? headers['Retry-After'];
				if (retry !== undefined) failure.retryAfterHeader = String(retry);
				const date = headers.date ?? headers.Date;
				if (date !== undefined) failure.dateHeader = String(Array.isArray(date) ? date[0] : date);
				const quota = Object.fromEntries(Object.entries(headers).filter(([name]) => /^x-ratelimit-/i.test(name)));
				if (Object.keys(quota).length) failure.quotaHeaders = quota;
			}
			return failure;
		}
		// @n8n/client-oauth2 ResponseError (token endpoint answered >= 300)
		if (typeof current.status === 'number' && 'body' in current && current.constructor?.name === 'ResponseError') {
			failure.status = current.status;
			failure.body = parseBody(current.body);
			failure.duringTokenRequest = true;
			return failure;
		}
		// @n8n/client-oauth2 AuthError (token endpoint answered an OAuth error body)
		if (current.code === 'EAUTH' && 'body' in current) {
			failure.body = parseBody(current.body);
			failure.duringTokenRequest = true;
			failure.rawMessage = typeof current.message === 'string' ? current.message : undefined;
			return failure;
		}
		// n8n's helper wraps the failure in a NodeApiError that keeps only the
		// status (httpCode), the response body (context.data) and the messages.
		const httpCode = current.httpCode;
		if (typeof httpCode === 'string' || typeof httpCode === 'number') {
			const code = String(httpCode);
			const messages = Array.isArray(current.messages) ? current.messages.map(String) : [];
			const context = isObject(current.context) ? current.context : {};
			if (code === 'EAUTH') {
				failure.duringTokenRequest = true;
				failure.rawMessage = messages[0];
				return failure;
			}
			if (/^\d{3}$/.test(code)) {
				failure.status = Number(code);
				if (context.data !== undefined) failure.body = parseBody(context.data);
				else if (messages.some((m) => /^HTTP status \d{3}$/.test(m))) failure.duringTokenRequest = true;
				return failure;
			}
			if (/^E[A-Z_]+$/.test(code)) {
				failure.networkCode = code;
				failure.rawMessage = messages[0];
				return failure;
			}
		}
		if (typeof current.code === 'string' && /^E[A-Z_]+$/.test(current.code) && !failure.networkCode) {
			failure.networkCode = current.code;
		}
		if (!failure.rawMessage && typeof current.message === 'string') failure.rawMessage = current.message;
		current = current.cause;
	}
	return failure;
}

/** Update Creditor's other error shape, `errors: [{property, message}]`, as `details` (`{property: [message]}`). */
function errorsArrayAsDetails(errors: unknown): Record<string, unknown> | undefined {
	if (!Array.isArray(errors) || errors.length === 0) return undefined;
	const details: Record<string, string[]> = {};
	for (const entry of errors) {
		if (!isObject(entry)) continue;
		const field = typeof entry.property === 'string' ? entry.property : typeof entry.field === 'string' ? entry.field : 'request';
		(details[field] ??= []).push(typeof entry.message === 'string' ? entry.message : JSON.stringify(entry));
	}
	return Object.keys(details).length ? details : undefined;
}

/** `details` as "field: message; message" lines. */
export function formatDetails(details: unknown): string[] {
	if (!isObject(details)) return [];
	const lines: string[] = [];
	for (const [field, messages] of Object.entries(details)) {
		if (Array.isArray(messages)) lines.push(`${field}: ${messages.map(String).join('; ')}`);
		else if (isObject(messages)) lines.push(`${field}: ${JSON.stringify(messages)}`);
		else lines.push(`${field}: ${String(messages)}`);
	}
	return lines;
}

/** ISO 8601 UTC without milliseconds, as GetBill writes reset_time */
const isoSeconds = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

function waitText(seconds: number): string {
	if (seconds < 120) return `${seconds} second${seconds === 1 ? '' : 's'}`;
	const minutes = Math.ceil(seconds / 60);
	return `${minutes} minutes (${seconds} seconds)`;
}

export interface DescribedError {
	message: string;
	description: string;
	httpCode?: string;
	body: JsonObject;
}

/** The limit GetBill announced (the 429's `details.limit`, or the headers'), never a constant. */
function announced(details: Record<string, unknown> | undefined, ctx: ErrorContext): string {
	const what = ctx.kind === 'read' ? 'reads' : 'writes (creates, updates and deletes)';
	return `${allowance(what, Number(details?.limit ?? ctx.quotaLimit), ctx.quotaWindowSeconds)}.`;
}

/** The Base URL's advice of a 404 GetBill's API did not explain: a wrong Base URL or a proxy. */
function baseUrlAdvice(ctx: ErrorContext): string {
	const now = ctx.baseUrl ? ` (now ${ctx.baseUrl})` : '';
	return (
		`The Base URL of the GetBill OAuth2 API credential${now} must be GetBill's address alone, e.g. https://getbill.io, without /external-api/v1. ` +
		'A proxy or firewall between n8n and GetBill may also answer 404 for an address it does not pass on.'
	);
}

/**
 * A 404's words: the record's own where the request was about the operation's
 * ID (`ctx.notFound`); otherwise the address itself was not found, which in
 * practice is a wrong Base URL or a proxy.
 */
function notFoundText(ctx: ErrorContext, apiMessage: string | undefined): { message: string; description: string } {
	if (ctx.notFound) {
		return {
			message: `${ctx.notFound.message}${apiMessage ? `: ${apiMessage}` : ''}`,
			description: apiMessage
				? ctx.notFound.description
				: `${ctx.notFound.description} The answer carried no message from GetBill, so it may not be GetBill's: ${baseUrlAdvice(ctx)}`,
		};
	}
	const request = ctx.method && ctx.path ? ` for ${ctx.method} ${ctx.path}` : '';
	return {
		message: `GetBill answered 404${request}: check the Base URL of the credential`,
		description:
			`No GetBill endpoint answered at ${ctx.baseUrl ?? 'the Base URL'}${ctx.path ?? ''}${apiMessage ? ` (the answer said "${apiMessage}")` : ''}, ` +
			`so the request to ${ctx.action} was not carried out. ${baseUrlAdvice(ctx)}`,
	};
}

/** "3 seconds", "750 ms": how long the node waited. */
function waited(ms: number): string {
	return ms < 1000 ? `${ms} ms` : waitText(Math.round(ms / 1000));
}

/**
 * What to check in GetBill before a create or delete with no answer is sent
 * again: whether the record was created (or deleted); for a batch, which.
 */
function checkText(ctx: ErrorContext): string {
	const noun = ctx.noun ?? 'followup';
	const plural = noun.endsWith('y') ? `${noun.slice(0, -1)}ies` : `${noun}s`;
	if (ctx.kind === 'delete') return ctx.itemLabel ? `which of the ${plural} were deleted` : `whether the ${noun} was deleted`;
	return `${ctx.itemLabel ? `which of the ${plural} were created` : `whether the ${noun} was created`}: a create sent twice makes two ${plural}`;
}

/**
 * The words of a request the node gave up on (no answer within the Timeout,
 * or a stop): a read or an update may simply be run again; a create or a
 * delete has an unknown outcome, named with the item and what to check.
 */
function gaveUpText(gaveUp: NonNullable<HttpFailure['gaveUp']>, ctx: ErrorContext, repeat: string): { message: string; description: string } {
	const timeout = `the Timeout (${waited(gaveUp.afterMs)})`;
	if (!gaveUp.outcomeUnknown) {
		return {
			message: `GetBill did not answer within ${waited(gaveUp.afterMs)}`,
			description: `The request to ${ctx.action} got no complete answer within ${timeout}. ${repeat} Run again later, or raise Timeout under Options if GetBill is often this slow.`,
		};
	}
	const named = ctx.itemLabel ?? (ctx.itemIndex === undefined ? 'it' : `item ${ctx.itemIndex}`);
	const check = `Before sending ${named} again, check in GetBill ${checkText(ctx)}.`;
	if (gaveUp.why === 'stopped') {
		return {
			message: 'Outcome unknown: the execution was stopped before GetBill answered',
			description: `n8n stopped the execution while the request to ${ctx.action} was under way, and no answer came within ${waited(gaveUp.afterMs)} of the stop, so whether GetBill did it is unknown. ${check}`,
		};
	}
	return {
		message: `Outcome unknown: GetBill did not answer within ${waited(gaveUp.afterMs)}`,
		description: `The request to ${ctx.action} was sent, but no complete answer came within ${timeout}, so whether GetBill did it is unknown; it was not sent again. ${check} If GetBill is often this slow, raise Timeout under Options.`,
	};
}

/** Whether an error is a create's or delete's that got no answer (see `gaveUpText`): what GetBill did is unknown. */
export function isOutcomeUnknown(error: unknown): boolean {
	return (error as { context?: { outcomeUnknown?: unknown } } | undefined)?.context?.outcomeUnknown === true;
}

/** Turns a failure into words a user can act on. Pure, so it is tested alone. */
export function describeFailure(failure: HttpFailure, ctx: ErrorContext): DescribedError {
	const described = describeOnce(failure, ctx);
	if (ctx.forTool) described.description = toolDescription(failure, ctx, described.description, isNetworkFailure(failure));
	if (ctx.attempts !== undefined && ctx.attempts > 1) {
		described.description += ` The request was sent ${ctx.attempts} times.`;
	}
	return described;
}

/** The parts of a failure's answer that its description uses, read once (see `readAnswer`). */
interface ReadAnswer {
	details?: Record<string, unknown>;
	/** GetBill's message, or the token endpoint's error_description or error */
	apiMessage?: string;
	/** ": <apiMessage>", or nothing */
	said: string;
	/** `details` as "field: message" lines */
	detailLines: string[];
	/** What the error keeps of the answer: the status, GetBill's message and details, nothing else */
	safeBody: JsonObject;
	httpCode?: string;
}

/** Reads GetBill's error body (`{error, message, code, details?}`, or Update Creditor's `errors` array) of a failure. */
function readAnswer(failure: HttpFailure): ReadAnswer {
	const parsed = isObject(failure.body) ? failure.body : {};
	const body: GetBillErrorBody = {
		message: typeof parsed.message === 'string' ? parsed.message : undefined,
		code: typeof parsed.code === 'number' ? parsed.code : failure.status,
		details: isObject(parsed.details) ? parsed.details : errorsArrayAsDetails(parsed.errors),
	};
	const apiMessage =
		body.message ??
		(typeof parsed.error_description === 'string' ? parsed.error_description : undefined) ??
		(typeof parsed.error === 'string' ? parsed.error : undefined);
	const status = failure.status;
	const safeBody: JsonObject = {
		...(status !== undefined ? { code: status } : {}),
		...(apiMessage ? { message: apiMessage } : {}),
		...(body.details ? { details: body.details as JsonObject } : {}),
	};
	return {
		details: body.details,
		apiMessage,
		said: apiMessage ? `: ${apiMessage}` : '',
		detailLines: formatDetails(body.details),
		safeBody,
		httpCode: status !== undefined ? String(status) : undefined,
	};
}

/** The words of one failure, before the tool's words and the attempts are added (see `describeFailure`). */
function describeOnce(failure: HttpFailure, ctx: ErrorContext): DescribedError {
	const answer = readAnswer(failure);
	const kind = kindText(ctx.kind ?? 'update', ctx.noun ?? 'followup');
	if (ctx.scope) kind.scope = ctx.scope;
	if (failure.duringTokenRequest) return tokenRefused(failure, answer);
	if (failure.gaveUp) return { ...gaveUpText(failure.gaveUp, ctx, kind.repeat), body: { message: 'No answer', ...(failure.gaveUp.outcomeUnknown ? { outcome: 'unknown' } : {}) } };
	if (failure.status === undefined) return isNetworkFailure(failure) ? unreachable(failure, ctx, kind.repeat) : notSent(failure, ctx, kind.repeat);
	return { ...statusText(failure, failure.status, answer, ctx, kind), httpCode: answer.httpCode, body: answer.safeBody };
}

/** n8n asked GetBill's token endpoint for a token and was refused. */
function tokenRefused(failure: HttpFailure, answer: ReadAnswer): DescribedError {
	return {
		message: `GetBill did not issue an access token${answer.said || (failure.rawMessage ? `: ${failure.rawMessage}` : '')}`,
		description:
			'n8n asked GetBill\'s token endpoint ({Base URL}/token) for a token and was refused. Check the Client ID, Client Secret and Scope in the GetBill OAuth2 API credential, and that the OAuth client is active in GetBill (Company → API Client Management).',
		httpCode: answer.httpCode,
		body: answer.safeBody,
	};
}

/** No status and not a network failure: n8n's (or the request library's) own words, e.g. "OAuth credentials not connected". */
function notSent(failure: HttpFailure, ctx: ErrorContext, repeat: string): DescribedError {
	const words = failure.rawMessage?.trim() || (failure.networkCode ? `Request failed (${failure.networkCode})` : 'The request failed');
	// n8n-core says "OAuth credentials not connected"; n8n 2.41's OAuth2 client "Unable to sign without access token".
	const notConnected = /not connected|without access token/i.test(words);
	return {
		message: `Could not ${ctx.action}: ${words}`,
		description: notConnected
			? 'The GetBill OAuth2 API credential has no token yet. Open the credential and connect it (with Authorization Code, sign in to GetBill through "Connect my account"), or choose the Client Credentials grant. Nothing was sent to GetBill.'
			: `n8n did not get an answer from GetBill for this request (${words}). Check the GetBill OAuth2 API credential and the node's parameters. ${repeat}`,
		body: { ...(failure.networkCode ? { networkError: failure.networkCode } : {}), message: words },
	};
}

/** A network failure: no answer at all. */
function unreachable(failure: HttpFailure, ctx: ErrorContext, repeat: string): DescribedError {
	// The network code stays out of `message`: n8n would replace such a message with a generic one.
	const code = failure.networkCode ? `Network error ${failure.networkCode}. ` : '';
	return {
		message: `Could not reach GetBill${ctx.baseUrl ? ` at ${ctx.baseUrl}` : ''}`,
		description: `${code}The request got no answer. Check the Base URL in the GetBill OAuth2 API credential and your network, then run again. ${repeat}`,
		body: { ...(failure.networkCode ? { networkError: failure.networkCode } : {}) },
	};
}

/** The words of an HTTP status GetBill answered. */
function statusText(
	failure: HttpFailure,
	status: number,
	answer: ReadAnswer,
	ctx: ErrorContext,
	kind: ReturnType<typeof kindText>,
): { message: string; description: string } {
	const { said, detailLines } = answer;
	const fieldText = detailLines.length ? ` Fields: ${detailLines.join(' | ')}.` : '';
	switch (true) {
		case status === 400 || status === 422:
			return refusedText(answer, ctx);
		case status === 401:
			return {
				message: `GetBill did not accept the credentials${said}`,
				description:
					'The access token was refused even after n8n fetched a new one. Check the Client ID, Client Secret and Base URL in the GetBill OAuth2 API credential.' +
					fieldText,
			};
		case status === 403:
			return {
				message: `GetBill denied access${said}`,
				description: `The OAuth client needs the ${kind.scope} scope to ${kind.purpose}. Add it to the Scope of the GetBill OAuth2 API credential and allow it for the client in GetBill (Company → API Client Management).`,
			};
		case status === 404:
			return notFoundText(ctx, answer.apiMessage);
		case status === 429:
			return rateLimitText(failure, answer, ctx);
		case status >= 500:
			return {
				message: ctx.wording === 2 ? `GetBill failed on its side (${status})${said}` : `GetBill had a server error (${status})${said}`,
				description:
					`This is usually temporary. Run again later, or raise Max Retries under Options. ${kind.repeat}`,
			};
		default:
			return {
				message: `GetBill answered ${status}${said}`,
				description: `GetBill could not ${ctx.action}.${fieldText}`,
			};
	}
}

/** A 400 or 422: GetBill refused the values, its field errors listed. */
function refusedText(answer: ReadAnswer, ctx: ErrorContext): { message: string; description: string } {
	const { apiMessage, said, detailLines } = answer;
	return {
		message: `GetBill refused to ${ctx.action}${said}${detailLines.length ? ` (${detailLines.join('; ')})` : ''}`,
		description: /expensive destination/i.test(apiMessage ?? '')
			? expensiveDestinationAdvice(ctx.expensiveHint, ctx.kind)
			: detailLines.length
				? `GetBill rejected these fields:\n${detailLines.join('\n')}\nCorrect them and run again.`
				: 'GetBill rejected the request. Check the values sent against the allowed values and formats.',
	};
}

/** A 429: the limit GetBill announced, how long it asks to wait, and when the limit resets (on n8n's clock). */
function rateLimitText(failure: HttpFailure, answer: ReadAnswer, ctx: ErrorContext): { message: string; description: string } {
	const { details } = answer;
	const seconds = retryAfterSeconds(failure);
	// reset_time is on GetBill's clock: shown on n8n's (the time left after the answer's Date header).
	const resetTime = isObject(details) && typeof details.reset_time === 'string' ? details.reset_time : undefined;
	const resetMs = resetTime === undefined ? NaN : Date.parse(resetTime);
	const reset =
		resetTime === undefined
			? ''
			: ` The limit resets at ${Number.isNaN(resetMs) || failure.dateHeader === undefined ? resetTime : isoSeconds(fromGetBillClock(resetMs, failure.dateHeader))}.`;
	const tooLong =
		seconds !== undefined && ctx.maxRateLimitWaitSeconds !== undefined && seconds > ctx.maxRateLimitWaitSeconds;
	const wait =
		seconds === undefined
			? ''
			: tooLong
				? ` GetBill asks to wait ${waitText(seconds)}, longer than the node's Max Rate-Limit Wait (${ctx.maxRateLimitWaitSeconds} seconds), so the item was not retried.`
				: ` Retry after ${waitText(seconds)}.`;
	return {
		message: `GetBill rate limit reached${answer.said}`,
		description: `${announced(details, ctx)}${wait}${reset}${tooLong ? ' Run again after that, or raise Max Rate-Limit Wait under Options.' : ''}`,
	};
}

/** The NodeApiError thrown for a failed GetBill request. */
export function failureToApiError(node: INode, failure: HttpFailure, ctx: ErrorContext): NodeApiError {
	const described = describeFailure(failure, ctx);
	const named = ctx.itemLabel ?? (ctx.itemIndex === undefined ? undefined : `item ${ctx.itemIndex}`);
	const item = ctx.wording === 2 && named ? ` [${named}]` : '';
	const error = new NodeApiError(node, described.body, {
		message: `${described.message}${item}`,
		description: described.description,
		httpCode: described.httpCode,
		itemIndex: ctx.itemIndex,
	});
	if (failure.gaveUp?.outcomeUnknown) error.context.outcomeUnknown = true;
	return error;
}
