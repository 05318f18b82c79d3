/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals -- reads the template file; tests run in Node.js, not inside n8n Cloud */
/**
 * The template examples/workflows/getbill-voice-agent-mcp-tools.json (GetBill
 * tools behind n8n's MCP Server Trigger): a template by the project's
 * conventions, and its `$fromAI` descriptions listing exactly the values the
 * node's field tables allow. n8n hands an MCP client no enum, only these
 * descriptions, so a value added to or renamed in a field table must show
 * here. Run in n8n: test/e2e/mcp.e2e.test.js.
 */
import * as fs from 'fs';
import * as path from 'path';

import { getFollowupField } from '../nodes/GetBill/resources/followup';

const FILE = path.resolve(__dirname, '../examples/workflows/getbill-voice-agent-mcp-tools.json');
const PLACEHOLDER = 'REPLACE_WITH_YOUR_CREDENTIAL_ID';
const MCP_TRIGGER = '@n8n/n8n-nodes-langchain.mcpTrigger';
const TOOL = 'n8n-nodes-getbill.getBillTool';

type Node = {
	id: string;
	name: string;
	type: string;
	typeVersion: number;
	position: [number, number];
	webhookId?: string;
	parameters: Record<string, unknown>;
	credentials?: Record<string, { id: string; name: string }>;
};
type Workflow = { id?: string; name: string; nodes: Node[]; connections: Record<string, Record<string, Array<Array<{ node: string; type: string; index: number }>>>>; active: boolean; pinData: object; settings: object };

const template = JSON.parse(fs.readFileSync(FILE, 'utf8')) as Workflow;
const trigger = template.nodes.find((n) => n.type === MCP_TRIGGER) as Node;
const tools = template.nodes.filter((n) => n.type === TOOL);
const byName = (name: string) => tools.find((n) => n.name === name) as Node;

type FromAi = { key: string; description: string; at: string[] };

/** Every `={{ $fromAI('key', 'description', 'string') }}` in a node's parameters, with where it sits. */
function fromAiCalls(value: unknown, at: string[] = []): FromAi[] {
	if (typeof value === 'string') {
		const m = /^=\{\{ \$fromAI\('([A-Za-z0-9_-]+)', '([^'()]*)', 'string'\) \}\}$/.exec(value);
		if (value.includes('$fromAI') && !m) throw new Error(`${at.join('.')}: a $fromAI call of another form: ${value}`);
		return m ? [{ key: m[1], description: m[2], at }] : [];
	}
	if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => fromAiCalls(v, [...at, k]));
	return [];
}

/** The list a description gives after "One of: ", or undefined. */
const oneOf = (description: string) => /One of: ([a-z_]+(?:, [a-z_]+)*)$/.exec(description)?.[1].split(', ');

describe('examples/workflows/getbill-voice-agent-mcp-tools.json', () => {
	test('a template: an Overview (title, How it works, Setup) and a note per section naming its nodes, inactive, no id, no pinned data', () => {
		// n8n's template conventions for every template (notes, sizes, the install line): test/templates.test.ts.
		const notes = template.nodes.filter((n) => n.type === 'n8n-nodes-base.stickyNote');
		expect(notes.map((n) => n.name)).toEqual(['Overview', '1. The MCP endpoint', '2. The tools']);
		const content = notes[0].parameters.content as string;
		expect(template.name).toBe('Give your voice agent GetBill tools (MCP)');
		expect(content.split('\n')[0]).toBe(`## ${template.name}`);
		expect(content).toMatch(/^## How it works$/m);
		expect(content).toMatch(/^## Setup$/m);
		expect(notes[1].parameters.content).toContain(`**${trigger.name}**`);
		for (const n of tools) expect(notes[2].parameters.content).toContain(`**${n.name}**`);
		const setup = content.slice(content.indexOf('## Setup'));
		for (const word of ['Production URL', 'Bearer Auth', 'Publish', 'Claude Desktop', 'voice platform']) expect(setup).toContain(word);
		expect(template.id).toBeUndefined();
		expect(template.active).toBe(false);
		expect(template.pinData).toEqual({});
		expect(template.settings).toEqual({ executionOrder: 'v1' });
	});

	test('credentials are placeholders, and nothing secret is in it', () => {
		expect(trigger.credentials).toEqual({ httpBearerAuth: { id: PLACEHOLDER, name: 'MCP bearer token' } });
		for (const n of tools) expect([n.name, n.credentials]).toEqual([n.name, { getBillOAuth2Api: { id: PLACEHOLDER, name: 'GetBill account' } }]);
		const text = JSON.stringify(template);
		expect(text).not.toMatch(/clientSecret|access_token|whsec_|password|"token"/i);
		// "Bearer" only as the header's shape, never with a value
		for (const m of text.matchAll(/Bearer ([^\s`"\\*.,]+)/g)) expect(['<token>', 'Auth']).toContain(m[1]);
	});

	test('the MCP Server Trigger (version 2, bearer auth, a fixed webhook ID as its path) and four GetBill tools (version 2) on its Tools input', () => {
		expect(trigger).toMatchObject({ name: 'MCP Server Trigger', typeVersion: 2, parameters: { authentication: 'bearerAuth', path: trigger.webhookId } });
		expect(trigger.webhookId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
		expect(tools.map((n) => [n.name, n.typeVersion, n.parameters.resource, n.parameters.operation])).toEqual([
			['Get debt', 2, 'debt', 'get'],
			['List followups of debt', 2, 'followup', 'getAllByDebt'],
			['Update followup', 2, 'followup', 'update'],
			['Create followup', 2, 'followup', 'create'],
		]);
		expect(template.connections).toEqual(Object.fromEntries(tools.map((n) => [n.name, { ai_tool: [[{ node: trigger.name, type: 'ai_tool', index: 0 }]] }])));
		expect(template.nodes.filter((n) => n !== trigger && !tools.includes(n)).map((n) => n.type)).toEqual(Array(3).fill('n8n-nodes-base.stickyNote'));
	});

	test('each tool has its own short description (Set Manually), written for a voice agent', () => {
		for (const n of tools) {
			expect([n.name, n.parameters.descriptionType]).toEqual([n.name, 'manual']);
			const description = n.parameters.toolDescription as string;
			expect(description.length).toBeGreaterThan(40);
			expect(description.length).toBeLessThanOrEqual(240);
			// A plain text: n8n 2.8.4 sends an expression unevaluated
			expect(description.startsWith('=')).toBe(false);
		}
	});

	test('the update tool is narrow: the followup ID, the status and a summary from the model, nothing else', () => {
		const update = byName('Update followup');
		expect(Object.keys(update.parameters).sort()).toEqual(['descriptionType', 'followupId', 'operation', 'resource', 'toolDescription', 'updateFields']);
		expect(Object.keys(update.parameters.updateFields as object).sort()).toEqual(['status', 'summary']);
		expect(fromAiCalls(update.parameters).map((c) => [c.key, c.at.join('.')])).toEqual([
			['followupId', 'followupId.value'],
			['status', 'updateFields.status'],
			['summary', 'updateFields.summary'],
		]);
	});

	test('the tools\' arguments: the $fromAI keys of each', () => {
		const keys = Object.fromEntries(tools.map((n) => [n.name, fromAiCalls(n.parameters).map((c) => c.key)]));
		expect(keys).toEqual({
			'Get debt': ['debtId'],
			'List followups of debt': ['debtId'],
			'Update followup': ['followupId', 'status', 'summary'],
			'Create followup': ['debtId', 'type', 'direction', 'scheduledAt', 'summary'],
		});
		// Create sets the status itself, out of the model's reach
		expect((byName('Create followup').parameters.additionalFields as Record<string, unknown>).status).toBe('scheduled');
		expect(getFollowupField('status')?.values?.map((o) => o.value)).toContain('scheduled');
	});

	test('every list field taken from $fromAI names exactly the values of the node\'s field table, in its order ("One of: …")', () => {
		const checked: string[] = [];
		for (const n of tools.filter((t) => t.parameters.resource === 'followup')) {
			for (const call of fromAiCalls(n.parameters)) {
				const [collection, field] = call.at;
				if (collection !== 'updateFields' && collection !== 'additionalFields') {
					expect([n.name, call.key, oneOf(call.description)]).toEqual([n.name, call.key, undefined]);
					continue;
				}
				const spec = getFollowupField(field);
				expect([n.name, field, spec?.name]).toEqual([n.name, field, field]);
				const allowed = spec?.kind === 'options' ? spec.values?.map((o) => o.value) : undefined;
				expect([n.name, field, oneOf(call.description)]).toEqual([n.name, field, allowed]);
				if (allowed) checked.push(`${n.name}: ${field}`);
			}
		}
		expect(checked).toEqual(['Update followup: status', 'Create followup: type', 'Create followup: direction']);
	});

	test('$fromAI descriptions: short, no quotes or parentheses (n8n 2.41.1 cannot parse them), dates with their format', () => {
		for (const n of tools) {
			for (const call of fromAiCalls(n.parameters)) {
				expect(call.description.length).toBeGreaterThan(10);
				expect(call.description.length).toBeLessThanOrEqual(160);
			}
		}
		const [scheduledAt] = fromAiCalls(byName('Create followup').parameters).filter((c) => c.key === 'scheduledAt');
		expect(scheduledAt.description).toMatch(/ISO 8601 date-time with its offset, e\.g\. \d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$/);
	});
});
