'use strict';

/*
 * What the editor would mark on a workflow's nodes, for each node's own type
 * version: the parameter issues of n8n-workflow's NodeHelpers (the red
 * triangle: a required parameter left empty, ...), a list's value that is none
 * of its options, and the parameters n8n would drop. Computed with the
 * n8n-workflow module of an n8n install and the node descriptions that n8n
 * serves (`GET /types/nodes.json`).
 */

const fs = require('fs');
const os = require('os');
const path = require('path');
const { execFile } = require('child_process');

/** Whether a description (one entry of /types/nodes.json) is that of `type` at `version`. */
const describes = (description, type, version) =>
	description.name === type && [].concat(description.version).includes(version);

/**
 * The parameter issues of each node of `workflow` but sticky notes, as
 * {node name: issues}, only for the nodes that have some: n8n's own
 * (`parameters`: {name: [messages]}), `values` (a list's value that is none of
 * its options, a collection's field it does not have) and `dropped` (the
 * parameters n8n drops: no property shows them); a node whose type and
 * version are not in `nodeTypes` is given as {unknownType: 'type@version'}.
 * @param {{installDir: string, nodeBin: string}} n8n an init()ed N8n
 * @param {object[]} nodeTypes what `GET /types/nodes.json` answered
 * @param {{nodes: object[]}} workflow
 */
async function parameterIssues(n8n, nodeTypes, workflow) {
	const nodes = workflow.nodes.filter((n) => n.type !== 'n8n-nodes-base.stickyNote');
	const unknown = {};
	const checked = [];
	for (const node of nodes) {
		const description = nodeTypes.find((d) => describes(d, node.type, node.typeVersion));
		if (description) checked.push({ node, description });
		else unknown[node.name] = { unknownType: `${node.type}@${node.typeVersion}` };
	}
	const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'getbill-e2e-issues-')), 'nodes.json');
	fs.writeFileSync(file, JSON.stringify(checked));
	// The editor's checks: the parameters completed with their defaults, then each property's issues (a
	// required one empty, ...); a value of a list that is none of its options (the editor marks it in the
	// field: "The value ... is not supported!"); and a parameter n8n drops because no property of this
	// version shows it with these settings (a typo, another operation's parameter).
	const script = `
		const [workflowModule, file] = process.argv.slice(1);
		const { NodeHelpers } = require(workflowModule);
		const isExpression = (v) => typeof v === 'string' && v.startsWith('=');
		// What the template set (raw), shown or not as n8n shows it with the defaults completed.
		function optionIssues(properties, raw, completed, node, description, root, at, issues) {
			const values = { ...completed, ...raw };
			for (const property of properties) {
				if (!(property.name in raw) || !NodeHelpers.displayParameter(values, property, node, description, root)) continue;
				const value = raw[property.name];
				const where = at + property.name;
				const listed = (v) => isExpression(v) || property.typeOptions?.loadOptionsMethod || property.options.some((o) => o.value === v);
				if (property.type === 'options' && !listed(value)) issues.push(where + ': ' + JSON.stringify(value) + ' is not one of its options');
				if (property.type === 'multiOptions' && !isExpression(value)) {
					for (const v of value) if (!listed(v)) issues.push(where + ': ' + JSON.stringify(v) + ' is not one of its options');
				}
				if (property.type === 'collection' && value && typeof value === 'object') {
					for (const key of Object.keys(value)) {
						if (!property.options.some((o) => o.name === key)) issues.push(where + '.' + key + ': not one of its fields');
					}
					optionIssues(property.options, value, completed?.[property.name] ?? {}, node, description, root, where + '.', issues);
				}
				if (property.type === 'fixedCollection' && value && typeof value === 'object') {
					for (const group of property.options) {
						for (const entry of [].concat(value[group.name] ?? [])) optionIssues(group.values, entry, {}, node, description, root, where + '.' + group.name + '.', issues);
					}
				}
			}
		}
		const found = {};
		for (const { node, description } of JSON.parse(require('fs').readFileSync(file, 'utf8'))) {
			const parameters = NodeHelpers.getNodeParameters(description.properties, node.parameters, true, false, node, description);
			const issues = NodeHelpers.getNodeParametersIssues(description.properties, { ...node, parameters }, description) ?? {};
			const values = [];
			optionIssues(description.properties, node.parameters, parameters, node, description, parameters, '', values);
			const dropped = Object.keys(node.parameters).filter((key) => !(key in parameters));
			if (values.length) issues.values = values;
			if (dropped.length) issues.dropped = dropped;
			if (Object.keys(issues).length) found[node.name] = issues;
		}
		process.stdout.write(JSON.stringify(found));
	`;
	const workflowModule = path.join(n8n.installDir, 'node_modules', 'n8n-workflow');
	try {
		const found = await new Promise((resolve, reject) => {
			execFile(n8n.nodeBin, ['-e', script, workflowModule, file], { encoding: 'utf8', timeout: 60000, maxBuffer: 16 << 20 }, (err, stdout, stderr) =>
				err ? reject(new Error(`the parameter issues could not be computed: ${stderr || err.message}`)) : resolve(JSON.parse(stdout)),
			);
		});
		return { ...unknown, ...found };
	} finally {
		fs.rmSync(path.dirname(file), { recursive: true, force: true });
	}
}

module.exports = { parameterIssues };
