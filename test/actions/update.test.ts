/**
 * The Update operation run by n8n-core's real engine, request helpers and
 * OAuth2 client against the GetBill-like server on 127.0.0.1.
 */
import type { IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { newCredentials, runGetBill } from '../helpers/n8n-harness';
import { useGetBillServer } from '../helpers/server';
import { CLIENT_CREDENTIALS_TOKEN_REQUEST } from '../server/getbill-server';

const SECRET = 'test-client-secret';
const gb = useGetBillServer({ followupIds: ['abc123def456', 'f1', 'f2', 'f3', 'f4', 'f5', 'id/with?odd#chars %'] });
const { server } = gb;

const update = (followupId: string, updateFields: IDataObject): INodeParameters => ({ followupId, updateFields: updateFields as INodeParameters });

/** Everything a user or a log could see of a run, to search for secrets. */
function visible(result: Awaited<ReturnType<typeof runGetBill>>): string {
	const error = result.error as unknown as IDataObject | undefined;
	return JSON.stringify({ outputs: result.outputs, error, message: error?.message, description: error?.description, extra: error && { ...error } });
}

function expectNoSecrets(text: string) {
	expect(text).not.toContain(SECRET);
	for (const entry of server.tokenRequests) if (entry.issued) expect(text).not.toContain(entry.issued);
	expect(text).not.toMatch(/Bearer\s+at_/);
	expect(text.toLowerCase()).not.toContain('authorization');
}

describe('a successful update', () => {
	it('sends PUT with the bearer token and exactly the fields set, and outputs the followup', async () => {
		const result = await runGetBill({
			credentials: gb.credentials,
			items: [{ from: 'crm' }],
			parameters: update('abc123def456', {
				status: 'deal_found',
				call_date: '2024-01-25T10:15:00Z',
				duration_ms: 240000,
				summary: 'Successful contact, payment plan agreed',
				notes: 'Customer agreed to pay €500 monthly starting February 1st.',
			}),
		});
		expect(result.error).toBeUndefined();
		expect(server.tokenRequests).toHaveLength(1);
		expect(server.tokenRequests[0]).toMatchObject(CLIENT_CREDENTIALS_TOKEN_REQUEST);
		const [request] = server.requests;
		expect(server.requests).toHaveLength(1);
		expect(request.method).toBe('PUT');
		expect(request.rawPath).toBe('/external-api/v1/followups/abc123def456');
		expect(request.headers.authorization).toBe(`Bearer ${server.tokenRequests[0].issued}`);
		expect(request.headers['content-type']).toMatch(/^application\/json/);
		expect(JSON.parse(request.rawBody)).toEqual({
			status: 'deal_found',
			call_date: '2024-01-25T10:15:00Z',
			summary: 'Successful contact, payment plan agreed',
			notes: 'Customer agreed to pay €500 monthly starting February 1st.',
			duration_ms: 240000,
		});
		expect(request.status).toBe(200);
		const [[item]] = result.outputs;
		expect(item.json).toMatchObject({ id: 'abc123def456', status: 'deal_found', duration_ms: 240000, call_date: '2024-01-25T10:15:00+00:00' });
		expect(item.json).not.toHaveProperty('error');
		expect(item.pairedItem).toEqual({ item: 0 });
		expect(gb.credentials.tokenUpdates).toBe(1);
	});

	it('sends all 13 fields with their JSON types', async () => {
		const fields = {
			status: 'no_answer',
			type: 'whatsapp',
			call_date: '2024-01-25T10:15:00+01:00',
			scheduled_at: '2024-01-26T09:00:00',
			summary: 'S',
			notes: 'N',
			call_id: 'call_1',
			audio_url: 'https://example.com/a.mp3',
			duration_ms: 0,
			phone_number_used: '+33800123456',
			direction: 'inbound',
			disconnection_reason: 'user_hangup',
			is_retry: true,
		};
		const result = await runGetBill({ credentials: gb.credentials, parameters: update('f1', fields), timezone: 'Europe/Paris' });
		expect(result.error).toBeUndefined();
		expect(JSON.parse(server.requests[0].rawBody)).toStrictEqual({ ...fields, scheduled_at: '2024-01-26T09:00:00+01:00' });
		expect(server.getFollowup('f1')).toMatchObject({ type: 'whatsapp', is_retry: true, duration_ms: 0, scheduled_at: '2024-01-26T08:00:00+00:00' });
	});

	it('URL-encodes the Followup ID into one path segment and trims it', async () => {
		const result = await runGetBill({ credentials: gb.credentials, parameters: update('  id/with?odd#chars %  ', { status: 'sent' }) });
		expect(result.error).toBeUndefined();
		expect(server.requests[0].rawPath).toBe('/external-api/v1/followups/id%2Fwith%3Fodd%23chars%20%25');
		expect(server.getFollowup('id/with?odd#chars %')!.status).toBe('sent');
	});

	it('resolves expressions per item and keeps output order and pairing', async () => {
		const items = ['f1', 'f2', 'f3', 'f4', 'f5'].map((id, i) => ({ id, minutes: i + 1, result: i % 2 ? 'no_answer' : 'deal_found' }));
		const result = await runGetBill({
			credentials: gb.credentials,
			items,
			parameters: update('={{ $json.id }}', {
				status: '={{ $json.result }}',
				duration_ms: '={{ $json.minutes * 60000 }}',
				call_date: '={{ $now }}',
				is_retry: '={{ $json.minutes > 3 }}',
			}),
		});
		expect(result.error).toBeUndefined();
		expect(server.tokenRequests).toHaveLength(1); // one token for the whole execution
		expect(server.requests.map((r) => r.rawPath.split('/').pop())).toEqual(['f1', 'f2', 'f3', 'f4', 'f5']);
		expect(new Set(server.requests.map((r) => r.headers.authorization)).size).toBe(1);
		const [out] = result.outputs;
		expect(out.map((i) => [i.json.id, i.json.status, i.json.duration_ms, i.pairedItem])).toEqual(
			items.map((it, i) => [it.id, it.result, it.minutes * 60000, { item: i }]),
		);
		for (const request of server.requests) {
			expect(request.body.call_date).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?([+-]\d{2}:\d{2}|Z)$/);
			expect(Math.abs(Date.parse(request.body.call_date) - Date.now())).toBeLessThan(60_000);
		}
		expect(server.requests[4].body.is_retry).toBe(true);
		expect(server.requests[0].body.is_retry).toBe(false);
	});

	it('fetches a new token and succeeds when the saved one has expired', async () => {
		await runGetBill({ credentials: gb.credentials, parameters: update('f1', { status: 'scheduled' }) });
		server.expireAllTokens();
		server.reset();
		const result = await runGetBill({ credentials: gb.credentials, parameters: update('f1', { status: 'in_progress' }) });
		expect(result.error).toBeUndefined();
		expect(server.requests.map((r) => r.status)).toEqual([401, 200]);
		expect(server.tokenRequests).toHaveLength(1);
		expect(server.requests[1].headers.authorization).toBe(`Bearer ${server.tokenRequests[0].issued}`);
		expect(server.getFollowup('f1')!.status).toBe('in_progress');
		expect(result.outputs[0][0].json.status).toBe('in_progress');
	});
});

describe('the five update scenarios of the contract', () => {
	it.each([
		['Mark as deal found', { status: 'deal_found', call_date: '2024-01-25T10:15:00Z', summary: 'Customer contacted successfully, agreement reached' }],
		['Mark as delivered (messages)', { status: 'delivered', call_date: '2024-01-25T10:15:00Z', summary: 'Message delivered to recipient' }],
		['Record failed attempt', { status: 'no_answer', call_date: '2024-01-25T10:15:00Z', summary: 'No answer after multiple attempts', notes: 'Phone rang but no answer. Will try again tomorrow.' }],
		['Add call results', { status: 'deal_found', duration_ms: 180000, summary: 'Payment discussion', notes: 'Customer acknowledged debt and requested payment plan options' }],
		['Cancel followup', { status: 'cancelled', notes: 'Customer paid in full before followup was executed' }],
	])('%s sends the documented body', async (_name, body) => {
		const result = await runGetBill({ credentials: gb.credentials, parameters: update('abc123def456', body) });
		expect(result.error).toBeUndefined();
		expect(JSON.parse(server.requests[0].rawBody)).toStrictEqual(body);
	});
});

describe('invalid input is rejected before any request', () => {
	it.each([
		['an empty ID', update('   ', { status: 'sent' }), 'Followup ID is empty [item 0]: "   "'],
		['no field set', update('f1', {}), 'No field to update [item 0]'],
		['a status outside the list', update('f1', { status: 'won' }), 'Status (status) is not a value GetBill accepts: "won" [item 0]'],
		['a type outside the list', update('f1', { type: '={{ "fax" }}' }), 'Type (type) is not a value GetBill accepts: "fax" [item 0]'],
		['a direction outside the list', update('f1', { direction: 'sideways' }), 'Direction (direction) is not a value GetBill accepts: "sideways" [item 0]'],
		['an invalid date', update('f1', { call_date: 'yesterday' }), 'Call Date (call_date) is not a valid date: "yesterday" [item 0]'],
		['a fractional duration', update('f1', { duration_ms: 12.5 }), 'Duration (Ms) (duration_ms) must be a whole number: 12.5 [item 0]'],
		['a negative duration', update('f1', { duration_ms: -5 }), 'Duration (Ms) (duration_ms) cannot be negative: -5 [item 0]'],
	])('%s', async (_name, parameters, message) => {
		const result = await runGetBill({ credentials: gb.credentials, parameters });
		expect(result.error).toBeDefined();
		expect(result.error!.name).toBe('NodeOperationError');
		expect(result.error!.message).toBe(message);
		expect(result.error!.description).toBeTruthy();
		expect(server.requests).toHaveLength(0);
		expect(server.tokenRequests).toHaveLength(0);
	});

	it('names the item whose expression produced the bad value, and sends none of the items', async () => {
		const result = await runGetBill({
			credentials: gb.credentials,
			items: [{ s: 'deal_found' }, { s: 'sent' }, { s: 'Deal found!' }],
			parameters: update('f1', { status: '={{ $json.s }}' }),
		});
		expect(result.error!.message).toBe('Status (status) is not a value GetBill accepts: "Deal found!" [item 2]');
		expect(result.error!.description).toContain('Allowed values: on_hold');
		// items 0 and 1 were valid and were sent before item 2 stopped the run
		expect(server.requests).toHaveLength(2);
	});
});

describe('API errors become NodeApiError with GetBill\'s words', () => {
	const fault = (status: number, message: string, details?: IDataObject, headers?: Record<string, string>) => ({
		status,
		body: { error: true, message, code: status, ...(details ? { details } : {}) },
		headers,
	});

	it.each([
		[400, fault(400, 'Validation failed', { summary: ['Summary is too long'] }), 'GetBill refused to update followup "f1": Validation failed (summary: Summary is too long)', /summary: Summary is too long/],
		[422, fault(422, 'Unprocessable entity', { call_date: ['must be in the past'] }), 'GetBill refused to update followup "f1": Unprocessable entity (call_date: must be in the past)', /call_date: must be in the past/],
		[403, fault(403, 'Required scope "followups:write" not found in token'), 'GetBill denied access: Required scope "followups:write" not found in token', /followups:write scope/],
		[404, fault(404, 'Followup not found'), 'Followup "f1" not found: Followup not found', /Check the Followup ID/],
		[429, fault(429, 'Rate limit exceeded. Please try again later.', { retry_after: 1800, limit: 500, reset_time: '2024-01-15T10:30:00Z' }), 'GetBill rate limit reached: Rate limit exceeded. Please try again later.', /GetBill asks to wait 30 minutes \(1800 seconds\), longer than the node's Max Rate-Limit Wait \(60 seconds\), so the item was not retried\. The limit resets at 2024-01-15T10:30:00Z\./],
		[500, fault(500, 'Internal server error'), 'GetBill had a server error (500): Internal server error', /usually temporary/],
		[502, fault(502, 'Bad gateway'), 'GetBill had a server error (502): Bad gateway', /usually temporary/],
		[503, fault(503, 'Service unavailable'), 'GetBill had a server error (503): Service unavailable', /usually temporary/],
		[504, fault(504, 'Gateway timeout'), 'GetBill had a server error (504): Gateway timeout', /usually temporary/],
	])('%i', async (status, injected, message, description) => {
		server.injectFaults(injected);
		// retries are off here: this is about the words (retries: test/actions/volume.test.ts)
		const parameters = { ...update('f1', { status: 'sent' }), options: { maxRetries: 0 } };
		const result = await runGetBill({ credentials: gb.credentials, parameters });
		const error = result.error as unknown as IDataObject & { httpCode: string; context: IDataObject };
		expect(error.name).toBe('NodeApiError');
		expect(error.message).toBe(message);
		expect(error.description).toMatch(description);
		expect(error.httpCode).toBe(String(status));
		expect(error.context.itemIndex).toBe(0);
		expectNoSecrets(visible(result));
	});

	it('a 400 from GetBill\'s own validation carries its field details', async () => {
		server.seedFollowup('f9');
		// the node cannot send an invalid status, so make the server stricter than the node:
		server.injectFaults(fault(400, 'Validation failed', { status: ['must be one of on_hold, scheduled'] }));
		const result = await runGetBill({ credentials: gb.credentials, parameters: update('f9', { status: 'sent' }), onError: 'continueRegularOutput' });
		expect(result.outputs[0][0].json).toEqual({
			error: 'GetBill refused to update followup "f9": Validation failed (status: must be one of on_hold, scheduled)',
			description: 'GetBill rejected these fields:\nstatus: must be one of on_hold, scheduled\nCorrect them and run again.',
			httpCode: '400',
			details: { status: ['must be one of on_hold, scheduled'] },
		});
	});

	it('401 that persists after a fresh token says to check the credential', async () => {
		// n8n fetches a new token after the first 401 and its helper tries once more after the second
		const unauthorized = fault(401, 'Authentication credentials: gb.credentials are missing or invalid');
		server.injectFaults(unauthorized, unauthorized, unauthorized);
		const result = await runGetBill({ credentials: gb.credentials, parameters: update('f1', { status: 'sent' }) });
		expect(result.error!.message).toBe('GetBill did not accept the credentials: Authentication credentials: gb.credentials are missing or invalid');
		expect(result.error!.description).toMatch(/Client ID, Client Secret and Base URL/);
		expect(server.requests.map((r) => r.status)).toEqual([401, 401, 401]);
		expect(server.tokenRequests).toHaveLength(2); // n8n refreshed once before giving up
		expectNoSecrets(visible(result));
	});

	it('a wrong client secret fails at the token endpoint with a clear message', async () => {
		const result = await runGetBill({ credentials: newCredentials(gb.url, { clientSecret: 'wrong' }), parameters: update('f1', { status: 'sent' }) });
		expect(result.error!.name).toBe('NodeApiError');
		expect(result.error!.message).toMatch(/^GetBill did not issue an access token: Client authentication failed/);
		expect(result.error!.description).toMatch(/Client ID, Client Secret and Scope/);
		expect(server.requests).toHaveLength(0);
		expect(visible(result)).not.toContain('wrong');
	});

	it('a scope the client may not have fails at the token endpoint', async () => {
		const result = await runGetBill({ credentials: newCredentials(gb.url, { scope: 'followups:write debts:write' }), parameters: update('f1', { status: 'sent' }) });
		expect(result.error!.message).toBe('GetBill did not issue an access token: The requested scope is invalid, unknown, or malformed.');
		expect(server.tokenRequests[0]).toMatchObject({ scope: 'followups:write debts:write', status: 400 });
	});

	it('the real scope check: a token without followups:write gets 403', async () => {
		const result = await runGetBill({ credentials: newCredentials(gb.url, { scope: 'followups:read' }), parameters: update('f1', { status: 'sent' }) });
		expect(result.error!.message).toBe('GetBill denied access: Required scope "followups:write" not found in token');
	});

	it('a real 404 for an unknown followup', async () => {
		const result = await runGetBill({ credentials: gb.credentials, parameters: update('nope', { status: 'sent' }) });
		expect(result.error!.message).toBe('Followup "nope" not found: Followup not found');
	});

	it('a dropped connection says GetBill could not be reached', async () => {
		server.injectFaults({ drop: true });
		const result = await runGetBill({ credentials: gb.credentials, parameters: { ...update('f1', { status: 'sent' }), options: { maxRetries: 0 } } });
		expect(result.error!.name).toBe('NodeApiError');
		expect(result.error!.message).toBe(`Could not reach GetBill at ${gb.url}`);
		expect(result.error!.description).toMatch(/Network error E[A-Z]+\. /);
	});
});

describe('Continue On Fail', () => {
	const items = ['f1', 'f2', 'missing', 'f4', 'f5'].map((id) => ({ id }));

	it('turns the failing item into an error item and still sends every other item', async () => {
		const result = await runGetBill({ credentials: gb.credentials, items, parameters: update('={{ $json.id }}', { status: 'delivered' }), onError: 'continueRegularOutput' });
		expect(result.error).toBeUndefined();
		expect(server.requests).toHaveLength(5);
		const [out] = result.outputs;
		expect(out).toHaveLength(5);
		expect(out.map((i) => i.pairedItem)).toEqual([0, 1, 2, 3, 4].map((item) => ({ item })));
		expect(out[2].json).toMatchObject({ error: 'Followup "missing" not found: Followup not found', httpCode: '404' });
		expect(out.filter((i) => i.json.status === 'delivered')).toHaveLength(4);
		for (const id of ['f1', 'f2', 'f4', 'f5']) expect(server.getFollowup(id)!.status).toBe('delivered');
		expectNoSecrets(JSON.stringify(out));
	});

	it('also catches invalid input, naming the item', async () => {
		const result = await runGetBill({
			credentials: gb.credentials,
			items: [{ d: 1000 }, { d: -1 }, { d: 3000 }],
			parameters: update('f1', { duration_ms: '={{ $json.d }}' }),
			onError: 'continueRegularOutput',
		});
		const [out] = result.outputs;
		expect(out[1].json).toEqual({
			error: 'Duration (Ms) (duration_ms) cannot be negative: -1 [item 1]',
			description: 'Use 0 or more milliseconds.',
		});
		expect(server.requests.map((r) => r.body.duration_ms)).toEqual([1000, 3000]);
	});

	it('"continue using error output" routes the failing item to the error branch', async () => {
		const result = await runGetBill({ credentials: gb.credentials, items, parameters: update('={{ $json.id }}', { status: 'failed' }), onError: 'continueErrorOutput' });
		expect(result.error).toBeUndefined();
		const [success, errors] = result.outputs as INodeExecutionData[][];
		expect(success.map((i) => i.json.id)).toEqual(['f1', 'f2', 'f4', 'f5']);
		expect(success.map((i) => i.pairedItem)).toEqual([0, 1, 3, 4].map((item) => ({ item })));
		expect(errors).toHaveLength(1);
		// on the error branch n8n keeps only the error message (and may add the input item's fields)
		expect(errors[0].json).toMatchObject({ error: 'Followup "missing" not found: Followup not found' });
		expect(errors[0].error).toMatchObject({ name: 'NodeApiError', httpCode: '404', description: expect.stringContaining('Check the Followup ID') });
		expect(errors[0].pairedItem).toEqual({ item: 2 });
	});
});
