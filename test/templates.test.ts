/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals -- reads the example workflows; tests run in Node.js, not inside n8n Cloud */
/**
 * The workflow templates of examples/workflows/*.json, every one present when
 * the tests run: the conventions a template keeps (one Overview sticky note
 * with a title, "How it works" and "Setup"; credential placeholders; no
 * secret; inactive, no pinned data; connections between existing nodes;
 * unique names and positions) and GetBill nodes a user's n8n can run
 * (version 2, a resource and operation the node has, parameters it shows).
 *
 * `problems(workflow)` lists what a template breaks, in words; each check is
 * also run on a broken copy of a template, so that none passes for nothing.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { INode, INodeProperties, INodeTypeDescription } from 'n8n-workflow';
import { NodeHelpers } from 'n8n-workflow';

import { GetBill } from '../nodes/GetBill/GetBill.node';
import { GetBillTrigger } from '../nodes/GetBillTrigger/GetBillTrigger.node';

const DIR = path.resolve(__dirname, '..', 'examples', 'workflows');
const FILES = fs
	.readdirSync(DIR)
	.filter((f) => f.endsWith('.json'))
	.sort();

const PLACEHOLDER = 'REPLACE_WITH_YOUR_CREDENTIAL_ID';
const STICKY = 'n8n-nodes-base.stickyNote';
const GETBILL = 'n8n-nodes-getbill.getBill';
const GETBILL_TOOL = 'n8n-nodes-getbill.getBillTool';
const TRIGGER = 'n8n-nodes-getbill.getBillTrigger';

/** Text that looks like a secret: GetBill webhook secrets, API keys, bearer tokens, JWTs, secret values in JSON. */
const SECRETS: Array<[string, RegExp]> = [
	['a webhook signing secret (whsec_…)', /whsec_[A-Za-z0-9]/],
	['an API key (sk_live_… / sk_test_…)', /\bsk_(live|test)_[A-Za-z0-9]/],
	['a bearer token', /Bearer\s+[A-Za-z0-9._~+/-]{12,}/],
	['a JSON Web Token', /eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}/],
	['a secret value', /"(client_?secret|secret|password|api_?key|access_?token|refresh_?token)"\s*:\s*"[^"]+"/i],
];

interface Template {
	name?: unknown;
	nodes?: unknown;
	connections?: unknown;
	active?: unknown;
	pinData?: unknown;
	settings?: { executionOrder?: unknown };
}

type Connection = { node: string; type: string; index: number };

const getBill = new GetBill().description;
/**
 * The tool variant n8n makes of GetBill (`getBillTool`): the same description with the two
 * parameters n8n adds (n8n's tool-generation/ai-tools.js, convertNodeToAiTool: Tool
 * Description auto/manual, and the manual Description).
 */
const getBillTool: INodeTypeDescription = {
	...getBill,
	properties: [
		{
			displayName: 'Tool Description',
			name: 'descriptionType',
			type: 'options',
			noDataExpression: true,
			options: [
				{ name: 'Set Automatically', value: 'auto' },
				{ name: 'Set Manually', value: 'manual' },
			],
			default: 'auto',
		},
		{ displayName: 'Description', name: 'toolDescription', type: 'string', default: '', required: true, displayOptions: { show: { descriptionType: ['manual'] } } },
		...getBill.properties,
	],
};
const trigger = new GetBillTrigger().description;

/** The sections of a sticky note: `## Heading` → its text. */
function sections(content: string): Map<string, string> {
	const found = new Map<string, string>();
	let heading: string | undefined;
	for (const line of content.split('\n')) {
		const match = /^## (.+)$/.exec(line);
		if (match) found.set((heading = match[1].trim()), '');
		else if (heading !== undefined) found.set(heading, `${found.get(heading)}${line}\n`);
	}
	return found;
}

/** What is wrong with a GetBill node (or its AI-tool variant): version 2, its resource and operation, the parameters it shows. */
function getBillProblems(node: INode, description: INodeTypeDescription): string[] {
	const at = `GetBill node "${node.name}"`;
	if (node.typeVersion !== 2) return [`${at} is typeVersion ${node.typeVersion}, not 2`];
	const shown = (p: INodeProperties) => NodeHelpers.displayParameter(node.parameters, p, node, description);
	const resources = description.properties.find((p) => p.name === 'resource')!;
	const resource = (node.parameters.resource as string | undefined) ?? (resources.default as string);
	if (!resources.options!.some((o) => 'value' in o && o.value === resource)) return [`${at}: resource "${resource}" does not exist`];
	const operations = description.properties.find((p) => p.name === 'operation' && shown(p));
	const operation = (node.parameters.operation as string | undefined) ?? (operations?.default as string);
	if (!operations?.options!.some((o) => 'value' in o && o.value === operation)) {
		return [`${at}: operation "${operation}" does not exist for resource "${resource}"`];
	}
	const problems: string[] = [];
	// What the node runs with: the saved parameters and every default they leave out (e.g. Fields to Send = Define Below)
	const values = {
		...(NodeHelpers.getNodeParameters(description.properties, { ...node.parameters, resource, operation }, true, false, node, description) ?? {}),
		...node.parameters,
		resource,
		operation,
	};
	for (const [key, value] of Object.entries(node.parameters)) {
		const properties = description.properties.filter((p) => p.name === key && NodeHelpers.displayParameter(values, p, node, description));
		if (!properties.length) {
			problems.push(`${at}: parameter "${key}" is not one the node shows for ${resource} ${operation}`);
			continue;
		}
		// A collection's keys must be its options (e.g. Options > When Write Quota Runs Out).
		const collection = properties.find((p) => p.type === 'collection');
		if (collection && value && typeof value === 'object') {
			const names = (collection.options ?? []).map((o) => (o as INodeProperties).name);
			for (const inner of Object.keys(value)) if (!names.includes(inner)) problems.push(`${at}: "${key}.${inner}" is not an option of ${key}`);
		}
	}
	const issues = NodeHelpers.getNodeParametersIssues(description.properties, node, description);
	for (const [name, messages] of Object.entries(issues?.parameters ?? {})) problems.push(`${at}: ${name}: ${messages.join(' ')}`);
	return problems;
}

/** What a template breaks, in words; [] when it keeps every convention. */
function problems(template: Template): string[] {
	const found: string[] = [];
	if (typeof template.name !== 'string' || !template.name.trim()) found.push('no name');
	if (!Array.isArray(template.nodes)) return [...found, 'no nodes'];
	if (!template.connections || typeof template.connections !== 'object') return [...found, 'no connections'];
	const nodes = template.nodes as INode[];
	const names = nodes.map((n) => n.name);

	// One Overview sticky note: a title, How it works (numbered), Setup.
	const stickies = nodes.filter((n) => n.type === STICKY);
	if (stickies.length !== 1) found.push(`${stickies.length} sticky notes, not 1`);
	for (const sticky of stickies) {
		if (sticky.name !== 'Overview') found.push(`the sticky note is named "${sticky.name}", not "Overview"`);
		const content = String(sticky.parameters.content ?? '');
		if (!/^## \S/.test(content)) found.push('the sticky note does not start with a "## " title');
		const parts = sections(content);
		if (!parts.has('How it works')) found.push('the sticky note has no "## How it works"');
		else if (!/^1\. \S/m.test(parts.get('How it works')!)) found.push('"How it works" is not a numbered list');
		if (!parts.has('Setup')) found.push('the sticky note has no "## Setup"');
	}

	// Credentials: placeholders only; nothing that looks like a secret.
	for (const node of nodes) {
		for (const [type, credential] of Object.entries(node.credentials ?? {})) {
			if (credential?.id !== PLACEHOLDER) found.push(`node "${node.name}": credential ${type} has id "${credential?.id}", not ${PLACEHOLDER}`);
		}
	}
	const text = JSON.stringify(template);
	for (const [what, pattern] of SECRETS) if (pattern.test(text)) found.push(`something like ${what}: ${pattern.exec(text)![0]}`);

	if (template.active !== false) found.push(`active is ${JSON.stringify(template.active)}, not false`);
	if (template.pinData !== undefined && JSON.stringify(template.pinData) !== '{}') found.push('pinned data');
	if (template.settings?.executionOrder !== 'v1') found.push('settings.executionOrder is not "v1"');

	// Names, IDs and positions: unique.
	const twice = (list: string[]) => [...new Set(list.filter((v, i) => list.indexOf(v) !== i))];
	for (const name of twice(names)) found.push(`two nodes named "${name}"`);
	for (const id of twice(nodes.map((n) => n.id))) found.push(`two nodes with id "${id}"`);
	for (const node of nodes) {
		if (!Array.isArray(node.position) || node.position.length !== 2 || !node.position.every(Number.isFinite)) found.push(`node "${node.name}" has no position`);
	}
	for (const at of twice(nodes.map((n) => JSON.stringify(n.position)))) {
		found.push(`nodes at the same position ${at}: ${nodes.filter((n) => JSON.stringify(n.position) === at).map((n) => n.name).join(', ')}`);
	}

	// Connections: from and to nodes that exist.
	for (const [from, byType] of Object.entries(template.connections as Record<string, Record<string, Array<Connection[] | null>>>)) {
		if (!names.includes(from)) found.push(`a connection from "${from}", which is not a node`);
		for (const outputs of Object.values(byType ?? {})) {
			for (const to of (outputs ?? []).flat()) {
				if (!to || !names.includes(to.node)) found.push(`a connection from "${from}" to "${to?.node}", which is not a node`);
			}
		}
	}

	// This package's nodes: GetBill in version 2 with what it has; the trigger's events.
	for (const node of nodes) {
		if (node.type === GETBILL) found.push(...getBillProblems(node, getBill));
		else if (node.type === GETBILL_TOOL) found.push(...getBillProblems(node, getBillTool));
		else if (node.type === TRIGGER) {
			const events = (trigger.properties.find((p) => p.name === 'events')!.options ?? []).map((o) => ('value' in o ? o.value : undefined));
			if (node.typeVersion !== 1) found.push(`GetBill Trigger "${node.name}" is typeVersion ${node.typeVersion}, not 1`);
			for (const event of (node.parameters.events as string[] | undefined) ?? []) {
				if (!events.includes(event)) found.push(`GetBill Trigger "${node.name}": event "${event}" does not exist`);
			}
		} else if (node.type.startsWith('n8n-nodes-getbill.')) found.push(`node "${node.name}" has type ${node.type}, which this package does not have`);
	}
	return found;
}

const read = (file: string) => JSON.parse(fs.readFileSync(path.join(DIR, file), 'utf8')) as Template;

describe('examples/workflows', () => {
	it('holds templates', () => {
		expect(FILES.length).toBeGreaterThan(0);
	});

	describe.each(FILES)('%s', (file) => {
		it('is valid JSON with a name, nodes and connections', () => {
			const template = read(file);
			expect(typeof template.name).toBe('string');
			expect(Array.isArray(template.nodes)).toBe(true);
			expect(typeof template.connections).toBe('object');
		});

		it('keeps every convention of a template', () => {
			expect(problems(read(file))).toEqual([]);
		});
	});
});

describe('each check fails on a broken copy of a template', () => {
	// The quota loop template: a GetBill node, a credential, a trigger, a sticky note.
	const base = read('getbill-bulk-update-quota-loop.json');
	const copy = () => JSON.parse(JSON.stringify(base)) as Template & { nodes: INode[]; connections: Record<string, { main: Connection[][] }> };
	const node = (t: { nodes: INode[] }, type: string) => t.nodes.find((n) => n.type === type)!;
	const sticky = (t: { nodes: INode[] }) => node(t, STICKY);

	it('the template itself has no problem', () => {
		expect(problems(copy())).toEqual([]);
	});

	const cases: Array<[string, (t: ReturnType<typeof copy>) => void, string | RegExp]> = [
		['no name', (t) => delete t.name, 'no name'],
		['no nodes', (t) => delete (t as Template).nodes, 'no nodes'],
		['no connections', (t) => delete (t as Template).connections, 'no connections'],
		['a second sticky note', (t) => t.nodes.push({ ...sticky(t), id: 'x', name: 'Note', position: [9, 9] }), '2 sticky notes, not 1'],
		['no sticky note', (t) => (t.nodes = t.nodes.filter((n) => n.type !== STICKY)), '0 sticky notes, not 1'],
		['the sticky note renamed', (t) => (sticky(t).name = 'Sticky Note'), 'the sticky note is named "Sticky Note", not "Overview"'],
		['no title', (t) => (sticky(t).parameters.content = String(sticky(t).parameters.content).replace(/^## [^\n]*\n/, 'Intro\n')), 'the sticky note does not start with a "## " title'],
		['no How it works', (t) => (sticky(t).parameters.content = String(sticky(t).parameters.content).replace('## How it works', '## How')), 'the sticky note has no "## How it works"'],
		['How it works not numbered', (t) => (sticky(t).parameters.content = String(sticky(t).parameters.content).replace(/^\d\. /gm, '- ')), '"How it works" is not a numbered list'],
		['no Setup', (t) => (sticky(t).parameters.content = String(sticky(t).parameters.content).replace('## Setup', '## Set it up')), 'the sticky note has no "## Setup"'],
		['a real credential ID', (t) => (node(t, GETBILL).credentials!.getBillOAuth2Api.id = 'aB3dE5fG7hI9'), /credential getBillOAuth2Api has id "aB3dE5fG7hI9"/],
		['a webhook secret', (t) => (sticky(t).parameters.content += ' whsec_abcdef123456'), /webhook signing secret/],
		['an API key', (t) => (sticky(t).parameters.content += ' sk_live_abcdef'), /an API key/],
		['a bearer token', (t) => (sticky(t).parameters.content += ' Bearer abcdefghijklmnop1234'), /a bearer token/],
		['a JSON Web Token', (t) => (sticky(t).parameters.content += ' eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.x'), /a JSON Web Token/],
		['a client secret value', (t) => (node(t, GETBILL).parameters.client_secret = 's3cr3t'), /a secret value: "client_secret":"s3cr3t"/],
		['active', (t) => (t.active = true), 'active is true, not false'],
		['pinned data', (t) => (t.pinData = { [node(t, GETBILL).name]: [{ json: {} }] }), 'pinned data'],
		['no execution order', (t) => (t.settings = {}), 'settings.executionOrder is not "v1"'],
		['two nodes named alike', (t) => (node(t, 'n8n-nodes-base.wait').name = node(t, GETBILL).name), /^two nodes named "Update followups in GetBill"$/],
		['two nodes with one id', (t) => (node(t, 'n8n-nodes-base.wait').id = node(t, GETBILL).id), /^two nodes with id /],
		['two nodes at one position', (t) => (node(t, 'n8n-nodes-base.wait').position = [...node(t, GETBILL).position]), /^nodes at the same position \[460,0\]/],
		['a node without a position', (t) => delete (node(t, 'n8n-nodes-base.wait') as Partial<INode>).position, /has no position/],
		['a connection from a missing node', (t) => (t.connections.Nowhere = { main: [[]] }), 'a connection from "Nowhere", which is not a node'],
		['a connection to a missing node', (t) => (t.connections[node(t, GETBILL).name].main[1][0].node = 'Nowhere'), /to "Nowhere", which is not a node/],
		['a GetBill node of version 1', (t) => (node(t, GETBILL).typeVersion = 1), /is typeVersion 1, not 2/],
		['an unknown resource', (t) => (node(t, GETBILL).parameters.resource = 'invoice'), /resource "invoice" does not exist/],
		['an unknown operation', (t) => (node(t, GETBILL).parameters.operation = 'upsert'), /operation "upsert" does not exist for resource "followup"/],
		['an operation of another resource', (t) => (node(t, GETBILL).parameters.operation = 'createMany'), /operation "createMany" does not exist for resource "followup"/],
		['a parameter the node does not show', (t) => (node(t, GETBILL).parameters.updateFieldz = {}), /parameter "updateFieldz" is not one the node shows/],
		['an option the node does not have', (t) => (node(t, GETBILL).parameters.options = { whenQuotaRunOut: 'outputUnsent' }), /"options.whenQuotaRunOut" is not an option of options/],
		['a required parameter left empty', (t) => (node(t, GETBILL).parameters.followupId = { __rl: true, mode: 'id', value: '' }), /followupId: /],
		['an unknown node of this package', (t) => (node(t, GETBILL).type = 'n8n-nodes-getbill.getBillz'), /which this package does not have/],
		[
			'a trigger with an unknown event',
			(t) => t.nodes.push({ id: 't', name: 'Trigger', type: TRIGGER, typeVersion: 1, position: [5, 5], parameters: { events: ['debt.exploded'] } }),
			'GetBill Trigger "Trigger": event "debt.exploded" does not exist',
		],
	];

	it.each(cases)('%s', (_what, breakIt, expected) => {
		const broken = copy();
		breakIt(broken);
		const found = problems(broken);
		if (typeof expected === 'string') expect(found).toContain(expected);
		else expect(found.some((p) => expected.test(p))).toBe(true);
	});
});
