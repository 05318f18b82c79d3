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

import { forModel } from '../../nodes/GetBill/actions/router';
import { FOLLOWUP_STATUSES } from '../../nodes/GetBill/resources/followup';
import { runGetBill } from '../helpers/n8n-harness';
import { useGetBillServer } from '../helpers/server';

const gb = useGetBillServer({ followupIds: ['fu00007'] });
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

	it('adds no second full stop', () => {
		expect(forModel(new NodeOperationError(node, 'No field to update [item 0]. Really.', { description: 'Add one.' })).message).toBe('No field to update. Really. Add one.');
	});
});

describe('the write quota, as a tool', () => {
	it('with Output Unsent Items, a spent quota reaches the model as an error with the time it frees up (a tool has one output)', async () => {
		server.setQuota('writes', { limit: 500, windowSeconds: 300, used: 500 });
		const parameters = { ...TOOL_UPDATE, options: { whenQuotaRunsOut: 'outputUnsent' } };
		const result = await callTool({ followupId: 'fu00007', status: 'deal_found', summary: 'x' }, parameters);
		expect(result.outputs).toHaveLength(0);
		expect(result.error!.message).toMatch(/^GetBill rate limit reached: Rate limit exceeded\. Please try again later\. 0 of 1 items done, 1 not sent\. Not sent: items 0\./);
		expect(result.error!.message).toMatch(/Do not send these writes again before \d{4}-\d\d-\d\d \d\d:\d\d:\d\d \(/);
		expect(result.error!.message).not.toContain('Options');
		expect(result.error!.message).toContain('GetBill allows 500 writes per OAuth client in its sliding window');
		expect(server.requests.filter((r) => r.method === 'PUT')).toHaveLength(1);
	});
});
