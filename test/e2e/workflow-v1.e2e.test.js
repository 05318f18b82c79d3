'use strict';

/*
 * A saved version-1 workflow keeps working: test/fixtures/workflow-v1.json is imported
 * unchanged into real n8n, on every pinned n8n version (the run's shared n8n server), and
 * run once, as the editor's "Execute workflow" does, against the GetBill-like server.
 *
 * Where the fixture comes from: the GetBill node of commit 4601bee (`version: 1`, IDs as
 * plain strings, no Simplify), packed and installed like the other suites do, in n8n
 * 2.41.1. The workflow (Manual Trigger → 16 GetBill nodes in a chain, each "Execute Once",
 * named after their v1 actions) was written with its node parameters passed through
 * n8n-workflow's NodeHelpers.getNodeParameters(properties, parameters, false, false, node),
 * what n8n's editor does when it saves a workflow, so default values are left out as in a
 * workflow saved from the editor (e.g. "Update a followup" has neither resource nor
 * operation: followup and update are v1's defaults). Then:
 *   n8n import:credentials --input=<the credential>
 *   n8n import:workflow --separate --input=<dir with gbV1Workflow0001.json>
 *   n8n export:workflow --id=gbV1Workflow0001 --output=test/fixtures/workflow-v1.json --pretty
 * (N8n#cliOk of lib/n8n.js, i.e. n8n's env of these suites). The file is n8n's output byte
 * for byte, nothing removed: `shared` names the project of that throwaway n8n, which
 * import:workflow ignores. Do not re-export it with a later node version: it must stay a
 * v1 workflow.
 *
 * This test creates only the credential the fixture refers to (id gbV1Cred00000001) and
 * creates the file's one workflow over n8n's REST API (`POST /rest/workflows`, what the
 * editor's import does once saved: the file as it is, but for what that API refuses or
 * sets itself: its id, versionId, active, shared; the credential's ID swapped for this
 * n8n's), checks that n8n saved its nodes, connections and settings unchanged, then checks
 * the exact requests GetBill receives and the full, unsimplified v1 output of every node.
 */

const fs = require('fs');
const path = require('path');

const { versionsFor } = require('./lib/setup');
const W = require('./lib/workflows');
const { executeRecorded, outputOf, succeeded, setUpSuite, tearDownSuite } = require('./lib/run');

jest.setTimeout(180000);

const FIXTURE = path.join(__dirname, '..', 'fixtures', 'workflow-v1.json');
const WORKFLOW_ID = 'gbV1Workflow0001';
const CRED = { id: 'gbV1Cred00000001', name: 'GetBill sandbox (v1 workflow)' };
const SCOPES = ['followups:read', 'followups:write', 'debts:read', 'debts:write', 'debtors:read', 'creditors:read', 'reports:read', 'company:read', 'users:read'];
const API = '/external-api/v1';
const TRIGGER = 'When clicking ‘Execute workflow’';
/** GetBill's offset timestamps (toOffsetIso of the test server) */
const OFFSET_ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+00:00$/;

/** The v1 parameters of the fixture's GetBill nodes, as n8n's editor saves them (defaults left out). */
const V1_PARAMETERS = {
	'Update a followup': { followupId: '={{ "fu_v1_" + "0001" }}', updateFields: { status: 'deal_found', summary: 'Agreed to pay in two instalments' } },
	'Get a followup': { operation: 'get', followupId: '={{ $json.id }}' },
	'Get many followups': { operation: 'getAll', limit: 3, filters: { status: 'scheduled', type: 'call' } },
	'Get many followups of a debt': { operation: 'getAllByDebt', debtId: "={{ $('Get a followup').first().json.debt_id }}", returnAll: true },
	'Get a debt': { resource: 'debt', operation: 'get', debtId: '={{ $json.debt_id }}' },
	'Get many debts': { resource: 'debt', operation: 'getAll', limit: 4 },
	'Get many debts of a creditor': { resource: 'debt', operation: 'getAllByCreditor', creditorId: 'cred_v1_0001', returnAll: true, filters: { status: 'status.default.pending' } },
	'Get many debts of a debtor': { resource: 'debt', operation: 'getAllByDebtor', debtorId: 'dbtr_v1_0001', limit: 2 },
	'Update a debt': { resource: 'debt', operation: 'update', debtId: "={{ $('Get a debt').first().json.id }}", updateFields: { status: 'status.default.paid' } },
	'Get a debtor': { resource: 'debtor', debtorId: 'dbtr_v1_0001' },
	'Get many debtors': { resource: 'debtor', operation: 'getAll', returnAll: true },
	'Get a creditor': { resource: 'creditor', creditorId: 'cred_v1_0001' },
	'Get many creditors': { resource: 'creditor', operation: 'getAll', limit: 2 },
	'Get a report': { resource: 'report', operation: 'get', reportId: 'rpt_v1_0001' },
	'Get the company profile': { resource: 'company', operation: 'getProfile' },
	'Get many users': { resource: 'user', limit: 2 },
};
const NODE_NAMES = Object.keys(V1_PARAMETERS);

/** What the server holds before the run (the fixture's literal IDs and those its expressions give). */
function seed(server) {
	server.seedTimeline('tl_v1_0001');
	server.seedCreditor('cred_v1_0001', { name: 'Acme Collections', email: 'billing@acme.example.com', city: 'Lyon', country: 'France', contactPerson: 'Marc Dupont' });
	server.seedCreditor('cred_v1_0002');
	server.seedCreditor('cred_v1_0003');
	server.seedDebtor('dbtr_v1_0001', { firstName: 'Jane', lastName: 'Smith', email: 'jane.smith@example.com', phone: '+33612345678', dateOfBirth: '1985-03-12' });
	server.seedDebtor('dbtr_v1_0002');
	server.seedDebtor('dbtr_v1_0003');
	server.seedDebt('debt_v1_0001', {
		firstname: 'Paul',
		lastname: 'Martin',
		amount: 480.5,
		invoice_reference: 'INV-2024-017',
		timeline_id: 'tl_v1_0001',
		nb_reminders: 2,
		nb_answered: 1,
		creditor_id: 'cred_v1_0001',
		debtor_id: 'dbtr_v1_0001',
	});
	server.seedDebt('debt_v1_0002', { amount: 90, status: 'status.default.paid', creditor_id: 'cred_v1_0001', debtor_id: 'dbtr_v1_0001' });
	server.seedDebt('debt_v1_0003', { amount: 300, creditor_id: 'cred_v1_0001' });
	server.seedDebt('debt_v1_0004', { debtor_id: 'dbtr_v1_0001' });
	server.seedDebt('debt_v1_0005');
	server.seedFollowup('fu_v1_0001', { debt_id: 'debt_v1_0001' });
	server.seedFollowup('fu_v1_0002', { debt_id: 'debt_v1_0001', status: 'no_answer', type: 'sms' });
	server.seedFollowup('fu_v1_0003', { debt_id: 'debt_v1_0001', type: 'email' });
	server.seedFollowup('fu_v1_0004', { debt_id: 'debt_v1_0002' });
	server.seedFollowup('fu_v1_0005', { debt_id: 'debt_v1_0003' });
	server.seedFollowup('fu_v1_0006', { debt_id: 'debt_v1_0003' });
	server.seedReport('rpt_v1_0001', {
		type: 'collection',
		title: 'Collection statistics',
		filename: 'collection_2024_01.xlsx',
		mime_type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
		content: 'twelve bytes',
	});
	for (let i = 1; i <= 3; i++) server.seedUser(`user_v1_${i}`, { email: `agent${i}@example.com`, firstname: `Agent${i}` });
}

/** A followup as GetBill returns it (the server's baseFollowup plus changes): every field, none left out. */
const followup = (id, debtId, changes = {}) => ({
	id,
	debt_id: debtId,
	status: 'scheduled',
	type: 'call',
	call_date: null,
	scheduled_at: '2024-01-25T10:00:00+00:00',
	summary: null,
	notes: null,
	call_id: null,
	audio_url: null,
	pdf_url: null,
	duration_ms: null,
	disconnection_reason: null,
	direction: 'outbound',
	phone_number_used: null,
	is_retry: false,
	processed_at: null,
	media_urls_expire_at: null,
	...changes,
});

const UPDATED_FOLLOWUP = followup('fu_v1_0001', 'debt_v1_0001', {
	status: 'deal_found',
	summary: 'Agreed to pay in two instalments',
	processed_at: expect.stringMatching(OFFSET_ISO),
});

/** The debt object of GetBill's debt endpoints, every field (38 of them). */
const debt = (id, changes = {}) => ({
	id,
	civility: null,
	firstname: 'John',
	lastname: 'Doe',
	phone: '+33612345678',
	email: 'john.doe@example.com',
	birthdate: null,
	amount: 1250,
	amount_text: '1250.00',
	currency: 'EUR',
	object: null,
	internal_id: null,
	invoice_reference: null,
	debtor_reference: null,
	invoice_date: null,
	due_date: null,
	address: null,
	street_address: null,
	street_number: null,
	postal_code: null,
	city: null,
	country: null,
	status: 'status.default.pending',
	timeline_id: null,
	nb_reminders: 0,
	nb_answered: 0,
	summary: null,
	iban: null,
	followups_count: 0,
	company: null,
	debtor_company: null,
	payment_link: null,
	metadata: {},
	import_date: expect.stringMatching(OFFSET_ISO),
	last_timeline_restart: null,
	payment_plan_active: false,
	plan_start_date: null,
	contacts: [],
	...changes,
});

const DEBT_1 = debt('debt_v1_0001', {
	firstname: 'Paul',
	lastname: 'Martin',
	amount: 480.5,
	amount_text: '480.50',
	invoice_reference: 'INV-2024-017',
	timeline_id: 'tl_v1_0001',
	nb_reminders: 2,
	nb_answered: 1,
	followups_count: 3,
});

const DEBTOR_1 = {
	id: 'dbtr_v1_0001',
	firstName: 'Jane',
	lastName: 'Smith',
	email: 'jane.smith@example.com',
	phone: '+33612345678',
	address: null,
	dateOfBirth: '1985-03-12',
	firstSeenAt: '2024-01-15 10:30:00',
	lastSeenAt: '2024-01-15 10:30:00',
	lastUpdatedAt: '2024-01-15 10:30:00',
};
const listedDebtor = (id) => ({ ...DEBTOR_1, id, firstName: 'John', lastName: 'Doe', email: null, phone: null, dateOfBirth: null });

const CREDITOR_1 = {
	id: 'cred_v1_0001',
	name: 'Acme Collections',
	email: 'billing@acme.example.com',
	phone: null,
	address: null,
	city: 'Lyon',
	postalCode: null,
	country: 'France',
	registrationNumber: null,
	taxNumber: null,
	contactPerson: 'Marc Dupont',
	createdAt: '2024-01-15 10:30:00',
	updatedAt: '2024-01-15 10:30:00',
};

const user = (i) => ({
	id: `user_v1_${i}`,
	email: `agent${i}@example.com`,
	firstname: `Agent${i}`,
	lastname: 'Doe',
	is_active: true,
	created_at: '2023-01-15T10:30:00Z',
	last_activity: '2024-01-15T14:30:00Z',
});

const readFixture = () => JSON.parse(fs.readFileSync(FIXTURE, 'utf8'));

describe('the v1 fixture (n8n 2.41.1 export of the 4601bee node)', () => {
	test('is n8n export:workflow output: one workflow, the trigger and 16 GetBill nodes of typeVersion 1 with plain v1 parameters', () => {
		const exported = readFixture();
		expect(Array.isArray(exported)).toBe(true);
		expect(exported).toHaveLength(1);
		const [wf] = exported;
		expect(wf).toMatchObject({ id: WORKFLOW_ID, active: false, settings: { executionOrder: 'v1' }, versionId: expect.any(String) });
		expect(wf.nodes.map((n) => n.name)).toEqual([TRIGGER, ...NODE_NAMES]);
		const getBill = wf.nodes.filter((n) => n.type === W.GETBILL_TYPE);
		expect(getBill).toHaveLength(16);
		for (const n of getBill) {
			expect({ name: n.name, typeVersion: n.typeVersion, executeOnce: n.executeOnce }).toEqual({ name: n.name, typeVersion: 1, executeOnce: true });
			expect(n.credentials).toEqual({ [W.CREDENTIAL_TYPE]: CRED });
		}
		expect(Object.fromEntries(getBill.map((n) => [n.name, n.parameters]))).toEqual(V1_PARAMETERS);
		// A chain: each node feeds the next.
		const names = [TRIGGER, ...NODE_NAMES];
		expect(wf.connections).toEqual(
			Object.fromEntries(names.slice(0, -1).map((name, i) => [name, { main: [[{ node: names[i + 1], type: 'main', index: 0 }]] }])),
		);
	});
});

// Every pinned n8n version: a workflow saved with version 1 of the node must load and run in
// each n8n a user may have (how n8n loads an old node version and its parameters differs).
const versions = versionsFor('every version');

describe.each(versions)('a saved v1 workflow in n8n %s', (version) => {
	let suite;
	let server;
	let n8n;
	let r;
	const report = { version };
	const out = (name) => outputOf(r.run, name).map((item) => item.json);

	beforeAll(async () => {
		// The file itself, as it is in the repository (its one workflow, the test's ID gbV1Workflow0001).
		suite = await setUpSuite({ version, scopes: SCOPES, credential: CRED, seed, workflows: readFixture() });
		({ server, n8n } = suite);
		r = await executeRecorded(n8n, server, WORKFLOW_ID);
		report.requests = r.api.map((q) => ({ method: q.method, path: q.path, query: q.query, body: q.rawBody ? JSON.parse(q.rawBody) : undefined, status: q.status }));
		report.outputs = Object.fromEntries(NODE_NAMES.map((name) => [name, out(name)]));
	}, 300000);

	afterAll(async () => await tearDownSuite(suite, `workflow-v1-${version}.json`, report));

	test('n8n saved the file\'s nodes, connections and settings unchanged (only the credential ID is this n8n\'s)', async () => {
		const [file] = readFixture();
		const saved = await n8n.workflow(WORKFLOW_ID);
		const credentialId = n8n.credentialId(CRED.id);
		expect(credentialId).not.toBe(CRED.id);
		const expected = file.nodes.map((n) => (n.credentials ? { ...n, credentials: { [W.CREDENTIAL_TYPE]: { ...CRED, id: credentialId } } } : n));
		expect(saved.nodes).toEqual(expected);
		expect(saved.connections).toEqual(file.connections);
		expect(saved.settings).toEqual(file.settings);
		expect(saved.nodes.filter((n) => n.type === W.GETBILL_TYPE).map((n) => n.typeVersion)).toEqual(NODE_NAMES.map(() => 1));
	});

	test('the workflow runs to the end: every node once, one item in per node (Execute Once)', () => {
		succeeded(r);
		expect(r.run.finished).toBe(true);
		const runData = r.run.data.resultData.runData;
		expect(Object.keys(runData).sort()).toEqual([TRIGGER, ...NODE_NAMES].sort());
		for (const name of NODE_NAMES) {
			expect({ name, runs: runData[name].length, error: runData[name][0].error }).toEqual({ name, runs: 1, error: undefined });
			expect(outputOf(r.run, name).every((item) => item.pairedItem?.item === 0)).toBe(true);
		}
	});

	test('GetBill receives exactly the v1 requests, in order (IDs from expressions, the limits and filters, the update bodies)', () => {
		expect(r.api.map((q) => [q.method, q.path, q.query, q.rawBody ? JSON.parse(q.rawBody) : null, q.status])).toEqual([
			['PUT', `${API}/followups/fu_v1_0001`, {}, { status: 'deal_found', summary: 'Agreed to pay in two instalments' }, 200],
			['GET', `${API}/followups/fu_v1_0001`, {}, null, 200],
			['GET', `${API}/followups`, { status: 'scheduled', type: 'call', page: '1', limit: '3' }, null, 200],
			['GET', `${API}/followups/debt/debt_v1_0001`, { page: '1', limit: '100' }, null, 200],
			['GET', `${API}/debts/debt_v1_0001`, {}, null, 200],
			['GET', `${API}/debts`, { page: '1', limit: '4' }, null, 200],
			['GET', `${API}/debts/by-creditor/cred_v1_0001`, { status: 'status.default.pending', page: '1', limit: '100' }, null, 200],
			['GET', `${API}/debts/by-debtor/dbtr_v1_0001`, { page: '1', limit: '2' }, null, 200],
			['PUT', `${API}/debts/debt_v1_0001`, {}, { status: 'status.default.paid' }, 200],
			['GET', `${API}/debtors/dbtr_v1_0001`, {}, null, 200],
			['GET', `${API}/debtors`, { page: '1', limit: '100' }, null, 200],
			['GET', `${API}/creditors/cred_v1_0001`, {}, null, 200],
			['GET', `${API}/creditors`, { page: '1', limit: '2' }, null, 200],
			['GET', `${API}/reports/rpt_v1_0001`, {}, null, 200],
			['GET', `${API}/company/profile`, {}, null, 200],
			['GET', `${API}/company/users`, {}, null, 200],
		]);
		// The two writes: the server's records changed as v1 asked, nothing else.
		expect(server.getFollowup('fu_v1_0001')).toEqual(UPDATED_FOLLOWUP);
		expect(server.getDebt('debt_v1_0001')).toEqual({ ...DEBT_1, status: 'status.default.paid' });
	});

	test('Followup: Update, Get, Get Many (limit 3, status and type filters), Get Many by Debt output whole followups', () => {
		expect(out('Update a followup')).toEqual([UPDATED_FOLLOWUP]);
		expect(out('Get a followup')).toEqual([UPDATED_FOLLOWUP]);
		// fu_v1_0001 is no longer scheduled: the update ran first.
		expect(out('Get many followups')).toEqual([
			followup('abc123def456', 'debt_abc123def456'),
			followup('fu_v1_0004', 'debt_v1_0002'),
			followup('fu_v1_0005', 'debt_v1_0003'),
		]);
		expect(out('Get many followups of a debt')).toEqual([
			UPDATED_FOLLOWUP,
			followup('fu_v1_0002', 'debt_v1_0001', { status: 'no_answer', type: 'sms' }),
			followup('fu_v1_0003', 'debt_v1_0001', { type: 'email' }),
		]);
	});

	test('Debt: Get and Update output the whole debt (amount_text, nb_reminders, timeline_id, ...); the lists their limits and filters', () => {
		const [got] = out('Get a debt');
		expect(out('Get a debt')).toEqual([DEBT_1]);
		expect(Object.keys(got)).toHaveLength(38);
		expect(got).toMatchObject({ amount_text: '480.50', nb_reminders: 2, timeline_id: 'tl_v1_0001', followups_count: 3 });
		expect(out('Update a debt')).toEqual([{ ...DEBT_1, status: 'status.default.paid' }]);
		expect(out('Get many debts')).toEqual([
			debt('debt_abc123def456', { followups_count: 1 }),
			DEBT_1,
			debt('debt_v1_0002', { amount: 90, amount_text: '90.00', status: 'status.default.paid', followups_count: 1 }),
			debt('debt_v1_0003', { amount: 300, amount_text: '300.00', followups_count: 2 }),
		]);
		expect(out('Get many debts of a creditor')).toEqual([DEBT_1, debt('debt_v1_0003', { amount: 300, amount_text: '300.00', followups_count: 2 })]);
		expect(out('Get many debts of a debtor')).toEqual([
			DEBT_1,
			debt('debt_v1_0002', { amount: 90, amount_text: '90.00', status: 'status.default.paid', followups_count: 1 }),
		]);
	});

	test('Debtor Get is unwrapped from data.data with its totals (after the debt was paid); Get Many returns all', () => {
		expect(out('Get a debtor')).toEqual([
			{ ...DEBTOR_1, totalDebtAmount: 1820.5, totalPaidAmount: 570.5, averageRepaymentScore: 65, debtsCount: 3 },
		]);
		expect(out('Get many debtors')).toEqual([DEBTOR_1, listedDebtor('dbtr_v1_0002'), listedDebtor('dbtr_v1_0003')]);
	});

	test('Creditor Get (unwrapped, totals), Get Many (limit 2); Report Get; Company Get Profile; User Get Many (limit 2 of 3)', () => {
		expect(out('Get a creditor')).toEqual([{ ...CREDITOR_1, totalDebts: 3, totalAmount: 870.5 }]);
		const listedCreditor = (id) => ({ ...CREDITOR_1, id, name: `Creditor ${id}`, email: null, city: null, country: null, contactPerson: null });
		expect(out('Get many creditors')).toEqual([CREDITOR_1, listedCreditor('cred_v1_0002')]);
		expect(out('Get a report')).toEqual([
			{
				id: 'rpt_v1_0001',
				type: 'collection',
				title: 'Collection statistics',
				description: 'Financial summary for January 2024',
				status: 'completed',
				filename: 'collection_2024_01.xlsx',
				file_size: 12,
				mime_type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
				period_from: '2024-01-01',
				period_to: '2024-01-31',
				generated_at: '2024-02-01T09:30:00Z',
				created_at: '2024-02-01T09:30:00Z',
				download_available: true,
			},
		]);
		expect(out('Get the company profile')).toEqual([
			{ id: 'hTBN7n6lkmkhMb6LYqEBZw', name: 'Acme Recouvrement', email: 'contact@acme.example.com', phone: '+33123456789', created_at: '2023-01-15T10:30:00+00:00' },
		]);
		expect(out('Get many users')).toEqual([user(1), user(2)]);
	});
});
