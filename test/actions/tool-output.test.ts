/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals -- the test loads the n8n-workflow copies of the e2e cache; tests run in Node.js, not inside n8n Cloud */
/**
 * What a read gives an AI Agent's model (issue #22, part 3). As a tool (version 2) a read's output is its
 * Tool Output: Simplified (the default where the editor has Simplify), Raw
 * or Selected Fields; n8n hands the model `JSON.stringify` of the output
 * items' JSON. Outside a tool, version 2's Simplify stays as it was, and a
 * tool saved with Simplify off stays Raw.
 *
 * Which parameters a tool keeps is n8n's doing: it runs a node with its saved
 * parameters cut to those shown (`getNodeParameters`), a tool showing what
 * `'@tool': [true]` shows. That is checked with n8n-workflow 2.8 (the dev
 * copy) and, where the e2e cache holds them, the copies of n8n 2.41.1 and
 * 2.8.4; the runs go through n8n-core's engine (test/helpers/n8n-harness).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import type { IDataObject, INode, INodeParameters, INodeTypeDescription } from 'n8n-workflow';
import * as devWorkflow from 'n8n-workflow';

import { GetBill } from '../../nodes/GetBill/GetBill.node';
import { CREDITOR } from '../../nodes/GetBill/resources/creditor';
import { DEBT } from '../../nodes/GetBill/resources/debt';
import { DEBTOR } from '../../nodes/GetBill/resources/debtor';
import { FOLLOWUP } from '../../nodes/GetBill/resources/followup';
import { REPORT } from '../../nodes/GetBill/resources/report';
import { USER } from '../../nodes/GetBill/resources/user';
import { REALISTIC_DEBTS } from '../fixtures/debts';
import { asToolType, newCredentials, runGetBill } from '../helpers/n8n-harness';
import { useGetBillServer } from '../helpers/server';

const SCOPES = ['debts:read', 'followups:read', 'debtors:read', 'creditors:read', 'reports:read', 'users:read'];
const gb = useGetBillServer({ followupIds: [], clients: [{ clientId: 'test-client-id', clientSecret: 'test-client-secret', scopes: SCOPES }] });
const { server } = gb;
const credentials = () => newCredentials(gb.url, { scope: SCOPES.join(' ') });
const api = () => server.requests.filter((r) => r.path.startsWith('/external-api/'));
const locator = (value: string) => ({ __rl: true, mode: 'id', value });

const JANE = REALISTIC_DEBTS[0].id;

beforeAll(() => {
	server.seedCreditor('cred_acme', { name: 'Acme Collections', city: 'Paris', email: 'acme@example.com' });
	server.seedDebtor('dbtr_jane', { firstName: 'Jane', lastName: 'Smith', email: 'jane.smith@example.com' });
	for (const { id, data } of REALISTIC_DEBTS) server.seedDebt(id, { ...data, creditor_id: 'cred_acme', debtor_id: 'dbtr_jane' });
	server.seedFollowup('fu_deal', { debt_id: JANE, type: 'call', status: 'deal_found', summary: 'Payment plan agreed', duration_ms: 180000 });
	server.seedReport('report_jan', {});
	for (let i = 0; i < 3; i++) server.seedUser(`user_${i}`, { email: `user${i}@example.com`, firstname: `User${i}` });
});

interface Run {
	parameters: IDataObject;
	asTool?: boolean;
	typeVersion?: number;
	items?: IDataObject[];
	onError?: 'continueRegularOutput';
}

const run = ({ parameters, asTool = true, typeVersion = 2, items, onError }: Run) =>
	runGetBill({ credentials: credentials(), parameters: parameters as INodeParameters, typeVersion, asTool, items, onError });

/** The output items' JSON, as n8n hands them to the model. */
const jsonOf = async (r: Run) => {
	const result = await run(r);
	expect(result.error).toBeUndefined();
	return result.outputs[0].map((o) => o.json);
};

const GET_DEBT = { resource: 'debt', operation: 'get', debtId: locator(JANE) };
const GET_MANY_DEBTS = { resource: 'debt', operation: 'getAll', limit: 10 };

describe('Tool Output of a read, as a tool', () => {
	it.each([
		['Get Debt', GET_DEBT, 1],
		['Get Many debts (10)', GET_MANY_DEBTS, 10],
	])('%s: Simplified by default, Raw, Selected Fields in the order given', async (_name, parameters, count) => {
		const raw = await jsonOf({ parameters: { ...parameters, toolOutput: 'raw' } });
		expect(raw).toHaveLength(count);
		// Raw: the whole debt object GetBill returns
		expect(raw[0]).toEqual(server.getDebt(String(raw[0].id)));
		expect(Object.keys(raw[0])).toEqual(DEBT.returned);

		const simplified = await jsonOf({ parameters });
		expect(await jsonOf({ parameters: { ...parameters, toolOutput: 'simplified' } })).toEqual(simplified);
		expect(simplified).toHaveLength(count);
		simplified.forEach((json, i) => {
			expect(Object.keys(json)).toEqual(DEBT.simplified);
			for (const key of Object.keys(json)) expect(json[key]).toEqual(raw[i][key]);
		});

		const selected = await jsonOf({ parameters: { ...parameters, toolOutput: 'selectedFields', toolFields: ' status, amount ,id,amount' } });
		expect(selected).toEqual(raw.map((json) => ({ status: json.status, amount: json.amount, id: json.id })));
		expect(selected.map((json) => Object.keys(json))).toEqual(raw.map(() => ['status', 'amount', 'id']));
	});

	it.each([
		['debt', 'getAllByCreditor', { creditorId: locator('cred_acme'), limit: 3 }, DEBT],
		['debt', 'getAllByDebtor', { debtorId: locator('dbtr_jane'), limit: 3 }, DEBT],
		['followup', 'get', { followupId: locator('fu_deal') }, FOLLOWUP],
		['followup', 'getAllByDebt', { debtId: locator(JANE), returnAll: true }, FOLLOWUP],
		['debtor', 'get', { debtorId: locator('dbtr_jane') }, DEBTOR],
		['creditor', 'getAll', { returnAll: true }, CREDITOR],
		['report', 'get', { reportId: locator('report_jan') }, REPORT],
		['report', 'getAll', { returnAll: true }, REPORT],
		['user', 'getAll', { returnAll: true }, USER],
	])('%s %s: each mode keeps what it says', async (resource, operation, extra, reads) => {
		const parameters = { resource, operation, ...extra };
		const raw = await jsonOf({ parameters: { ...parameters, toolOutput: 'raw' } });
		expect(raw.length).toBeGreaterThan(0);
		for (const json of raw) expect(reads.returned).toEqual(expect.arrayContaining(Object.keys(json)));
		const simplifiedFields = reads.simplified ?? reads.toolSimplified!;
		const simplified = await jsonOf({ parameters: { ...parameters, toolOutput: 'simplified' } });
		expect(simplified).toEqual(raw.map((json) => Object.fromEntries(simplifiedFields.filter((f) => f in json).map((f) => [f, json[f]]))));
		const two = reads.returned!.slice(0, 2).reverse();
		const selected = await jsonOf({ parameters: { ...parameters, toolOutput: 'selectedFields', toolFields: two.join(',') } });
		expect(selected).toEqual(raw.map((json) => Object.fromEntries(two.map((f) => [f, json[f]]))));
		// The default: Simplified where the editor has Simplify; Raw for reports and users, as such a tool gave before
		expect(await jsonOf({ parameters })).toEqual(reads.simplified ? simplified : raw);
	});

	it('takes Fields to Return from the model with $fromAI, as a list too', async () => {
		const parameters = { ...GET_DEBT, toolOutput: 'selectedFields', toolFields: "={{ $fromAI('fields', 'Comma-separated debt fields to return', 'string') }}" };
		expect(await jsonOf({ parameters, items: [{ fields: 'id, due_date' }] })).toEqual([{ id: JANE, due_date: '2024-04-02' }]);
		const list = { ...GET_DEBT, toolOutput: 'selectedFields', toolFields: '={{ ["amount", "currency"] }}' };
		expect(await jsonOf({ parameters: list })).toEqual([{ amount: 317.45, currency: 'EUR' }]);
	});
});

describe('Tool Output and the Simplify of saved nodes', () => {
	const simplifiedDebt = (json: IDataObject) => Object.keys(json).join() === DEBT.simplified!.join();
	const rawDebt = (json: IDataObject) => Object.keys(json).join() === DEBT.returned!.join();

	it('a tool saved with Simplify off (before Tool Output) stays Raw, whatever Tool Output says', async () => {
		expect((await jsonOf({ parameters: { ...GET_MANY_DEBTS, simple: false } })).every(rawDebt)).toBe(true);
		// Tool Output is not shown while Simplify is off, so n8n does not keep it
		for (const toolOutput of ['simplified', 'selectedFields']) {
			const json = await jsonOf({ parameters: { ...GET_DEBT, simple: false, toolOutput, toolFields: 'id' } });
			expect(json.every(rawDebt)).toBe(true);
		}
	});

	it('a tool saved with Simplify on (the default, so not saved) stays Simplified', async () => {
		expect((await jsonOf({ parameters: GET_MANY_DEBTS })).every(simplifiedDebt)).toBe(true);
		expect((await jsonOf({ parameters: { ...GET_MANY_DEBTS, simple: true } })).every(simplifiedDebt)).toBe(true);
	});

	it('outside a tool, Simplify decides as before and Tool Output is not kept', async () => {
		expect((await jsonOf({ parameters: GET_DEBT, asTool: false })).every(simplifiedDebt)).toBe(true);
		expect((await jsonOf({ parameters: { ...GET_DEBT, simple: false }, asTool: false })).every(rawDebt)).toBe(true);
		const ignored = { ...GET_DEBT, toolOutput: 'selectedFields', toolFields: 'nope' };
		expect((await jsonOf({ parameters: ignored, asTool: false })).every(simplifiedDebt)).toBe(true);
		expect((await jsonOf({ parameters: { resource: 'report', operation: 'get', reportId: locator('report_jan'), toolOutput: 'simplified' }, asTool: false }))[0]).toEqual(
			expect.objectContaining({ description: 'Financial summary for January 2024', created_at: '2024-02-01T09:30:00Z' }),
		);
	});

	it('version 1, as a tool or not, outputs every field', async () => {
		const v1 = { resource: 'debt', operation: 'get', debtId: JANE, toolOutput: 'selectedFields', toolFields: 'id' };
		expect((await jsonOf({ parameters: v1, typeVersion: 1 })).every(rawDebt)).toBe(true);
		expect((await jsonOf({ parameters: v1, typeVersion: 1, asTool: false })).every(rawDebt)).toBe(true);
	});
});

describe('Fields to Return: names checked before any request', () => {
	const LIST = DEBT.returned!.join(', ');
	const SET_UP = 'This comes from how the tool is set up (its Fields to Return), which no argument can change.';
	const selected = (toolFields: string) => ({ ...GET_DEBT, toolOutput: 'selectedFields', toolFields });

	it('refuses a name a debt does not have, naming it, the value and what exists; nothing sent', async () => {
		const result = await run({ parameters: selected('id, amout') });
		expect(result.error!.message).toBe(
			`Fields to Return (toolFields) names a field a debt does not have: "amout" in "id, amout". Did you mean "amount" for "amout"? The debt fields are: ${LIST}. Nothing was sent. ${SET_UP}`,
		);
		expect(result.error!.description).toBeFalsy();
		expect(api()).toEqual([]);
	});

	it('outside the model\'s words ([item N] dropped), the error still names the item', async () => {
		const result = await run({ parameters: selected('bogus') });
		expect((result.error as unknown as { context: IDataObject }).context.itemIndex).toBe(0);
	});

	it('tells the model to call again when it chose the fields ($fromAI); names every wrong one', async () => {
		const parameters = selected("={{ $fromAI('fields', 'Comma-separated debt fields to return', 'string') }}");
		const result = await run({ parameters, items: [{ fields: 'id, firstName, totalDebts, xyzzy' }] });
		expect(result.error!.message).toBe(
			`Fields to Return (toolFields) names fields a debt does not have: "firstName", "totalDebts", "xyzzy" in "id, firstName, totalDebts, xyzzy". ` +
				`Did you mean "firstname" for "firstName"? The debt fields are: ${LIST}. Nothing was sent. ` +
				'Call again with names from that list, comma-separated (e.g. id, firstname, lastname).',
		);
		expect(api()).toEqual([]);
	});

	it('refuses an empty list', async () => {
		const result = await run({ parameters: selected(' , ') });
		expect(result.error!.message).toBe(`Fields to Return (toolFields) names no field: " , ". The debt fields are: ${LIST}. Nothing was sent. ${SET_UP}`);
		expect(api()).toEqual([]);
	});

	it('with several items, one wrong item stops the run before any request', async () => {
		const parameters = selected('={{ $json.fields }}');
		const result = await run({ parameters, items: [{ fields: 'id' }, { fields: 'id' }, { fields: 'idd' }] });
		expect(result.error!.message).toMatch(/^Fields to Return \(toolFields\) names a field a debt does not have: "idd" in "idd"\. Did you mean "id" for "idd"\?/);
		expect(api()).toEqual([]);
	});

	it('with On Error "Continue", the wrong item is an error item and the others are read', async () => {
		const parameters = selected('={{ $json.fields }}');
		const json = await jsonOf({ parameters, items: [{ fields: 'id' }, { fields: 'idd' }, { fields: 'currency' }], onError: 'continueRegularOutput' });
		expect(json).toEqual([{ id: JANE }, { error: expect.stringMatching(/^Fields to Return \(toolFields\) names a field a debt does not have: "idd"/) }, { currency: 'EUR' }]);
		expect(api()).toHaveLength(2);
	});
});

/**
 * The n8n-workflow copies to check n8n's parameter handling with: the dev
 * copy (2.8.0), and those of the n8n versions the e2e suite installs, where
 * its cache holds them.
 */
function n8nWorkflows(): Array<[string, typeof devWorkflow]> {
	const cache = process.env.GETBILL_E2E_CACHE ?? path.join(os.homedir(), '.cache', 'n8n-nodes-getbill-e2e');
	const installed = ['2.41.1', '2.8.4']
		.map((version) => [version, path.join(cache, `n8n-${version}`, 'node_modules', 'n8n-workflow')] as const)
		.filter(([, dir]) => fs.existsSync(path.join(dir, 'package.json')))
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		.map(([version, dir]): [string, typeof devWorkflow] => [`n8n ${version}`, require(dir) as typeof devWorkflow]);
	return [['dev copy', devWorkflow], ...installed];
}

describe.each(n8nWorkflows())('the parameters n8n keeps (n8n-workflow of the %s)', (_name, { NodeHelpers }) => {
	const node = new GetBill();
	const tool = asToolType(node);
	/** What n8n runs a node with (its Workflow: defaults added, parameters not shown dropped), or saves (`saving`: defaults left out). */
	const kept = (description: INodeTypeDescription, parameters: IDataObject, { typeVersion = 2, saving = false } = {}) => {
		const values = parameters as INodeParameters;
		const n = { id: 'n', name: 'GetBill', type: description.name, typeVersion, position: [0, 0], parameters: values } as INode;
		const result = NodeHelpers.getNodeParameters(description.properties, values, !saving, false, n, description) ?? {};
		return Object.fromEntries(['simple', 'toolOutput', 'toolFields'].filter((k) => k in result).map((k) => [k, result[k]]));
	};
	const debtGet = { resource: 'debt', operation: 'get', debtId: locator('d1') };

	it('resolves @tool from the node type\'s name', () => {
		expect(tool.description.name).toBe('getBillTool');
		expect(kept(node.description, debtGet)).toEqual({ simple: true });
		expect(kept(tool.description, debtGet)).toEqual({ toolOutput: 'simplified' });
	});

	it('a tool saved with Simplify off keeps it, and no Tool Output; saving again keeps it too', () => {
		expect(kept(tool.description, { ...debtGet, simple: false })).toEqual({ simple: false });
		expect(kept(tool.description, { ...debtGet, simple: false, toolOutput: 'selectedFields', toolFields: 'id' })).toEqual({ simple: false });
		expect(kept(tool.description, { ...debtGet, simple: false }, { saving: true })).toEqual({ simple: false });
	});

	it('a tool keeps its Tool Output and Fields to Return; Simplify on is not kept (the default)', () => {
		expect(kept(tool.description, { ...debtGet, simple: true })).toEqual({ toolOutput: 'simplified' });
		expect(kept(tool.description, { ...debtGet, simple: true }, { saving: true })).toEqual({});
		const selected = { ...debtGet, toolOutput: 'selectedFields', toolFields: 'id, amount' };
		expect(kept(tool.description, selected)).toEqual({ toolOutput: 'selectedFields', toolFields: 'id, amount' });
		expect(kept(tool.description, selected, { saving: true })).toEqual({ toolOutput: 'selectedFields', toolFields: 'id, amount' });
		expect(kept(tool.description, { ...debtGet, toolOutput: 'raw' }, { saving: true })).toEqual({ toolOutput: 'raw' });
	});

	it('outside a tool, only Simplify; in version 1, none of them', () => {
		expect(kept(node.description, { ...debtGet, simple: false, toolOutput: 'raw', toolFields: 'id' })).toEqual({ simple: false });
		expect(kept(tool.description, { resource: 'debt', operation: 'get', debtId: 'd1', simple: false, toolOutput: 'raw' }, { typeVersion: 1 })).toEqual({});
	});

	it('reports and users: Tool Output Raw by default, no Simplify', () => {
		expect(kept(tool.description, { resource: 'report', operation: 'getAll' })).toEqual({ toolOutput: 'raw' });
		expect(kept(tool.description, { resource: 'user', operation: 'getAll' })).toEqual({ toolOutput: 'raw' });
		expect(kept(node.description, { resource: 'report', operation: 'getAll', toolOutput: 'simplified' })).toEqual({});
		// Writes and Download have no Tool Output
		expect(kept(tool.description, { resource: 'report', operation: 'download' })).toEqual({});
		expect(kept(tool.description, { resource: 'debt', operation: 'update' })).toEqual({});
	});
});

describe('The read field lists', () => {
	it.each([DEBT, FOLLOWUP, DEBTOR, CREDITOR, REPORT, USER])('$resource: Simplified is among the fields GetBill returns, each once', (reads) => {
		const returned = reads.returned!;
		expect(new Set(returned).size).toBe(returned.length);
		expect(returned).toEqual(expect.arrayContaining([...(reads.simplified ?? reads.toolSimplified!)]));
		expect(returned[0]).toBe('id');
	});

	it.each([DEBT, FOLLOWUP, DEBTOR, CREDITOR])('$resource: every field an Update sends is one a read returns', (table) => {
		const updated = table.fields.filter((f) => f.update).map((f) => f.name);
		expect(table.returned).toEqual(expect.arrayContaining(updated));
	});
});
