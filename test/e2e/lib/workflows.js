'use strict';

/*
 * Builders for the workflows the e2e suite imports into n8n. Plain n8n
 * workflow JSON (as `n8n export:workflow` writes it), node versions that both
 * pinned n8n versions know.
 */

const crypto = require('crypto');

const GETBILL_TYPE = 'n8n-nodes-getbill.getBill';
const CREDENTIAL_TYPE = 'getBillOAuth2Api';
const TRIGGER_TYPE = 'n8n-nodes-getbill.getBillTrigger';
const WEBHOOK_CREDENTIAL_TYPE = 'getBillWebhookApi';

/** A sandbox credential as `n8n import:credentials` accepts it (decrypted `data`). */
function credential({ id, name, baseUrl, clientId = 'test-client-id', clientSecret = 'test-client-secret', scope = 'followups:read followups:write' }) {
	return {
		id,
		name,
		type: CREDENTIAL_TYPE,
		data: {
			baseUrl,
			grantType: 'clientCredentials',
			clientId,
			clientSecret,
			scope,
		},
	};
}

/** A "GetBill Webhook API" credential (the trigger's signing secret) as `n8n import:credentials` accepts it. */
const webhookCredential = ({ id, name, secret }) => ({ id, name, type: WEBHOOK_CREDENTIAL_TYPE, data: { secret } });

function node(name, type, typeVersion, parameters = {}, extra = {}) {
	return { id: crypto.randomUUID(), name, type, typeVersion, position: [0, 0], parameters, ...extra };
}

const manualTrigger = (name = 'Start') => node(name, 'n8n-nodes-base.manualTrigger', 1);

const noOp = (name) => node(name, 'n8n-nodes-base.noOp', 1);

/** A Code node (run once for all items) returning `items` as the items' json. */
const codeItems = (name, items) =>
	node(name, 'n8n-nodes-base.code', 2, {
		jsCode: `return ${JSON.stringify(items.map((json) => ({ json })), null, 2)};`,
	});

/** An "Edit Fields (Set)" node setting typed fields: {name: [type, value]}. */
const setFields = (name, fields) =>
	node(name, 'n8n-nodes-base.set', 3.4, {
		assignments: {
			assignments: Object.entries(fields).map(([field, [type, value]]) => ({
				id: crypto.randomUUID(),
				name: field,
				value,
				type,
			})),
		},
		options: {},
	});

/**
 * The GetBill node with any operation's parameters (resource Followup).
 * @param {object} o
 * @param {object} o.parameters e.g. {operation: 'getAll', returnAll: true}
 * @param {{id: string, name: string}} o.credential
 * @param {'stopWorkflow'|'continueRegularOutput'|'continueErrorOutput'} [o.onError]
 * @param {number} [o.typeVersion] the node's version (1 unless given: the suites written before version 2)
 */
function getBillNode(name, { parameters, credential: cred, onError, typeVersion = 1 }) {
	// resource defaults to followup (what 0.1.0 had); debt workflows set it
	return node(name, GETBILL_TYPE, typeVersion, { resource: 'followup', ...parameters }, {
		credentials: { [CREDENTIAL_TYPE]: { id: cred.id, name: cred.name } },
		...(onError ? { onError } : {}),
	});
}

/**
 * The GetBill node, operation Update.
 * @param {object} o
 * @param {string} o.followupId literal or `={{ expression }}`
 * @param {object} o.fields the Update Fields collection, as the editor stores it
 * @param {{id: string, name: string}} o.credential
 * @param {'stopWorkflow'|'continueRegularOutput'|'continueErrorOutput'} [o.onError]
 * @param {number} [o.typeVersion] 1 unless given; from 2 `followupId` is a resource locator
 */
function getBill(name, { followupId, fields, credential, onError, typeVersion }) {
	return getBillNode(name, { parameters: { operation: 'update', followupId, updateFields: fields }, credential, onError, typeVersion });
}

/**
 * The GetBill Trigger with a fixed webhook ID (its Production URL is /webhook/<webhookId>/webhook).
 * @param {object} o
 * @param {string[]} o.events the events it starts the workflow for
 * @param {string} o.webhookId
 * @param {{id: string, name: string}} o.credential a "GetBill Webhook API" credential
 */
const getBillTrigger = (name, { events, webhookId, credential: cred }) =>
	node(name, TRIGGER_TYPE, 1, { events }, { webhookId, credentials: { [WEBHOOK_CREDENTIAL_TYPE]: { id: cred.id, name: cred.name } } });

/** A resource locator "By ID" (version 2's IDs), e.g. idLocator('={{ $json.id }}'). */
const idLocator = (value) => ({ __rl: true, mode: 'id', value });

/**
 * n8n's node setting Retry On Fail on a node (returned, changed in place):
 * n8n runs the node again after it failed, `maxTries` tries in all, `waitBetweenTries` ms apart.
 */
function retryOnFail(n, { maxTries = 3, waitBetweenTries = 1000 } = {}) {
	return Object.assign(n, { retryOnFail: true, maxTries, waitBetweenTries });
}

/**
 * A workflow template of examples/workflows (n8n's export, as a user imports it),
 * read from `file`, made importable into a test n8n: its id set to `id`, every
 * node's `credentialType` credential swapped for `credential` (and, for other
 * credential types, `credentials`: {type: {id, name}}), and the Code
 * nodes named in `codeItems` ({node name: items}) returning those items instead
 * of the template's samples. Nothing else changes: nodes, parameters, connections
 * and settings stay as in the file. Throws when a Code node named is not there.
 */
function fromTemplate(file, { id, credential: cred, credentialType = CREDENTIAL_TYPE, credentials = {}, codeItems: replaced = {} }) {
	const wf = JSON.parse(require('fs').readFileSync(file, 'utf8'));
	wf.id = id;
	const swap = { ...credentials, ...(cred ? { [credentialType]: cred } : {}) };
	for (const n of wf.nodes) {
		for (const [type, c] of Object.entries(swap)) {
			if (n.credentials?.[type]) n.credentials[type] = { id: c.id, name: c.name };
		}
	}
	for (const [name, items] of Object.entries(replaced)) {
		const code = wf.nodes.find((n) => n.name === name && n.type === 'n8n-nodes-base.code');
		if (!code) throw new Error(`${file} has no Code node named "${name}"`);
		code.parameters.jsCode = `return ${JSON.stringify(items)}.map((json) => ({ json }));`;
	}
	return wf;
}

/**
 * A workflow from nodes and edges. `edges`: [from, to, fromOutput = 0].
 * Nodes are laid out left to right in the order given.
 */
function workflow(id, name, nodes, edges) {
	const connections = {};
	for (const [from, to, output = 0] of edges) {
		const main = (connections[from] ??= { main: [] }).main;
		while (main.length <= output) main.push([]);
		main[output].push({ node: to, type: 'main', index: 0 });
	}
	nodes.forEach((n, i) => (n.position = [i * 220, output0(n, edges) ? 0 : 200]));
	return {
		id,
		name,
		nodes,
		connections,
		active: false,
		settings: { executionOrder: 'v1' },
		pinData: {},
		tags: [],
	};
}

/** Whether a node hangs off an error output (laid out below the others). */
function output0(n, edges) {
	return !edges.some(([, to, output]) => to === n.name && output === 1);
}

/** A chain: trigger → ...nodes, each connected to the next on output 0. */
function chain(id, name, nodes) {
	const edges = [];
	for (let i = 1; i < nodes.length; i++) edges.push([nodes[i - 1].name, nodes[i].name]);
	return workflow(id, name, nodes, edges);
}

module.exports = {
	GETBILL_TYPE,
	CREDENTIAL_TYPE,
	TRIGGER_TYPE,
	WEBHOOK_CREDENTIAL_TYPE,
	credential,
	webhookCredential,
	node,
	manualTrigger,
	noOp,
	codeItems,
	setFields,
	getBill,
	getBillNode,
	getBillTrigger,
	idLocator,
	retryOnFail,
	fromTemplate,
	workflow,
	chain,
};
