/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals, @typescript-eslint/no-require-imports, @n8n/community-nodes/no-dangerous-functions -- reads the example workflows, requires a CommonJS helper of the e2e suite and runs the Code items it writes; tests run in Node.js, not inside n8n Cloud */
/**
 * W.fromTemplate (test/e2e/lib/workflows.js), the helper through which every
 * e2e suite that runs a template of examples/workflows creates it in n8n
 * (templates-webhooks, templates-notify, templates-bulk, quota, mcp): it must
 * change only the workflow's id, the credentials it is given (each reference
 * becomes the test's {id, name}, other credential types keep the template's
 * placeholder) and, when asked, the items of a Code node. So what the e2e
 * suites run is the template a user imports. (Once one check per e2e file,
 * in eight copies; here once, for every template and every way the suites
 * call it.)
 *
 * `unexpectedChanges` is also run on results of a broken fromTemplate, so
 * that it is shown to catch what it must.
 */
import * as fs from 'fs';
import * as path from 'path';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Ref = { id: string; name: string };
type Node = { name: string; type: string; parameters: Record<string, Json>; credentials?: Record<string, Ref> };
type Workflow = { id?: string; nodes: Node[]; connections: Record<string, Json>; settings?: Record<string, Json> };

const W = require('./e2e/lib/workflows') as {
	CREDENTIAL_TYPE: string;
	fromTemplate: (
		file: string,
		options: { id: string; credential?: Ref; credentialType?: string; credentials?: Record<string, Ref>; codeItems?: Record<string, object[]> },
	) => Workflow;
};

const DIR = path.resolve(__dirname, '..', 'examples', 'workflows');
const FILES = fs
	.readdirSync(DIR)
	.filter((f) => f.endsWith('.json'))
	.sort();
const fileOf = (name: string) => path.join(DIR, name);
const read = (name: string) => JSON.parse(fs.readFileSync(fileOf(name), 'utf8')) as Workflow;

/** The credentials the e2e suites swap in, by type (each suite's own names: these are examples). */
const TEST_CREDENTIALS: Record<string, Ref> = {
	getBillOAuth2Api: { id: 'gbHelperGetBill1', name: 'GetBill sandbox (helper test)' },
	getBillWebhookApi: { id: 'gbHelperWebhook1', name: 'GetBill webhook (helper test)' },
	smtp: { id: 'gbHelperSmtp0001', name: 'SMTP catcher (helper test)' },
	httpBearerAuth: { id: 'gbHelperBearer01', name: 'MCP bearer token (helper test)' },
	httpHeaderAuth: { id: 'gbHelperHeader01', name: 'CRM webhook header (helper test)' },
	crypto: { id: 'gbHelperCrypto01', name: 'Signing key (helper test)' },
};
const ID = 'gbHelperTemplate';

/** The paths (a.b.0.c) where two JSON values differ. */
function differences(a: unknown, b: unknown, at = ''): string[] {
	if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || Array.isArray(a) !== Array.isArray(b)) {
		return Object.is(a, b) ? [] : [at];
	}
	const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
	return [...keys].flatMap((k) => differences((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], at ? `${at}.${k}` : k));
}

/**
 * What fromTemplate changed beyond what it may: the id, each credential of a type it was given
 * (its id and name) and the jsCode of the Code nodes it was given items for. [] when nothing else.
 */
function unexpectedChanges(template: Workflow, imported: Workflow, swapped: string[], codeNodes: string[] = []): string[] {
	const allowed = new Set(['id']);
	template.nodes.forEach((n, i) => {
		for (const type of Object.keys(n.credentials ?? {})) if (swapped.includes(type)) for (const k of ['id', 'name']) allowed.add(`nodes.${i}.credentials.${type}.${k}`);
		if (codeNodes.includes(n.name)) allowed.add(`nodes.${i}.parameters.jsCode`);
	});
	return differences(template, imported).filter((p) => !allowed.has(p));
}

/** Every credential reference of a workflow: [node name, type, {id, name}]. */
const refsOf = (wf: Workflow) => wf.nodes.flatMap((n) => Object.entries(n.credentials ?? {}).map(([type, ref]) => [n.name, type, ref] as const));

describe('W.fromTemplate: the template as the e2e suites create it', () => {
	describe.each(FILES)('%s', (file) => {
		const template = read(file);
		const types = [...new Set(refsOf(template).map(([, type]) => type))];

		it('with every credential type it uses swapped: only the id and those credentials changed, each the test\'s {id, name}', () => {
			const credentials = Object.fromEntries(types.map((t) => [t, TEST_CREDENTIALS[t]]));
			expect(types.every((t) => TEST_CREDENTIALS[t])).toBe(true);
			const imported = W.fromTemplate(fileOf(file), { id: ID, credentials });
			expect(imported.id).toBe(ID);
			expect(unexpectedChanges(template, imported, types)).toEqual([]);
			for (const [node, type, ref] of refsOf(imported)) expect([node, type, ref]).toEqual([node, type, TEST_CREDENTIALS[type]]);
			// The file itself is left as it was.
			expect(read(file)).toEqual(template);
		});

		it('with only the GetBill credential given (`credential`): the other types keep the template\'s placeholder', () => {
			const imported = W.fromTemplate(fileOf(file), { id: ID, credential: TEST_CREDENTIALS.getBillOAuth2Api });
			expect(unexpectedChanges(template, imported, [W.CREDENTIAL_TYPE])).toEqual([]);
			for (const [node, type, ref] of refsOf(imported)) {
				const expected = type === W.CREDENTIAL_TYPE ? TEST_CREDENTIALS.getBillOAuth2Api : template.nodes.find((n) => n.name === node)!.credentials![type];
				expect([node, type, ref]).toEqual([node, type, expected]);
			}
		});
	});

	it('codeItems: the Code node named returns those items, nothing else changes', () => {
		const file = 'getbill-bulk-update-quota-loop.json';
		const items = [
			{ id: 'fu_helper_0001', status: 'deal_found', summary: 'Paid' },
			{ id: 'fu_helper_0002', status: 'no_answer', summary: 'Voicemail: "call back"' },
		];
		const imported = W.fromTemplate(fileOf(file), { id: ID, credential: TEST_CREDENTIALS.getBillOAuth2Api, codeItems: { 'Followups to update': items } });
		expect(unexpectedChanges(read(file), imported, [W.CREDENTIAL_TYPE], ['Followups to update'])).toEqual([]);
		const code = imported.nodes.find((n) => n.name === 'Followups to update')!;
		expect((new Function(String(code.parameters.jsCode))() as Array<{ json: object }>).map((i) => i.json)).toEqual(items);
	});

	it('codeItems naming no Code node of the template: an error, not a silent run of the samples', () => {
		const file = 'getbill-bulk-update-quota-loop.json';
		expect(() => W.fromTemplate(fileOf(file), { id: ID, codeItems: { 'Update followups in GetBill': [] } })).toThrow(`${fileOf(file)} has no Code node named "Update followups in GetBill"`);
		expect(() => W.fromTemplate(fileOf(file), { id: ID, codeItems: { Nowhere: [] } })).toThrow('has no Code node named "Nowhere"');
	});
});

describe('unexpectedChanges catches a broken fromTemplate', () => {
	const file = 'getbill-event-notify-team.json';
	const template = read(file);
	const swapped = ['getBillWebhookApi', 'smtp'];
	const imported = () => W.fromTemplate(fileOf(file), { id: ID, credentials: { getBillWebhookApi: TEST_CREDENTIALS.getBillWebhookApi, smtp: TEST_CREDENTIALS.smtp } });

	it('the real one changes nothing else', () => {
		expect(unexpectedChanges(template, imported(), swapped)).toEqual([]);
	});

	// [what, the break, the credential types fromTemplate was given, the change it must report]
	const cases: Array<[string, (wf: Workflow) => void, string[], RegExp]> = [
		['a parameter changed', (wf) => (wf.nodes[2].parameters.toEmail = 'test@example.com'), swapped, /^nodes\.2\.parameters\.toEmail$/],
		['a parameter added', (wf) => (wf.nodes[1].parameters.extra = true), swapped, /^nodes\.1\.parameters\.extra$/],
		['a node dropped', (wf) => wf.nodes.pop(), swapped, new RegExp(`^nodes\\.${template.nodes.length - 1}$`)],
		['a connection dropped', (wf) => (wf.connections['Route by event'] = { main: [] }), swapped, /^connections\.Route by event\.main\.0$/],
		['a setting added', (wf) => (wf.settings = { ...wf.settings, timezone: 'Europe/Paris' }), swapped, /^settings\.timezone$/],
		['a credential with more than its id and name', (wf) => Object.assign(wf.nodes.find((n) => n.credentials?.smtp)!.credentials!.smtp, { data: {} }), swapped, /^nodes\.\d+\.credentials\.smtp\.data$/],
		['a credential of a type it was not given swapped', (wf) => (wf.nodes.find((n) => n.credentials?.getBillWebhookApi)!.credentials!.getBillWebhookApi = TEST_CREDENTIALS.getBillOAuth2Api), ['smtp'], /^nodes\.\d+\.credentials\.getBillWebhookApi\.id$/],
	];

	it.each(cases)('%s', (_what, breakIt, given, expected) => {
		const broken = imported();
		breakIt(broken);
		const found = unexpectedChanges(template, broken, given);
		expect(found.some((p) => expected.test(p))).toBe(true);
	});
});
