/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-dangerous-functions -- reads the example workflows and runs their sample Code nodes' JavaScript; tests run in Node.js, not inside n8n Cloud */
/**
 * The workflow templates of examples/workflows/*.json, every one present when
 * the tests run: the conventions a template keeps and GetBill nodes a user's
 * n8n can run (version 2, a resource and operation the node has, parameters
 * it shows).
 *
 * The conventions (`problems(workflow)`, in words):
 * - n8n's template guidelines: a title that starts with a verb; one Overview
 *   note (the title, the community-node install line for self-hosted n8n,
 *   "How it works" naming each section, "Setup") plus one note per section of
 *   the canvas (`N. <section>`), each node inside exactly one section note and
 *   named in bold in it; no note over 250 words; nothing overlapping.
 * - Safe on the internet (issue #27): every public Webhook that leads to a
 *   GetBill write either uses n8n's Webhook authentication with its credential,
 *   or keeps the raw body and passes a Crypto HMAC (the secret in a crypto
 *   credential) and then an If whose false output answers 401, on every path
 *   to the write; behind a webhook answered by a Respond to Webhook node, every
 *   GetBill node's failure is answered non-2xx (so the sender sends again:
 *   n8n 2.8 would answer 200, n8n 2.41 500); a CSV read drops Excel's
 *   byte-order mark.
 * - Credential placeholders only, no secret, inactive, no pinned data, unique
 *   names and positions, connections between existing nodes.
 *
 * Each template's own shape is in SPECS (its nodes with their type and version,
 * every connection, which nodes hold which credential, and the parameters its
 * e2e test relies on); `specProblems(file, workflow)` lists where a template
 * differs from its spec. The expressions that carry a template's logic (the
 * Retell and Stripe signature checks, the CRM's 422/503, the CSV's separator
 * and amounts, the refused-row count) are evaluated here by n8n-workflow's own
 * expression engine on tables of values. Every check is also run on a broken
 * copy of a template, so that none passes for nothing. The templates run in
 * real n8n in the e2e suites (templates-webhooks, templates-bulk,
 * templates-notify, quota, mcp); which nodes they use, each in a version the
 * pinned n8n have, stays with templates-bulk.e2e (it needs n8n).
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import type { IDataObject, INode, INodeProperties, INodeTypeDescription, INodeTypes } from 'n8n-workflow';
import { NodeHelpers, Workflow as N8nWorkflow } from 'n8n-workflow';

import { GetBill } from '../nodes/GetBill/GetBill.node';
import { GetBillTrigger } from '../nodes/GetBillTrigger/GetBillTrigger.node';
import { describeFailure } from '../nodes/GetBill/transport/errors';
import { buildBody } from '../nodes/GetBill/fields/values';
import { DEBT } from '../nodes/GetBill/resources/debt';

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
const RESPOND = 'n8n-nodes-base.respondToWebhook';
const IF = 'n8n-nodes-base.if';
const CRYPTO = 'n8n-nodes-base.crypto';
const EXTRACT = 'n8n-nodes-base.extractFromFile';
const DATA_TABLE = 'n8n-nodes-base.dataTable';
const SET = 'n8n-nodes-base.set';

/** The placeholder credential names each credential type may have in a template: {id: PLACEHOLDER, name}. */
const PLACEHOLDER_NAMES: Record<string, string[]> = {
	getBillOAuth2Api: ['GetBill account'],
	getBillWebhookApi: ['GetBill webhook'],
	smtp: ['SMTP account'],
	httpBearerAuth: ['MCP bearer token'],
	httpHeaderAuth: ['CRM webhook header'],
	// The HMAC key of a signature check: Retell's API key, Stripe's endpoint signing secret.
	crypto: ['Retell API key', 'Stripe signing secret'],
};
/** n8n's webhook IDs: random UUIDs (version 4). */
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
/** The size the checks give a node on the canvas (a sticky note: its width and height). */
const NODE_SIZE = 100;
/** n8n's creator guidelines: notes short enough to read at a glance. */
const MAX_NOTE_WORDS = 250;
/** What the Overview's install line must say (n8n's guidelines for community nodes). */
const INSTALL_LINE = ['n8n-nodes-getbill', 'community node', 'self-hosted', 'Settings > Community Nodes'];
/** A template's title starts with a verb (n8n's guidelines): the verbs the templates use, and a few more. */
const VERBS = ['Create', 'Mark', 'Update', 'E-mail', 'Give', 'Send', 'Import', 'Sync', 'Notify', 'Remind', 'Record', 'Download', 'Delete', 'Collect', 'Track', 'Turn', 'Answer'];
/** GetBill operations that change nothing in GetBill (any other operation is a write). */
const READ_OPERATIONS = new Set(['get', 'getAll', 'getAllByDebt', 'getAllByCreditor', 'getAllByDebtor', 'getCredits', 'getProfile', 'download']);
/** n8n's Webhook authentications, and the credential type each needs. */
const WEBHOOK_AUTH_CREDENTIALS: Record<string, string> = { headerAuth: 'httpHeaderAuth', basicAuth: 'httpBasicAuth', jwtAuth: 'jwtAuth' };

/** Text that looks like a secret: GetBill webhook secrets, API keys, bearer tokens, JWTs, secret values in JSON. */
const SECRETS: Array<[string, RegExp]> = [
	['a webhook signing secret (whsec_…)', /whsec_/i],
	['an API key (sk_live_… / sk_test_…)', /\bsk_(live|test)_/i],
	['a JSON Web Token', /eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}/],
	['a secret value', /"(client_?secret|secret|password|api_?key|access_?token|refresh_?token|hmac_?secret|signing_?secret)"\s*:\s*"[^"]+"/i],
	// Not even the names, in a text (the sticky notes say "Client Secret", a credential's field as the editor shows it).
	['the name of a secret (clientSecret, hmacSecret, access_token, password, "token")', /clientSecret|hmacSecret|access_token|password|"token"/i],
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

/** The nodes reached from `from` along `edges` (not `from` itself unless a loop leads back), never passing through `blocked`. */
function reachable(edges: Edge[], from: string, blocked: Set<string> = new Set()): Set<string> {
	const seen = new Set<string>();
	const todo = [from];
	while (todo.length) {
		const at = todo.pop()!;
		for (const [f, , , to] of edges) {
			if (f === at && !seen.has(to) && !blocked.has(to)) {
				seen.add(to);
				todo.push(to);
			}
		}
	}
	return seen;
}

const words = (text: string) => text.split(/\s+/).filter(Boolean).length;

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

/** Whether a node is a GetBill node that changes something in GetBill. */
const isGetBillWrite = (node: INode | undefined) => node?.type === GETBILL && !READ_OPERATIONS.has(String(node.parameters.operation ?? ''));

/** A node's box on the canvas: [left, top, right, bottom]. */
function box(n: INode): [number, number, number, number] {
	const [x, y] = n.position;
	return n.type === STICKY ? [x, y, x + Number(n.parameters.width), y + Number(n.parameters.height)] : [x, y, x + NODE_SIZE, y + NODE_SIZE];
}
const overlap = (a: number[], b: number[]) => a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3];
const inside = (a: number[], b: number[]) => a[0] >= b[0] && a[1] >= b[1] && a[2] <= b[2] && a[3] <= b[3];

/**
 * The notes of n8n's template guidelines: one Overview (the title, the install line, How it works
 * naming each section, Setup) and one note per section of the canvas, each node inside exactly one
 * section note and named in bold in it; no note over MAX_NOTE_WORDS words; notes never overlapping.
 */
function noteProblems(template: Template & { nodes: INode[] }): string[] {
	const found: string[] = [];
	const nodes = template.nodes;
	const notes = nodes.filter((n) => n.type === STICKY);
	const overviews = notes.filter((n) => n.name === 'Overview');
	if (overviews.length !== 1) found.push(`${overviews.length} notes named "Overview", not 1`);
	const sectionNotes = notes.filter((n) => n.name !== 'Overview');
	if (!sectionNotes.length) found.push('no section note (`1. <section>`)');
	const titles: string[] = [];
	sectionNotes.forEach((note, i) => {
		const match = /^(\d+)\. (\S.*)$/.exec(note.name);
		if (!match) {
			found.push(`the note "${note.name}" is not named "<N>. <section>"`);
			return;
		}
		if (Number(match[1]) !== i + 1) found.push(`the note "${note.name}" is section ${match[1]}, not ${i + 1} (the notes' order in the file)`);
		titles.push(match[2]);
		if (String(note.parameters.content ?? '').split('\n')[0] !== `### ${note.name}`) found.push(`the note "${note.name}" does not start with "### ${note.name}"`);
	});
	for (const overview of overviews) {
		const content = String(overview.parameters.content ?? '');
		if (!/^## \S/.test(content)) found.push('the Overview does not start with a "## " title');
		else if (content.split('\n')[0] !== `## ${template.name}`) found.push(`the Overview's title "${content.split('\n')[0]}" is not "## ${template.name}"`);
		for (const words of INSTALL_LINE) if (!content.includes(words)) found.push(`the Overview does not say "${words}" (the install line of a community node)`);
		const parts = sections(content);
		if (!parts.has('How it works')) found.push('the Overview has no "## How it works"');
		else {
			const howItWorks = parts.get('How it works')!;
			// The list right under the heading, one step per section, by its title in bold.
			if (!/^1\. \S/.test(howItWorks)) found.push('"How it works" is not a numbered list');
			for (const title of titles) if (!howItWorks.includes(`**${title}**`)) found.push(`"How it works" does not name the section **${title}**`);
		}
		if (!parts.has('Setup')) found.push('the Overview has no "## Setup"');
		else if (!/^1\. \S/m.test(parts.get('Setup')!)) found.push('"Setup" is not a numbered list');
	}
	for (const note of notes) {
		const count = words(String(note.parameters.content ?? ''));
		if (count > MAX_NOTE_WORDS) found.push(`the note "${note.name}" has ${count} words, more than ${MAX_NOTE_WORDS}`);
	}
	const placed = (n: INode) => Array.isArray(n.position) && n.position.length === 2 && n.position.every(Number.isFinite);
	for (let i = 0; i < notes.length; i++) {
		for (let j = i + 1; j < notes.length; j++) {
			if (placed(notes[i]) && placed(notes[j]) && overlap(box(notes[i]), box(notes[j]))) found.push(`the notes "${notes[i].name}" and "${notes[j].name}" overlap`);
		}
	}
	// Each node inside exactly one section note, touching no other note, and named in it (a Manual Trigger only starts the run).
	for (const node of nodes.filter((n) => n.type !== STICKY && placed(n))) {
		const at = box(node);
		if (overviews.some((o) => overlap(at, box(o)))) found.push(`node "${node.name}" is on the Overview`);
		const holding = sectionNotes.filter((note) => inside(at, box(note)));
		if (holding.length !== 1) found.push(`node "${node.name}" is inside ${holding.length} section notes, not 1`);
		for (const note of sectionNotes.filter((s) => !holding.includes(s) && overlap(at, box(s)))) found.push(`node "${node.name}" touches the note "${note.name}"`);
		if (node.type !== MANUAL_TRIGGER) {
			for (const note of holding) if (!String(note.parameters.content ?? '').includes(`**${node.name}**`)) found.push(`the note "${note.name}" does not name **${node.name}**`);
		}
	}
	return found;
}

/** A Respond to Webhook node answering a non-2xx status (a code, or an expression: its values are the template's spec's). */
function answersNon2xx(node: INode | undefined): boolean {
	if (node?.type !== RESPOND) return false;
	const code = (node.parameters.options as IDataObject | undefined)?.responseCode;
	return typeof code === 'number' ? code >= 300 : typeof code === 'string' && code.startsWith('=');
}
const answers401 = (node: INode | undefined) => node?.type === RESPOND && (node.parameters.options as IDataObject | undefined)?.responseCode === 401;

/**
 * Issue #27: every public Webhook from which a GetBill write is reached is protected, by n8n's
 * Webhook authentication with its credential, or by a signature check on every path to the write:
 * the raw body kept, a Crypto HMAC keyed by a crypto credential, then an If whose false output
 * answers 401 (and only that). Behind a webhook answered by a Respond to Webhook node, every GetBill
 * node's failure goes to an error output answered non-2xx, so the sender sends the request again
 * (without it n8n 2.8 answers 200, n8n 2.41 500). A CSV read drops Excel's byte-order mark.
 */
function safetyProblems(nodes: INode[], edges: Edge[]): string[] {
	const found: string[] = [];
	const main = edges.filter(([, type]) => type === 'main');
	const byName = (name: string) => nodes.find((n) => n.name === name);
	const hmacs = new Set(nodes.filter((n) => n.type === CRYPTO && n.parameters.action === 'hmac' && n.credentials?.crypto).map((n) => n.name));
	for (const hook of nodes.filter((n) => n.type === WEBHOOK)) {
		const after = [...reachable(main, hook.name)].map(byName);
		const writes = after.filter(isGetBillWrite) as INode[];
		if (writes.length) {
			const auth = String(hook.parameters.authentication ?? 'none');
			const what = `webhook "${hook.name}" leads to a GetBill write (${writes.map((w) => `"${w.name}"`).join(', ')})`;
			if (auth in WEBHOOK_AUTH_CREDENTIALS) {
				if (!hook.credentials?.[WEBHOOK_AUTH_CREDENTIALS[auth]]) found.push(`${what} behind ${auth} without its ${WEBHOOK_AUTH_CREDENTIALS[auth]} credential`);
			} else {
				if ((hook.parameters.options as IDataObject | undefined)?.rawBody !== true) found.push(`${what} with no authentication, and keeps no raw body to check a signature on (option Raw Body)`);
				if (hook.parameters.responseMode !== 'responseNode') found.push(`${what} with no authentication, and answers before a signature check could refuse it (Respond: Using 'Respond to Webhook' Node)`);
				// The Ifs that refuse (false output: 401 only) and are reached only through an HMAC.
				const beforeHmac = reachable(main, hook.name, hmacs);
				const guards = new Set(
					nodes
						.filter((n) => n.type === IF && !beforeHmac.has(n.name))
						.filter((n) => {
							const refusals = main.filter(([f, , output]) => f === n.name && output === 1).map(([, , , to]) => byName(to));
							return refusals.length > 0 && refusals.every(answers401);
						})
						.map((n) => n.name),
				);
				const unchecked = writes.filter((w) => reachable(main, hook.name, guards).has(w.name));
				if (unchecked.length) {
					found.push(`${what} with no authentication: ${unchecked.map((w) => `"${w.name}"`).join(', ')} reached without a signature check (a Crypto HMAC with a crypto credential, then an If whose false output answers 401)`);
				}
			}
		}
		if (hook.parameters.responseMode === 'responseNode') {
			for (const node of after.filter((n) => n?.type === GETBILL) as INode[]) {
				if (node.onError !== 'continueErrorOutput') {
					found.push(`GetBill node "${node.name}" after the webhook "${hook.name}" has no error output (On Error: Continue (using error output)): its failure would not be answered non-2xx`);
					continue;
				}
				const answered = main.filter(([f, , output]) => f === node.name && output === 1).map(([, , , to]) => byName(to));
				if (!answered.some(answersNon2xx)) found.push(`GetBill node "${node.name}": its error output goes to no Respond to Webhook answering non-2xx`);
			}
		}
	}
	for (const node of nodes.filter((n) => n.type === EXTRACT && n.parameters.operation === 'csv')) {
		if ((node.parameters.options as IDataObject | undefined)?.enableBOM !== true) found.push(`"${node.name}" reads a CSV keeping Excel's byte-order mark (option Exclude Byte Order Mark off)`);
	}
	return found;
}

/** What a template breaks, in words; [] when it keeps every convention. */
function problems(template: Template): string[] {
	const found: string[] = [];
	if (typeof template.name !== 'string' || !template.name.trim()) found.push('no name');
	else if (!VERBS.includes(template.name.split(' ')[0])) found.push(`the name "${template.name}" does not start with a verb (${VERBS.join(', ')})`);
	if (!Array.isArray(template.nodes)) return [...found, 'no nodes'];
	if (!template.connections || typeof template.connections !== 'object') return [...found, 'no connections'];
	const nodes = template.nodes as INode[];
	const names = nodes.map((n) => n.name);

	found.push(...noteProblems(template as Template & { nodes: INode[] }));

	// Credentials: placeholders only; nothing that looks like a secret; e-mail addresses of example.com.
	for (const node of nodes) {
		for (const [type, credential] of Object.entries(node.credentials ?? {})) {
			if (credential?.id !== PLACEHOLDER) found.push(`node "${node.name}": credential ${type} has id "${credential?.id}", not ${PLACEHOLDER}`);
			if (!(type in PLACEHOLDER_NAMES)) found.push(`node "${node.name}": credential type ${type} has no placeholder name here (PLACEHOLDER_NAMES)`);
			else if (!PLACEHOLDER_NAMES[type].includes(String(credential?.name))) {
				found.push(`node "${node.name}": credential ${type} is named "${credential?.name}", not ${PLACEHOLDER_NAMES[type].map((n) => `"${n}"`).join(' or ')}`);
			}
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

	// The layout: left to right along the main connections (but one back into a loop); nodes never overlapping (the notes: noteProblems).
	const at = new Map(nodes.filter((n) => Array.isArray(n.position) && n.position.every(Number.isFinite)).map((n) => [n.name, n.position]));
	const edges = edgesOf(template.connections);
	const main = edges.filter(([, type]) => type === 'main');
	for (const [from, , , to] of main) {
		if (!at.has(from) || !at.has(to) || from === to || reachable(main, to).has(from)) continue;
		if (!(at.get(to)![0] > at.get(from)![0])) found.push(`"${to}" is not right of "${from}", which connects to it`);
	}
	const placed = nodes.filter((n) => at.has(n.name) && n.type !== STICKY);
	for (let i = 0; i < placed.length; i++) {
		for (let j = i + 1; j < placed.length; j++) {
			if (overlap(box(placed[i]), box(placed[j]))) found.push(`"${placed[i].name}" and "${placed[j].name}" overlap`);
		}
	}

	found.push(...safetyProblems(nodes, edges));

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

const nodeOf = (t: Workflow, name: string) => t.nodes.find((n) => n.name === name);
const param = (t: Workflow, node: string) => nodeOf(t, node)?.parameters ?? {};
const overview = (t: Workflow) => String(t.nodes.find((n) => n.type === STICKY && n.name === 'Overview')?.parameters.content ?? '');
/** A webhook template: its Webhook node takes POST at `webhookPath` and answers from Respond to Webhook nodes; its Setup names the path. */
const webhookAt = (node: string, webhookPath: string) => (t: Workflow) => [
	...(nodeOf(t, node)?.webhookId ? [] : [`"${node}" has no webhookId`]),
	...same(`"${node}" HTTP method`, param(t, node).httpMethod, 'POST'),
	...same(`"${node}" path`, param(t, node).path, webhookPath),
	...same(`"${node}" Respond`, param(t, node).responseMode, 'responseNode'),
	...(sections(overview(t)).get('Setup')?.includes(webhookPath) ? [] : [`"Setup" does not name the path ${webhookPath}`]),
];
/** The Wait node of the quota loops: until GetBill frees the quota up. */
const WAIT_UNTIL_FREED = { resume: 'specificTime', dateTime: '={{ $json.getbill_quota_frees_at }}' };

// --- n8n's expressions, evaluated ---------------------------------------------------

const EXPRESSION_NODE: INode = { id: 'expression', name: 'Expression', type: 'test.expression', typeVersion: 1, position: [0, 0], parameters: {} };
const expressionWorkflow = new N8nWorkflow({
	nodes: [EXPRESSION_NODE],
	connections: {},
	active: false,
	nodeTypes: { getByName: () => undefined, getByNameAndVersion: () => ({ description: { properties: [] } }), getKnownTypes: () => ({}) } as unknown as INodeTypes,
});

/**
 * A parameter value as n8n computes it for an item (n8n-workflow's expression engine: `={{ … }}`
 * evaluated, a plain value as it is): `$json` is `json`, `$input.all()` the `items`.
 */
function evaluate(value: unknown, json: IDataObject, items: IDataObject[] = [json]): unknown {
	return expressionWorkflow.expression.getParameterValue(value as string, null, 0, 0, EXPRESSION_NODE.name, items.map((i) => ({ json: i })), 'manual', {});
}

type Condition = { leftValue: unknown; rightValue: unknown; operator: { type: string; operation: string } };

/** Whether an If node (version 2, strict types) lets an item through its true output: the operators the templates use. */
function ifPasses(node: INode, json: IDataObject): boolean {
	const { conditions, combinator } = node.parameters.conditions as { conditions: Condition[]; combinator: string };
	const results = conditions.map((c) => {
		const [left, right] = [evaluate(c.leftValue, json), evaluate(c.rightValue, json)];
		switch (`${c.operator.type}/${c.operator.operation}`) {
			case 'string/equals':
				return typeof left === 'string' && left === right;
			case 'string/notEmpty':
				return typeof left === 'string' && left !== '';
			case 'number/lte':
				return typeof left === 'number' && !Number.isNaN(left) && left <= Number(right);
			case 'boolean/true':
				return left === true;
			default:
				throw new Error(`"${node.name}": the operator ${c.operator.type}/${c.operator.operation} is not evaluated here`);
		}
	});
	return combinator === 'or' ? results.some(Boolean) : results.every(Boolean);
}

const hmacHex = (key: string, text: string) => crypto.createHmac('sha256', key).update(text).digest('hex');

/** A request to a webhook, as the Webhook node (Raw Body) and "Read the raw body" give it on: headers in lower case, the body parsed, the raw text. */
function webhookItem(raw: string, headers: Record<string, string>): IDataObject {
	let body: unknown = {};
	try {
		body = JSON.parse(raw);
	} catch {
		/* not JSON: n8n gives {} */
	}
	return { headers: { 'content-type': 'application/json', ...headers }, body: body as IDataObject, raw_body: raw };
}

/**
 * Whether a template's signature check lets a request through: its Crypto node's HMAC of its
 * value (keyed with `key`, as the crypto credential's Hmac Secret), then the If that refuses.
 */
function signatureCheckPasses(t: Workflow, raw: string, headers: Record<string, string>, key: string): boolean {
	const hmac = t.nodes.find((n) => n.type === CRYPTO);
	const guard = t.nodes.find((n) => n.type === IF && edgesOf(t.connections).some(([f, type, output, to]) => f === n.name && type === 'main' && output === 1 && answers401(nodeOf(t, to))));
	if (!hmac || !guard) throw new Error(`${String(t.name)} has no Crypto node, or no If answering 401`);
	const item = webhookItem(raw, headers);
	const signed = crypto
		.createHmac(String(hmac.parameters.type).toLowerCase(), key)
		.update(String(evaluate(hmac.parameters.value, item)))
		.digest(hmac.parameters.encoding as crypto.BinaryToTextEncoding);
	return ifPasses(guard, { ...item, [String(hmac.parameters.dataPropertyName)]: signed });
}

/** [what, raw body, headers, accepted?]: requests a signature check must let through or refuse. */
type SignedCase = [string, string, Record<string, string>, boolean];

/** Where a signature check lets through or refuses other requests than `cases` say, in words. */
function signatureProblems(t: Workflow, sender: string, key: string, cases: SignedCase[]): string[] {
	const found: string[] = [];
	for (const [what, raw, headers, accepted] of cases) {
		let passes: boolean;
		try {
			passes = signatureCheckPasses(t, raw, headers, key);
		} catch (error) {
			return [`the ${sender} signature check does not run: ${(error as Error).message}`];
		}
		if (passes !== accepted) found.push(`the ${sender} signature check ${passes ? 'lets through' : 'refuses'} a request ${what}`);
	}
	return found;
}

/** A Retell call_analyzed webhook's raw body (accents, an emoji), and its signature as retell-sdk's `sign()` makes it. */
const RETELL_KEY = 'key_retell_unit_test_only';
const RETELL_BODY = JSON.stringify({ event: 'call_analyzed', call: { call_id: 'Jabr9TXYYJHfvl6Syypi88rdAHYHmcq6', transcript: 'Agent: Bonjour Hélène 👋\nUser: Je paie vendredi.\n', metadata: { getbill_followup_id: 'fu_call_0001' } } });
const retellSignature = (raw: string, key = RETELL_KEY, at = Date.now()) => `v=${at},d=${hmacHex(key, raw + at)}`;
const retellCases = (): SignedCase[] => {
	const minute = 60000;
	const sig = (value: string) => ({ 'x-retell-signature': value });
	return [
		['signed now', RETELL_BODY, sig(retellSignature(RETELL_BODY)), true],
		['signed 4 minutes ago', RETELL_BODY, sig(retellSignature(RETELL_BODY, RETELL_KEY, Date.now() - 4 * minute)), true],
		['signed, pretty-printed', JSON.stringify(JSON.parse(RETELL_BODY), null, 2), sig(retellSignature(JSON.stringify(JSON.parse(RETELL_BODY), null, 2))), true],
		['without x-retell-signature', RETELL_BODY, {}, false],
		['signed with another key', RETELL_BODY, sig(retellSignature(RETELL_BODY, 'key_someone_else')), false],
		['whose body was changed after signing', RETELL_BODY.replace('vendredi', 'lundi'), sig(retellSignature(RETELL_BODY)), false],
		['signed 6 minutes ago (replayed)', RETELL_BODY, sig(retellSignature(RETELL_BODY, RETELL_KEY, Date.now() - 6 * minute)), false],
		['signed 6 minutes ahead', RETELL_BODY, sig(retellSignature(RETELL_BODY, RETELL_KEY, Date.now() + 6 * minute)), false],
		['whose signature header is no signature', RETELL_BODY, sig('v=abc,d=zz'), false],
		['whose signature is another request\'s with its time', RETELL_BODY, sig(`v=${Date.now()},d=${hmacHex(RETELL_KEY, '{}' + Date.now())}`), false],
	];
};

/** A Stripe invoice.paid event's raw body, and its `Stripe-Signature` as Stripe makes it (t=<s>,v1=<HMAC of `<t>.<body>`>). */
const STRIPE_SECRET = 'stripe-endpoint-secret-unit-test-only';
const STRIPE_BODY = JSON.stringify({ id: 'evt_1Q2w3E4r5T6y7U8i', object: 'event', type: 'invoice.paid', data: { object: { id: 'in_1Q2w3E4r', metadata: { getbill_debt_id: 'debt_paid_0001' } } } });
const stripeSignature = (raw: string, secret = STRIPE_SECRET, at = Math.floor(Date.now() / 1000)) => `t=${at},v1=${hmacHex(secret, `${at}.${raw}`)}`;
const stripeCases = (): SignedCase[] => {
	const now = Math.floor(Date.now() / 1000);
	const sig = (value: string) => ({ 'stripe-signature': value });
	const good = hmacHex(STRIPE_SECRET, `${now}.${STRIPE_BODY}`);
	return [
		['signed now', STRIPE_BODY, sig(stripeSignature(STRIPE_BODY)), true],
		['signed 4 minutes ago', STRIPE_BODY, sig(stripeSignature(STRIPE_BODY, STRIPE_SECRET, now - 240)), true],
		// Stripe sends one v1 per active secret while a secret is rolled, and a v0 in test mode.
		['with two v1 signatures, the second the right one', STRIPE_BODY, sig(`t=${now},v1=${'0'.repeat(64)},v1=${good},v0=${'1'.repeat(64)}`), true],
		['without Stripe-Signature', STRIPE_BODY, {}, false],
		['signed with another secret', STRIPE_BODY, sig(stripeSignature(STRIPE_BODY, 'another-endpoint-secret')), false],
		['whose body was changed after signing', STRIPE_BODY.replace('debt_paid_0001', 'debt_paid_0002'), sig(stripeSignature(STRIPE_BODY)), false],
		['signed 6 minutes ago (replayed)', STRIPE_BODY, sig(stripeSignature(STRIPE_BODY, STRIPE_SECRET, now - 360)), false],
		['signed 6 minutes ahead', STRIPE_BODY, sig(stripeSignature(STRIPE_BODY, STRIPE_SECRET, now + 360)), false],
		['with only a v0 signature', STRIPE_BODY, sig(`t=${now},v0=${good}`), false],
		['whose timestamp was changed', STRIPE_BODY, sig(`t=${now - 1},v1=${good}`), false],
	];
};

/**
 * The messages the GetBill node gives a failed Create (its own code: describeFailure, buildBody),
 * and the status the CRM template must answer each with: 503 where the CRM should send the invoice
 * again later (GetBill down, out of reach, its quota, n8n's credential), 422 where the invoice is at fault.
 */
function crmRefusals(): Array<[string, number]> {
	const ctx = { action: 'create the debt of Jane Smith', wording: 2 as const, noun: 'debt', kind: 'create' as const, baseUrl: 'https://api.getbill.io', method: 'POST', path: '/debts' };
	const getBillSaid = (failure: Parameters<typeof describeFailure>[0]) => `${describeFailure(failure, ctx).message} [item 0]`;
	const nodeSaid = (fields: IDataObject) => {
		try {
			buildBody(DEBT, fields, 'UTC', 'create');
		} catch (error) {
			return `${(error as Error).message} [item 0]`;
		}
		throw new Error(`buildBody took ${JSON.stringify(fields)}`);
	};
	const without = (fields: IDataObject, name: string) => Object.fromEntries(Object.entries(fields).filter(([key]) => key !== name));
	const valid = { firstname: 'Jane', lastname: 'Smith', amount: 750.5, currency: 'EUR', email: 'jane.smith@example.com' };
	const fault = { message: 'Injected fault', code: 503 };
	return [
		...[500, 502, 503, 504].map((status): [string, number] => [getBillSaid({ status, body: { ...fault, code: status } }), 503]),
		[getBillSaid({ status: 429, body: { message: 'Rate limit exceeded', code: 429, details: { retry_after: 120 } } }), 503],
		[getBillSaid({ status: 401, body: { message: 'Invalid token', code: 401 } }), 503],
		[getBillSaid({ status: 403, body: { message: 'Required scope "debts:write" not found in token', code: 403 } }), 503],
		[getBillSaid({ status: 404, body: '<html>Not Found</html>' }), 503],
		[getBillSaid({ networkCode: 'ECONNREFUSED' }), 503],
		[getBillSaid({ rawMessage: 'OAuth credentials not connected' }), 503],
		// nodes/GetBill/transport/quota.ts: a write the quota has no room for is not sent.
		["GetBill's write quota is spent: the write was not sent [item 0]", 503],
		[getBillSaid({ status: 400, body: { message: 'Validation failed', code: 400, details: { phone: 'phone number too short' } } }), 422],
		[getBillSaid({ status: 422, body: { message: 'Unprocessable entity', code: 422 } }), 422],
		[nodeSaid({ ...valid, amount: 'abc' }), 422],
		[nodeSaid({ ...valid, amount: -5 }), 422],
		[nodeSaid(without(valid, 'email')), 422],
		[nodeSaid({ ...valid, email: 'not-an-address' }), 422],
		[nodeSaid(without(valid, 'firstname')), 422],
	].map(([message, status]) => [String(message), Number(status)]);
}

/** The amounts of a CSV as Excel and accounting tools write them, and the number each must become (a non-number stays text: the node refuses it). */
const CSV_AMOUNTS: Array<[string, number | string]> = [
	['1250.99', 1250.99],
	['1\u00a0250,99', 1250.99],
	['1\u202f250,00\u00a0€', 1250],
	['1 250,99', 1250.99],
	['1,250.00', 1250],
	['1,250', 1250],
	['1.250,99', 1250.99],
	['12,50', 12.5],
	['12,5', 12.5],
	['750.5', 750.5],
	['€99', 99],
	['$ 1,000,000.00', 1000000],
	['abc', 'abc'],
	['12,50 EUR', '12,50 EUR'],
];
/** A CSV file's text and the separator of its first line. */
const CSV_SEPARATORS: Array<[string, string]> = [
	['invoice_number,first_name,amount\n1,Jane,"1,5"\n', ','],
	['\ufeffinvoice_number;first_name;amount\r\n1;Jane;1,5\r\n', ';'],
	['a;b;c', ';'],
	['a,b,c', ','],
	['invoice_number\n1;2;3\n', ','],
];

const DEBTS_TABLE = 'GetBill debts by invoice';

interface Spec {
	/** Every node but the sticky notes, in the file's order: [name, type, typeVersion]. */
	nodes: Array<[string, string, number]>;
	/** Every connection. */
	edges: Edge[];
	/** The nodes that hold credentials, and their types; the others hold none. */
	credentials: Record<string, string[]>;
	/** The parameters the template's e2e test relies on, and its expressions evaluated. */
	check?: (t: Workflow) => string[];
}

/** Each connection of a chain: each node to the next, main output 0. */
const chainOf = (names: string[]): Edge[] => names.slice(1).map((to, i) => [names[i], 'main', 0, to, 0]);
const GETBILL_ACCOUNT = ['getBillOAuth2Api'];

/** The shape of a signature check: Read the raw body (text, utf8, the byte-order mark kept), the Crypto HMAC, and the refusal. */
const signatureShape = (t: Workflow, cryptoNode: string) => [
	...same('"Read the raw body" parameters', param(t, 'Read the raw body'), {
		operation: 'text',
		binaryPropertyName: 'data',
		destinationKey: 'raw_body',
		options: { encoding: 'utf8', stripBOM: false, keepSource: 'json' },
	}),
	...same(`"${cryptoNode}" HMAC`, (({ action, type, encoding, dataPropertyName }) => ({ action, type, encoding, dataPropertyName }))(param(t, cryptoNode)), {
		action: 'hmac',
		type: 'SHA256',
		encoding: 'hex',
		dataPropertyName: 'expected_signature',
	}),
	...same('"Refuse the request" parameters', param(t, 'Refuse the request'), { respondWith: 'text', responseBody: 'Unauthorized', options: { responseCode: 401 } }),
	...same('"Answer with the error" parameters', param(t, 'Answer with the error'), { respondWith: 'json', responseBody: '={{ { error: $json.error } }}', options: { responseCode: 503 } }),
];

const CRM_HOOK = 'When an invoice goes overdue';
const CRM_CREATE = 'Create the debt in GetBill';
const CRM_LOOKUP = 'Look up the invoice';
const CRM_RECORD = 'Record the debt ID';
const CRM_REFUSAL = 'Answer with the refusal';
const STRIPE_HOOK = 'When an invoice is paid';
const STRIPE_HMAC = 'Sign with your Stripe signing secret';
const RETELL_HOOK = 'When a Retell call is analyzed';
const RETELL_HMAC = 'Sign the body with your Retell API key';
const CSV_SEPARATOR = 'Find the separator';
const CSV_EXTRACT = 'Extract rows from CSV';
const CSV_MAP = 'Map columns to GetBill fields';
const CSV_COUNT = 'Count the refused rows';

type Assignment = { name: string; value: unknown; type: string };
const assignmentsOf = (t: Workflow, node: string) => ((param(t, node).assignments as { assignments?: Assignment[] } | undefined)?.assignments ?? []) as Assignment[];

/** The CRM template's retry safety: the debt remembered in a Data table, only once GetBill created it; the refusal's status. */
function crmRetryProblems(t: Workflow): string[] {
	const found: string[] = [];
	const main = edgesOf(t.connections).filter(([, type]) => type === 'main');
	const table = { __rl: true, mode: 'name', value: DEBTS_TABLE };
	found.push(
		...same('"Table of created debts" parameters', param(t, 'Table of created debts'), {
			resource: 'table',
			operation: 'create',
			tableName: DEBTS_TABLE,
			columns: { column: [{ name: 'invoice_number', type: 'string' }, { name: 'getbill_debt_id', type: 'string' }] },
			options: { createIfNotExists: true },
		}),
	);
	const lookup = param(t, CRM_LOOKUP);
	const filters = (lookup.filters as { conditions?: Array<{ keyName: string; condition: string; keyValue: string }> } | undefined)?.conditions ?? [];
	found.push(
		...same(`"${CRM_LOOKUP}" row/get`, [lookup.resource, lookup.operation, lookup.dataTableId, filters.map((f) => [f.keyName, f.condition]), lookup.limit], ['row', 'get', table, [['invoice_number', 'eq']], 1]),
		// An invoice not in the table must still go on (to the create): an empty item.
		...same(`"${CRM_LOOKUP}" Always Output Data`, nodeOf(t, CRM_LOOKUP)?.alwaysOutputData, true),
	);
	const record = param(t, CRM_RECORD);
	const columns = (record.columns as { value?: IDataObject } | undefined)?.value ?? {};
	const invoice = (param(t, CRM_CREATE).additionalFields as IDataObject | undefined)?.invoice_reference;
	found.push(
		...same(`"${CRM_RECORD}" row/insert`, [record.resource, record.operation, record.dataTableId, columns.getbill_debt_id], ['row', 'insert', table, '={{ $json.id }}']),
		// One invoice number, the same everywhere: the one looked up is the one remembered and sent as Invoice Reference.
		...same('the invoice number looked up, remembered and sent', [filters[0]?.keyValue, columns.invoice_number], [invoice, invoice]),
	);
	// Remembered only once GetBill created the debt: the insert is reached only from the create's output 0.
	const into = main.filter(([, , , to]) => to === CRM_RECORD).map(([from, , output]) => [from, output]);
	found.push(...same(`what leads to "${CRM_RECORD}"`, into, [[CRM_CREATE, 0]]));
	if (!reachable(main, CRM_LOOKUP).has(CRM_CREATE) || reachable(main, CRM_CREATE).has(CRM_LOOKUP)) found.push(`"${CRM_LOOKUP}" is not before "${CRM_CREATE}"`);
	// Found: answered with the first debt's ID; not found (an empty item): created.
	const already = nodeOf(t, 'Already created?');
	if (!already || !ifPasses(already, { invoice_number: 'INV-1', getbill_debt_id: 'debt_1' }) || ifPasses(already, {})) found.push('"Already created?" does not tell a remembered invoice from a new one');
	const given = nodeOf(t, 'Invoice number given?');
	const byNumber = given && [{ invoice_number: 'INV-1' }, { invoice_number: 8985352 }, { invoice_number: '  ' }, {}].map((body) => ifPasses(given, { body }));
	found.push(...same('"Invoice number given?" for "INV-1", 8985352, "  " and none', byNumber, [true, true, false, false]));
	found.push(
		...same(
			'"Answer with the debt ID" body for a remembered row',
			evaluate(param(t, 'Answer with the debt ID').responseBody, { id: 7, invoice_number: 'INV-1', getbill_debt_id: 'debt_1', createdAt: '2026-01-01T00:00:00.000Z' }),
			{ getbill_debt_id: 'debt_1', invoice_number: 'INV-1' },
		),
	);
	// The refusal: 503 where the CRM should send the invoice again later, 422 where the invoice is at fault.
	const code = (param(t, CRM_REFUSAL).options as IDataObject | undefined)?.responseCode;
	for (const [message, status] of crmRefusals()) {
		const answered = evaluate(code, { error: message });
		if (answered !== status) found.push(`"${CRM_REFUSAL}" answers ${JSON.stringify(answered)}, not ${status}, to "${message}"`);
	}
	const noNumber = evaluate(code, { headers: {}, body: { amount: 1 } });
	if (noNumber !== 422) found.push(`"${CRM_REFUSAL}" answers ${JSON.stringify(noNumber)}, not 422, to an invoice without invoice_number`);
	return found;
}

/** The CSV template: the separator found, the byte-order mark dropped, the amounts made numbers, the refused rows counted. */
function csvProblems(t: Workflow): string[] {
	const found: string[] = [];
	const main = edgesOf(t.connections).filter(([, type]) => type === 'main');
	found.push(
		...same(`"${CSV_SEPARATOR}" parameters`, param(t, CSV_SEPARATOR), { operation: 'text', binaryPropertyName: 'data', destinationKey: 'csv_text', options: { encoding: 'utf8', keepSource: 'binary' } }),
		...same(`what leads to "${CSV_EXTRACT}"`, main.filter(([, , , to]) => to === CSV_EXTRACT).map(([from]) => from), [CSV_SEPARATOR]),
	);
	const extract = param(t, CSV_EXTRACT);
	const options = (extract.options ?? {}) as IDataObject;
	found.push(...same(`"${CSV_EXTRACT}" operation and Exclude Byte Order Mark`, [extract.operation, options.enableBOM], ['csv', true]));
	for (const [text, separator] of CSV_SEPARATORS) {
		const found_ = evaluate(options.delimiter, { csv_text: text });
		if (found_ !== separator) found.push(`the separator found in ${JSON.stringify(text)} is ${JSON.stringify(found_)}, not ${JSON.stringify(separator)}`);
	}
	const amount = assignmentsOf(t, CSV_MAP).find((a) => a.name === 'amount');
	found.push(
		...same('"amount" type', amount?.type, 'number'),
		...same(`"${CSV_MAP}" Ignore Type Conversion Errors`, (param(t, CSV_MAP).options as IDataObject | undefined)?.ignoreConversionErrors, true),
	);
	for (const [text, number] of CSV_AMOUNTS) {
		const made = evaluate(amount?.value, { amount: text });
		if (made !== number) found.push(`the amount ${JSON.stringify(text)} becomes ${JSON.stringify(made)}, not ${JSON.stringify(number)}`);
	}
	found.push(
		...same(`"${CSV_COUNT}" Execute Once`, nodeOf(t, CSV_COUNT)?.executeOnce, true),
		...same(`what leads to "${CSV_COUNT}"`, main.filter(([, , , to]) => to === CSV_COUNT).map(([from]) => from), ['Refused rows']),
	);
	const refused = [{ invoice_reference: 'INV-C-003', reason: '…' }, { invoice_reference: 'INV-C-004', reason: '…' }];
	const counted = Object.fromEntries(assignmentsOf(t, CSV_COUNT).map((a) => [a.name, evaluate(a.value, refused[0], refused)]));
	found.push(...same(`"${CSV_COUNT}" for two refused rows`, counted, { refused_rows: 2, invoice_references: 'INV-C-003, INV-C-004' }));
	return found;
}

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
			[CSV_SEPARATOR, EXTRACT, 1.1],
			[CSV_EXTRACT, EXTRACT, 1.1],
			[CSV_MAP, SET, 3.4],
			['Create debts in GetBill', GETBILL, 2],
			['Wait until the quota frees up', 'n8n-nodes-base.wait', 1.1],
			['Refused rows', SET, 3.4],
			[CSV_COUNT, SET, 3.4],
		],
		edges: [
			...chainOf(['When clicking ‘Execute workflow’', 'Read the CSV file', CSV_SEPARATOR, CSV_EXTRACT, CSV_MAP, 'Create debts in GetBill']),
			['Create debts in GetBill', 'main', 1, 'Wait until the quota frees up', 0],
			['Create debts in GetBill', 'main', 2, 'Refused rows', 0],
			['Wait until the quota frees up', 'main', 0, 'Create debts in GetBill', 0],
			['Refused rows', 'main', 0, CSV_COUNT, 0],
		],
		credentials: { 'Create debts in GetBill': GETBILL_ACCOUNT },
		check: (t) => [
			// Where n8n's Docker image lets n8n read files (templates-bulk.e2e rewrites this folder, and only it).
			...same('"Read the CSV file" path', param(t, 'Read the CSV file').fileSelector, '/home/node/.n8n-files/overdue-invoices.csv'),
			...same('"Create debts in GetBill" On Error', nodeOf(t, 'Create debts in GetBill')?.onError, 'continueErrorOutput'),
			...same('"Create debts in GetBill" parameters', param(t, 'Create debts in GetBill'), {
				resource: 'debt',
				operation: 'createMany',
				fieldsToSend: 'autoMapInputData',
				options: { batchName: 'Overdue invoices (CSV)', whenQuotaRunsOut: 'outputUnsent' },
			}),
			...same('"Wait until the quota frees up" parameters', param(t, 'Wait until the quota frees up'), WAIT_UNTIL_FREED),
			// The refused row named by its invoice and name, with GetBill's or the node's reason.
			...same('"Refused rows" fields', assignmentsOf(t, 'Refused rows').map((a) => [a.name, a.value]), [
				['invoice_reference', `={{ $('${CSV_MAP}').item.json.invoice_reference }}`],
				['firstname', `={{ $('${CSV_MAP}').item.json.firstname }}`],
				['lastname', `={{ $('${CSV_MAP}').item.json.lastname }}`],
				['reason', '={{ $json.error }}'],
			]),
			// The Setup names where n8n reads files by default, and how to change it.
			...['`/home/node/.n8n-files`', 'N8N_RESTRICT_FILE_ACCESS_TO'].filter((word) => !overview(t).includes(word)).map((word) => `the Overview does not name ${word}`),
			...csvProblems(t),
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
			[CRM_HOOK, WEBHOOK, 2.1],
			['Invoice number given?', IF, 2.3],
			['Table of created debts', DATA_TABLE, 1.1],
			[CRM_LOOKUP, DATA_TABLE, 1.1],
			['Already created?', IF, 2.3],
			[CRM_CREATE, GETBILL, 2],
			[CRM_RECORD, DATA_TABLE, 1.1],
			['Answer with the debt ID', RESPOND, 1.5],
			[CRM_REFUSAL, RESPOND, 1.5],
		],
		edges: [
			[CRM_HOOK, 'main', 0, 'Invoice number given?', 0],
			['Invoice number given?', 'main', 0, 'Table of created debts', 0],
			['Invoice number given?', 'main', 1, CRM_REFUSAL, 0],
			['Table of created debts', 'main', 0, CRM_LOOKUP, 0],
			[CRM_LOOKUP, 'main', 0, 'Already created?', 0],
			['Already created?', 'main', 0, 'Answer with the debt ID', 0],
			['Already created?', 'main', 1, CRM_CREATE, 0],
			[CRM_CREATE, 'main', 0, CRM_RECORD, 0],
			[CRM_CREATE, 'main', 1, CRM_REFUSAL, 0],
			[CRM_RECORD, 'main', 0, 'Answer with the debt ID', 0],
		],
		credentials: { [CRM_HOOK]: ['httpHeaderAuth'], [CRM_CREATE]: GETBILL_ACCOUNT },
		check: (t) => [
			...webhookAt(CRM_HOOK, 'getbill/overdue-invoice')(t),
			...same(`"${CRM_HOOK}" authentication`, param(t, CRM_HOOK).authentication, 'headerAuth'),
			...same(`"${CRM_CREATE}" On Error`, nodeOf(t, CRM_CREATE)?.onError, 'continueErrorOutput'),
			...crmRetryProblems(t),
		],
	},
	'getbill-payment-marks-debt-paid.json': {
		nodes: [
			[STRIPE_HOOK, WEBHOOK, 2.1],
			['Read the raw body', EXTRACT, 1.1],
			[STRIPE_HMAC, CRYPTO, 2],
			['Signed by Stripe, less than 5 minutes ago?', IF, 2.3],
			['Refuse the request', RESPOND, 1.5],
			['Paid invoice with a GetBill debt?', IF, 2.3],
			['Mark the debt paid in GetBill', GETBILL, 2],
			['Answer with the error', RESPOND, 1.5],
			['Answer Stripe', RESPOND, 1.5],
		],
		edges: [
			...chainOf([STRIPE_HOOK, 'Read the raw body', STRIPE_HMAC, 'Signed by Stripe, less than 5 minutes ago?', 'Paid invoice with a GetBill debt?', 'Mark the debt paid in GetBill', 'Answer Stripe']),
			['Signed by Stripe, less than 5 minutes ago?', 'main', 1, 'Refuse the request', 0],
			['Paid invoice with a GetBill debt?', 'main', 1, 'Answer Stripe', 0],
			['Mark the debt paid in GetBill', 'main', 1, 'Answer with the error', 0],
		],
		credentials: { [STRIPE_HMAC]: ['crypto'], 'Mark the debt paid in GetBill': GETBILL_ACCOUNT },
		check: (t) => {
			const paid = nodeOf(t, 'Paid invoice with a GetBill debt?');
			const event = (type: string, metadata?: IDataObject) => ({ body: { type, data: { object: { id: 'in_1', ...(metadata ? { metadata } : {}) } } } });
			const goesOn = paid && [event('invoice.paid', { getbill_debt_id: 'debt_1' }), event('invoice.payment_failed', { getbill_debt_id: 'debt_1' }), event('invoice.paid'), event('invoice.paid', { getbill_debt_id: '' })].map((e) => ifPasses(paid, e));
			return [
				...webhookAt(STRIPE_HOOK, 'getbill/invoice-paid')(t),
				...same(`"${STRIPE_HOOK}" Raw Body`, (param(t, STRIPE_HOOK).options as IDataObject | undefined)?.rawBody, true),
				...signatureShape(t, STRIPE_HMAC),
				...signatureProblems(t, 'Stripe', STRIPE_SECRET, stripeCases()),
				...same('"Paid invoice with a GetBill debt?" for invoice.paid with a debt, another event, no metadata, an empty debt ID', goesOn, [true, false, false, false]),
				...same('"Mark the debt paid in GetBill" parameters', param(t, 'Mark the debt paid in GetBill'), {
					resource: 'debt',
					operation: 'update',
					debtId: { __rl: true, mode: 'id', value: '={{ $json.body.data.object.metadata.getbill_debt_id }}' },
					updateFields: { status: 'status.default.paid' },
				}),
				...same('"Answer Stripe" parameters', param(t, 'Answer Stripe'), { respondWith: 'json', responseBody: '={{ { received: true } }}', options: {} }),
				// Why not n8n's Stripe Trigger (open on n8n 2.8 without a Signature Secret; 200 before GetBill is updated): said in a note.
				...(t.nodes.some((n) => n.type === STICKY && /Why not n8n's Stripe Trigger: .*2\.8.*Signature Secret.*200 before GetBill is updated/s.test(String(n.parameters.content))) ? [] : ['no note says why not n8n\'s Stripe Trigger']),
			];
		},
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
			[RETELL_HOOK, WEBHOOK, 2.1],
			['Read the raw body', EXTRACT, 1.1],
			[RETELL_HMAC, CRYPTO, 2],
			['Signed by Retell, less than 5 minutes ago?', IF, 2.3],
			['Refuse the request', RESPOND, 1.5],
			['Analyzed call with a GetBill followup?', IF, 2.3],
			['Followup fields from the call', SET, 3.4],
			['Update the followup in GetBill', GETBILL, 2],
			['Answer with the error', RESPOND, 1.5],
			['Answer Retell', RESPOND, 1.5],
		],
		edges: [
			...chainOf([RETELL_HOOK, 'Read the raw body', RETELL_HMAC, 'Signed by Retell, less than 5 minutes ago?', 'Analyzed call with a GetBill followup?', 'Followup fields from the call', 'Update the followup in GetBill', 'Answer Retell']),
			['Signed by Retell, less than 5 minutes ago?', 'main', 1, 'Refuse the request', 0],
			['Analyzed call with a GetBill followup?', 'main', 1, 'Answer Retell', 0],
			['Update the followup in GetBill', 'main', 1, 'Answer with the error', 0],
		],
		credentials: { [RETELL_HMAC]: ['crypto'], 'Update the followup in GetBill': GETBILL_ACCOUNT },
		check: (t) => {
			const analyzed = nodeOf(t, 'Analyzed call with a GetBill followup?');
			const call = { call_id: 'c1', metadata: { getbill_followup_id: 'fu_1' } };
			const goesOn = analyzed && [{ event: 'call_analyzed', call }, { event: 'call_ended', call }, { event: 'call_analyzed', call: { call_id: 'c1' } }].map((body) => ifPasses(analyzed, { body }));
			return [
				...webhookAt(RETELL_HOOK, 'getbill/retell-call')(t),
				...same(`"${RETELL_HOOK}" Raw Body`, (param(t, RETELL_HOOK).options as IDataObject | undefined)?.rawBody, true),
				...signatureShape(t, RETELL_HMAC),
				...signatureProblems(t, 'Retell', RETELL_KEY, retellCases()),
				...same('"Analyzed call with a GetBill followup?" for call_analyzed with a followup, call_ended, no metadata', goesOn, [true, false, false]),
				...same('"Update the followup in GetBill" parameters', param(t, 'Update the followup in GetBill'), {
					resource: 'followup',
					operation: 'update',
					followupId: { __rl: true, mode: 'id', value: '={{ $json.id }}' },
					fieldsToSend: 'autoMapInputData',
					inputFieldsToIgnore: 'id',
				}),
				...same('"Answer Retell" parameters', param(t, 'Answer Retell'), { respondWith: 'noData', options: { responseCode: 204 } }),
			];
		},
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

		it('is as its spec says: its nodes (type and version), connections, credentials, the parameters its e2e test relies on, its expressions evaluated', () => {
			expect(specProblems(file, read(file) as Workflow)).toEqual([]);
		});
	});

	it('every template has a spec, and every spec its template', () => {
		expect(Object.keys(SPECS).sort()).toEqual(FILES);
	});

	it('no two templates share a webhook ID or a webhook path', () => {
		expect(sharedWebhooks(Object.fromEntries(FILES.map((f) => [f, read(f) as Workflow])))).toEqual([]);
	});

	it('the refusals the CRM template is checked against are the node\'s own words, 503 and 422 both', () => {
		const refusals = crmRefusals();
		expect(refusals.map(([, status]) => status)).toEqual(expect.arrayContaining([503, 422]));
		for (const [message] of refusals) expect(message).toMatch(/\[item 0\]$/);
		expect(refusals.map(([message]) => message)).toEqual(
			expect.arrayContaining([
				expect.stringMatching(/^GetBill failed on its side \(503\)/),
				expect.stringMatching(/^Could not reach GetBill at /),
				expect.stringMatching(/^GetBill refused to create the debt of Jane Smith/),
				expect.stringMatching(/^Amount \(amount\) must be a number: "abc"/),
				expect.stringMatching(/^Phone \(phone\) or Email \(email\) is required: both are missing/),
			]),
		);
	});
});

describe('each check fails on a broken copy of a template', () => {
	// The quota loop template: a GetBill node, a credential, a trigger, an Overview and two section notes.
	const base = read('getbill-bulk-update-quota-loop.json');
	const copy = () => JSON.parse(JSON.stringify(base)) as Template & { name: string; nodes: INode[]; connections: Record<string, { main: Connection[][] }> };
	const node = (t: { nodes: INode[] }, type: string) => t.nodes.find((n) => n.type === type)!;
	const named = (t: { nodes: INode[] }, name: string) => t.nodes.find((n) => n.name === name)!;
	const sticky = (t: { nodes: INode[] }) => named(t, 'Overview');
	const SECTION_1 = '1. The followups to update';
	const SECTION_2 = '2. Update within the quota';
	const edit = (n: INode, change: (content: string) => string) => (n.parameters.content = change(String(n.parameters.content)));

	it('the template itself has no problem', () => {
		expect(problems(copy())).toEqual([]);
	});

	const cases: Array<[string, (t: ReturnType<typeof copy>) => void, string | RegExp]> = [
		['no name', (t) => delete (t as Template).name, 'no name'],
		['no nodes', (t) => delete (t as Template).nodes, 'no nodes'],
		['no connections', (t) => delete (t as Template).connections, 'no connections'],
		// n8n's template guidelines: the title, the notes.
		['a title that does not start with a verb', (t) => (t.name = 'GetBill followups in bulk'), /^the name "GetBill followups in bulk" does not start with a verb/],
		['no Overview', (t) => (sticky(t).name = 'Intro'), '0 notes named "Overview", not 1'],
		['a second Overview', (t) => t.nodes.push({ ...sticky(t), id: 'x', position: [-1400, -420] }), '2 notes named "Overview", not 1'],
		['no section note', (t) => (t.nodes = t.nodes.filter((n) => n.type !== STICKY || n.name === 'Overview')), 'no section note (`1. <section>`)'],
		['a section note not named "<N>. <section>"', (t) => (named(t, SECTION_2).name = 'The loop'), 'the note "The loop" is not named "<N>. <section>"'],
		['a section note numbered out of order', (t) => (named(t, SECTION_2).name = '3. Update within the quota'), /^the note "3. Update within the quota" is section 3, not 2/],
		['a section note without its heading', (t) => edit(named(t, SECTION_1), (c) => c.replace(/^### [^\n]*\n/, '')), `the note "${SECTION_1}" does not start with "### ${SECTION_1}"`],
		['a node moved out of its note', (t) => (named(t, 'Update followups in GetBill').position = [460, 400]), 'node "Update followups in GetBill" is inside 0 section notes, not 1'],
		['a node on the Overview', (t) => (node(t, MANUAL_TRIGGER).position = [-600, 0]), 'node "When clicking ‘Execute workflow’" is on the Overview'],
		['a node across two notes', (t) => (named(t, 'Followups to update').position = [320, 0]), `node "Followups to update" touches the note "${SECTION_2}"`],
		['two notes overlapping', (t) => (named(t, SECTION_2).position = [300, -420]), `the notes "${SECTION_1}" and "${SECTION_2}" overlap`],
		['a node name dropped from its note', (t) => edit(named(t, SECTION_2), (c) => c.replace(/\*\*Wait until the quota frees up\*\*/g, 'the Wait node')), `the note "${SECTION_2}" does not name **Wait until the quota frees up**`],
		['a node renamed, its note left as it was', (t) => (node(t, 'n8n-nodes-base.code').name = 'Sample items'), `the note "${SECTION_1}" does not name **Sample items**`],
		['How it works not naming a section', (t) => edit(sticky(t), (c) => c.replace('**Update within the quota**', 'The loop')), '"How it works" does not name the section **Update within the quota**'],
		['a note of more than 250 words', (t) => edit(named(t, SECTION_2), (c) => `${c}\n${'More words. '.repeat(80)}`), /^the note "2. Update within the quota" has 2\d\d words, more than 250$/],
		['the Overview 30 words too long', (t) => edit(sticky(t), (c) => `${c}\n${'word '.repeat(250 - words(c) + 30)}`), /^the note "Overview" has 280 words, more than 250$/],
		...INSTALL_LINE.map((said): [string, (t: ReturnType<typeof copy>) => void, string] => [
			`an install line without "${said}"`,
			(t) => edit(sticky(t), (c) => c.split(said).join('…')),
			`the Overview does not say "${said}" (the install line of a community node)`,
		]),
		['no title', (t) => edit(sticky(t), (c) => c.replace(/^## [^\n]*\n/, 'Intro\n')), 'the Overview does not start with a "## " title'],
		['no How it works', (t) => edit(sticky(t), (c) => c.replace('## How it works', '## How')), 'the Overview has no "## How it works"'],
		['How it works not numbered', (t) => edit(sticky(t), (c) => c.replace(/^\d\. /gm, '- ')), '"How it works" is not a numbered list'],
		['no Setup', (t) => edit(sticky(t), (c) => c.replace('## Setup', '## Set it up')), 'the Overview has no "## Setup"'],
		['a title other than the workflow\'s name', (t) => edit(sticky(t), (c) => c.replace(/^## [^\n]*/, '## Quota loop')), /^the Overview's title "## Quota loop" is not "## Update GetBill/],
		['How it works with a line before its list', (t) => edit(sticky(t), (c) => c.replace('## How it works\n', '## How it works\nIn short:\n')), '"How it works" is not a numbered list'],
		['Setup not numbered', (t) => edit(sticky(t), (c) => c.replace(/^(\d)\. (?=(Create|Replace|Run))/gm, '- ')), '"Setup" is not a numbered list'],
		// Credentials and secrets.
		['a real credential ID', (t) => (node(t, GETBILL).credentials!.getBillOAuth2Api.id = 'aB3dE5fG7hI9'), /credential getBillOAuth2Api has id "aB3dE5fG7hI9"/],
		['a credential placeholder with another name', (t) => (node(t, GETBILL).credentials!.getBillOAuth2Api.name = 'My GetBill'), 'node "Update followups in GetBill": credential getBillOAuth2Api is named "My GetBill", not "GetBill account"'],
		['a crypto credential with another name', (t) => (node(t, 'n8n-nodes-base.wait').credentials = { crypto: { id: PLACEHOLDER, name: 'My secret' } }), 'node "Wait until the quota frees up": credential crypto is named "My secret", not "Retell API key" or "Stripe signing secret"'],
		['a credential type without a placeholder name', (t) => (node(t, 'n8n-nodes-base.wait').credentials = { slackApi: { id: PLACEHOLDER, name: 'Slack' } }), /credential type slackApi has no placeholder name/],
		['the name of a secret in a text', (t) => edit(sticky(t), (c) => `${c} Paste your password here.`), /the name of a secret .*: password/],
		['an Hmac Secret parameter', (t) => (node(t, 'n8n-nodes-base.wait').parameters.hmacSecret = 'x'), /the name of a secret .*: hmacSecret/],
		['a signing secret value', (t) => (node(t, 'n8n-nodes-base.wait').parameters.signing_secret = 'abc'), /a secret value: "signing_secret":"abc"/],
		['a bearer header with a value', (t) => edit(sticky(t), (c) => `${c} \`Authorization: Bearer abc\``), /a bearer token: Bearer /],
		['a webhook secret, even cut short', (t) => edit(sticky(t), (c) => `${c} whsec_…`), /webhook signing secret/],
		['an e-mail address of a real domain', (t) => edit(sticky(t), (c) => `${c} Write to jane@getbill.io.`), 'an e-mail address not of example.com: jane@getbill.io'],
		['an id', (t) => ((t as Template).id = 'aB3dE5fG7hI9jK1l'), /^an id \("aB3dE5fG7hI9jK1l"\)/],
		['meta.instanceId', (t) => ((t as Template).meta = { instanceId: 'f00d' }), 'meta.instanceId: the n8n it was exported from'],
		['a webhook ID that is no UUID', (t) => (node(t, GETBILL).webhookId = 'my-hook'), 'node "Update followups in GetBill": webhookId "my-hook" is not a UUID'],
		['a node left of the node that connects to it', (t) => (node(t, GETBILL).position = [100, 300]), '"Update followups in GetBill" is not right of "Followups to update", which connects to it'],
		['two nodes overlapping', (t) => (node(t, 'n8n-nodes-base.wait').position = [500, 60]), '"Update followups in GetBill" and "Wait until the quota frees up" overlap'],
		['a webhook secret', (t) => edit(sticky(t), (c) => `${c} whsec_abcdef123456`), /webhook signing secret/],
		['an API key', (t) => edit(sticky(t), (c) => `${c} sk_live_abcdef`), /an API key/],
		['a bearer token', (t) => edit(sticky(t), (c) => `${c} Bearer abcdefghijklmnop1234`), /a bearer token/],
		['a JSON Web Token', (t) => edit(sticky(t), (c) => `${c} eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.x`), /a JSON Web Token/],
		['a client secret value', (t) => (node(t, GETBILL).parameters.client_secret = 's3cr3t'), /a secret value: "client_secret":"s3cr3t"/],
		['active', (t) => (t.active = true), 'active is true, not false'],
		['pinned data', (t) => (t.pinData = { [node(t, GETBILL).name]: [{ json: {} }] }), 'pinned data'],
		['no execution order', (t) => (t.settings = {}), 'settings.executionOrder is not "v1"'],
		['a time zone set', (t) => (t.settings = { executionOrder: 'v1', timezone: 'Europe/Paris' } as Template['settings']), 'the setting timezone: a user\'s choice'],
		['no pinData', (t) => delete t.pinData, 'no pinData ({})'],
		['a bearer header with a value, in lower case', (t) => edit(sticky(t), (c) => `${c} \`authorization: bearer abc\``), /a bearer token: bearer /],
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

describe('each safety check (issue #27) fails on a broken copy of a webhook or CSV template', () => {
	type Broken = Workflow & { connections: Record<string, { main: Connection[][] }> };
	const copy = (file: string) => JSON.parse(JSON.stringify(read(file))) as Broken;
	const named = (t: Workflow, name: string) => t.nodes.find((n) => n.name === name)!;
	const CRM = 'getbill-overdue-invoice-to-debt.json';
	const RETELL = 'getbill-voice-call-updates-followup.json';
	const STRIPE = 'getbill-payment-marks-debt-paid.json';
	const CSV = 'getbill-csv-overdue-invoices-to-debts.json';
	const RETELL_GUARD = 'Signed by Retell, less than 5 minutes ago?';
	const RETELL_UPDATE = 'Update the followup in GetBill';
	const STRIPE_MARK = 'Mark the debt paid in GetBill';

	it.each([CRM, RETELL, STRIPE, CSV])('%s as it is has no safety problem', (file) => {
		const t = copy(file);
		expect(safetyProblems(t.nodes, edgesOf(t.connections))).toEqual([]);
	});

	const cases: Array<[string, string, (t: Broken) => void, string | RegExp]> = [
		['the CRM webhook without authentication', CRM, (t) => (named(t, CRM_HOOK).parameters.authentication = 'none'), /^webhook "When an invoice goes overdue" leads to a GetBill write \("Create the debt in GetBill"\) with no authentication: "Create the debt in GetBill" reached without a signature check/],
		['the CRM webhook\'s Header Auth without its credential', CRM, (t) => delete named(t, CRM_HOOK).credentials, /behind headerAuth without its httpHeaderAuth credential$/],
		['the Retell webhook without Raw Body', RETELL, (t) => (named(t, RETELL_HOOK).parameters.options = {}), /with no authentication, and keeps no raw body to check a signature on/],
		['the Retell webhook answering at once', RETELL, (t) => (named(t, RETELL_HOOK).parameters.responseMode = 'onReceived'), /answers before a signature check could refuse it/],
		['the Retell check\'s false output rewired to the GetBill node', RETELL, (t) => (t.connections[RETELL_GUARD].main[1] = [{ node: RETELL_UPDATE, type: 'main', index: 0 }]), /"Update the followup in GetBill" reached without a signature check/],
		['the Retell check\'s false output also to the GetBill node', RETELL, (t) => t.connections[RETELL_GUARD].main[1].push({ node: RETELL_UPDATE, type: 'main', index: 0 }), /reached without a signature check/],
		[
			'the Retell Crypto node removed',
			RETELL,
			(t) => {
				t.nodes = t.nodes.filter((n) => n.name !== RETELL_HMAC);
				delete t.connections[RETELL_HMAC];
				t.connections['Read the raw body'].main[0] = [{ node: RETELL_GUARD, type: 'main', index: 0 }];
			},
			/reached without a signature check/,
		],
		['the Retell Crypto node without its credential', RETELL, (t) => delete named(t, RETELL_HMAC).credentials, /reached without a signature check/],
		['the Stripe refusal answering 200', STRIPE, (t) => ((named(t, 'Refuse the request').parameters.options as IDataObject).responseCode = 200), /"Mark the debt paid in GetBill" reached without a signature check/],
		['the Stripe check bypassed by a second connection', STRIPE, (t) => t.connections['Read the raw body'].main[0].push({ node: 'Paid invoice with a GetBill debt?', type: 'main', index: 0 }), /reached without a signature check/],
		['the Retell GetBill node without its error output', RETELL, (t) => delete named(t, RETELL_UPDATE).onError, /^GetBill node "Update the followup in GetBill" after the webhook "When a Retell call is analyzed" has no error output/],
		['the Stripe GetBill failure answered 200', STRIPE, (t) => ((named(t, 'Answer with the error').parameters.options as IDataObject).responseCode = 200), 'GetBill node "Mark the debt paid in GetBill": its error output goes to no Respond to Webhook answering non-2xx'],
		['the Stripe GetBill failure going nowhere', STRIPE, (t) => (t.connections[STRIPE_MARK].main[1] = []), 'GetBill node "Mark the debt paid in GetBill": its error output goes to no Respond to Webhook answering non-2xx'],
		['the CRM create without its error output', CRM, (t) => (named(t, CRM_CREATE).onError = 'stopWorkflow'), /^GetBill node "Create the debt in GetBill" after the webhook .* has no error output/],
		['the CSV read keeping the byte-order mark', CSV, (t) => ((named(t, CSV_EXTRACT).parameters.options as IDataObject).enableBOM = false), '"Extract rows from CSV" reads a CSV keeping Excel\'s byte-order mark (option Exclude Byte Order Mark off)'],
	];

	it.each(cases)('%s', (_what, file, breakIt, expected) => {
		const broken = copy(file);
		breakIt(broken);
		const found = problems(broken);
		if (typeof expected === 'string') expect(found).toContain(expected);
		else expect(found.some((p) => expected.test(p))).toBe(true);
	});
});

describe('each spec check fails on a broken copy of its template', () => {
	const copy = (file: string) => JSON.parse(JSON.stringify(read(file))) as Workflow;
	const named = (t: Workflow, name: string) => t.nodes.find((n) => n.name === name)!;
	const condition = (t: Workflow, node: string, i: number) => (named(t, node).parameters.conditions as { conditions: Condition[] }).conditions[i];
	const QUOTA = 'getbill-bulk-update-quota-loop.json';
	const CSV = 'getbill-csv-overdue-invoices-to-debts.json';
	const NOTIFY = 'getbill-event-notify-team.json';
	const MONTHLY = 'getbill-monthly-reports-email.json';
	const OVERDUE = 'getbill-overdue-invoice-to-debt.json';
	const PAID = 'getbill-payment-marks-debt-paid.json';
	const VOICE = 'getbill-voice-call-updates-followup.json';
	const GETBILL_NODE = 'Update followups in GetBill';
	const WAIT = 'Wait until the quota frees up';
	const amountOf = (t: Workflow) => assignmentsOf(t, CSV_MAP).find((a) => a.name === 'amount')!;

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
		['the CSV: a refused row without its invoice reference', CSV, (t) => (named(t, 'Refused rows').parameters.assignments as { assignments: Assignment[] }).assignments.shift(), /^"Refused rows" fields is /],
		['the CSV: the byte-order mark kept', CSV, (t) => ((named(t, CSV_EXTRACT).parameters.options as IDataObject).enableBOM = false), /^"Extract rows from CSV" operation and Exclude Byte Order Mark is \["csv",false\]/],
		['the CSV: always a comma', CSV, (t) => ((named(t, CSV_EXTRACT).parameters.options as IDataObject).delimiter = ','), /^the separator found in "a;b;c" is ",", not ";"/],
		['the CSV: the separator read from the file\'s last line', CSV, (t) => ((named(t, CSV_EXTRACT).parameters.options as IDataObject).delimiter = String((named(t, CSV_EXTRACT).parameters.options as IDataObject).delimiter).replaceAll("split('\\n', 1)[0]", "split('\\n').at(-2)")), /^the separator found in "invoice_number\\n1;2;3\\n" is ";", not ","/],
		['the CSV: no separator found before the extract', CSV, (t) => (t.connections['Read the CSV file'].main[0] = [{ node: CSV_EXTRACT, type: 'main', index: 0 }]), /^what leads to "Extract rows from CSV" is \["Find the separator","Read the CSV file"\], not \["Find the separator"\]$/],
		['the CSV: the amount taken as it is', CSV, (t) => (amountOf(t).value = '={{ $json.amount }}'), 'the amount "1250.99" becomes "1250.99", not 1250.99'],
		['the CSV: a comma always a decimal mark', CSV, (t) => (amountOf(t).value = "={{ Number(String($json.amount).replace(/[\\s€$£]/g, '').replace(',', '.')) }}"), /^the amount "1,250.00" becomes null, not 1250/],
		['the CSV: a non-number made 0', CSV, (t) => (amountOf(t).value = String(amountOf(t).value).replace(': $json.amount)', ': 0)')), /^the amount "abc" becomes 0, not "abc"/],
		['the CSV: the amount a string', CSV, (t) => (amountOf(t).type = 'string'), '"amount" type is "string", not "number"'],
		['the CSV: conversion errors stop the run', CSV, (t) => (named(t, CSV_MAP).parameters.options = {}), /^"Map columns to GetBill fields" Ignore Type Conversion Errors is undefined/],
		['the CSV: the count run for each refused row', CSV, (t) => delete named(t, CSV_COUNT).executeOnce, /^"Count the refused rows" Execute Once is undefined/],
		['the CSV: the count of the first row only', CSV, (t) => ((named(t, CSV_COUNT).parameters.assignments as { assignments: Assignment[] }).assignments[0].value = '={{ 1 }}'), /^"Count the refused rows" for two refused rows is \{"refused_rows":1/],
		['notify: an event less', NOTIFY, (t) => (named(t, 'On GetBill event').parameters.events = ['payment.received']), /^"On GetBill event" events is /],
		['notify: a route on another event', NOTIFY, (t) => ((named(t, 'Route by event').parameters.rules as { values: Array<{ conditions: { conditions: Array<{ rightValue: string }> } }> }).values[1].conditions.conditions[0].rightValue = 'payment.refunded'), /^"Route by event" rules is /],
		['notify: routes swapped', NOTIFY, (t) => (named(t, 'Route by event').parameters.rules as { values: unknown[] }).values.reverse(), /^"Route by event" rules is /],
		['notify: no fallback route', NOTIFY, (t) => (named(t, 'Route by event').parameters.options = {}), /^"Route by event" options is /],
		['monthly: every day', MONTHLY, (t) => (named(t, 'Every month on the 1st at 08:00').parameters.rule = { interval: [{ field: 'days' }] }), /^"Every month on the 1st at 08:00" rule is /],
		['monthly: Get Many with a limit', MONTHLY, (t) => (named(t, 'Get all reports').parameters.returnAll = false), /^"Get all reports" parameters is /],
		['monthly: the download into another field', MONTHLY, (t) => (named(t, 'Download each report').parameters.binaryPropertyName = 'file'), /^"Download each report" parameters is /],
		['monthly: one file attached', MONTHLY, (t) => ((named(t, 'E-mail the reports').parameters.options as Record<string, unknown>).attachments = 'data'), /^"E-mail the reports" attachments is "data"/],
		['a webhook without its webhookId', OVERDUE, (t) => delete named(t, CRM_HOOK).webhookId, '"When an invoice goes overdue" has no webhookId'],
		['a webhook on GET', OVERDUE, (t) => (named(t, CRM_HOOK).parameters.httpMethod = 'GET'), '"When an invoice goes overdue" HTTP method is "GET", not "POST"'],
		['a webhook on another path', OVERDUE, (t) => (named(t, CRM_HOOK).parameters.path = 'overdue'), '"When an invoice goes overdue" path is "overdue", not "getbill/overdue-invoice"'],
		['a Setup that does not name the webhook path', OVERDUE, (t) => (named(t, 'Overview').parameters.content = String(named(t, 'Overview').parameters.content).replaceAll('getbill/overdue-invoice', 'the path')), '"Setup" does not name the path getbill/overdue-invoice'],
		// The CRM: retried deliveries, and what the refusal answers.
		['the CRM: Basic Auth instead of the Header Auth the Setup describes', OVERDUE, (t) => (named(t, CRM_HOOK).parameters.authentication = 'basicAuth'), '"When an invoice goes overdue" authentication is "basicAuth", not "headerAuth"'],
		[
			'the CRM: the debt ID remembered before the debt is created',
			OVERDUE,
			(t) => {
				t.connections['Already created?'].main[1] = [{ node: CRM_RECORD, type: 'main', index: 0 }];
				t.connections[CRM_RECORD].main[0] = [{ node: CRM_CREATE, type: 'main', index: 0 }];
				t.connections[CRM_CREATE].main[0] = [{ node: 'Answer with the debt ID', type: 'main', index: 0 }];
			},
			'what leads to "Record the debt ID" is [["Already created?",1]], not [["Create the debt in GetBill",0]]',
		],
		['the CRM: the debt ID remembered also when GetBill refused', OVERDUE, (t) => t.connections[CRM_CREATE].main[1].push({ node: CRM_RECORD, type: 'main', index: 0 }), /^what leads to "Record the debt ID" is \[\["Create the debt in GetBill",0\],\["Create the debt in GetBill",1\]\]/],
		['the CRM: no empty item for an invoice not in the table', OVERDUE, (t) => delete named(t, CRM_LOOKUP).alwaysOutputData, '"Look up the invoice" Always Output Data is undefined, not true'],
		['the CRM: the lookup in another table', OVERDUE, (t) => ((named(t, CRM_LOOKUP).parameters.dataTableId as IDataObject).value = 'Debts'), /^"Look up the invoice" row\/get is /],
		['the CRM: the invoice number remembered untrimmed', OVERDUE, (t) => (((named(t, CRM_RECORD).parameters.columns as IDataObject).value as IDataObject).invoice_number = `={{ $('${CRM_HOOK}').item.json.body.invoice_number }}`), /^the invoice number looked up, remembered and sent is /],
		['the CRM: a remembered invoice created again', OVERDUE, (t) => (condition(t, 'Already created?', 0).leftValue = "={{ $json.id ?? '' }}"), '"Already created?" does not tell a remembered invoice from a new one'],
		['the CRM: a numeric invoice number refused', OVERDUE, (t) => (condition(t, 'Invoice number given?', 0).leftValue = '={{ $json.body.invoice_number }}'), /^"Invoice number given\?" for "INV-1", 8985352, " {2}" and none is \[true,false,/],
		['the CRM: every refusal 422', OVERDUE, (t) => ((named(t, CRM_REFUSAL).parameters.options as IDataObject).responseCode = 422), /^"Answer with the refusal" answers 422, not 503, to "GetBill failed on its side \(503\)/],
		['the CRM: a quota stop answered 422', OVERDUE, (t) => ((named(t, CRM_REFUSAL).parameters.options as IDataObject).responseCode = String((named(t, CRM_REFUSAL).parameters.options as IDataObject).responseCode).replace('|quota is spent', '')), /^"Answer with the refusal" answers 422, not 503, to "GetBill's write quota is spent/],
		['the CRM: every refusal 503', OVERDUE, (t) => ((named(t, CRM_REFUSAL).parameters.options as IDataObject).responseCode = 503), /^"Answer with the refusal" answers 503, not 422, to "GetBill refused to create the debt of Jane Smith/],
		['the CRM: the first debt\'s ID not in the answer', OVERDUE, (t) => (named(t, 'Answer with the debt ID').parameters.responseBody = '={{ { getbill_debt_id: $json.id, invoice_number: $json.invoice_number } }}'), /^"Answer with the debt ID" body for a remembered row is /],
		// The signature checks, evaluated on signed, forged and replayed requests.
		['Retell: no time bound', VOICE, (t) => (condition(t, 'Signed by Retell, less than 5 minutes ago?', 1).rightValue = 3600000), 'the Retell signature check lets through a request signed 6 minutes ago (replayed)'],
		['Retell: the time left out of the signed text', VOICE, (t) => (named(t, RETELL_HMAC).parameters.value = '={{ $json.raw_body }}'), 'the Retell signature check refuses a request signed now'],
		['Retell: the parsed body signed, not the raw one', VOICE, (t) => (named(t, RETELL_HMAC).parameters.value = String(named(t, RETELL_HMAC).parameters.value).replace('$json.raw_body', 'JSON.stringify($json.body)')), 'the Retell signature check refuses a request signed, pretty-printed'],
		['Retell: the signature compared with itself', VOICE, (t) => (condition(t, 'Signed by Retell, less than 5 minutes ago?', 0).rightValue = condition(t, 'Signed by Retell, less than 5 minutes ago?', 0).leftValue), 'the Retell signature check lets through a request signed with another key'],
		['Retell: the conditions joined by "or"', VOICE, (t) => ((named(t, 'Signed by Retell, less than 5 minutes ago?').parameters.conditions as IDataObject).combinator = 'or'), /^the Retell signature check lets through a request (signed with another key|without x-retell-signature)/],
		['Retell: a base64 HMAC', VOICE, (t) => (named(t, RETELL_HMAC).parameters.encoding = 'base64'), /^"Sign the body with your Retell API key" HMAC is /],
		['Retell: the raw body\'s byte-order mark dropped', VOICE, (t) => ((named(t, 'Read the raw body').parameters.options as IDataObject).stripBOM = true), /^"Read the raw body" parameters is /],
		['Retell: a refusal answered 200', VOICE, (t) => ((named(t, 'Refuse the request').parameters.options as IDataObject).responseCode = 200), /^"Refuse the request" parameters is /],
		['Retell: a GetBill failure answered 500', VOICE, (t) => ((named(t, 'Answer with the error').parameters.options as IDataObject).responseCode = 500), /^"Answer with the error" parameters is /],
		['Retell: call_ended updating the followup', VOICE, (t) => (condition(t, 'Analyzed call with a GetBill followup?', 0).rightValue = 'call_ended'), /^"Analyzed call with a GetBill followup\?" for call_analyzed with a followup, call_ended, no metadata is \[false,true,false\]/],
		['Stripe: no time bound', PAID, (t) => (condition(t, 'Signed by Stripe, less than 5 minutes ago?', 1).rightValue = 3600), 'the Stripe signature check lets through a request signed 6 minutes ago (replayed)'],
		['Stripe: only the first v1 signature', PAID, (t) => (condition(t, 'Signed by Stripe, less than 5 minutes ago?', 0).leftValue = "={{ ($json.headers['stripe-signature'] ?? '').match(/v1=([0-9a-f]+)/)?.[1] === $json.expected_signature }}"), 'the Stripe signature check refuses a request with two v1 signatures, the second the right one'],
		['Stripe: a v0 signature accepted', PAID, (t) => (condition(t, 'Signed by Stripe, less than 5 minutes ago?', 0).leftValue = String(condition(t, 'Signed by Stripe, less than 5 minutes ago?', 0).leftValue).replaceAll("'v1='", "'v'")), 'the Stripe signature check lets through a request with only a v0 signature'],
		['Stripe: the timestamp left out of the signed text', PAID, (t) => (named(t, STRIPE_HMAC).parameters.value = '={{ $json.raw_body }}'), 'the Stripe signature check refuses a request signed now'],
		['Stripe: another event marking the debt paid', PAID, (t) => (condition(t, 'Paid invoice with a GetBill debt?', 0).operator = { type: 'string', operation: 'notEmpty' }), /^"Paid invoice with a GetBill debt\?" for invoice.paid with a debt, another event, no metadata, an empty debt ID is \[true,true,/],
		['Stripe: the reason for not using the Stripe Trigger dropped', PAID, (t) => t.nodes.filter((n) => n.type === STICKY).forEach((n) => (n.parameters.content = String(n.parameters.content).replace("Why not n8n's Stripe Trigger", 'Note'))), "no note says why not n8n's Stripe Trigger"],
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
		const b = copy(PAID);
		expect(sharedWebhooks({ a: a, b: b })).toEqual([]);
		named(b, STRIPE_HOOK).webhookId = named(a, CRM_HOOK).webhookId;
		named(b, STRIPE_HOOK).parameters.path = 'getbill/overdue-invoice';
		const found = sharedWebhooks({ a, b });
		expect(found).toContain(`webhook ID ${named(a, CRM_HOOK).webhookId} in a and b`);
		expect(found).toContain('webhook path getbill/overdue-invoice in a and b');
	});
});
