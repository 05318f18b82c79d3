/**
 * Runs the GetBill node inside n8n-core's real engine (WorkflowExecute), with
 * n8n-core's real request and OAuth2 helpers. Only the credential store is
 * ours: it applies the credential's defaults and resolves its expressions
 * ($self) the way n8n's CredentialsHelper does, and keeps the token n8n saves.
 */
import { ExecutionLifecycleHooks, LoadOptionsContext, WorkflowExecute } from 'n8n-core';
import type {
	ICredentialDataDecryptedObject,
	ICredentials,
	ICredentialType,
	IDataObject,
	IExecuteFunctions,
	IHttpRequestOptions,
	INodeListSearchResult,
	INode,
	INodeCredentialsDetails,
	INodeExecutionData,
	INodeParameters,
	INodeProperties,
	INodeType,
	INodeTypeDescription,
	INodeTypes,
	IRun,
	IVersionedNodeType,
	IWorkflowSettings,
	IWorkflowExecuteAdditionalData,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import { ICredentialsHelper, NodeConnectionTypes, NodeHelpers, Workflow } from 'n8n-workflow';

import { GetBillOAuth2Api } from '../../credentials/GetBillOAuth2Api.credentials';
import { GetBill } from '../../nodes/GetBill/GetBill.node';

export const GETBILL_NODE_TYPE = 'n8n-nodes-getbill.getBill';
/** The node as an AI Agent's tool: n8n's `…Tool` variant of the type, which runs the same `execute` */
export const GETBILL_TOOL_TYPE = 'n8n-nodes-getbill.getBillTool';
const INPUT_NODE_TYPE = 'test.input';

/**
 * The defaults of n8n's own `oAuth2Api` (packages/nodes-base/credentials/OAuth2Api),
 * which GetBill's credential extends. Ours override most of them; the test that
 * the token request carries the client credentials in the body proves the
 * `authentication` override (the parent's default is a Basic auth header).
 */
const OAUTH2_API_PARENT: INodeProperties[] = [
	{ displayName: 'Grant Type', name: 'grantType', type: 'options', options: [{ name: 'Authorization Code', value: 'authorizationCode' }, { name: 'Client Credentials', value: 'clientCredentials' }, { name: 'PKCE', value: 'pkce' }], default: 'authorizationCode' },
	{ displayName: 'Authorization URL', name: 'authUrl', type: 'string', default: '' },
	{ displayName: 'Access Token URL', name: 'accessTokenUrl', type: 'string', default: '' },
	{ displayName: 'Client ID', name: 'clientId', type: 'string', default: '' },
	{ displayName: 'Client Secret', name: 'clientSecret', type: 'string', typeOptions: { password: true }, default: '' },
	{ displayName: 'Scope', name: 'scope', type: 'string', default: '' },
	{ displayName: 'Auth URI Query Parameters', name: 'authQueryParameters', type: 'string', default: '' },
	{ displayName: 'Authentication', name: 'authentication', type: 'options', options: [{ name: 'Body', value: 'body' }, { name: 'Header', value: 'header' }], default: 'header' },
	{ displayName: 'Ignore SSL Issues (Insecure)', name: 'ignoreSSLIssues', type: 'boolean', default: false },
];

/** Parent properties overridden by the child's, as n8n merges an `extends` chain. */
export function credentialProperties(type: ICredentialType): INodeProperties[] {
	const own = new Map(type.properties.map((p) => [p.name, p]));
	const parent = type.extends?.includes('oAuth2Api') ? OAUTH2_API_PARENT : [];
	return [...parent.filter((p) => !own.has(p.name)), ...type.properties];
}

// eslint-disable-next-line @n8n/community-nodes/node-usable-as-tool -- the test's input node, never a tool
class InputNode implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Test Input',
		name: INPUT_NODE_TYPE,
		group: ['input'],
		version: 1,
		description: 'Emits the items given as JSON',
		defaults: { name: 'Input' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		properties: [{ displayName: 'Items', name: 'items', type: 'json', default: '[]' }],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = JSON.parse(this.getNodeParameter('items', 0) as string) as IDataObject[];
		return [items.map((json, index) => ({ json, pairedItem: { item: 0 }, index }) as INodeExecutionData)];
	}
}

/**
 * The node's `…Tool` variant as n8n makes it (convertNodeToAiTool): the same
 * node, its description's name ending in `Tool`, which is what a parameter's
 * `'@tool'` display condition reads (so n8n keeps a tool's parameters as a
 * tool shows them).
 */
export function asToolType(node: INodeType): INodeType {
	const description = { ...node.description, name: `${node.description.name}Tool`, displayName: `${node.description.displayName} Tool` };
	return Object.create(node, { description: { value: description } }) as INodeType;
}

class TestNodeTypes implements INodeTypes {
	private readonly types: Record<string, INodeType>;

	constructor(getBill: INodeType = new GetBill()) {
		this.types = { [GETBILL_NODE_TYPE]: getBill, [GETBILL_TOOL_TYPE]: asToolType(getBill), [INPUT_NODE_TYPE]: new InputNode() };
	}

	getByName(nodeType: string): INodeType | IVersionedNodeType {
		return this.types[nodeType];
	}

	getByNameAndVersion(nodeType: string): INodeType {
		return this.types[nodeType];
	}

	getKnownTypes() {
		return {};
	}
}

/** The credential store: what n8n keeps encrypted in its database. */
export class TestCredentialsHelper extends ICredentialsHelper {
	readonly credentialType = new GetBillOAuth2Api();
	/** Saved token data, as n8n writes it back after fetching a token */
	tokenUpdates = 0;

	/** The resolved credential, kept until the data changes (n8n decrypts it from its database) */
	private resolved?: ICredentialDataDecryptedObject;

	constructor(public data: ICredentialDataDecryptedObject) {
		super();
	}

	getParentTypes(name: string): string[] {
		return name === this.credentialType.name ? (this.credentialType.extends ?? []) : [];
	}

	async authenticate(_c: ICredentialDataDecryptedObject, _t: string, requestOptions: IHttpRequestOptions) {
		return requestOptions;
	}

	async preAuthentication() {
		return undefined;
	}

	async getCredentials(): Promise<ICredentials> {
		throw new Error('not used by the GetBill node');
	}

	getCredentialsProperties(): INodeProperties[] {
		return credentialProperties(this.credentialType);
	}

	/** Defaults applied, then expressions such as the token URL resolved with $self. */
	async getDecrypted(
		_additionalData: IWorkflowExecuteAdditionalData,
		_nodeCredentials: INodeCredentialsDetails,
		type: string,
		mode: WorkflowExecuteMode,
	): Promise<ICredentialDataDecryptedObject> {
		if (type !== this.credentialType.name) throw new Error(`Unknown credential type ${type}`);
		this.resolved ??= resolveCredential(this.credentialType, structuredClone(this.data), mode);
		return structuredClone(this.resolved);
	}

	async updateCredentials(_n: INodeCredentialsDetails, _t: string, data: ICredentialDataDecryptedObject) {
		this.data = { ...this.data, ...data };
		this.resolved = undefined;
	}

	async updateCredentialsOauthTokenData(
		_n: INodeCredentialsDetails,
		_t: string,
		data: ICredentialDataDecryptedObject,
	) {
		this.tokenUpdates++;
		this.data = { ...this.data, oauthTokenData: data.oauthTokenData };
		this.resolved = undefined;
	}
}

/** What n8n's CredentialsHelper.applyDefaultsAndOverwrites does, for one credential type. */
export function resolveCredential(
	type: ICredentialType,
	data: ICredentialDataDecryptedObject,
	mode: WorkflowExecuteMode = 'manual',
): ICredentialDataDecryptedObject {
	const properties = credentialProperties(type);
	const withDefaults = NodeHelpers.getNodeParameters(properties, data as INodeParameters, true, false, null, null) as ICredentialDataDecryptedObject;
	if (data.oauthTokenData !== undefined) withDefaults.oauthTokenData = data.oauthTokenData;
	const mockNode: INode = { id: 'credential', name: 'mock', type: 'mock', typeVersion: 1, position: [0, 0], parameters: {} };
	const workflow = new Workflow({
		nodes: [mockNode],
		connections: {},
		active: false,
		nodeTypes: { getByName: () => undefined, getByNameAndVersion: () => ({ description: { properties: [] } }), getKnownTypes: () => ({}) } as unknown as INodeTypes,
	});
	return workflow.expression.getParameterValue(
		withDefaults as INodeParameters,
		null,
		0,
		0,
		mockNode.name,
		[],
		mode,
		{},
		undefined,
		false,
		withDefaults,
	) as ICredentialDataDecryptedObject;
}

export interface RunOptions {
	/** Items the node receives */
	items?: IDataObject[];
	/** The GetBill node's parameters */
	parameters: INodeParameters;
	onError?: 'stopWorkflow' | 'continueRegularOutput' | 'continueErrorOutput';
	timezone?: string;
	credentials: TestCredentialsHelper;
	/** Runs this node in the GetBill node's place (the benchmark's floor) */
	nodeType?: INodeType;
	/** Stops the execution (n8n's cancel signal) this long after it started, as the Stop button does */
	cancelAfterMs?: number;
	/** The GetBill node's version (1 by default: what the older tests were written for) */
	typeVersion?: number;
	/**
	 * Runs the node as an AI Agent's tool (type `getBillTool`), as n8n's engine
	 * does when the agent asks for it: the input item is the model's tool-call
	 * arguments, which `$fromAI(...)` expressions read.
	 */
	asTool?: boolean;
	/** Node settings of the GetBill node, e.g. n8n's Retry On Fail: `{ retryOnFail: true, maxTries: 3, waitBetweenTries: 0 }` */
	settings?: Pick<INode, 'retryOnFail' | 'maxTries' | 'waitBetweenTries'>;
	/** The workflow's settings, e.g. `{ saveDataErrorExecution: 'none' }` */
	workflowSettings?: IWorkflowSettings;
}

export interface RunResult {
	run: IRun;
	/** Items of the GetBill node's outputs: [success, error?] */
	outputs: INodeExecutionData[][];
	/** The error that stopped the workflow, if any */
	error?: IRun['data']['resultData']['error'];
	/** The execution hints the node gave (shown in the output pane) */
	hints: Array<{ message: string; location?: string }>;
}

export function newCredentials(baseUrl: string, overrides: IDataObject = {}): TestCredentialsHelper {
	return new TestCredentialsHelper({
		baseUrl,
		clientId: 'test-client-id',
		clientSecret: 'test-client-secret',
		...overrides,
	} as ICredentialDataDecryptedObject);
}

/** What n8n-core's contexts need of the instance: our credential store, nothing else is used. */
function newAdditionalData(credentials: TestCredentialsHelper, hooks?: ExecutionLifecycleHooks): IWorkflowExecuteAdditionalData {
	return {
		credentialsHelper: credentials,
		hooks,
		executeWorkflow: async () => {
			throw new Error('not used');
		},
		getRunExecutionData: async () => undefined,
		currentNodeExecutionIndex: 0,
		restApiUrl: 'http://127.0.0.1/rest',
		instanceBaseUrl: 'http://127.0.0.1/',
		formWaitingBaseUrl: 'http://127.0.0.1/form-waiting',
		webhookBaseUrl: 'http://127.0.0.1/webhook',
		webhookWaitingBaseUrl: 'http://127.0.0.1/webhook-waiting',
		webhookTestBaseUrl: 'http://127.0.0.1/webhook-test',
		variables: {},
		logAiEvent: () => {},
		startRunnerTask: async () => {
			throw new Error('not used');
		},
		executionId: 'exec-test',
	} as unknown as IWorkflowExecuteAdditionalData;
}

/** Runs "Input → GetBill" through n8n-core's WorkflowExecute. */
export async function runGetBill(options: RunOptions): Promise<RunResult> {
	const { nodes, workflow, additionalData } = buildRun(options);
	const running = new WorkflowExecute(additionalData, 'manual').run({
		workflow,
		startNode: nodes[0],
	});
	return await settle(running, options);
}

/**
 * Retries a failed execution the way n8n's executions list does
 * (ExecutionService.retry in packages/cli): the execution's data as n8n stored
 * it (a JSON copy), its error removed and the failed run of the last node
 * dropped, the node's parameters those of the workflow as saved now
 * ("Retry with currently saved workflow": `options`), then WorkflowExecute's
 * processRunExecutionData on that data, in mode `retry`.
 */
export async function retryGetBill(failed: RunResult, options: RunOptions): Promise<RunResult> {
	const data = JSON.parse(JSON.stringify(failed.run.data)) as IRun['data'];
	const { lastNodeExecuted } = data.resultData;
	if (lastNodeExecuted) {
		delete data.resultData.error;
		const nodeRunData = data.resultData.runData?.[lastNodeExecuted];
		if (nodeRunData && nodeRunData.length > 0 && nodeRunData[nodeRunData.length - 1].error !== undefined) nodeRunData.pop();
	}
	const { workflow, additionalData } = buildRun(options);
	for (const stack of data.executionData!.nodeExecutionStack) {
		const node = workflow.getNode(stack.node.name);
		if (!node) throw new Error(`No node ${stack.node.name} in the saved workflow`);
		stack.node = node;
	}
	return await settle(new WorkflowExecute(additionalData, 'retry', data).processRunExecutionData(workflow), options);
}

/** The GetBill node's output, hints and error, once the engine's run settles (the Stop button played after `cancelAfterMs`). */
async function settle(running: ReturnType<WorkflowExecute['processRunExecutionData']>, options: RunOptions): Promise<RunResult> {
	// The engine's promise settles only when the node returns: how long that takes after a stop is what the tests measure.
	/* eslint-disable @n8n/community-nodes/no-restricted-globals -- the test plays n8n's Stop button after a delay */
	const stopTimer = options.cancelAfterMs === undefined ? undefined : setTimeout(() => running.cancel(), options.cancelAfterMs);
	const run = await running.finally(() => clearTimeout(stopTimer));
	/* eslint-enable @n8n/community-nodes/no-restricted-globals */
	const taskData = run.data.resultData.runData.GetBill?.[0];
	return {
		run,
		outputs: (taskData?.data?.main ?? []) as INodeExecutionData[][],
		error: run.data.resultData.error,
		hints: (taskData?.hints ?? []) as RunResult['hints'],
	};
}

/** The workflow "Input → GetBill" of the options, and what n8n-core's engine needs of the instance. */
function buildRun(options: RunOptions) {
	const nodes: INode[] = [
		{
			id: 'input',
			name: 'Input',
			type: INPUT_NODE_TYPE,
			typeVersion: 1,
			position: [0, 0],
			parameters: { items: JSON.stringify(options.items ?? [{}]) },
		},
		{
			id: 'getbill',
			name: 'GetBill',
			type: options.asTool ? GETBILL_TOOL_TYPE : GETBILL_NODE_TYPE,
			typeVersion: options.typeVersion ?? 1,
			position: [200, 0],
			parameters: { resource: 'followup', operation: 'update', ...options.parameters },
			credentials: { getBillOAuth2Api: { id: 'cred-1', name: 'GetBill account' } },
			...(options.onError ? { onError: options.onError } : {}),
			...options.settings,
		},
	];
	const workflow = new Workflow({
		id: 'wf-test',
		name: 'GetBill test',
		nodes,
		connections: { Input: { main: [[{ node: 'GetBill', type: NodeConnectionTypes.Main, index: 0 }]] } },
		active: false,
		nodeTypes: new TestNodeTypes(options.nodeType),
		settings: { executionOrder: 'v1', ...(options.timezone ? { timezone: options.timezone } : {}), ...options.workflowSettings },
	});
	const hooks = new ExecutionLifecycleHooks('manual', 'exec-test', {
		id: 'wf-test',
		name: 'GetBill test',
		nodes,
		connections: {},
		active: false,
		settings: {},
		createdAt: new Date(),
		updatedAt: new Date(),
		isArchived: false,
		activeVersionId: null,
	} as never);
	return { nodes, workflow, additionalData: newAdditionalData(options.credentials, hooks) };
}

/**
 * Calls one of the node's `listSearch` methods ("From List" in the editor)
 * the way n8n does: in n8n-core's LoadOptionsContext, with its real request
 * and OAuth2 helpers.
 */
export async function runListSearch(
	method: string,
	options: { credentials: TestCredentialsHelper; filter?: string; paginationToken?: string },
): Promise<INodeListSearchResult> {
	const node: INode = {
		id: 'getbill',
		name: 'GetBill',
		type: GETBILL_NODE_TYPE,
		typeVersion: 2,
		position: [0, 0],
		parameters: { resource: 'debt', operation: 'get' },
		credentials: { getBillOAuth2Api: { id: 'cred-1', name: 'GetBill account' } },
	};
	const workflow = new Workflow({
		id: 'wf-test',
		name: 'GetBill test',
		nodes: [node],
		connections: {},
		active: false,
		nodeTypes: new TestNodeTypes(),
	});
	const context = new LoadOptionsContext(workflow, node, newAdditionalData(options.credentials), 'parameters.debtId');
	const search = new GetBill().methods.listSearch[method];
	if (!search) throw new Error(`No listSearch method ${method}`);
	return await search.call(context, options.filter, options.paginationToken);
}
