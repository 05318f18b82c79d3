/**
 * The node as an AI Agent's tool (n8n's `getBillTool` variant), run by
 * n8n-core's engine the way it runs a tool the agent asked for: the input item
 * is the model's tool-call arguments, read by `$fromAI(...)`. n8n hands the
 * model an error's message only, so as a tool the message carries what the
 * model needs (allowed values, format) and no `[item 0]`. The node's own
 * messages (not a tool) stay as they are: update.test.ts pins them.
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { forModel } from '../../nodes/GetBill/actions/run/errors';
import { FOLLOWUP_FIELD_NAMES, FOLLOWUP_STATUSES } from '../../nodes/GetBill/resources/followup';
import type { ErrorContext, HttpFailure } from '../../nodes/GetBill/transport/types';
import { describeFailure } from '../../nodes/GetBill/transport/errors';
import { newCredentials, runGetBill } from '../helpers/n8n-harness';
import { useGetBillServer } from '../helpers/server';

const SCOPES = ['followups:read', 'followups:write', 'debts:read', 'debts:write'];
const gb = useGetBillServer({
	followupIds: ['fu00007'],
	clients: [{ clientId: 'test-client-id', clientSecret: 'test-client-secret', scopes: SCOPES }],
});
const { server } = gb;

const STATUSES = FOLLOWUP_STATUSES.map((s) => s.value).join(', ');
const ALLOWED = `Allowed values: ${STATUSES}.`;

/** Followup Update of version 2 with its fields filled by the model, as the README shows. */
const TOOL_UPDATE: INodeParameters = {
	resource: 'followup',
	operation: 'update',
	followupId: { __rl: true, mode: 'id', value: "={{ $fromAI('followupId', 'The followup ID, e.g. fu00007', 'string') }}" },
	updateFields: {
		status: `={{ $fromAI('status', 'One of: ${STATUSES}', 'string') }}`,
		summary: "={{ $fromAI('summary', 'One sentence on the outcome', 'string') }}",
	},
};

/** The tool called by the model with `args`. */
const callTool = (args: IDataObject, parameters: INodeParameters = TOOL_UPDATE, onError?: 'continueRegularOutput') =>
	runGetBill({ credentials: gb.credentials, typeVersion: 2, asTool: true, items: [args], parameters, onError });

describe('the GetBill tool with $fromAI fields', () => {
	it('sends the PUT with the values the model gave and outputs the followup', async () => {
		const result = await callTool({ followupId: 'fu00007', status: 'deal_found', summary: 'Payment plan agreed' });
		expect(result.error).toBeUndefined();
		expect(server.requests.map((r) => [r.method, r.rawPath, JSON.parse(r.rawBody)])).toEqual([
			['PUT', '/external-api/v1/followups/fu00007', { status: 'deal_found', summary: 'Payment plan agreed' }],
		]);
		expect(result.outputs[0][0].json).toMatchObject({ id: 'fu00007', status: 'deal_found', summary: 'Payment plan agreed' });
	});

	it('refuses a status outside the list with the allowed values in the message, no [item 0], nothing sent', async () => {
		const result = await callTool({ followupId: 'fu00007', status: 'won', summary: 'Won' });
		expect(result.error!.name).toBe('NodeOperationError');
		expect(result.error!.message).toBe(`Status (status) is not a value GetBill accepts: "won". ${ALLOWED}`);
		expect(result.error!.description).toBeFalsy();
		expect(server.requests).toHaveLength(0);
	});

	it('suggests the value of a label the model gave', async () => {
		const result = await callTool({ followupId: 'fu00007', status: 'Deal Found', summary: 'x' });
		expect(result.error!.message).toBe(
			`Status (status) is not a value GetBill accepts: "Deal Found". ${ALLOWED} Did you mean "deal_found" (Deal Found)?`,
		);
	});

	it.each([
		['a date', { call_date: "={{ $fromAI('call_date', 'When the call took place', 'string') }}" }, { call_date: 'yesterday' }, 'Call Date (call_date) is not a valid date: "yesterday". Use an ISO 8601 date-time such as 2024-01-25T10:15:00Z.'],
		['a fractional duration', { duration_ms: "={{ $fromAI('duration_ms', 'Call length in ms', 'number') }}" }, { duration_ms: 12.5 }, 'Duration (Ms) (duration_ms) must be a whole number: 12.5. Use a whole number of milliseconds, 0 or more (e.g. 240000 for 4 minutes).'],
		['a boolean', { is_retry: "={{ $fromAI('is_retry', 'Whether this is a retry', 'string') }}" }, { is_retry: 'maybe' }, 'Is Retry (is_retry) must be true or false: "maybe". Use true or false.'],
	])('refuses %s with the expected format, not the editor\'s words', async (_name, updateFields, args, message) => {
		const parameters = { ...TOOL_UPDATE, updateFields: updateFields as INodeParameters };
		const result = await callTool({ followupId: 'fu00007', ...args }, parameters);
		expect(result.error!.message).toBe(message);
		expect(result.error!.message).not.toMatch(/\{\{|toggle|map /);
		expect(server.requests).toHaveLength(0);
	});

	it('refuses an empty or invalid ID with what an ID looks like', async () => {
		const empty = await callTool({ followupId: '', status: 'sent', summary: 'x' });
		expect(empty.error!.message).toBe('Followup ID is empty: "". Give the followup ID (e.g. abc123def456).');
		const dots = await callTool({ followupId: '..', status: 'sent', summary: 'x' });
		expect(dots.error!.message).toBe('Followup ID is not a valid ID: "..". A GetBill ID has no "/" and is not only dots (e.g. abc123def456); nothing was sent.');
		expect(server.requests).toHaveLength(0);
	});

	it('puts GetBill\'s answer and what to do in the message of an API failure', async () => {
		const result = await callTool({ followupId: 'fu99999', status: 'sent', summary: 'x' });
		expect(result.error!.name).toBe('NodeApiError');
		expect(result.error!.message).toMatch(/^Followup "fu99999" not found: .+\. Check the Followup ID/);
		expect(result.error!.message).not.toContain('[item');
		expect(result.error!.description).toBeFalsy();
	});

	it('with On Error "Continue", returns the model\'s message as the item\'s error, without the editor\'s description', async () => {
		const result = await callTool({ followupId: 'fu00007', status: 'won', summary: 'x' }, TOOL_UPDATE, 'continueRegularOutput');
		expect(result.error).toBeUndefined();
		expect(result.outputs[0].map((o) => o.json)).toEqual([{ error: `Status (status) is not a value GetBill accepts: "won". ${ALLOWED}` }]);
	});

	it('keeps the node\'s own words when it is not a tool', async () => {
		const result = await runGetBill({
			credentials: gb.credentials,
			typeVersion: 2,
			items: [{ followupId: 'fu00007', status: 'won', summary: 'x' }],
			parameters: { ...TOOL_UPDATE, followupId: { __rl: true, mode: 'id', value: 'fu00007' }, updateFields: { status: '={{ $json.status }}' } },
		});
		expect(result.error!.message).toBe('Status (status) is not a value GetBill accepts: "won" [item 0]');
		expect(result.error!.description).toBe(`${ALLOWED} Pick one from the list or map one of these exact values.`);
	});
});

describe('forModel', () => {
	const node = { id: 'n', name: 'GetBill', type: 'n8n-nodes-getbill.getBillTool', typeVersion: 2, position: [0, 0] as [number, number], parameters: {} };

	it('drops [item N], puts the description into the message once, and changes nothing the second time', () => {
		const error = new NodeOperationError(node, 'Limit must be a whole number of 1 or more: 0 [item 3]', { description: 'Use 1 or more.' });
		expect(forModel(error).message).toBe('Limit must be a whole number of 1 or more: 0. Use 1 or more.');
		expect(forModel(error).message).toBe('Limit must be a whole number of 1 or more: 0. Use 1 or more.');
		expect(error.description).toBeNull();
	});

	it('drops the [items …] of a batch: a range, a list, both', () => {
		for (const items of ['items 0 to 999', 'items 0, 2, 3', 'items 0 to 3, 5, 7 to 9', 'item 12']) {
			const error = new NodeOperationError(node, `GetBill failed on its side (503): Service unavailable [${items}]`, { description: 'Try later.' });
			expect(forModel(error).message).toBe('GetBill failed on its side (503): Service unavailable. Try later.');
		}
	});

	it('keeps brackets that do not name items', () => {
		const error = new NodeOperationError(node, 'Followup "a [items x]" not found [item 0]');
		expect(forModel(error).message).toBe('Followup "a [items x]" not found');
	});

	it('adds no second full stop', () => {
		expect(forModel(new NodeOperationError(node, 'No field to update [item 0]. Really.', { description: 'Add one.' })).message).toBe('No field to update. Really. Add one.');
	});
});

describe('the write quota, as a tool', () => {
	const ISO = '\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ';
	it('with Output Unsent Items, a spent quota reaches the model as an error with the time it frees up (a tool has one output)', async () => {
		server.setQuota('writes', { limit: 500, windowSeconds: 300, used: 500 });
		const parameters = { ...TOOL_UPDATE, options: { whenQuotaRunsOut: 'outputUnsent' } };
		const result = await callTool({ followupId: 'fu00007', status: 'deal_found', summary: 'x' }, parameters);
		expect(result.outputs).toHaveLength(0);
		expect(result.error!.message).toMatch(new RegExp(`^GetBill's write quota is spent until (${ISO}): nothing was changed\\. Call again after \\1\\.$`));
		expect(server.requests.filter((r) => r.method === 'PUT')).toHaveLength(1);
	});

	it('a quota GetBill refused with a 429 (Stop): no item named, nothing changed, when to call again in ISO time (GetBill\'s)', async () => {
		server.setQuota('writes', { limit: 500, windowSeconds: 300, used: 500 });
		const result = await callTool({ followupId: 'fu00007', status: 'deal_found', summary: 'x' });
		const message = result.error!.message;
		expect(message).toMatch(new RegExp(`^GetBill's write quota is spent until (${ISO}): nothing was changed\\. Call again after \\1\\.$`));
		expect(message).not.toMatch(/\bitems?\b/);
		expect(result.error!.description).toBeFalsy();
		const at = Date.parse(message.match(new RegExp(ISO))![0]);
		expect(Math.abs(at - server.quotaState('writes').resetAt)).toBeLessThan(2000);
	});

	it('a quota the headers said is spent, mid-call: how many writes of the call were done, never which items', async () => {
		server.setQuota('writes', { limit: 500, windowSeconds: 300, used: 499 });
		const args = { followupId: 'fu00007', status: 'deal_found', summary: 'x' };
		const result = await runGetBill({ credentials: gb.credentials, typeVersion: 2, asTool: true, items: [args, args], parameters: TOOL_UPDATE });
		expect(result.error!.message).toMatch(
			new RegExp(`^GetBill's write quota is spent until (${ISO}): 1 of the 2 writes of this call were done, 1 not sent\\. Call again after \\1 with only the writes not done\\.$`),
		);
		expect(server.requests.filter((r) => r.method === 'PUT')).toHaveLength(1);
	});
});

/**
 * Every message a model can get says only what the model can change: which of
 * its arguments, with which values, or that no argument can change it (how
 * the tool is set up) and whether calling again is safe. Never a place in
 * n8n's editor: Options, Update Fields, Additional Fields, the credential's
 * fields. The same errors outside a tool keep those (update.test.ts, debt.test.ts).
 */
describe('what a model is told names only its arguments and their values', () => {
	const EDITOR = /\bunder\b|\braise\b|node's|Options|Additional Fields|Update Fields|Return All|Auto-Map|Define Below|Edit Fields|OAuth2 API credential|Client ID|Client Secret|Base URL|Company →|Accept Expensive Destination|toggle|\{\{|\[items? \d/;
	const SET_UP = 'This comes from how the tool is set up (its GetBill credential), which no argument can change.';
	/** The error the model reads: the message only (n8n hands it nothing else), without the editor's words. */
	const told = (result: { error?: Error & { description?: string | null } }) => {
		expect(result.error).toBeDefined();
		expect(result.error!.message).not.toMatch(EDITOR);
		expect(result.error!.description).toBeFalsy();
		return result.error!.message;
	};
	const fault = (status: number, message: string, details?: IDataObject) => ({ status, body: { error: true, message, code: status, ...(details ? { details } : {}) } });
	const debtCredentials = () => newCredentials(gb.url, { scope: SCOPES.join(' ') });

	it('Update with no field set up: no argument can add one', async () => {
		const result = await callTool({ followupId: 'fu00007' }, { ...TOOL_UPDATE, updateFields: {} });
		expect(told(result)).toBe('No field to update. The tool is set up to send no field, which no argument can change; nothing was sent.');
		expect(server.requests).toHaveLength(0);
	});

	it('Auto-Map with no field among the arguments: names the arguments it takes', async () => {
		const result = await callTool({ followupId: 'fu00007', outcome: 'won' }, { ...TOOL_UPDATE, fieldsToSend: 'autoMapInputData', inputFieldsToIgnore: 'followupId' });
		expect(told(result)).toBe(
			`No field to send: the input item has no field named like a GetBill followup field. Give at least one of these arguments, with a value other than null: ${FOLLOWUP_FIELD_NAMES.join(', ')}.`,
		);
	});

	it('a Limit the model gives: the allowed values', async () => {
		const parameters: INodeParameters = { resource: 'followup', operation: 'getAll', returnAll: false, limit: "={{ $fromAI('limit', 'How many', 'number') }}" };
		const result = await callTool({ limit: 0 }, parameters);
		expect(told(result)).toBe('Limit must be a whole number of 1 or more: 0. Use a whole number of 1 or more: how many followups to return.');
	});

	it('an option the model gives: the allowed values, not where the option is', async () => {
		const retries = await callTool({ followupId: 'fu00007', status: 'sent', summary: 'x', retries: 99 }, { ...TOOL_UPDATE, options: { maxRetries: "={{ $fromAI('retries', 'Retries', 'number') }}" } });
		expect(told(retries)).toBe('Max Retries must be a whole number from 0 to 10: 99. Use a whole number from 0 to 10.');
		const when = await callTool({ followupId: 'fu00007', status: 'sent', summary: 'x', when: 'later' }, { ...TOOL_UPDATE, options: { whenQuotaRunsOut: "={{ $fromAI('when', 'What to do', 'string') }}" } });
		expect(told(when)).toBe('When Write Quota Runs Out is not a known choice: "later". Use one of: outputUnsent, stop, wait.');
		expect(server.requests).toHaveLength(0);
	});

	const UPDATE_ARGS = { followupId: 'fu00007', status: 'sent', summary: 'x' };
	const NO_RETRY = { ...TOOL_UPDATE, options: { maxRetries: 0 } };

	it('credentials GetBill refuses (401 after a fresh token): no argument can change it', async () => {
		const unauthorized = fault(401, 'Authentication credentials are missing or invalid');
		server.injectFaults(unauthorized, unauthorized, unauthorized);
		expect(told(await callTool(UPDATE_ARGS))).toBe(`GetBill did not accept the credentials: Authentication credentials are missing or invalid. Nothing was done. ${SET_UP}`);
	});

	it('a token GetBill does not issue: nothing was sent', async () => {
		const result = await runGetBill({ credentials: newCredentials(gb.url, { clientSecret: 'wrong' }), typeVersion: 2, asTool: true, items: [UPDATE_ARGS], parameters: TOOL_UPDATE });
		expect(told(result)).toMatch(new RegExp(`^GetBill did not issue an access token: Client authentication failed.*\\. Nothing was sent\\. ${SET_UP.replace(/[().]/g, '\\$&')}$`));
		expect(server.requests).toHaveLength(0);
	});

	it('a scope the client lacks (403): what the tool may not do', async () => {
		server.injectFaults(fault(403, 'Required scope "followups:write" not found in token'));
		expect(told(await callTool(UPDATE_ARGS))).toBe(
			`GetBill denied access: Required scope "followups:write" not found in token. GetBill does not let the tool update followup "fu00007", so nothing was done. ${SET_UP}`,
		);
	});

	it('GetBill failing on its side: call again later, which is safe for an update', async () => {
		server.injectFaults(fault(500, 'Internal server error'));
		expect(told(await callTool(UPDATE_ARGS, NO_RETRY))).toBe(
			'GetBill failed on its side (500): Internal server error. This is usually temporary: calling again later may work. Calling again is safe: the update sets the same values.',
		);
	});

	it('no answer at all: call again later', async () => {
		server.injectFaults({ drop: true });
		expect(told(await callTool(UPDATE_ARGS, NO_RETRY))).toBe(
			`Could not reach GetBill at ${gb.url}. GetBill did not answer: calling again later may work. Calling again is safe: the update sets the same values.`,
		);
	});

	it('a rate limit longer than the node waits: when to call again, not the option to raise', async () => {
		server.injectFaults(fault(429, 'Rate limit exceeded. Please try again later.', { retry_after: 1800, limit: 500, reset_time: '2024-01-15T10:30:00Z' }));
		const parameters: INodeParameters = { resource: 'followup', operation: 'get', followupId: TOOL_UPDATE.followupId };
		expect(told(await callTool({ followupId: 'fu00007' }, parameters))).toBe(
			'GetBill rate limit reached: Rate limit exceeded. Please try again later. Nothing was done: call again in 1800 seconds (the limit resets at 2024-01-15T10:30:00Z).',
		);
	});

	it('a read quota spent for longer than the node waits: when to call again', async () => {
		server.setQuota('reads', { limit: 100, windowSeconds: 3600, used: 99 });
		const parameters: INodeParameters = { resource: 'followup', operation: 'get', followupId: TOOL_UPDATE.followupId };
		const result = await runGetBill({ credentials: gb.credentials, typeVersion: 2, asTool: true, items: [{ followupId: 'fu00007' }, { followupId: 'fu00007' }], parameters });
		expect(told(result)).toMatch(/^GetBill's read quota is spent until (\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ): the read was not sent\. Call again after \1\.$/);
	});

	it('GetBill\'s field errors stay as GetBill words them: they name the arguments', async () => {
		server.injectFaults(fault(400, 'Validation failed', { summary: ['Summary is too long'] }));
		expect(told(await callTool(UPDATE_ARGS))).toBe(
			'GetBill refused to update followup "fu00007": Validation failed (summary: Summary is too long). GetBill rejected these fields:\nsummary: Summary is too long\nCorrect them and run again.',
		);
	});

	it('a phone in a costly destination: the argument that accepts the cost, or another phone', async () => {
		const parameters: INodeParameters = {
			resource: 'debt',
			operation: 'create',
			firstname: 'Jane',
			lastname: 'Smith',
			amount: 750.5,
			currency: 'EUR',
			phone: "={{ $fromAI('phone', 'The debtor phone', 'string') }}",
		};
		const result = await runGetBill({ credentials: debtCredentials(), typeVersion: 2, asTool: true, items: [{ phone: '+212612345678' }], parameters });
		expect(told(result)).toMatch(
			/^GetBill refused to create the debt of Jane Smith: Expensive destination: Morocco \(.+\)\. Give another phone or an email, or accept_expensive_destination true to accept that cost\.$/,
		);
		expect(result.error!.message).toContain('The phone number is in a destination where calls cost more (GetBill names it and the cost above).');
	});

	it('Create Many: the batch\'s [items 0 to 2] goes, and a create is not called again blindly', async () => {
		const parameters: INodeParameters = { resource: 'debt', operation: 'createMany', fieldsToSend: 'autoMapInputData' };
		const items = [0, 1, 2].map((n) => ({ firstname: `Jane${n}`, lastname: 'Smith', amount: 10 + n, currency: 'EUR', phone: `+3361234000${n}` }));
		server.injectFaults(fault(500, 'Internal server error'));
		const result = await runGetBill({ credentials: debtCredentials(), typeVersion: 2, asTool: true, items, parameters });
		expect(told(result)).toMatch(
			/^GetBill failed on its side \(500\): Internal server error\. This is usually temporary: calling again later may work\. Before calling again, check whether the debt was created: a create sent twice makes two\./,
		);
	});
});

describe('describeFailure for a tool (ErrorContext.forTool)', () => {
	const SET_UP = 'This comes from how the tool is set up (its GetBill credential), which no argument can change.';
	const about = (kind: ErrorContext['kind'], forTool = true): ErrorContext => ({ action: 'delete debt "d1"', noun: 'debt', kind, forTool });
	const body = (message: string, details?: IDataObject) => ({ error: true, message, ...(details ? { details } : {}) });

	it.each<[string, HttpFailure, ErrorContext['kind'], string]>([
		['a refused token', { status: 401, body: body('invalid_client'), duringTokenRequest: true }, 'read', `Nothing was sent. ${SET_UP}`],
		['n8n\'s own refusal (not connected)', { rawMessage: 'OAuth credentials not connected' }, 'create', `${SET_UP} Before calling again, check whether the debt was created: a create sent twice makes two.`],
		['no answer', { networkCode: 'ECONNREFUSED' }, 'delete', 'GetBill did not answer: calling again later may work. Before calling again, check whether the debt was deleted.'],
		['401', { status: 401, body: body('Unauthorized') }, 'read', `Nothing was done. ${SET_UP}`],
		['403', { status: 403, body: body('Required scope "debts:write" not found in token') }, 'delete', `GetBill does not let the tool delete debt "d1", so nothing was done. ${SET_UP}`],
		['429 with a wait', { status: 429, body: body('Rate limit exceeded', { retry_after: 1, reset_time: '2024-01-15T10:30:00Z' }) }, 'read', 'Nothing was done: call again in 1 second (the limit resets at 2024-01-15T10:30:00Z).'],
		['429 without', { status: 429, body: body('Rate limit exceeded') }, 'read', 'Nothing was done: call again later.'],
		['503', { status: 503, body: body('Service unavailable') }, 'read', 'This is usually temporary: calling again later may work. Calling again is safe: it only reads.'],
		['422 for a costly phone', { status: 422, body: body('Expensive destination: Morocco (125 credits per call)') }, 'create', 'The phone number is in a destination where calls cost more (GetBill names it and the cost above). Give another phone or an email, or accept_expensive_destination true to accept that cost.'],
	])('%s', (_name, failure, kind, forModel) => {
		expect(describeFailure(failure, about(kind)).description).toBe(forModel);
		// A person keeps the editor's words.
		expect(describeFailure(failure, about(kind, false)).description).not.toBe(forModel);
	});

	it.each<[string, HttpFailure]>([
		['field errors', { status: 422, body: body('Validation failed', { phone: ['is invalid'] }) }],
		['a 404', { status: 404, body: body('Debt not found') }],
		['another status', { status: 409, body: body('Conflict') }],
	])('%s: the person\'s words, which speak only of the values sent', (_name, failure) => {
		expect(describeFailure(failure, about('update')).description).toBe(describeFailure(failure, about('update', false)).description);
	});

	it('adds how many times the request was sent after the tool\'s words', () => {
		expect(describeFailure({ status: 503, body: body('Busy') }, { ...about('update'), attempts: 4 }).description).toBe(
			'This is usually temporary: calling again later may work. Calling again is safe: the update sets the same values. The request was sent 4 times.',
		);
	});
});
