'use strict';

/*
 * GetBill tools behind n8n's MCP Server Trigger (issue #22), on every pinned
 * n8n version (its lane: tool mode, n8n's making of a tool from our node,
 * differs between versions), with the official MCP TypeScript client
 * (@modelcontextprotocol/sdk, the version n8n 2.41.1 uses).
 *
 * The template examples/workflows/getbill-voice-agent-mcp-tools.json (MCP
 * Server Trigger version 2, bearer auth; four GetBill tools: Get debt, List
 * followups of debt, Update followup, Create followup) is created on the shared
 * n8n server (lib/shared.js) over n8n's REST API changed only in its id and
 * credentials (W.fromTemplate; its unit test: test/e2e-workflows-helper.test.ts;
 * the template's static shape: test/mcp-template.test.ts and
 * test/templates.test.ts): its GetBill OAuth2 credential points at the
 * GetBill-like server (test/server, in the jest process, seeded), its Bearer
 * Auth credential holds the test's token. Published (activated) like the
 * editor's Publish; the client connects to the production URL /mcp/<path>
 * (the template's own webhook ID, no other file's) over streamable HTTP, and
 * over SSE for a list and a read.
 *
 * What a client gets: the tools' names (the node names), their descriptions
 * (the template's), their arguments (the `$fromAI` keys and descriptions);
 * n8n sends no JSON-schema enum, so the allowed values of every list argument
 * are in its description ("One of: …"), which must equal the node's own
 * values in this n8n's /types/nodes.json. Calls: an update (exactly one PUT,
 * the result parsed), a status GetBill does not take (no request, the error
 * lists the allowed values), the corrected update (one PUT), a get, a list and
 * a create (one request each). A wrong or missing token is refused (403).
 * The report: .e2e/reports/mcp-<version>.json.
 */

const fs = require('fs');
const path = require('path');

const { Client } = require('@modelcontextprotocol/sdk/client/index.js');
const { StreamableHTTPClientTransport } = require('@modelcontextprotocol/sdk/client/streamableHttp.js');
const { SSEClientTransport } = require('@modelcontextprotocol/sdk/client/sse.js');

const { ROOT } = require('./lib/package');
const { versionsFor, writeReport } = require('./lib/setup');
const { sharedN8n } = require('./lib/shared');
const W = require('./lib/workflows');
const { GetBillServer } = require('../server/getbill-server');

jest.setTimeout(120000);

const TEMPLATE = path.join(ROOT, 'examples', 'workflows', 'getbill-voice-agent-mcp-tools.json');
const WORKFLOW_ID = 'gbMcpVoiceTools1';
const SCOPES = ['debts:read', 'followups:read', 'followups:write'];
const CRED = { id: 'gbMcpGetBill0001', name: 'GetBill sandbox (MCP)' };
const BEARER = { id: 'gbMcpBearer00001', name: 'MCP bearer token (e2e)' };
const TOKEN = 'mcp-e2e-token-not-a-secret';
const API = '/external-api/v1';
const DEBT = 'debt_mcp_jane';
const FOLLOWUP = 'fu_mcp_0001';
const SUMMARY = 'Payment plan agreed: 3 monthly payments';
const TOOL_TYPE = `${W.GETBILL_TYPE}Tool`;
/** The node's followup statuses in its own order (the order of its messages); checked against /types/nodes.json below. */
const STATUSES = ['on_hold', 'scheduled', 'in_progress', 'sent', 'delivered', 'deal_found', 'no_answer', 'deal_not_found', 'bad_behavior', 'failed', 'cancelled'];

const template = JSON.parse(fs.readFileSync(TEMPLATE, 'utf8'));
const trigger = template.nodes.find((n) => n.type === '@n8n/n8n-nodes-langchain.mcpTrigger');
const tools = template.nodes.filter((n) => n.type === TOOL_TYPE);
/** n8n's tool name for a node: its name, every run of other characters than [a-zA-Z0-9_-] made `_`. */
const toolName = (name) => name.replace(/[^a-zA-Z0-9_-]+/g, '_');
const TOOL = Object.fromEntries(tools.map((n) => [`${n.parameters.resource}.${n.parameters.operation}`, toolName(n.name)]));

/** Every `$fromAI('key', 'description', …)` of a node's parameters: {key: description}. */
function fromAiOf(node) {
	const found = {};
	for (const m of JSON.stringify(node.parameters).matchAll(/\$fromAI\('([^']+)', '([^']*)'/g)) found[m[1]] = m[2];
	return found;
}

/** The allowed values a description lists ("… One of: a, b, c"), or undefined. */
const listedValues = (description) => /One of: ([a-z_]+(?:, [a-z_]+)*)/.exec(description ?? '')?.[1].split(', ');

/** The option values of a field of the GetBill tool in /types/nodes.json: `collection` of `resource`/`operation`, field `name`. */
function nodeValues(nodeTypes, collection, resource, operation, name) {
	const tool = nodeTypes.find((n) => n.name === TOOL_TYPE);
	const property = tool.properties.find(
		(p) => p.name === collection && p.displayOptions?.show?.resource?.includes(resource) && p.displayOptions?.show?.operation?.includes(operation),
	);
	return property.options.find((o) => o.name === name).options.map((o) => o.value);
}

/** An MCP client of the official SDK, connected to `url` (streamable HTTP or SSE), sending `token` as a bearer. */
async function connect(url, { token = TOKEN, transport = 'http' } = {}) {
	const headers = token === undefined ? {} : { Authorization: `Bearer ${token}` };
	const client = new Client({ name: 'getbill-mcp-e2e', version: '1.0.0' }, { capabilities: {} });
	const t =
		transport === 'sse'
			? new SSEClientTransport(new URL(url), {
					requestInit: { headers },
					eventSourceInit: { fetch: (u, init) => fetch(u, { ...init, headers: { ...init?.headers, ...headers, Accept: 'text/event-stream' } }) },
				})
			: new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } });
	await client.connect(t);
	return client;
}

// Every pinned version: tool mode (n8n makes the tool of our node; it differs between versions: test/e2e/README.md).
describe.each(versionsFor('every version'))('GetBill tools behind the MCP Server Trigger, n8n %s', (version) => {
	let n8n;
	let server;
	let mcpUrl;
	let client;
	let nodeTypes;
	const report = { version, template: path.relative(ROOT, TEMPLATE), calls: [] };

	beforeAll(async () => {
		const started = Date.now();
		server = new GetBillServer({ clients: [{ clientId: 'test-client-id', clientSecret: 'test-client-secret', scopes: SCOPES }], followupIds: [] });
		await server.start();
		server.seedDebt(DEBT, { firstname: 'Jane', lastname: 'Smith', amount: 750.5, invoice_reference: 'INV-2024-002' });
		server.seedFollowup(FOLLOWUP, { debt_id: DEBT, status: 'scheduled', type: 'call' });
		server.seedFollowup('fu_mcp_0002', { debt_id: DEBT, status: 'delivered', type: 'sms', summary: 'Reminder sent' });
		n8n = await sharedN8n(version);
		await n8n.importCredentials([
			W.credential({ ...CRED, baseUrl: server.url, scope: SCOPES.join(' ') }),
			{ id: BEARER.id, name: BEARER.name, type: 'httpBearerAuth', data: { token: TOKEN } },
		]);
		await n8n.importWorkflows([W.fromTemplate(TEMPLATE, { id: WORKFLOW_ID, credential: CRED, credentials: { httpBearerAuth: BEARER } })]);
		// Created inactive; published (activated) as the editor's Publish does.
		await n8n.publish(WORKFLOW_ID);
		mcpUrl = `${n8n.url}/mcp/${trigger.parameters.path}`;
		// Registered shortly after publishing: until then 404 (the probe has no token: 403 after).
		await n8n.waitForProductionUrl(mcpUrl);
		nodeTypes = await n8n.rest('/types/nodes.json');
		report.setUpMs = Date.now() - started;
		report.mcpUrl = mcpUrl.replace(n8n.url, '<n8n>');
	}, 300000);

	afterAll(async () => {
		await client?.close().catch(() => {});
		if (n8n) await n8n.unpublish(WORKFLOW_ID).catch(() => {});
		await server?.stop();
		writeReport(`mcp-${version}.json`, report);
	});

	/** The GetBill API requests made while `fn` ran: [method, path with query, body]. */
	async function recorded(fn) {
		const before = server.requests.length;
		const value = await fn();
		const api = server.requests
			.slice(before)
			.filter((q) => q.path.startsWith(API))
			.map((q) => {
				const query = new URLSearchParams(q.query).toString();
				return [q.method, `${q.path.slice(API.length)}${query ? `?${query}` : ''}`, q.rawBody ? JSON.parse(q.rawBody) : undefined, q.status];
			});
		return { value, api };
	}

	/** Calls a tool; returns the result, its text, the requests GetBill received; recorded in the report. */
	async function call(name, args, { via = client, transport = 'http' } = {}) {
		const started = Date.now();
		const { value: result, api } = await recorded(() => via.callTool({ name, arguments: args }));
		const text = result.content.map((c) => c.text).join('\n');
		report.calls.push({ transport, tool: name, arguments: args, isError: Boolean(result.isError), text, requests: api, ms: Date.now() - started });
		return { result, text, api };
	}

	test('a wrong or missing bearer token is refused (403); the MCP client cannot connect with it', async () => {
		const initialize = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-03-26', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } };
		const statuses = {};
		for (const [what, auth] of [['wrong', 'Bearer not-the-token'], ['missing', undefined]]) {
			const res = await fetch(mcpUrl, {
				method: 'POST',
				headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...(auth ? { authorization: auth } : {}) },
				body: JSON.stringify(initialize),
			});
			statuses[what] = res.status;
			await res.text();
		}
		expect(statuses).toEqual({ wrong: 403, missing: 403 });
		const refused = await connect(mcpUrl, { token: 'not-the-token' }).then(
			() => ({ connected: true }),
			(e) => ({ code: e.code, message: e.message }),
		);
		expect(refused).toEqual({ code: 403, message: 'Streamable HTTP error: Error POSTing to endpoint: Authorization data is wrong!' });
		report.refused = { statuses, sdkError: refused };
	});

	test('tools/list: the four tools, their descriptions and $fromAI arguments; every list argument names the node\'s allowed values', async () => {
		client = await connect(mcpUrl);
		const { tools: listed } = await client.listTools();
		report.tools = listed;
		expect(listed.map((t) => t.name).sort()).toEqual(['Create_followup', 'Get_debt', 'List_followups_of_debt', 'Update_followup']);
		for (const node of tools) {
			const tool = listed.find((t) => t.name === toolName(node.name));
			expect([node.name, tool.description]).toEqual([node.name, node.parameters.toolDescription]);
			const args = fromAiOf(node);
			expect(tool.inputSchema.type).toBe('object');
			expect(Object.keys(tool.inputSchema.properties).sort()).toEqual(Object.keys(args).sort());
			for (const [key, description] of Object.entries(args)) {
				// A string with the $fromAI description, no enum: n8n never sends one.
				expect([node.name, key, tool.inputSchema.properties[key]]).toEqual([node.name, key, { type: 'string', description }]);
			}
			expect([...tool.inputSchema.required].sort()).toEqual(Object.keys(args).sort());
		}
		// The allowed values in the descriptions are the node's own (this n8n's /types/nodes.json).
		const schema = (tool) => listed.find((t) => t.name === TOOL[tool]).inputSchema.properties;
		const lists = {
			'update status': [listedValues(schema('followup.update').status.description), nodeValues(nodeTypes, 'updateFields', 'followup', 'update', 'status')],
			'create type': [listedValues(schema('followup.create').type.description), nodeValues(nodeTypes, 'additionalFields', 'followup', 'create', 'type')],
			'create direction': [listedValues(schema('followup.create').direction.description), nodeValues(nodeTypes, 'additionalFields', 'followup', 'create', 'direction')],
		};
		report.statusArgument = schema('followup.update').status;
		report.allowedValues = lists;
		for (const [what, [inTool, inNode]] of Object.entries(lists)) {
			expect([what, inTool]).toEqual([what, expect.any(Array)]);
			expect([what, [...inTool].sort()]).toEqual([what, [...inNode].sort()]);
			expect(new Set(inTool).size).toBe(inTool.length);
		}
		expect(lists['update status'][0]).toContain('deal_found');
	});

	test('Update followup: valid (one PUT, the result parsed), a wrong status (no request, the allowed values), corrected (one PUT)', async () => {
		const allowed = nodeValues(nodeTypes, 'updateFields', 'followup', 'update', 'status');
		const update = TOOL['followup.update'];
		const valid = await call(update, { followupId: FOLLOWUP, status: 'in_progress', summary: 'Debtor asked for a callback' });
		expect(valid.result.isError).toBeFalsy();
		expect(valid.api).toEqual([['PUT', `/followups/${FOLLOWUP}`, { status: 'in_progress', summary: 'Debtor asked for a callback' }, 200]]);
		const [updated, ...more] = JSON.parse(valid.text);
		expect(more).toEqual([]);
		expect(updated).toMatchObject({ id: FOLLOWUP, status: 'in_progress', summary: 'Debtor asked for a callback' });

		const wrong = await call(update, { followupId: FOLLOWUP, status: 'won', summary: SUMMARY });
		expect(wrong.api).toEqual([]);
		// A thrown tool error: isError, the error's name and the node's message for a model
		// (n8n 2.8.4 appends the error's stack: the paths of n8n's install reach the client). The stack
		// lines pin n8n's own behaviour, not the package's, so that a change shows in docs/mcp.md's wording.
		expect(wrong.result.isError).toBe(true);
		const [first, ...stack] = wrong.text.split('\n');
		expect(first).toBe(`NodeOperationError: Status (status) is not a value GetBill accepts: "won". Allowed values: ${STATUSES.join(', ')}.`);
		if (version === '2.8.4') expect(stack).toEqual(expect.arrayContaining([first, expect.stringMatching(/^ {4}at /)]));
		else expect(stack).toEqual([]);
		expect([...STATUSES].sort()).toEqual([...allowed].sort());
		report.wrongStatus = { isError: wrong.result.isError, text: wrong.text };

		const corrected = await call(update, { followupId: FOLLOWUP, status: 'deal_found', summary: SUMMARY });
		expect(corrected.result.isError).toBeFalsy();
		expect(corrected.api).toEqual([['PUT', `/followups/${FOLLOWUP}`, { status: 'deal_found', summary: SUMMARY }, 200]]);
		expect(JSON.parse(corrected.text)[0]).toMatchObject({ id: FOLLOWUP, status: 'deal_found', summary: SUMMARY });
		expect(server.followups.get(FOLLOWUP)).toMatchObject({ status: 'deal_found', summary: SUMMARY });
	});

	test('Get debt and List followups of debt: one GET each, the items as JSON text', async () => {
		const debt = await call(TOOL['debt.get'], { debtId: DEBT });
		expect(debt.result.isError).toBeFalsy();
		expect(debt.api).toEqual([['GET', `/debts/${DEBT}`, undefined, 200]]);
		expect(JSON.parse(debt.text)).toEqual([expect.objectContaining({ id: DEBT, firstname: 'Jane', lastname: 'Smith', amount: 750.5, invoice_reference: 'INV-2024-002' })]);

		const list = await call(TOOL['followup.getAllByDebt'], { debtId: DEBT });
		expect(list.result.isError).toBeFalsy();
		expect(list.api).toHaveLength(1);
		expect(list.api[0].slice(0, 2)).toEqual(['GET', expect.stringMatching(new RegExp(`^/followups/debt/${DEBT}(\\?|$)`))]);
		const items = JSON.parse(list.text);
		expect(items.map((f) => [f.id, f.status]).sort()).toEqual([[FOLLOWUP, 'deal_found'], ['fu_mcp_0002', 'delivered']]);
	});

	test('Create followup: one POST with the arguments and the template\'s fixed status', async () => {
		const args = { debtId: DEBT, type: 'call', direction: 'outbound', scheduledAt: '2030-03-14T10:00:00+01:00', summary: 'Debtor asked to be called back on Thursday' };
		const created = await call(TOOL['followup.create'], args);
		expect(created.result.isError).toBeFalsy();
		expect(created.api).toHaveLength(1);
		const [method, apiPath, body, status] = created.api[0];
		expect([method, apiPath, status]).toEqual(['POST', '/followups', 201]);
		expect(body).toEqual({ debt_id: DEBT, type: 'call', direction: 'outbound', scheduled_at: '2030-03-14T10:00:00+01:00', summary: args.summary, status: 'scheduled' });
		const [followup] = JSON.parse(created.text);
		expect(followup).toMatchObject({ debt_id: DEBT, type: 'call', direction: 'outbound', status: 'scheduled' });
	});

	test('over SSE: the same four tools, and a Get debt (one GET)', async () => {
		const sse = await connect(mcpUrl, { transport: 'sse' });
		try {
			const { tools: listed } = await sse.listTools();
			expect(listed.map((t) => t.name).sort()).toEqual(['Create_followup', 'Get_debt', 'List_followups_of_debt', 'Update_followup']);
			const debt = await call(TOOL['debt.get'], { debtId: DEBT }, { via: sse, transport: 'sse' });
			expect(debt.api).toEqual([['GET', `/debts/${DEBT}`, undefined, 200]]);
			expect(JSON.parse(debt.text)[0]).toMatchObject({ id: DEBT });
		} finally {
			await sse.close();
		}
	});
});
