'use strict';

/*
 * GetBill node version 2 inside real n8n (both pinned versions), run by
 * `n8n execute` against the GetBill-like server: IDs from resource locators
 * (From List, By ID, an expression), Simplify on by default and off, IDs the
 * By ID check refuses (paired error items, no request), and API failures
 * naming the item. Version 1 workflows: workflow-v1.e2e.test.js.
 */

const { versionsFor } = require('./lib/setup');
const W = require('./lib/workflows');
const { succeeded, useSuite } = require('./lib/run');

jest.setTimeout(180000);

const SCOPES = ['debts:read', 'debts:write', 'followups:read', 'followups:write', 'debtors:read'];
const CRED = { id: 'gbV2Cred00000001', name: 'GetBill sandbox (version 2)' };
const locator = (value, mode = 'list', cachedResultName) => ({ __rl: true, mode, value, ...(cachedResultName ? { cachedResultName } : {}) });

/** What Simplify keeps (docs/operations.md's table; pinned in test/actions/version2.test.ts). */
const SIMPLE_DEBT = ['id', 'firstname', 'lastname', 'email', 'phone', 'amount', 'currency', 'status', 'due_date', 'invoice_reference', 'internal_id', 'company', 'followups_count', 'payment_link'];
const SIMPLE_FOLLOWUP = ['id', 'debt_id', 'type', 'status', 'direction', 'scheduled_at', 'call_date', 'summary', 'notes', 'duration_ms'];

function workflows() {
	const v2 = (parameters, onError) => W.getBillNode('GetBill', { credential: CRED, parameters, onError, typeVersion: 2 });
	const chain = (id, name, ...nodes) => W.chain(id, name, [W.manualTrigger(), ...nodes]);
	return [
		chain('gbV2DebtGet00001', 'E2E v2: get a debt picked from the list', v2({ resource: 'debt', operation: 'get', debtId: locator('debt_v2_jane', 'list', 'Jane Smith — 750.50 EUR — INV-2024-002') })),
		chain('gbV2DebtGetFull1', 'E2E v2: get a debt, Simplify off', v2({ resource: 'debt', operation: 'get', debtId: locator('debt_v2_jane', 'id'), simple: false })),
		chain('gbV2FuUpdate0001', 'E2E v2: update a followup by an ID expression', v2({
			resource: 'followup',
			operation: 'update',
			followupId: locator('={{ "fu_v2_" + "0001" }}', 'id'),
			updateFields: { status: 'deal_found', summary: 'Agreed by phone' },
		})),
		chain('gbV2FuList000001', 'E2E v2: followups of a debt, simplified', v2({ resource: 'followup', operation: 'getAllByDebt', debtId: locator('debt_v2_jane'), returnAll: true })),
		chain(
			'gbV2BadIds000001',
			'E2E v2: IDs the By ID check refuses',
			W.codeItems('IDs', [{ id: 'debt_v2_jane' }, { id: 'a/b' }, { id: '..' }]),
			v2({ resource: 'debt', operation: 'get', debtId: locator('={{ $json.id }}', 'id') }, 'continueRegularOutput'),
		),
		chain('gbV2Missing00001', 'E2E v2: a debt that does not exist', v2({ resource: 'debt', operation: 'get', debtId: locator('debt_v2_nope', 'id') })),
	];
}

// Newest pinned n8n only (GETBILL_E2E_FULL=1: every version): nothing here depends on what differs between versions (test/e2e/README.md).
const versions = versionsFor('newest');

describe.each(versions)('GetBill version 2 in n8n %s', (version) => {
	const suite = useSuite({
		version,
		name: 'version2',
		scopes: SCOPES,
		credential: CRED,
		workflows: workflows(),
		seed: (s) => {
			s.seedDebt('debt_v2_jane', { firstname: 'Jane', lastname: 'Smith', amount: 750.5, invoice_reference: 'INV-2024-002' });
			s.seedFollowup('fu_v2_0001', { debt_id: 'debt_v2_jane' });
			s.seedFollowup('fu_v2_0002', { debt_id: 'debt_v2_jane', type: 'sms' });
		},
	});
	const { execute, report } = suite;

	test('Get debt picked From List: the chosen ID is requested and Simplify (on by default) keeps the main fields', async () => {
		const r = await execute('gbV2DebtGet00001');
		const [item, ...more] = succeeded(r);
		expect(more).toEqual([]);
		expect(r.api.map((q) => [q.method, q.path])).toEqual([['GET', '/external-api/v1/debts/debt_v2_jane']]);
		expect(Object.keys(item.json)).toEqual(SIMPLE_DEBT.filter((f) => f in suite.server.getDebt('debt_v2_jane')));
		expect(item.json).toMatchObject({ id: 'debt_v2_jane', firstname: 'Jane', amount: 750.5, invoice_reference: 'INV-2024-002' });
		report.cases.simplified = item.json;
	});

	test('Simplify off: every field GetBill returned', async () => {
		const [item] = succeeded(await execute('gbV2DebtGetFull1'));
		expect(Object.keys(item.json)).toEqual(Object.keys(suite.server.getDebt('debt_v2_jane')));
		expect(item.json).toMatchObject({ amount_text: '750.50', nb_reminders: 0 });
	});

	test('Update followup By ID from an expression: the PUT carries exactly the fields', async () => {
		const r = await execute('gbV2FuUpdate0001');
		const [item] = succeeded(r);
		expect(r.api.map((q) => [q.method, q.path, JSON.parse(q.rawBody)])).toEqual([
			['PUT', '/external-api/v1/followups/fu_v2_0001', { status: 'deal_found', summary: 'Agreed by phone' }],
		]);
		expect(item.json).toMatchObject({ id: 'fu_v2_0001', status: 'deal_found', summary: 'Agreed by phone', call_id: null });
	});

	test('Get followups of debt: every followup simplified, paired to the item', async () => {
		const r = await execute('gbV2FuList000001');
		const out = succeeded(r);
		expect(r.api.map((q) => q.path)).toEqual(['/external-api/v1/followups/debt/debt_v2_jane']);
		expect(out.map((o) => o.json.id).sort()).toEqual(['fu_v2_0001', 'fu_v2_0002']);
		for (const o of out) {
			expect(Object.keys(o.json)).toEqual(SIMPLE_FOLLOWUP);
			expect(o.pairedItem).toEqual({ item: 0 });
		}
	});

	test('IDs with "/" or only dots are refused before any request, each as a paired error item naming the item', async () => {
		const r = await execute('gbV2BadIds000001');
		const out = succeeded(r);
		expect(r.api.map((q) => q.path)).toEqual(['/external-api/v1/debts/debt_v2_jane']);
		expect(out.map((o) => [o.json.id ?? o.json.error, o.pairedItem])).toEqual([
			['debt_v2_jane', { item: 0 }],
			['Debt ID is not a valid ID [item 1]: "a/b"', { item: 1 }],
			['Debt ID is not a valid ID [item 2]: ".."', { item: 2 }],
		]);
	});

	test('A debt that does not exist: GetBill\'s words and the item in the message', async () => {
		const r = await execute('gbV2Missing00001');
		expect(r.run.data.resultData.error.message).toBe('Debt "debt_v2_nope" not found: Debt not found [item 0]');
		expect(r.api.map((q) => [q.path, q.status])).toEqual([['/external-api/v1/debts/debt_v2_nope', 404]]);
	});
});
