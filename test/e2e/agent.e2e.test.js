'use strict';

/*
 * The GetBill tool inside n8n's AI Agent (issue #15), on every pinned n8n
 * version: Manual Trigger → AI Agent (version 3.1, prompt defined in the node)
 * with n8n's OpenAI Chat Model (its `openAiApi` credential's Base URL pointing
 * at a scripted OpenAI-compatible server on 127.0.0.1, lib/openai-stub.js,
 * "Use Responses API" off) and the GetBill tool (`getBillTool`, Followup
 * Update, its ID, Status and Summary filled with `$fromAI(...)`), against the
 * GetBill-like server; on the shared n8n server of the version (lib/shared.js), each
 * case's workflow run like the editor's "Execute workflow" (over REST).
 *
 * The scripted model reads the tools it is offered (the GetBill tool's JSON
 * schema must name followupId, status and summary, with their descriptions),
 * calls the tool, then answers with what the tool returned. Cases: a valid
 * update (exactly one PUT); a status GetBill does not take ("won": no request,
 * the model gets the node's validation message with the allowed values, the
 * run ends with the agent's answer); and the model correcting itself (it
 * reads the allowed values in that message and calls again: exactly one PUT,
 * with the value it picked there).
 *
 * Reads as tools (issue #22): Get Debt in each Tool Output (Simplified by
 * default, Raw, Selected Fields) gives the model the debt's fields that mode
 * keeps, and Report Download gives it the file's details (n8n drops the
 * binary): the model's first turn calls the read it is offered, the answer
 * quotes the result.
 *
 * n8n 2.8.4 stops the whole run when a tool fails, unless the tool node's
 * Settings → On Error is "Continue" (n8n 2.41.1 hands the error to the model
 * by default): on 2.8.4 the tool node has that setting, and one more case
 * pins the stop without it. The editor's picture of the workflow
 * (docs/ai-agent.png, in the README) is taken on DOCS_VERSION, in a context of
 * the run's one chromium.
 */

const fs = require('fs');
const path = require('path');

const { versionsFor } = require('./lib/setup');
const W = require('./lib/workflows');
const { setUpSuite, tearDownSuite } = require('./lib/run');
const { OpenAiStub, textOf, MODEL } = require('./lib/openai-stub');
const { ROOT } = require('./lib/package');

jest.setTimeout(240000);

const DOCS_VERSION = '2.41.1';
const SCOPES = ['followups:read', 'followups:write', 'debts:read', 'reports:read'];
const CRED = { id: 'gbAgentCred00001', name: 'GetBill sandbox (agent)' };
const OPENAI_CRED = { id: 'oaiStubCred00001', name: 'OpenAI (scripted stub)' };
const FOLLOWUP = 'fu00007';
const STATUSES = ['on_hold', 'scheduled', 'in_progress', 'sent', 'delivered', 'deal_found', 'no_answer', 'deal_not_found', 'bad_behavior', 'failed', 'cancelled'];
const TOOL_NAME = 'Update_followup';
const SUMMARY = 'Payment plan agreed: 3 monthly payments';
const DEBT_ID = 'debt_e2e_jane';
const REPORT_ID = 'report_e2e_jan';

/** The read tools (named after their node, as n8n does) and the arguments the scripted model calls them with. */
const READ_TOOLS = { Get_debt: { debtId: DEBT_ID }, Download_report: { reportId: REPORT_ID } };

/** What the README tells to put in the GetBill tool's fields. */
const FROM_AI = {
	followupId: ['followupId', 'The ID of the followup to update, e.g. fu00007'],
	status: ['status', `The new status of the followup, one of: ${STATUSES.join(', ')}`],
	summary: ['summary', 'One sentence on the outcome of the call'],
};
const fromAi = ([key, description]) => `={{ $fromAI('${key}', '${description}', 'string') }}`;

/** The prompts: each names what its case does, the scripted model reads it. */
const PROMPTS = {
	valid: `Mark followup ${FOLLOWUP} as deal found with summary "${SUMMARY}".`,
	invalid: `Mark followup ${FOLLOWUP} as won with summary "${SUMMARY}". Do not retry.`,
	retry: `Mark followup ${FOLLOWUP} as won with summary "${SUMMARY}". If GetBill refuses the status, pick the right one and retry.`,
};

/**
 * The scripted model. First turn: checks the GetBill tool it is offered, then
 * calls it (status "deal_found", or "won" for the cases that test the error).
 * After a tool result: in the retry case, an error gets a second call with the
 * value the error lists that matches "deal"; otherwise the final answer quotes
 * the tool's result.
 */
function script(body) {
	const messages = body.messages ?? [];
	const read = (body.tools ?? []).map((t) => t.function?.name).find((name) => READ_TOOLS[name]);
	if (read) {
		const answers = messages.filter((m) => m.role === 'tool').map(textOf);
		return answers.length ? { content: `GetBill answered: ${answers[answers.length - 1]}` } : { toolCalls: [{ name: read, args: READ_TOOLS[read] }] };
	}
	const prompt = messages.filter((m) => m.role === 'user').map(textOf).join('\n');
	const tool = (body.tools ?? []).find((t) => t.function?.name === TOOL_NAME);
	const schema = tool?.function?.parameters;
	const missing = ['followupId', 'status', 'summary'].filter((key) => !schema?.properties?.[key]);
	if (!tool || missing.length) return { content: `SCHEMA PROBLEM: no ${TOOL_NAME} tool with ${missing.join(', ')}` };
	const results = messages.filter((m) => m.role === 'tool').map(textOf);
	const call = (status) => ({ toolCalls: [{ name: TOOL_NAME, args: { followupId: FOLLOWUP, status, summary: SUMMARY } }] });
	if (results.length === 0) return call(prompt.includes('as won') ? 'won' : 'deal_found');
	const last = results[results.length - 1];
	if (prompt.includes('pick the right one') && results.length === 1 && /error/i.test(last)) {
		const allowed = /Allowed values: ([a-z_, ]+)/.exec(last)?.[1].split(', ') ?? [];
		const picked = allowed.find((value) => value.startsWith('deal'));
		if (picked) return call(picked);
		return { content: `I cannot tell which status to use: ${last}` };
	}
	return { content: `GetBill answered: ${last}` };
}

function agentWorkflow(id, name, prompt, { onError, tool: given } = {}) {
	const trigger = W.node('When clicking ‘Execute workflow’', 'n8n-nodes-base.manualTrigger', 1);
	const agent = W.node('AI Agent', '@n8n/n8n-nodes-langchain.agent', 3.1, { promptType: 'define', text: prompt, options: {} });
	const model = W.node(
		'OpenAI Chat Model',
		'@n8n/n8n-nodes-langchain.lmChatOpenAi',
		1.3,
		{ model: { __rl: true, mode: 'id', value: MODEL }, responsesApiEnabled: false, options: {} },
		{ credentials: { openAiApi: { id: OPENAI_CRED.id, name: OPENAI_CRED.name } } },
	);
	const tool = given ?? W.node(
		'Update followup',
		`${W.GETBILL_TYPE}Tool`,
		2,
		{
			resource: 'followup',
			operation: 'update',
			followupId: { __rl: true, mode: 'id', value: fromAi(FROM_AI.followupId) },
			updateFields: { status: fromAi(FROM_AI.status), summary: fromAi(FROM_AI.summary) },
		},
		{ credentials: { [W.CREDENTIAL_TYPE]: { id: CRED.id, name: CRED.name } }, ...(onError ? { onError } : {}) },
	);
	trigger.position = [0, 0];
	agent.position = [220, 0];
	model.position = [160, 220];
	tool.position = [400, 220];
	return {
		id,
		name,
		nodes: [trigger, agent, model, tool],
		connections: {
			[trigger.name]: { main: [[{ node: agent.name, type: 'main', index: 0 }]] },
			[model.name]: { ai_languageModel: [[{ node: agent.name, type: 'ai_languageModel', index: 0 }]] },
			[tool.name]: { ai_tool: [[{ node: agent.name, type: 'ai_tool', index: 0 }]] },
		},
		active: false,
		settings: { executionOrder: 'v1' },
		pinData: {},
		tags: [],
	};
}

/**
 * The tool node's On Error per version: n8n 2.41.1 gives a failing tool's
 * error to the model by default; n8n 2.8.4 stops the run unless it is set.
 */
const TOOL_ON_ERROR = { '2.8.4': 'continueRegularOutput' };

const WF = {
	valid: 'gbAgentValid0001',
	invalid: 'gbAgentInvalid01',
	retry: 'gbAgentRetry0001',
	stops: 'gbAgentStops0001',
	simplified: 'gbAgentDebtSimpl',
	raw: 'gbAgentDebtRaw01',
	selectedFields: 'gbAgentDebtSelec',
	download: 'gbAgentDownload1',
};

/** Get Debt's Tool Output parameters per mode (Simplified: the default, nothing set). */
const TOOL_OUTPUT = {
	simplified: {},
	raw: { toolOutput: 'raw' },
	selectedFields: { toolOutput: 'selectedFields', toolFields: 'id, amount, status' },
};

/** A GetBill read tool (version 2) named `name`, its ID filled by the model. */
function readTool(name, parameters, onError) {
	return W.node(name, `${W.GETBILL_TYPE}Tool`, 2, parameters, { credentials: { [W.CREDENTIAL_TYPE]: { id: CRED.id, name: CRED.name } }, ...(onError ? { onError } : {}) });
}

function workflows(version) {
	const onError = TOOL_ON_ERROR[version];
	const debtTool = (mode) =>
		readTool('Get debt', { resource: 'debt', operation: 'get', debtId: { __rl: true, mode: 'id', value: fromAi(['debtId', 'The ID of the debt to get']) }, ...TOOL_OUTPUT[mode] }, onError);
	const downloadTool = readTool(
		'Download report',
		{ resource: 'report', operation: 'download', reportId: { __rl: true, mode: 'id', value: fromAi(['reportId', 'The ID of the report to download']) }, binaryPropertyName: 'data' },
		onError,
	);
	return [
		agentWorkflow(WF.valid, 'AI Agent: update a followup in GetBill', PROMPTS.valid, { onError }),
		agentWorkflow(WF.invalid, 'E2E agent: a status GetBill does not take', PROMPTS.invalid, { onError }),
		agentWorkflow(WF.retry, 'E2E agent: the model corrects itself', PROMPTS.retry, { onError }),
		agentWorkflow(WF.stops, 'E2E agent: a failing tool with On Error unset', PROMPTS.invalid),
		...Object.keys(TOOL_OUTPUT).map((mode) => agentWorkflow(WF[mode], `E2E agent: Get Debt, Tool Output ${mode}`, `What does debt ${DEBT_ID} owe?`, { tool: debtTool(mode) })),
		agentWorkflow(WF.download, 'E2E agent: Report Download as a tool', `Download report ${REPORT_ID}.`, { tool: downloadTool }),
	];
}

/** The AI Agent's items of its last run (its final answer). */
const agentOutput = (run) => {
	const runs = run?.data?.resultData?.runData?.['AI Agent'] ?? [];
	return runs[runs.length - 1]?.data?.main?.[0] ?? [];
};

/** The tool results n8n sent back to the model, in order. */
const toolResults = (completions) => {
	const last = completions[completions.length - 1];
	return (last?.messages ?? []).filter((m) => m.role === 'tool').map(textOf);
};

const MESSAGE_WON = `Status (status) is not a value GetBill accepts: "won". Allowed values: ${STATUSES.join(', ')}.`;

// Every pinned version: tool mode (n8n builds getBillTool from the node and hands its errors to the
// model, or not, differently per version: see "On Error unset" below).
describe.each(versionsFor('every version'))('the GetBill tool in an AI Agent, n8n %s', (version) => {
	let suite;
	let server;
	let n8n;
	let stub;
	const report = { version, cases: {} };

	beforeAll(async () => {
		stub = new OpenAiStub({ script });
		await stub.start();
		suite = await setUpSuite({
			version,
			name: 'agent',
			scopes: SCOPES,
			credential: CRED,
			credentials: [{ id: OPENAI_CRED.id, name: OPENAI_CRED.name, type: 'openAiApi', data: { apiKey: 'sk-stub-not-a-secret', url: stub.url } }],
			workflows: workflows(version),
			seed: (s) => {
				s.seedFollowup(FOLLOWUP, { status: 'scheduled' });
				s.seedDebt(DEBT_ID, { firstname: 'Jane', lastname: 'Smith', amount: 750.5, invoice_reference: 'INV-2024-002', due_date: '2024-04-02' });
				s.seedReport(REPORT_ID, {});
			},
		});
		({ server, n8n } = suite);
	}, 300000);

	afterAll(async () => {
		await stub?.stop();
		await tearDownSuite(suite, `agent-${version}.json`, report);
	});

	/** Runs a workflow; returns the run, what the model was sent and the GetBill API requests. */
	async function execute(id, name) {
		const before = { api: server.requests.length, model: stub.requests.length };
		const r = await n8n.execute(id);
		const model = stub.requests.slice(before.model);
		const completions = model.filter((q) => q.path === '/v1/chat/completions').map((q) => q.body);
		const api = server.requests.slice(before.api).filter((q) => q.path.startsWith('/external-api/'));
		const result = { ...r, completions, modelPaths: model.map((q) => `${q.method} ${q.path}`), api, output: agentOutput(r.run), toolResults: toolResults(completions) };
		report.cases[name] = {
			ok: r.ok,
			ms: r.ms,
			error: r.run?.data?.resultData?.error?.message,
			modelRequests: result.modelPaths,
			completions,
			api: api.map((q) => ({ method: q.method, path: q.rawPath ?? q.path, body: q.rawBody })),
			output: result.output.map((o) => o.json),
		};
		return result;
	}

	const bodyOf = (q) => JSON.parse(q.rawBody);

	test('valid update: the tool offered with the $fromAI parameters, exactly one PUT, the answer carries the result', async () => {
		const r = await execute(WF.valid, 'valid');
		expect({ ok: r.ok, error: r.run?.data?.resultData?.error?.message }).toEqual({ ok: true, error: undefined });
		// What n8n calls: the chat completions API only, twice (the tool call, then the answer)
		expect(r.modelPaths).toEqual(['POST /v1/chat/completions', 'POST /v1/chat/completions']);
		const [first] = r.completions;
		expect(first).toMatchObject({ model: MODEL, stream: false });
		const tool = first.tools.find((t) => t.function.name === TOOL_NAME);
		expect(tool.type).toBe('function');
		// n8n's description of the tool when "Description" is left to it: the operation's action
		expect(tool.function.description).toBe('Update followup in GetBill');
		expect(tool.function.parameters).toMatchObject({
			type: 'object',
			properties: {
				followupId: { type: 'string', description: FROM_AI.followupId[1] },
				status: { type: 'string', description: FROM_AI.status[1] },
				summary: { type: 'string', description: FROM_AI.summary[1] },
			},
		});
		expect([...tool.function.parameters.required].sort()).toEqual(['followupId', 'status', 'summary']);
		expect(textOf(first.messages.find((m) => m.role === 'user'))).toContain(PROMPTS.valid);
		// GetBill received exactly the PUT the model asked for
		expect(r.api.map((q) => [q.method, q.path, bodyOf(q)])).toEqual([
			['PUT', `/external-api/v1/followups/${FOLLOWUP}`, { status: 'deal_found', summary: SUMMARY }],
		]);
		// The tool's result went back to the model, and the agent's answer carries it
		expect(r.toolResults).toHaveLength(1);
		const [result] = JSON.parse(r.toolResults[0]);
		expect(result).toMatchObject({ id: FOLLOWUP, status: 'deal_found', summary: SUMMARY });
		expect(r.output).toHaveLength(1);
		expect(r.output[0].json.output).toBe(`GetBill answered: ${r.toolResults[0]}`);
		expect(server.followups.get(FOLLOWUP)).toMatchObject({ status: 'deal_found', summary: SUMMARY });
	});

	test('a status GetBill does not take: no request, the model gets the validation message with the allowed values, the run ends with its answer', async () => {
		const r = await execute(WF.invalid, 'invalid');
		expect({ ok: r.ok, error: r.run?.data?.resultData?.error?.message }).toEqual({ ok: true, error: undefined });
		expect(r.api).toEqual([]);
		expect(r.toolResults).toHaveLength(1);
		expect(JSON.parse(r.toolResults[0])).toEqual([{ error: MESSAGE_WON }]);
		expect(r.output[0].json.output).toBe(`GetBill answered: ${r.toolResults[0]}`);
		expect(r.output[0].json.output).toContain('Allowed values: on_hold, scheduled');
		expect(r.output[0].json.output).not.toContain('[item 0]');
	});

	test('the model corrects itself: "won" refused, then the value it read in the message: exactly one PUT, with that value', async () => {
		const r = await execute(WF.retry, 'retry');
		expect({ ok: r.ok, error: r.run?.data?.resultData?.error?.message }).toEqual({ ok: true, error: undefined });
		expect(r.completions).toHaveLength(3);
		// The second call's arguments: what the model found in the first result
		const retried = r.completions[2].messages.filter((m) => m.role === 'assistant' && m.tool_calls?.length).map((m) => JSON.parse(m.tool_calls[0].function.arguments).status);
		expect(retried).toEqual(['won', 'deal_found']);
		expect(r.toolResults).toHaveLength(2);
		expect(JSON.parse(r.toolResults[0])).toEqual([{ error: MESSAGE_WON }]);
		expect(JSON.parse(r.toolResults[1])[0]).toMatchObject({ id: FOLLOWUP, status: 'deal_found' });
		expect(r.api.map((q) => [q.method, q.path, bodyOf(q)])).toEqual([
			['PUT', `/external-api/v1/followups/${FOLLOWUP}`, { status: 'deal_found', summary: SUMMARY }],
		]);
		expect(r.output[0].json.output).toBe(`GetBill answered: ${r.toolResults[1]}`);
	});

	// This pins n8n's own behaviour, not the package's: what n8n does with a failing tool when the tool
	// node's On Error is unset. docs/ai-agent.md tells users to set On Error to Continue on 2.8.4 because
	// of it, and the cases above set it there (TOOL_ON_ERROR): when n8n changes it, that advice changes.
	test('the tool node with On Error unset: what this n8n does with a failing tool', async () => {
		const r = await execute(WF.stops, 'on-error-unset');
		expect(r.api).toEqual([]);
		if (TOOL_ON_ERROR[version]) {
			// n8n 2.8.4 stops the run at the tool's error: the model never sees it.
			expect(r.ok).toBe(false);
			expect(r.completions).toHaveLength(1);
			expect(r.run?.data?.resultData?.error?.message).toBe(MESSAGE_WON);
		} else {
			// n8n 2.41.1 gives the error's message (only) to the model and goes on.
			expect(r.ok).toBe(true);
			expect(JSON.parse(r.toolResults[0])).toEqual([{ error: MESSAGE_WON }]);
		}
	});

	/** The debt's fields each Tool Output keeps: those of the built node (dist), Raw every one GetBill returned. */
	const expectedKeys = (mode) => {
		const { DEBT } = require(path.join(ROOT, 'dist', 'nodes', 'GetBill', 'resources', 'debt.js'));
		return { simplified: DEBT.simplified, raw: Object.keys(server.getDebt(DEBT_ID)), selectedFields: ['id', 'amount', 'status'] }[mode];
	};

	test.each(Object.keys(TOOL_OUTPUT))('Get Debt as a tool, Tool Output %s: the model gets the fields that mode keeps', async (mode) => {
		const r = await execute(WF[mode], `tool-output-${mode}`);
		expect({ ok: r.ok, error: r.run?.data?.resultData?.error?.message }).toEqual({ ok: true, error: undefined });
		expect(r.api.map((q) => [q.method, q.path])).toEqual([['GET', `/external-api/v1/debts/${DEBT_ID}`]]);
		const tool = r.completions[0].tools.find((t) => t.function.name === 'Get_debt');
		expect(tool.function.description).toBe('Get debt in GetBill');
		expect(r.toolResults).toHaveLength(1);
		const items = JSON.parse(r.toolResults[0]);
		expect(items).toHaveLength(1);
		expect(Object.keys(items[0])).toEqual(expectedKeys(mode));
		expect(items[0]).toMatchObject({ id: DEBT_ID, amount: 750.5 });
		report.cases[`tool-output-${mode}`].characters = r.toolResults[0].length;
		expect(r.output[0].json.output).toBe(`GetBill answered: ${r.toolResults[0]}`);
	});

	test('Report Download as a tool: the model gets the file\'s details, the run keeps the file', async () => {
		const r = await execute(WF.download, 'tool-download');
		expect({ ok: r.ok, error: r.run?.data?.resultData?.error?.message }).toEqual({ ok: true, error: undefined });
		expect(r.api.map((q) => [q.method, q.path])).toEqual([['GET', `/external-api/v1/reports/download/${REPORT_ID}`]]);
		const size = server.reportFiles.get(REPORT_ID).length;
		expect(JSON.parse(r.toolResults[0])).toEqual([
			{
				id: REPORT_ID,
				filename: 'financial_summary_2024_01.pdf',
				mime_type: 'application/pdf',
				file_size: size,
				note: expect.stringContaining('is attached to this tool\'s output as binary data (field "data")'),
			},
		]);
		expect(r.toolResults[0]).not.toMatch(/signature|download_url|binary data, which is not supported/);
	});

	if (version === DOCS_VERSION) {
		// After the cases above ran this workflow: run alone (jest -t), the tool panel's input pane differs from docs/ai-agent-tool.png.
		test('the agent workflow in the editor and its GetBill tool: screenshots (docs/ai-agent.png, docs/ai-agent-tool.png)', async () => {
			const { browserSession, openInEditor, screenshot, tid } = require('./lib/browser');
			// The editor is shown only this file's credentials (the tool's panel shows its credential).
			const credentials = new Set([n8n.credentialId(CRED.id), n8n.credentialId(OPENAI_CRED.id)]);
			const browser = await browserSession({ url: n8n.url, viewport: { width: 1200, height: 700 }, credentials });
			try {
				const { page } = browser;
				await openInEditor(page, `${n8n.url}/workflow/${n8n.id(WF.valid)}`);
				await tid(page, 'canvas-node').nth(3).waitFor({ state: 'visible' });
				const names = await tid(page, 'canvas-node').evaluateAll((els) => els.map((el) => el.innerText.trim()));
				expect(names.join('\n')).toMatch(/AI Agent[\s\S]*OpenAI Chat Model[\s\S]*Update followup/);
				// The pointer off the canvas (where the sign-in button was, an edge may be now: hovered, it shows its delete button)
				await page.mouse.move(1, 1);
				await page.waitForTimeout(500);
				saveDocsShot(await screenshot(page), 'ai-agent.png');
				// The tool's panel: the fields the model fills ($fromAI), tall enough for Status and Summary
				await page.setViewportSize({ width: 1200, height: 1150 });
				await tid(page, 'canvas-node').filter({ hasText: 'Update followup' }).dblclick();
				const ndv = tid(page, 'ndv');
				await ndv.waitFor({ state: 'visible' });
				const params = tid(ndv, 'node-parameters');
				await page.waitForFunction((el) => !/Loading fields/.test(el.innerText) && /Summary/.test(el.innerText), await params.elementHandle(), { timeout: 30000 });
				expect(await params.innerText()).toMatch(/Followup[\s\S]*Update Fields[\s\S]*Status[\s\S]*Summary/);
				await page.waitForTimeout(500);
				saveDocsShot(await screenshot(page), 'ai-agent-tool.png');
			} finally {
				await browser.close();
			}
		});
	}
});

/** docs/<name>: written when missing, or always with GETBILL_E2E_UPDATE_DOCS=1; a copy under .e2e/screenshots. */
function saveDocsShot(buffer, name) {
	const shots = path.join(ROOT, '.e2e', 'screenshots', DOCS_VERSION);
	fs.mkdirSync(shots, { recursive: true });
	fs.writeFileSync(path.join(shots, name), buffer);
	const docsFile = path.join(ROOT, 'docs', name);
	if (/^(1|true|yes)$/i.test(process.env.GETBILL_E2E_UPDATE_DOCS ?? '') || !fs.existsSync(docsFile)) {
		fs.writeFileSync(`${docsFile}.tmp`, buffer);
		fs.renameSync(`${docsFile}.tmp`, docsFile);
	}
}
