/**
 * What the review of issue #9 found, each run by n8n-core's real engine and
 * helpers against the GetBill-like server: creates never sent after a failure
 * that stops the run (and the ones already made are reported), a stopped
 * execution stops within a second, n8n's own words for failures that are not
 * network failures, Input Fields to Ignore, and IDs made of dots.
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { newCredentials, runGetBill } from '../helpers/n8n-harness';
import { useGetBillServer } from '../helpers/server';

const gb = useGetBillServer({ followupIds: ['abc123def456', 'f1', 'f2', 'f3', 'f4', 'f5', 'f6'] });
const { server } = gb;

afterEach(async () => {
	// A request cut short by a stop is still answered (and recorded) by the server after its latency: let it land here.
	// eslint-disable-next-line @n8n/community-nodes/no-restricted-globals -- a test's own wait, not node code
	await new Promise((resolve) => setTimeout(resolve, server.latencyMs + 20));
	server.latencyMs = 0;
});

type OnError = 'continueRegularOutput' | 'continueErrorOutput';
const run = (
	operation: string,
	parameters: IDataObject,
	extra: { items?: IDataObject[]; onError?: OnError; cancelAfterMs?: number } = {},
) => runGetBill({ credentials: gb.credentials, parameters: { operation, ...parameters } as INodeParameters, ...extra });

const posts = () => server.requests.filter((r) => r.method === 'POST');

describe('creates in a run that a failure stops', () => {
	/** 10 creates; item 2's debt does not exist (404). */
	const items = Array.from({ length: 10 }, (_, i) => ({ debt: i === 2 ? 'debt_missing' : `debt_ok_${i}`, n: i }));
	const create = { debtId: '={{ $json.debt }}', additionalFields: { notes: '={{ "create " + $json.n }}' } };

	beforeEach(() => {
		items.forEach((item) => item.debt !== 'debt_missing' && server.seedDebt(item.debt));
		server.latencyMs = 30; // requests overlap when the node runs them concurrently
	});

	it('sends no create after the failing item, even with Concurrency 5, and names what was created', async () => {
		const result = await run('create', { ...create, options: { concurrency: 5 } }, { items });
		expect(result.error!.message).toBe('Debt "debt_missing" not found: Debt not found');
		expect(posts().map((r) => r.body.notes)).toEqual(['create 0', 'create 1', 'create 2']);
		expect(server.maxInFlight).toBe(1);
		const created = [0, 1].map((i) => [...server.followups.values()].find((f) => f.debt_id === `debt_ok_${i}`)!.id);
		expect(created).toHaveLength(2);
		expect(result.error!.description).toContain(
			`Before item 2 failed, GetBill had already done these 2 items, which are not in the output because the run stopped: item 0 (ID "${created[0]}"), item 1 (ID "${created[1]}").`,
		);
		expect(result.error!.description).toContain('run again only for item 2 and the items after it');
	});

	it('checks every item before the first create: an invalid one stops the run with nothing created', async () => {
		const bad = items.map((item, i) => ({ ...item, debt: `debt_ok_${i}`, status: i === 7 ? 'won' : 'scheduled' }));
		bad.forEach((item) => server.seedDebt(item.debt));
		const result = await run(
			'create',
			{ debtId: '={{ $json.debt }}', additionalFields: { status: '={{ $json.status }}' } },
			{ items: bad },
		);
		expect(result.error!.message).toBe('Status (status) is not a value GetBill accepts: "won" [item 7]');
		expect(server.requests).toHaveLength(0);
	});

	it('with Continue On Fail still sends every other item, concurrently, each output in its place', async () => {
		const result = await run('create', create, { items, onError: 'continueRegularOutput' });
		expect(posts()).toHaveLength(10);
		expect(server.maxInFlight).toBeGreaterThan(1);
		const out = result.outputs[0];
		expect(out.map((o) => o.pairedItem)).toEqual(items.map((_, item) => ({ item })));
		expect(out[2].json.error).toBe('Debt "debt_missing" not found: Debt not found');
		expect(out.filter((o) => o.json.id)).toHaveLength(9);
	});

	it('updates (safe to repeat) still run concurrently', async () => {
		const ids = ['f1', 'f2', 'f3', 'f4', 'f5', 'f6'];
		const result = await run('update', { followupId: '={{ $json.id }}', updateFields: { status: 'sent' } }, { items: ids.map((id) => ({ id })) });
		expect(result.error).toBeUndefined();
		expect(server.maxInFlight).toBeGreaterThan(1);
	});
});

describe('a stopped execution stops', () => {
	const rateLimited = (seconds: number) => ({
		status: 429,
		body: { error: true, message: 'Rate limit exceeded. Please try again later.', code: 429, details: { retry_after: seconds } },
	});

	it('ends a 3 s rate-limit wait within a second of the stop, and sends nothing more', async () => {
		server.injectFaults(rateLimited(3));
		const started = Date.now();
		const result = await run('update', { followupId: 'f1', updateFields: { status: 'sent' } }, { cancelAfterMs: 100 });
		expect(Date.now() - started).toBeLessThan(1100);
		expect(server.requests).toHaveLength(1);
		expect(result.run.status).toBe('canceled');
	});

	it('ends a backoff wait of a create after a 429 too', async () => {
		server.seedDebt('debt_wait');
		server.injectFaults(rateLimited(5));
		const started = Date.now();
		const result = await run('create', { debtId: 'debt_wait' }, { cancelAfterMs: 100 });
		expect(result.run.status).toBe('canceled');
		expect(Date.now() - started).toBeLessThan(1100);
		expect(posts()).toHaveLength(1);
	});

	it('takes no further item after the stop', async () => {
		server.latencyMs = 200;
		const ids = ['f1', 'f2', 'f3', 'f4', 'f5', 'f6'];
		const started = Date.now();
		await run(
			'update',
			{ followupId: '={{ $json.id }}', updateFields: { status: 'sent' }, options: { concurrency: 1 } },
			{ items: ids.map((id) => ({ id })), cancelAfterMs: 300 },
		);
		expect(Date.now() - started).toBeLessThan(1000);
		expect(server.requests.length).toBeLessThan(3);
	});

	it('bounds Max Rate-Limit Wait at 3600 s: a saved 7200 does not wait 4000 s', async () => {
		server.injectFaults(rateLimited(4000));
		const result = await run('update', { followupId: 'f1', updateFields: { status: 'sent' }, options: { maxRateLimitWait: 7200 } });
		expect(result.error!.message).toMatch(/^GetBill rate limit reached/);
		expect(result.error!.description).toContain("longer than the node's Max Rate-Limit Wait (3600 seconds)");
		expect(server.requests).toHaveLength(1);
	});
});

describe('failures without an HTTP status keep their own words', () => {
	it('an Authorization Code credential never connected says so, not "could not reach"', async () => {
		const result = await runGetBill({
			credentials: newCredentials(gb.url, { grantType: 'authorizationCode', authUrl: `${gb.url}/authorize` }),
			parameters: { operation: 'update', followupId: 'f1', updateFields: { status: 'sent' } } as INodeParameters,
		});
		expect(result.error!.message).toBe('Could not update followup "f1": OAuth credentials not connected');
		expect(result.error!.message).not.toMatch(/reach/i);
		expect(result.error!.description).toContain('connect it');
		expect(server.requests).toHaveLength(0);
	});

	it('a refused connection still says "could not reach"', async () => {
		const closed = 'http://127.0.0.1:9'; // discard port: nothing listens
		const result = await runGetBill({
			credentials: newCredentials(closed),
			parameters: { operation: 'get', followupId: 'f1', options: { maxRetries: 0 } } as INodeParameters,
		});
		expect(result.error!.message).toMatch(/^(Could not reach GetBill at http:\/\/127\.0\.0\.1:9|GetBill did not issue an access token)/);
	});
});

describe('Input Fields to Ignore (Auto-Map)', () => {
	const event = { type: 'followup.updated', data: { id: 'f1' }, status: 'deal_found', summary: 'From the event' };

	it('an event with its own "type" fails Auto-Map, and the error points to Input Fields to Ignore', async () => {
		const result = await run('update', { followupId: '={{ $json.data.id }}', fieldsToSend: 'autoMapInputData' }, { items: [event] });
		expect(result.error!.message).toBe('Type (type) is not a value GetBill accepts: "followup.updated" [item 0]');
		expect(result.error!.description).toContain('add it to "Input Fields to Ignore"');
		expect(server.requests).toHaveLength(0);
	});

	it('never sends the listed fields and names them in the output hint', async () => {
		const result = await run(
			'update',
			{ followupId: '={{ $json.data.id }}', fieldsToSend: 'autoMapInputData', inputFieldsToIgnore: ' type , notes' },
			{ items: [{ ...event, notes: 'not for GetBill' }] },
		);
		expect(result.error).toBeUndefined();
		expect(server.requests[0].body).toEqual({ status: 'deal_found', summary: 'From the event' });
		expect(result.hints.map((h) => h.message)).toEqual([
			'Auto-map did not send these input fields, which are not GetBill followup fields: data',
			'Auto-map did not send these input fields, listed in Input Fields to Ignore: type, notes',
		]);
	});

	it('is ignored under Define Below', async () => {
		await run('update', { followupId: 'f1', updateFields: { type: 'call' }, inputFieldsToIgnore: 'type' });
		expect(server.requests[0].body).toEqual({ type: 'call' });
	});
});

describe('IDs made of dots', () => {
	it.each([
		['get', { followupId: '.' }, 'Followup ID is not a valid ID [item 0]: "."'],
		['get', { followupId: ' .. ' }, 'Followup ID is not a valid ID [item 0]: " .. "'],
		['update', { followupId: '...', updateFields: { status: 'sent' } }, 'Followup ID is not a valid ID [item 0]: "..."'],
		['getAllByDebt', { debtId: '..' }, 'Debt ID is not a valid ID [item 0]: ".."'],
		['create', { debtId: '.' }, 'Debt ID is not a valid ID [item 0]: "."'],
		['get', { followupId: '   ' }, 'Followup ID is empty [item 0]: "   "'],
	])('%s with %p is refused before any request', async (operation, parameters, message) => {
		const result = await run(operation, parameters);
		expect(result.error!.message).toBe(message);
		expect(server.requests).toHaveLength(0);
	});

	it('an ID that merely contains dots is sent, encoded', async () => {
		server.seedFollowup('a.b', {});
		const result = await run('get', { followupId: 'a.b' });
		expect(result.error).toBeUndefined();
		expect(server.requests[0].rawPath).toBe('/external-api/v1/followups/a.b');
	});
});
