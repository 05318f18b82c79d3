/** Error mapping: from what n8n's helpers throw to words a user can act on. */
import type { INode } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import type { ErrorContext } from '../../nodes/GetBill/transport/types';
import { describeFailure, extractHttpFailure, failureToApiError, formatDetails } from '../../nodes/GetBill/transport/errors';
import { apiPath } from '../../nodes/GetBill/transport';

const node: INode = { id: '1', name: 'GetBill', type: 'n8n-nodes-getbill.getBill', typeVersion: 1, position: [0, 0], parameters: {} };
const ctx = { action: 'update followup "abc"', itemIndex: 3 };

/** What axios throws, with the request (and its Authorization header) attached. */
function axiosError(status: number, data: unknown, headers: Record<string, string> = {}) {
	const error = new Error(`Request failed with status code ${status}`) as Error & Record<string, unknown>;
	error.config = { headers: { Authorization: 'Bearer at_secret_token' }, data: '{"client_secret":"s3cret"}' };
	error.request = { _header: 'PUT / HTTP/1.1\r\nAuthorization: Bearer at_secret_token' };
	error.response = { status, data, headers, config: error.config };
	return error;
}

describe('extractHttpFailure', () => {
	it('reads a raw axios error: status, parsed body, Retry-After', () => {
		expect(extractHttpFailure(axiosError(429, '{"message":"slow down"}', { 'retry-after': '7' }))).toEqual({
			status: 429,
			body: { message: 'slow down' },
			retryAfterHeader: '7',
		});
	});

	it('reads the NodeApiError n8n wraps it in (status and body only)', () => {
		const wrapped = new NodeApiError(node, axiosError(404, { error: true, message: 'Followup not found', code: 404 }) as never);
		expect(extractHttpFailure(wrapped)).toEqual({ status: 404, body: { error: true, message: 'Followup not found', code: 404 } });
	});

	it('recognises a token endpoint refusal and a network error', () => {
		const auth = Object.assign(new Error('Client authentication failed'), { code: 'EAUTH', body: { error: 'invalid_client' } });
		expect(extractHttpFailure(new NodeApiError(node, auth as never))).toMatchObject({ duringTokenRequest: true });
		const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
		expect(extractHttpFailure(new NodeApiError(node, reset as never))).toMatchObject({ networkCode: 'ECONNRESET' });
		expect(extractHttpFailure(reset)).toMatchObject({ networkCode: 'ECONNRESET', rawMessage: 'socket hang up' });
	});
});

describe('describeFailure', () => {
	it('429 gives the wait from details.retry_after and the reset time', () => {
		const d = describeFailure({ status: 429, body: { message: 'Rate limit exceeded. Please try again later.', details: { retry_after: 90, reset_time: '2024-01-15T10:30:00Z' } } }, ctx);
		expect(d.description).toBe('GetBill limits the writes (creates, updates and deletes) of each OAuth client. Retry after 90 seconds. The limit resets at 2024-01-15T10:30:00Z.');
	});

	it('429 names the limit GetBill announced (details.limit, else the headers), never a constant', () => {
		const body = { message: 'Rate limit exceeded. Please try again later.', details: { retry_after: 90, limit: 25 } };
		expect(describeFailure({ status: 429, body }, { ...ctx, quotaWindowSeconds: 300 }).description).toMatch(/^GetBill allows 25 writes \(creates, updates and deletes\) per 5 minutes per OAuth client\./);
		const fromHeaders = describeFailure({ status: 429, body: { details: { retry_after: 9 } } }, { ...ctx, kind: 'read', quotaLimit: 1000, quotaWindowSeconds: 3600 });
		expect(fromHeaders.description).toMatch(/^GetBill allows 1000 reads per hour per OAuth client\./);
	});

	it('429 falls back to the Retry-After header (seconds or a date)', () => {
		expect(describeFailure({ status: 429, body: {}, retryAfterHeader: '1' }, ctx).description).toContain('Retry after 1 second.');
		const inTwoMinutes = new Date(Date.now() + 125_000).toUTCString();
		expect(describeFailure({ status: 429, body: {}, retryAfterHeader: inTwoMinutes }, ctx).description).toMatch(/Retry after \d minutes/);
	});

	it('keeps a status it has no words for, with GetBill\'s message', () => {
		const d = describeFailure({ status: 409, body: { message: 'Conflict', details: { status: ['locked'] } } }, ctx);
		expect(d.message).toBe('GetBill answered 409: Conflict');
		expect(d.description).toBe('GetBill could not update followup "abc". Fields: status: locked.');
	});

	it('404 of a request about the operation\'s own ID: that record, in GetBill\'s words', () => {
		const notFound = { message: 'Debt "d1" not found', description: 'Check the Debt ID.' };
		const d = describeFailure({ status: 404, body: { error: true, message: 'Debt not found', code: 404 } }, { ...ctx, notFound, method: 'GET', path: '/external-api/v1/debts/d1' });
		expect([d.message, d.description]).toEqual(['Debt "d1" not found: Debt not found', 'Check the Debt ID.']);
		const bare = describeFailure({ status: 404, body: 'Not Found' }, { ...ctx, notFound, baseUrl: 'https://proxy.example' });
		expect(bare.message).toBe('Debt "d1" not found');
		expect(bare.description).toMatch(/^Check the Debt ID\. The answer carried no message from GetBill, so it may not be GetBill's: The Base URL of the GetBill OAuth2 API credential \(now https:\/\/proxy\.example\)/);
	});

	it('404 of any other request: the method and path, the Base URL (e.g. https://getbill.io) and a proxy; never a followup', () => {
		const d = describeFailure(
			{ status: 404, body: { error: true, message: 'Endpoint not found', code: 404 } },
			{ action: 'create the debt of Jane Smith', noun: 'debt', kind: 'create', method: 'POST', path: '/external-api/v1/debts', baseUrl: 'https://getbill.example/gb' },
		);
		expect(d.message).toBe('GetBill answered 404 for POST /external-api/v1/debts: check the Base URL of the credential');
		expect(d.description).toBe(
			'No GetBill endpoint answered at https://getbill.example/gb/external-api/v1/debts (the answer said "Endpoint not found"), so the request to create the debt of Jane Smith was not carried out. ' +
				'The Base URL of the GetBill OAuth2 API credential (now https://getbill.example/gb) must be GetBill\'s address alone, e.g. https://getbill.io, without /external-api/v1. ' +
				'A proxy or firewall between n8n and GetBill may also answer 404 for an address it does not pass on.',
		);
		const unnamed = describeFailure({ status: 404, body: {} }, { action: 'list debts' });
		expect(unnamed.message).toBe('GetBill answered 404: check the Base URL of the credential');
		expect(unnamed.description).not.toMatch(/followup/i);
	});

	it('422 of an expensive destination: where to accept the cost, as the operation and its mode say', () => {
		const refusal = { status: 422, body: { error: true, message: 'Expensive destination: Morocco (125 credits per call, 5.0x the France mainland rate).', code: 422 } };
		const create: ErrorContext = { action: 'create the debt of Jane Smith', noun: 'debt', kind: 'create' };
		const advice = (about: ErrorContext) => describeFailure(refusal, about).description.replace(/^The phone number is in a destination where calls cost more \(GetBill names it and the cost above\)\. /, '');
		expect(advice({ ...create, expensiveHint: 'parameter' })).toBe(
			'To accept that cost, turn on the parameter "Accept Expensive Destination" under Additional Fields; otherwise use another phone or an email.',
		);
		expect(advice({ ...create, expensiveHint: 'inputField' })).toBe(
			'To accept that cost, give the input item the field accept_expensive_destination with the value true (Auto-Map sends it to GetBill); otherwise use another phone or an email.',
		);
		expect(advice({ action: 'update debt "d1"', noun: 'debt', kind: 'update' })).toBe(
			'Update cannot accept that cost: GetBill takes accept_expensive_destination only when a debt is created (Debt → Create or Create Many). Leave the phone out of this update, or use another phone or an email.',
		);
		expect(advice({ action: 'create a followup for debt "d1"', noun: 'followup', kind: 'create' })).toBe(
			'This operation cannot accept that cost: GetBill takes accept_expensive_destination only when a debt is created (Debt → Create or Create Many). Use another phone or an email.',
		);
	});

	it('copes with a body that is not GetBill\'s shape', () => {
		expect(describeFailure({ status: 502, body: '<html>Bad Gateway</html>' }, ctx).message).toBe('GetBill had a server error (502)');
	});

	it('formats details of any shape', () => {
		expect(formatDetails({ a: ['x', 'y'], b: 'z', c: { n: 1 } })).toEqual(['a: x; y', 'b: z', 'c: {"n":1}']);
		expect(formatDetails(undefined)).toEqual([]);
	});
});

/** What the transport does with whatever n8n's helper threw. */
const toGetBillApiError = (node: INode, error: unknown, ctx: ErrorContext) => failureToApiError(node, extractHttpFailure(error), ctx);

describe('failureToApiError(extractHttpFailure(…))', () => {
	it('carries GetBill\'s message, details, status and item, and nothing of the request', () => {
		const error = toGetBillApiError(node, axiosError(400, { error: true, message: 'Validation failed', code: 400, details: { call_date: ['must be ISO 8601'] } }), ctx);
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toBe('GetBill refused to update followup "abc": Validation failed (call_date: must be ISO 8601)');
		expect(error.httpCode).toBe('400');
		expect(error.context.itemIndex).toBe(3);
		expect(error.errorResponse).toEqual({ code: 400, message: 'Validation failed', details: { call_date: ['must be ISO 8601'] } });
		const everything = JSON.stringify({ ...error, message: error.message, description: error.description, json: error.toJSON?.() });
		expect(everything).not.toContain('at_secret_token');
		expect(everything).not.toContain('s3cret');
		expect(everything).not.toMatch(/authorization/i);
	});
});

describe('apiPath', () => {
	it('encodes every ID so none can reach another endpoint', () => {
		expect(apiPath`/followups/${'../debts/1'}`).toBe('/external-api/v1/followups/..%2Fdebts%2F1');
		expect(apiPath`/followups/${'a?b=c#d'}`).toBe('/external-api/v1/followups/a%3Fb%3Dc%23d');
	});
});
