/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-dangerous-functions -- reads the example workflows and runs their sample Code nodes' JavaScript; tests run in Node.js, not inside n8n Cloud */
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
 *
 * Each template's own shape is in SPECS (its nodes with their type and version,
 * every connection, which nodes hold which credential, and the parameters its
 * e2e test relies on); `specProblems(file, workflow)` lists where a template
 * differs from its spec, and it too is run on broken copies. These are the
 * static checks the e2e suites made on the files before running them in n8n
 * (templates-webhooks, templates-notify, templates-bulk, quota); the e2e
 * suites now only run the templates. Which nodes the templates use, each in a
 * version the pinned n8n have, stays with templates-bulk.e2e (it needs n8n).
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
const MANUAL_TRIGGER = 'n8n-nodes-base.manualTrigger';
const WEBHOOK = 'n8n-nodes-base.webhook';

/** The placeholder credential of each credential type a template may use: {id: PLACEHOLDER, name}. */
const PLACEHOLDER_NAMES: Record<string, string> = {
	getBillOAuth2Api: 'GetBill account',
	getBillWebhookApi: 'GetBill webhook',
	smtp: 'SMTP account',
	httpBearerAuth: 'MCP bearer token',
};
/** n8n's webhook IDs: random UUIDs (version 4). */
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
/** The size n8n draws a node with on the canvas (a sticky note: its width and height). */
const NODE_SIZE = 100;

/** Text that looks like a secret: GetBill webhook secrets, API keys, bearer tokens, JWTs, secret values in JSON. */
const SECRETS: Array<[string, RegExp]> = [
	['a webhook signing secret (whsec_…)', /whsec_/i],
	['an API key (sk_live_… / sk_test_…)', /\bsk_(live|test)_/i],
	['a JSON Web Token', /eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}/],
	['a secret value', /"(client_?secret|secret|password|api_?key|access_?token|refresh_?token)"\s*:\s*"[^"]+"/i],
	// Not even the names, in a text (the sticky notes say "Client Secret", a credential's field as the editor shows it).
	['the name of a secret (clientSecret, access_token, password, "token")', /clientSecret|access_token|password|"token"/i],
	// "Bearer" only as the header's shape (`Authorization: Bearer <token>`) or n8n's "Bearer Auth" credential.
	['a bearer token', /\bBearer\s+(?!<token>|Auth\b)/i],
];

interface Template {
	id?: unknown;
	meta?: { instanceId?: unknown };
	name?: unknown;
	nodes?: unknown;
	connections?: unknown;
	active?: unknown;
	pinData?: unknown;
	settings?: { executionOrder?: unknown };
}

type Connection = { node: string; type: string; index: number };
/** A connection: [from, connection type, output, to, input]. */
type Edge = [string, string, number, string, number];

/** Every connection of a workflow, sorted. */
function edgesOf(connections: unknown): Edge[] {
	const edges: Edge[] = [];
	for (const [from, byType] of Object.entries((connections ?? {}) as Record<string, Record<string, Array<Connection[] | null>>>)) {
		for (const [type, outputs] of Object.entries(byType ?? {})) {
			(outputs ?? []).forEach((targets, output) => {
				for (const to of targets ?? []) if (to) edges.push([from, type, output, to.node, to.index]);
			});
		}
	}
	return edges.sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}

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

	// One Overview sticky note: the workflow's name as its title, How it works (numbered, naming every node), Setup (numbered).
	const stickies = nodes.filter((n) => n.type === STICKY);
	if (stickies.length !== 1) found.push(`${stickies.length} sticky notes, not 1`);
	for (const sticky of stickies) {
		if (sticky.name !== 'Overview') found.push(`the sticky note is named "${sticky.name}", not "Overview"`);
		const content = String(sticky.parameters.content ?? '');
		if (!/^## \S/.test(content)) found.push('the sticky note does not start with a "## " title');
		else if (content.split('\n')[0] !== `## ${template.name}`) found.push(`the sticky note's title "${content.split('\n')[0]}" is not "## ${template.name}"`);
		const parts = sections(content);
		if (!parts.has('How it works')) found.push('the sticky note has no "## How it works"');
		else {
			const howItWorks = parts.get('How it works')!;
			// The list right under the heading.
			if (!/^1\. \S/.test(howItWorks)) found.push('"How it works" is not a numbered list');
			// Every node by its name, in bold; a Manual Trigger only starts the run (the user's "Execute workflow").
			for (const node of nodes.filter((n) => n.type !== STICKY && n.type !== MANUAL_TRIGGER)) {
				if (!howItWorks.includes(`**${node.name}**`)) found.push(`"How it works" does not name **${node.name}**`);
			}
		}
		if (!parts.has('Setup')) found.push('the sticky note has no "## Setup"');
		else if (!/^1\. \S/m.test(parts.get('Setup')!)) found.push('"Setup" is not a numbered list');
	}

	// Credentials: placeholders only; nothing that looks like a secret; e-mail addresses of example.com.
	for (const node of nodes) {
		for (const [type, credential] of Object.entries(node.credentials ?? {})) {
			if (credential?.id !== PLACEHOLDER) found.push(`node "${node.name}": credential ${type} has id "${credential?.id}", not ${PLACEHOLDER}`);
			if (!(type in PLACEHOLDER_NAMES)) found.push(`node "${node.name}": credential type ${type} has no placeholder name here (PLACEHOLDER_NAMES)`);
			else if (credential?.name !== PLACEHOLDER_NAMES[type]) found.push(`node "${node.name}": credential ${type} is named "${credential?.name}", not "${PLACEHOLDER_NAMES[type]}"`);
		}
	}
	// The credential references are checked above (their names are the table's: "MCP bearer token" is no secret).
	const text = JSON.stringify(template, (key, value) => (key === 'credentials' ? undefined : value));
	for (const [what, pattern] of SECRETS) if (pattern.test(text)) found.push(`something like ${what}: ${pattern.exec(text)![0]}`);
	for (const address of text.match(/[\w.+-]+@[\w-]+(\.[\w-]+)+/g) ?? []) {
		if (!/@example\.com$/.test(address)) found.push(`an e-mail address not of example.com: ${address}`);
	}

	// As a user imports it: no ID of an n8n, inactive, no pinned data, n8n's execution order v1.
	if (template.id !== undefined) found.push(`an id (${JSON.stringify(template.id)}): n8n would overwrite the user's workflow of that ID`);
	if (template.meta?.instanceId !== undefined) found.push('meta.instanceId: the n8n it was exported from');
	if (template.active !== false) found.push(`active is ${JSON.stringify(template.active)}, not false`);
	if (JSON.stringify(template.pinData) !== '{}') found.push(template.pinData === undefined ? 'no pinData ({})' : 'pinned data');
	if (template.settings?.executionOrder !== 'v1') found.push('settings.executionOrder is not "v1"');
	// No other setting: a time zone, an error workflow, a timeout are the user's to choose.
	for (const key of Object.keys(template.settings ?? {}).filter((k) => k !== 'executionOrder')) found.push(`the setting ${key}: a user's choice`);
	for (const node of nodes) {
		if (node.webhookId !== undefined && !UUID_V4.test(node.webhookId)) found.push(`node "${node.name}": webhookId "${node.webhookId}" is not a UUID`);
	}

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

	// The layout: left to right along the main connections (but one back into a loop), nothing overlapping.
	const at = new Map(nodes.filter((n) => Array.isArray(n.position) && n.position.every(Number.isFinite)).map((n) => [n.name, n.position]));
	const main = edgesOf(template.connections).filter(([, type]) => type === 'main');
	const reaches = (from: string, to: string, seen = new Set<string>()): boolean =>
		from === to || (!seen.has(from) && (seen.add(from), main.some(([f, , , t]) => f === from && reaches(t, to, seen))));
	for (const [from, , , to] of main) {
		if (!at.has(from) || !at.has(to) || reaches(to, from)) continue;
		if (!(at.get(to)![0] > at.get(from)![0])) found.push(`"${to}" is not right of "${from}", which connects to it`);
	}
	const box = (n: INode): [number, number, number, number] => {
		const [x, y] = n.position;
		return n.type === STICKY ? [x, y, x + Number(n.parameters.width), y + Number(n.parameters.height)] : [x, y, x + NODE_SIZE, y + NODE_SIZE];
	};
	const placed = nodes.filter((n) => at.has(n.name));
	for (let i = 0; i < placed.length; i++) {
		for (let j = i + 1; j < placed.length; j++) {
			const [a, b] = [box(placed[i]), box(placed[j])];
			if (a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3]) found.push(`"${placed[i].name}" and "${placed[j].name}" overlap`);
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


/** A template as SPECS reads it. */
type Workflow = Template & { name: string; nodes: INode[]; connections: Record<string, Record<string, Connection[][]>> };

/** `what` is `actual`; a problem in words when it is not. */
function same(what: string, actual: unknown, expected: unknown): string[] {
	return JSON.stringify(actual) === JSON.stringify(expected) ? [] : [`${what} is ${JSON.stringify(actual)}, not ${JSON.stringify(expected)}`];
}

const param = (t: Workflow, node: string) => t.nodes.find((n) => n.name === node)?.parameters ?? {};
const overview = (t: Workflow) => String(t.nodes.find((n) => n.type === STICKY)?.parameters.content ?? '');
/** A webhook template: its Webhook node takes POST at `webhookPath`, which its Setup names. */
const webhookAt = (node: string, webhookPath: string) => (t: Workflow) => [
	...(t.nodes.find((n) => n.name === node)?.webhookId ? [] : [`"${node}" has no webhookId`]),
	...same(`"${node}" HTTP method`, param(t, node).httpMethod, 'POST'),
	...same(`"${node}" path`, param(t, node).path, webhookPath),
	...(sections(overview(t)).get('Setup')?.includes(webhookPath) ? [] : [`"Setup" does not name the path ${webhookPath}`]),
];
/** The Wait node of the quota loops: until GetBill frees the quota up. */
const WAIT_UNTIL_FREED = { resume: 'specificTime', dateTime: '={{ $json.getbill_quota_frees_at }}' };

interface Spec {
	/** Every node but the sticky note, in the file's order: [name, type, typeVersion]. */
	nodes: Array<[string, string, number]>;
	/** Every connection. */
	edges: Edge[];
	/** The nodes that hold credentials, and their types; the others hold none. */
	credentials: Record<string, string[]>;
	/** The parameters the template's e2e test relies on. */
	check?: (t: Workflow) => string[];
}

/** Each connection of a chain: each node to the next, main output 0. */
const chainOf = (names: string[]): Edge[] => names.slice(1).map((to, i) => [names[i], 'main', 0, to, 0]);
const GETBILL_ACCOUNT = ['getBillOAuth2Api'];

const SPECS: Record<string, Spec> = {
	'getbill-bulk-update-quota-loop.json': {
		nodes: [
			['When clicking ‘Execute workflow’', MANUAL_TRIGGER, 1],
			['Followups to update', 'n8n-nodes-base.code', 2],
			['Update followups in GetBill', GETBILL, 2],
			['Wait until the quota frees up', 'n8n-nodes-base.wait', 1.1],
		],
		edges: [
			...chainOf(['When clicking ‘Execute workflow’', 'Followups to update', 'Update followups in GetBill']),
			['Update followups in GetBill', 'main', 1, 'Wait until the quota frees up', 0],
			['Wait until the quota frees up', 'main', 0, 'Update followups in GetBill', 0],
		],
		credentials: { 'Update followups in GetBill': GETBILL_ACCOUNT },
		check: (t) => {
			const found = [
				...same('"Update followups in GetBill" parameters', param(t, 'Update followups in GetBill'), {
					resource: 'followup',
					operation: 'update',
					followupId: { __rl: true, mode: 'id', value: '={{ $json.id }}' },
					fieldsToSend: 'autoMapInputData',
					inputFieldsToIgnore: 'id',
					options: { whenQuotaRunsOut: 'outputUnsent' },
				}),
				...same('"Wait until the quota frees up" parameters', param(t, 'Wait until the quota frees up'), WAIT_UNTIL_FREED),
			];
			// The sample items: each a followup's id, status and summary.
			let sample: Array<{ json: object }> = [];
			try {
				sample = new Function(String(param(t, 'Followups to update').jsCode))() as Array<{ json: object }>;
			} catch (error) {
				return [...found, `"Followups to update" does not run: ${(error as Error).message}`];
			}
			if (!Array.isArray(sample) || !sample.length) found.push('"Followups to update" gives no item');
			else for (const item of sample) found.push(...same('a sample item\'s fields', Object.keys(item.json ?? {}).sort(), ['id', 'status', 'summary']));
			return found;
		},
	},
	'getbill-csv-overdue-invoices-to-debts.json': {
		nodes: [
			['When clicking ‘Execute workflow’', MANUAL_TRIGGER, 1],
			['Read the CSV file', 'n8n-nodes-base.readWriteFile', 1.1],
			['Extract rows from CSV', 'n8n-nodes-base.extractFromFile', 1.1],
			['Map columns to GetBill fields', 'n8n-nodes-base.set', 3.4],
			['Create debts in GetBill', GETBILL, 2],
			['Wait until the quota frees up', 'n8n-nodes-base.wait', 1.1],
			['Refused rows', 'n8n-nodes-base.set', 3.4],
		],
		edges: [
			...chainOf(['When clicking ‘Execute workflow’', 'Read the CSV file', 'Extract rows from CSV', 'Map columns to GetBill fields', 'Create debts in GetBill']),
			['Create debts in GetBill', 'main', 1, 'Wait until the quota frees up', 0],
			['Create debts in GetBill', 'main', 2, 'Refused rows', 0],
			['Wait until the quota frees up', 'main', 0, 'Create debts in GetBill', 0],
		],
		credentials: { 'Create debts in GetBill': GETBILL_ACCOUNT },
		check: (t) => [
			// Where n8n's Docker image lets n8n read files (templates-bulk.e2e rewrites this folder, and only it).
			...same('"Read the CSV file" path', param(t, 'Read the CSV file').fileSelector, '/home/node/.n8n-files/overdue-invoices.csv'),
			...same('"Create debts in GetBill" On Error', t.nodes.find((n) => n.name === 'Create debts in GetBill')?.onError, 'continueErrorOutput'),
			...same('"Create debts in GetBill" parameters', param(t, 'Create debts in GetBill'), {
				resource: 'debt',
				operation: 'createMany',
				fieldsToSend: 'autoMapInputData',
				options: { batchName: 'Overdue invoices (CSV)', whenQuotaRunsOut: 'outputUnsent' },
			}),
			...same('"Wait until the quota frees up" parameters', param(t, 'Wait until the quota frees up'), WAIT_UNTIL_FREED),
			// The Setup names where n8n reads files by default, and how to change it.
			...['`/home/node/.n8n-files`', 'N8N_RESTRICT_FILE_ACCESS_TO'].filter((word) => !overview(t).includes(word)).map((word) => `the Overview does not name ${word}`),
		],
	},
	'getbill-event-notify-team.json': {
		nodes: [
			['On GetBill event', TRIGGER, 1],
			['Route by event', 'n8n-nodes-base.switch', 3.2],
			['E-mail: payment received', 'n8n-nodes-base.emailSend', 2.1],
			['E-mail: payment failed', 'n8n-nodes-base.emailSend', 2.1],
			['E-mail: followup failed', 'n8n-nodes-base.emailSend', 2.1],
			['E-mail: credits low', 'n8n-nodes-base.emailSend', 2.1],
			['E-mail: other events', 'n8n-nodes-base.emailSend', 2.1],
		],
		edges: [
			['On GetBill event', 'main', 0, 'Route by event', 0],
			...['payment received', 'payment failed', 'followup failed', 'credits low', 'other events'].map((what, output): Edge => ['Route by event', 'main', output, `E-mail: ${what}`, 0]),
		],
		credentials: {
			'On GetBill event': ['getBillWebhookApi'],
			...Object.fromEntries(['payment received', 'payment failed', 'followup failed', 'credits low', 'other events'].map((what) => [`E-mail: ${what}`, ['smtp']])),
		},
		check: (t) => {
			const rules = ((param(t, 'Route by event').rules as { values?: unknown[] })?.values ?? []) as Array<{
				outputKey: string;
				conditions: { conditions: Array<{ leftValue: string; rightValue: string; operator: { operation: string } }> };
			}>;
			return [
				...same('"On GetBill event" events', [...((param(t, 'On GetBill event').events as string[]) ?? [])].sort(), ['company.credits_low', 'debt.status_changed', 'followup.failed', 'payment.failed', 'payment.received']),
				// A route per kind of news (in the order of its outputs), the other events to the fallback.
				...same(
					'"Route by event" rules',
					rules.map((r) => [r.outputKey, r.conditions.conditions.map((c) => [c.leftValue, c.operator.operation, c.rightValue])]),
					[
						['Payment received', [['={{ $json.type }}', 'equals', 'payment.received']]],
						['Payment failed', [['={{ $json.type }}', 'equals', 'payment.failed']]],
						['Followup failed', [['={{ $json.type }}', 'equals', 'followup.failed']]],
						['Credits low', [['={{ $json.type }}', 'equals', 'company.credits_low']]],
					],
				),
				...same('"Route by event" options', param(t, 'Route by event').options, { fallbackOutput: 'extra', renameFallbackOutput: 'Other events' }),
			];
		},
	},
	'getbill-monthly-reports-email.json': {
		nodes: [
			['Every month on the 1st at 08:00', 'n8n-nodes-base.scheduleTrigger', 1.2],
			['Get all reports', GETBILL, 2],
			['Reports of last month', 'n8n-nodes-base.filter', 2.2],
			['Download each report', GETBILL, 2],
			['All files in one item', 'n8n-nodes-base.aggregate', 1],
			['E-mail the reports', 'n8n-nodes-base.emailSend', 2.1],
		],
		edges: chainOf(['Every month on the 1st at 08:00', 'Get all reports', 'Reports of last month', 'Download each report', 'All files in one item', 'E-mail the reports']),
		credentials: { 'Get all reports': GETBILL_ACCOUNT, 'Download each report': GETBILL_ACCOUNT, 'E-mail the reports': ['smtp'] },
		check: (t) => [
			...same('"Every month on the 1st at 08:00" rule', param(t, 'Every month on the 1st at 08:00').rule, { interval: [{ field: 'months', triggerAtDayOfMonth: 1, triggerAtHour: 8 }] }),
			...same('"Get all reports" parameters', param(t, 'Get all reports'), { resource: 'report', operation: 'getAll', returnAll: true }),
			...same('"Download each report" parameters', param(t, 'Download each report'), {
				resource: 'report',
				operation: 'download',
				reportId: { __rl: true, mode: 'id', value: '={{ $json.id }}' },
				binaryPropertyName: 'data',
			}),
			...same('"E-mail the reports" attachments', (param(t, 'E-mail the reports').options as { attachments?: unknown })?.attachments, "={{ Object.keys($binary).join(',') }}"),
		],
	},
	'getbill-overdue-invoice-to-debt.json': {
		nodes: [
			['When an invoice goes overdue', WEBHOOK, 2.1],
			['Create the debt in GetBill', GETBILL, 2],
			['Answer with the debt ID', 'n8n-nodes-base.respondToWebhook', 1.5],
			['Answer with the refusal', 'n8n-nodes-base.respondToWebhook', 1.5],
		],
		edges: [
			['When an invoice goes overdue', 'main', 0, 'Create the debt in GetBill', 0],
			['Create the debt in GetBill', 'main', 0, 'Answer with the debt ID', 0],
			['Create the debt in GetBill', 'main', 1, 'Answer with the refusal', 0],
		],
		credentials: { 'Create the debt in GetBill': GETBILL_ACCOUNT },
		check: webhookAt('When an invoice goes overdue', 'getbill/overdue-invoice'),
	},
	'getbill-payment-marks-debt-paid.json': {
		nodes: [
			['When an invoice is paid', WEBHOOK, 2.1],
			['Paid invoice with a GetBill debt?', 'n8n-nodes-base.if', 2.3],
			['Mark the debt paid in GetBill', GETBILL, 2],
		],
		edges: chainOf(['When an invoice is paid', 'Paid invoice with a GetBill debt?', 'Mark the debt paid in GetBill']),
		credentials: { 'Mark the debt paid in GetBill': GETBILL_ACCOUNT },
		check: webhookAt('When an invoice is paid', 'getbill/invoice-paid'),
	},
	'getbill-voice-agent-mcp-tools.json': {
		// Its parameters: test/mcp-template.test.ts.
		nodes: [
			['MCP Server Trigger', '@n8n/n8n-nodes-langchain.mcpTrigger', 2],
			['Get debt', GETBILL_TOOL, 2],
			['List followups of debt', GETBILL_TOOL, 2],
			['Update followup', GETBILL_TOOL, 2],
			['Create followup', GETBILL_TOOL, 2],
		],
		edges: ['Get debt', 'List followups of debt', 'Update followup', 'Create followup'].map((tool): Edge => [tool, 'ai_tool', 0, 'MCP Server Trigger', 0]),
		credentials: {
			'MCP Server Trigger': ['httpBearerAuth'],
			...Object.fromEntries(['Get debt', 'List followups of debt', 'Update followup', 'Create followup'].map((tool) => [tool, GETBILL_ACCOUNT])),
		},
	},
	'getbill-voice-call-updates-followup.json': {
		nodes: [
			['When a Retell call is analyzed', WEBHOOK, 2.1],
			['Analyzed call with a GetBill followup?', 'n8n-nodes-base.if', 2.3],
			['Followup fields from the call', 'n8n-nodes-base.set', 3.4],
			['Update the followup in GetBill', GETBILL, 2],
		],
		edges: chainOf(['When a Retell call is analyzed', 'Analyzed call with a GetBill followup?', 'Followup fields from the call', 'Update the followup in GetBill']),
		credentials: { 'Update the followup in GetBill': GETBILL_ACCOUNT },
		check: webhookAt('When a Retell call is analyzed', 'getbill/retell-call'),
	},
};

/** Where a template differs from its spec (SPECS[file]), in words; [] when it is as specified. */
function specProblems(file: string, template: Workflow): string[] {
	const spec = SPECS[file];
	if (!spec) return [`${file} has no spec in SPECS`];
	const working = template.nodes.filter((n) => n.type !== STICKY);
	const found = [
		...same('the nodes', working.map((n) => [n.name, n.type, n.typeVersion]), spec.nodes),
		...same('the connections', edgesOf(template.connections), [...spec.edges].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)))),
		...same('the credentials', Object.fromEntries(working.filter((n) => n.credentials).map((n) => [n.name, Object.keys(n.credentials!)])), spec.credentials),
	];
	return [...found, ...(spec.check?.(template) ?? [])];
}

/** Webhook IDs and paths two templates share: a user who imports both could publish only one of them. */
function sharedWebhooks(templates: Record<string, Workflow>): string[] {
	const seen = new Map<string, string>();
	const found: string[] = [];
	for (const [file, t] of Object.entries(templates)) {
		for (const n of t.nodes) {
			const keys = [n.webhookId && `webhook ID ${n.webhookId}`, n.type === WEBHOOK && `webhook path ${param(t, n.name).path}`].filter(Boolean) as string[];
			for (const key of keys) {
				if (seen.has(key) && seen.get(key) !== file) found.push(`${key} in ${seen.get(key)} and ${file}`);
				seen.set(key, file);
			}
		}
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

		it('is as its spec says: its nodes (type and version), connections, credentials and the parameters its e2e test relies on', () => {
			expect(specProblems(file, read(file) as Workflow)).toEqual([]);
		});
	});

	it('every template has a spec, and every spec its template', () => {
		expect(Object.keys(SPECS).sort()).toEqual(FILES);
	});

	it('no two templates share a webhook ID or a webhook path', () => {
		expect(sharedWebhooks(Object.fromEntries(FILES.map((f) => [f, read(f) as Workflow])))).toEqual([]);
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
		['a title other than the workflow\'s name', (t) => (sticky(t).parameters.content = String(sticky(t).parameters.content).replace(/^## [^\n]*/, '## Quota loop')), /^the sticky note's title "## Quota loop" is not "## Update GetBill/],
		['How it works not naming a node', (t) => (sticky(t).parameters.content = String(sticky(t).parameters.content).replace(/\*\*Wait until the quota frees up\*\*/g, 'the Wait node')), '"How it works" does not name **Wait until the quota frees up**'],
		['a node renamed, How it works left as it was', (t) => (node(t, 'n8n-nodes-base.code').name = 'Sample items'), '"How it works" does not name **Sample items**'],
		['How it works with a line before its list', (t) => (sticky(t).parameters.content = String(sticky(t).parameters.content).replace('## How it works\n', '## How it works\nIn short:\n')), '"How it works" is not a numbered list'],
		['Setup not numbered', (t) => (sticky(t).parameters.content = String(sticky(t).parameters.content).replace(/^(\d)\. (?=(Create|Replace|Run))/gm, '- ')), '"Setup" is not a numbered list'],
		['a real credential ID', (t) => (node(t, GETBILL).credentials!.getBillOAuth2Api.id = 'aB3dE5fG7hI9'), /credential getBillOAuth2Api has id "aB3dE5fG7hI9"/],
		['a credential placeholder with another name', (t) => (node(t, GETBILL).credentials!.getBillOAuth2Api.name = 'My GetBill'), 'node "Update followups in GetBill": credential getBillOAuth2Api is named "My GetBill", not "GetBill account"'],
		['a credential type without a placeholder name', (t) => (node(t, 'n8n-nodes-base.wait').credentials = { slackApi: { id: PLACEHOLDER, name: 'Slack' } }), /credential type slackApi has no placeholder name/],
		['the name of a secret in a text', (t) => (sticky(t).parameters.content += ' Paste your password here.'), /the name of a secret .*: password/],
		['a bearer header with a value', (t) => (sticky(t).parameters.content += ' `Authorization: Bearer abc`'), /a bearer token: Bearer /],
		['a webhook secret, even cut short', (t) => (sticky(t).parameters.content += ' whsec_…'), /webhook signing secret/],
		['an e-mail address of a real domain', (t) => (sticky(t).parameters.content += ' Write to jane@getbill.io.'), 'an e-mail address not of example.com: jane@getbill.io'],
		['an id', (t) => ((t as Template).id = 'aB3dE5fG7hI9jK1l'), /^an id \("aB3dE5fG7hI9jK1l"\)/],
		['meta.instanceId', (t) => ((t as Template).meta = { instanceId: 'f00d' }), 'meta.instanceId: the n8n it was exported from'],
		['a webhook ID that is no UUID', (t) => (node(t, GETBILL).webhookId = 'my-hook'), 'node "Update followups in GetBill": webhookId "my-hook" is not a UUID'],
		['a node left of the node that connects to it', (t) => (node(t, GETBILL).position = [100, 300]), '"Update followups in GetBill" is not right of "Followups to update", which connects to it'],
		['two nodes overlapping', (t) => (node(t, 'n8n-nodes-base.wait').position = [500, 60]), '"Update followups in GetBill" and "Wait until the quota frees up" overlap'],
		['a node on the sticky note', (t) => (node(t, MANUAL_TRIGGER).position = [-200, 0]), /^"Overview" and "When clicking/],
		['a webhook secret', (t) => (sticky(t).parameters.content += ' whsec_abcdef123456'), /webhook signing secret/],
		['an API key', (t) => (sticky(t).parameters.content += ' sk_live_abcdef'), /an API key/],
		['a bearer token', (t) => (sticky(t).parameters.content += ' Bearer abcdefghijklmnop1234'), /a bearer token/],
		['a JSON Web Token', (t) => (sticky(t).parameters.content += ' eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.x'), /a JSON Web Token/],
		['a client secret value', (t) => (node(t, GETBILL).parameters.client_secret = 's3cr3t'), /a secret value: "client_secret":"s3cr3t"/],
		['active', (t) => (t.active = true), 'active is true, not false'],
		['pinned data', (t) => (t.pinData = { [node(t, GETBILL).name]: [{ json: {} }] }), 'pinned data'],
		['no execution order', (t) => (t.settings = {}), 'settings.executionOrder is not "v1"'],
		['a time zone set', (t) => (t.settings = { executionOrder: 'v1', timezone: 'Europe/Paris' } as Template['settings']), 'the setting timezone: a user\'s choice'],
		['no pinData', (t) => delete t.pinData, 'no pinData ({})'],
		['a bearer header with a value, in lower case', (t) => (sticky(t).parameters.content += ' `authorization: bearer abc`'), /a bearer token: bearer /],
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

describe('each spec check fails on a broken copy of its template', () => {
	const copy = (file: string) => JSON.parse(JSON.stringify(read(file))) as Workflow;
	const named = (t: Workflow, name: string) => t.nodes.find((n) => n.name === name)!;
	const QUOTA = 'getbill-bulk-update-quota-loop.json';
	const CSV = 'getbill-csv-overdue-invoices-to-debts.json';
	const NOTIFY = 'getbill-event-notify-team.json';
	const MONTHLY = 'getbill-monthly-reports-email.json';
	const OVERDUE = 'getbill-overdue-invoice-to-debt.json';
	const GETBILL_NODE = 'Update followups in GetBill';
	const WAIT = 'Wait until the quota frees up';

	it.each(FILES)('%s as it is has no spec problem', (file) => {
		expect(specProblems(file, copy(file))).toEqual([]);
	});

	const cases: Array<[string, string, (t: Workflow) => void, string | RegExp]> = [
		['a node of another version', QUOTA, (t) => (named(t, WAIT).typeVersion = 1), /^the nodes is /],
		['a node of another type', QUOTA, (t) => (named(t, WAIT).type = 'n8n-nodes-base.noOp'), /^the nodes is /],
		['a node renamed', QUOTA, (t) => (named(t, WAIT).name = 'Wait'), /^the nodes is /],
		['a node more', QUOTA, (t) => t.nodes.push({ ...named(t, WAIT), id: 'x', name: 'Another wait', position: [900, 300] }), /^the nodes is /],
		['a node less', QUOTA, (t) => (t.nodes = t.nodes.filter((n) => n.name !== WAIT)), /^the nodes is /],
		['a connection less', QUOTA, (t) => (t.connections[WAIT].main = [[]]), /^the connections is /],
		['a connection more', QUOTA, (t) => t.connections[GETBILL_NODE].main[0].push({ node: WAIT, type: 'main', index: 0 }), /^the connections is /],
		['a connection from another output', QUOTA, (t) => (t.connections[GETBILL_NODE].main = [t.connections[GETBILL_NODE].main[1], []]), /^the connections is /],
		['a connection of another type', 'getbill-voice-agent-mcp-tools.json', (t) => (t.connections['Get debt'] = { main: [[{ node: 'MCP Server Trigger', type: 'main', index: 0 }]] }), /^the connections is /],
		['a credential on another node', QUOTA, (t) => (named(t, WAIT).credentials = { getBillOAuth2Api: { id: PLACEHOLDER, name: 'GetBill account' } }), /^the credentials is /],
		['a credential of another type', NOTIFY, (t) => (named(t, 'E-mail: credits low').credentials = { getBillOAuth2Api: { id: PLACEHOLDER, name: 'GetBill account' } }), /^the credentials is /],
		['the quota loop: GetBill stops when the quota runs out', QUOTA, (t) => (named(t, GETBILL_NODE).parameters.options = { whenQuotaRunsOut: 'stop' }), /^"Update followups in GetBill" parameters is /],
		['the quota loop: the Wait waits a fixed time', QUOTA, (t) => (named(t, WAIT).parameters = { amount: 60 }), /^"Wait until the quota frees up" parameters is /],
		['the quota loop: a sample item without a summary', QUOTA, (t) => (named(t, 'Followups to update').parameters.jsCode = "return [{ json: { id: 'a', status: 'deal_found' } }];"), /^a sample item's fields is \["id","status"\]/],
		['the quota loop: no sample item', QUOTA, (t) => (named(t, 'Followups to update').parameters.jsCode = 'return [];'), '"Followups to update" gives no item'],
		['the quota loop: a sample that does not run', QUOTA, (t) => (named(t, 'Followups to update').parameters.jsCode = 'return [;'), /^"Followups to update" does not run: /],
		['the CSV: another path', CSV, (t) => (named(t, 'Read the CSV file').parameters.fileSelector = '/data/invoices.csv'), /^"Read the CSV file" path is "\/data\/invoices.csv"/],
		['the CSV: no error output', CSV, (t) => delete named(t, 'Create debts in GetBill').onError, /^"Create debts in GetBill" On Error is undefined/],
		['the CSV: another batch name', CSV, (t) => ((named(t, 'Create debts in GetBill').parameters.options as Record<string, unknown>).batchName = 'CSV'), /^"Create debts in GetBill" parameters is /],
		['the CSV: the Wait waits a fixed time', CSV, (t) => (named(t, WAIT).parameters = { amount: 60 }), /^"Wait until the quota frees up" parameters is /],
		['the CSV: Setup without the files folder', CSV, (t) => (named(t, 'Overview').parameters.content = String(named(t, 'Overview').parameters.content).replaceAll('`/home/node/.n8n-files`', 'the files folder')), 'the Overview does not name `/home/node/.n8n-files`'],
		['the CSV: Setup without N8N_RESTRICT_FILE_ACCESS_TO', CSV, (t) => (named(t, 'Overview').parameters.content = String(named(t, 'Overview').parameters.content).replaceAll('N8N_RESTRICT_FILE_ACCESS_TO', 'the setting')), 'the Overview does not name N8N_RESTRICT_FILE_ACCESS_TO'],
		['notify: an event less', NOTIFY, (t) => (named(t, 'On GetBill event').parameters.events = ['payment.received']), /^"On GetBill event" events is /],
		['notify: a route on another event', NOTIFY, (t) => ((named(t, 'Route by event').parameters.rules as { values: Array<{ conditions: { conditions: Array<{ rightValue: string }> } }> }).values[1].conditions.conditions[0].rightValue = 'payment.refunded'), /^"Route by event" rules is /],
		['notify: routes swapped', NOTIFY, (t) => (named(t, 'Route by event').parameters.rules as { values: unknown[] }).values.reverse(), /^"Route by event" rules is /],
		['notify: no fallback route', NOTIFY, (t) => (named(t, 'Route by event').parameters.options = {}), /^"Route by event" options is /],
		['monthly: every day', MONTHLY, (t) => (named(t, 'Every month on the 1st at 08:00').parameters.rule = { interval: [{ field: 'days' }] }), /^"Every month on the 1st at 08:00" rule is /],
		['monthly: Get Many with a limit', MONTHLY, (t) => (named(t, 'Get all reports').parameters.returnAll = false), /^"Get all reports" parameters is /],
		['monthly: the download into another field', MONTHLY, (t) => (named(t, 'Download each report').parameters.binaryPropertyName = 'file'), /^"Download each report" parameters is /],
		['monthly: one file attached', MONTHLY, (t) => ((named(t, 'E-mail the reports').parameters.options as Record<string, unknown>).attachments = 'data'), /^"E-mail the reports" attachments is "data"/],
		['a webhook without its webhookId', OVERDUE, (t) => delete named(t, 'When an invoice goes overdue').webhookId, '"When an invoice goes overdue" has no webhookId'],
		['a webhook on GET', OVERDUE, (t) => (named(t, 'When an invoice goes overdue').parameters.httpMethod = 'GET'), '"When an invoice goes overdue" HTTP method is "GET", not "POST"'],
		['a webhook on another path', OVERDUE, (t) => (named(t, 'When an invoice goes overdue').parameters.path = 'overdue'), '"When an invoice goes overdue" path is "overdue", not "getbill/overdue-invoice"'],
		['a Setup that does not name the webhook path', OVERDUE, (t) => (named(t, 'Overview').parameters.content = String(named(t, 'Overview').parameters.content).replaceAll('getbill/overdue-invoice', 'the path')), '"Setup" does not name the path getbill/overdue-invoice'],
		['a template without a spec', 'getbill-new-template.json', () => {}, 'getbill-new-template.json has no spec in SPECS'],
	];

	it.each(cases)('%s', (_what, file, breakIt, expected) => {
		const broken = copy(FILES.includes(file) ? file : QUOTA);
		breakIt(broken);
		const found = specProblems(file, broken);
		if (typeof expected === 'string') expect(found).toContain(expected);
		else expect(found.some((p) => expected.test(p))).toBe(true);
	});

	it('two templates on one webhook ID, or one webhook path', () => {
		const a = copy(OVERDUE);
		const b = copy('getbill-payment-marks-debt-paid.json');
		expect(sharedWebhooks({ a: a, b: b })).toEqual([]);
		b.nodes[1].webhookId = a.nodes.find((n) => n.type === WEBHOOK)!.webhookId;
		named(b, 'When an invoice is paid').parameters.path = 'getbill/overdue-invoice';
		const found = sharedWebhooks({ a, b });
		expect(found).toContain(`webhook ID ${b.nodes[1].webhookId} in a and b`);
		expect(found).toContain('webhook path getbill/overdue-invoice in a and b');
	});
});
