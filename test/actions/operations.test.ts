/**
 * Create, Get, Get Many, Get Many by Debt and "Auto-Map Input Data", run by
 * n8n-core's real engine and helpers against the GetBill-like server.
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { newCredentials, runGetBill } from '../helpers/n8n-harness';
import { useGetBillServer } from '../helpers/server';

const gb = useGetBillServer({ followupIds: ['abc123def456'] });
const { server } = gb;

const run = (operation: string, parameters: IDataObject, extra: { items?: IDataObject[]; onError?: 'continueRegularOutput' } = {}) =>
	runGetBill({ credentials: gb.credentials, parameters: { operation, ...parameters } as INodeParameters, ...extra });

/** Seeds `count` followups of one debt, alternating statuses. */
function seedDebt(debtId: string, count: number) {
	for (let i = 0; i < count; i++) {
		server.seedFollowup(`${debtId}-f${String(i).padStart(3, '0')}`, {
			debt_id: debtId,
			status: i % 2 ? 'no_answer' : 'deal_found',
			type: i % 3 ? 'call' : 'sms',
		});
	}
}

describe('Create', () => {
	it('POSTs debt_id and exactly the fields set, and outputs the new followup', async () => {
		server.seedDebt('debt_new_1');
		const result = await run('create', {
			debtId: 'debt_new_1',
			additionalFields: { type: 'call', scheduled_at: '2024-02-01T09:00:00Z', notes: 'First call' },
		});
		expect(result.error).toBeUndefined();
		const [request] = server.requests;
		expect(request.method).toBe('POST');
		expect(request.rawPath).toBe('/external-api/v1/followups');
		expect(request.body).toEqual({ debt_id: 'debt_new_1', type: 'call', scheduled_at: '2024-02-01T09:00:00Z', notes: 'First call' });
		expect(request.status).toBe(201);
		const [item] = result.outputs[0];
		expect(item.json).toMatchObject({ debt_id: 'debt_new_1', status: 'on_hold', type: 'call', notes: 'First call' });
		expect(server.getFollowup(item.json.id as string)).toBeDefined();
	});

	it('validates the fields like Update, before any request', async () => {
		const result = await run('create', { debtId: 'debt_new_1', additionalFields: { status: 'done' } });
		expect(result.error!.message).toMatch(/^Status \(status\) is not a value GetBill accepts: "done" \[item 0\]$/);
		expect(server.requests).toHaveLength(0);
	});

	it('says which debt was not found', async () => {
		const result = await run('create', { debtId: 'debt_unknown', additionalFields: {} });
		expect(result.error!.message).toBe('Debt "debt_unknown" not found: Debt not found');
	});

	it('never retries a create after a 503 (it may have been applied), but does after a 429', async () => {
		server.seedDebt('debt_new_2');
		server.injectFaults({ status: 503 });
		const failed = await run('create', { debtId: 'debt_new_2', options: { maxRetries: 3 } });
		expect(failed.error!.message).toMatch(/^GetBill had a server error \(503\)/);
		expect(failed.error!.description).toMatch(/a create sent twice makes two followups/);
		expect(server.requests).toHaveLength(1);

		server.reset();
		server.injectFaults({ status: 429, body: { error: true, message: 'Rate limit exceeded. Please try again later.', code: 429, details: { retry_after: 0 } } });
		const retried = await run('create', { debtId: 'debt_new_2' });
		expect(retried.error).toBeUndefined();
		expect(server.requests.map((r) => r.status)).toEqual([429, 201]);
	});
});

describe('Get', () => {
	it('GETs one followup by its encoded ID', async () => {
		server.seedFollowup('id/x y', { summary: 'odd id' });
		const result = await run('get', { followupId: 'id/x y' });
		expect(server.requests[0]).toMatchObject({ method: 'GET', rawPath: '/external-api/v1/followups/id%2Fx%20y' });
		expect(result.outputs[0].map((i) => i.json)).toEqual([server.getFollowup('id/x y')]);
	});

	it('names the missing followups:read scope on a 403', async () => {
		const result = await runGetBill({
			credentials: newCredentials(gb.url, { scope: 'followups:write' }),
			parameters: { operation: 'get', followupId: 'abc123def456' },
		});
		expect(result.error!.message).toBe('GetBill denied access: Required scope "followups:read" not found in token');
		expect(result.error!.description).toMatch(/needs the followups:read scope to read followups/);
	});
});

describe('Get Many', () => {
	it('Return All follows pagination.pages with limit 100 and outputs every followup, paired to its input', async () => {
		seedDebt('debt_many', 230);
		const result = await run('getAll', { returnAll: true }, { items: [{ run: 1 }] });
		const pages = server.requests.map((r) => r.query);
		const total = server.followups.size;
		expect(pages).toEqual(Array.from({ length: Math.ceil(total / 100) }, (_, i) => ({ page: String(i + 1), limit: '100' })));
		expect(pages.length).toBeGreaterThan(2);
		expect(result.outputs[0]).toHaveLength(total);
		expect(new Set(result.outputs[0].map((i) => i.json.id)).size).toBe(total);
		expect(result.outputs[0].every((i) => (i.pairedItem as { item: number }).item === 0)).toBe(true);
	});

	it('Limit reads only the pages it needs, and the filters go in the query', async () => {
		seedDebt('debt_lim', 40);
		const result = await run('getAll', { returnAll: false, limit: 3, filters: { status: 'no_answer', type: 'call' } });
		expect(server.requests.map((r) => r.query)).toEqual([{ page: '1', limit: '3', status: 'no_answer', type: 'call' }]);
		expect(result.outputs[0]).toHaveLength(3);
		expect(result.outputs[0].every((i) => i.json.status === 'no_answer' && i.json.type === 'call')).toBe(true);
	});

	it('a limit over 100 reads pages of 100 until it has enough', async () => {
		seedDebt('debt_big', 260);
		const result = await run('getAll', { limit: 150 });
		expect(server.requests.map((r) => r.query)).toEqual([
			{ page: '1', limit: '100' },
			{ page: '2', limit: '100' },
		]);
		expect(result.outputs[0]).toHaveLength(150);
	});

	it('refuses a filter value GetBill does not know, before any request', async () => {
		const result = await run('getAll', { filters: { status: 'bogus' } });
		expect(result.error!.message).toMatch(/^Filter Status \(status\) is not a value GetBill accepts: "bogus" \[item 0\]$/);
		expect(server.requests).toHaveLength(0);
	});
});

describe('Get Many by Debt', () => {
	it('reads every page of one debt\'s followups', async () => {
		seedDebt('debt/7', 205);
		const result = await run('getAllByDebt', { debtId: 'debt/7', returnAll: true });
		expect(server.requests.map((r) => [r.rawPath, r.query.page])).toEqual([
			['/external-api/v1/followups/debt/debt%2F7', '1'],
			['/external-api/v1/followups/debt/debt%2F7', '2'],
			['/external-api/v1/followups/debt/debt%2F7', '3'],
		]);
		expect(result.outputs[0]).toHaveLength(205);
		expect(result.outputs[0].every((i) => i.json.debt_id === 'debt/7')).toBe(true);
	});

	it('says which debt was not found', async () => {
		const result = await run('getAllByDebt', { debtId: 'nope', returnAll: true });
		expect(result.error!.message).toBe('Debt "nope" not found: Debt not found');
	});
});

describe('Auto-Map Input Data', () => {
	const callEnded = {
		call_id: 'call_42',
		duration_ms: '185000',
		disconnection_reason: 'user_hangup',
		direction: 'inbound',
		audio_url: null,
		agent_name: 'Voice bot',
		transcript: 'Hello…',
		followup: 'abc123def456',
	};

	it('sends the input keys that are field names, normalised; lists ignored and null keys in a hint', async () => {
		const result = await run('update', { followupId: '={{ $json.followup }}', fieldsToSend: 'autoMapInputData' }, { items: [callEnded] });
		expect(result.error).toBeUndefined();
		expect(server.requests[0].body).toEqual({ call_id: 'call_42', duration_ms: 185000, direction: 'inbound', disconnection_reason: 'user_hangup' });
		expect(result.hints.map((h) => h.message)).toEqual([
			'Auto-map did not send these input fields, which are not GetBill followup fields: agent_name, transcript, followup',
			'Auto-map did not send these fields, which were null in the input: audio_url',
		]);
	});

	it('rejects an invalid mapped value like a hand-set one, naming field, value and item; other items still go', async () => {
		const items = [{ ...callEnded }, { ...callEnded, direction: 'sideways' }, { ...callEnded, call_id: 'call_43' }];
		const result = await run('update', { followupId: '={{ $json.followup }}', fieldsToSend: 'autoMapInputData' }, { items, onError: 'continueRegularOutput' });
		expect(result.outputs[0][1].json.error).toBe('Direction (direction) is not a value GetBill accepts: "sideways" [item 1]');
		expect(result.outputs[0][1].pairedItem).toEqual({ item: 1 });
		expect(server.requests.map((r) => r.body.call_id)).toEqual(['call_42', 'call_43']);
	});

	it('an item with no followup field fails before any request', async () => {
		const result = await run('update', { followupId: 'abc123def456', fieldsToSend: 'autoMapInputData' }, { items: [{ foo: 1 }] });
		expect(result.error!.message).toBe('No field to send [item 0]: the input item has no field named like a GetBill followup field');
		expect(server.requests).toHaveLength(0);
	});

	it('works for Create too, with the Debt ID from an expression', async () => {
		server.seedDebt('debt_auto');
		const items = [{ debt: 'debt_auto', status: 'scheduled', type: 'sms', scheduled_at: '2024-03-01T08:00:00Z' }];
		const result = await run('create', { debtId: '={{ $json.debt }}', fieldsToSend: 'autoMapInputData' }, { items });
		expect(server.requests[0].body).toEqual({ debt_id: 'debt_auto', status: 'scheduled', type: 'sms', scheduled_at: '2024-03-01T08:00:00Z' });
		expect(result.outputs[0][0].json).toMatchObject({ debt_id: 'debt_auto', type: 'sms' });
		expect(result.hints.map((h) => h.message)).toEqual(['Auto-map did not send these input fields, which are not GetBill followup fields: debt']);
	});

	it('leaves Define Below (the default) unchanged: input keys are not sent', async () => {
		await run('update', { followupId: 'abc123def456', updateFields: { status: 'sent' } }, { items: [callEnded] });
		expect(server.requests[0].body).toEqual({ status: 'sent' });
	});
});
