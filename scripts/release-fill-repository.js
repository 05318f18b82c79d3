#!/usr/bin/env node
'use strict';

/*
 * Release step, run by .github/workflows/publish.yml before `npm publish`:
 * fills package.json's repository, bugs and homepage from GITHUB_REPOSITORY
 * (owner/name), each ONLY when it is missing; a field already there is kept.
 * npm's provenance needs repository.url to name the repository the workflow
 * runs in, and npmjs.com links these three fields.
 *
 *   GITHUB_REPOSITORY=owner/name node scripts/release-fill-repository.js [package dir]
 *
 * Prints one line per field (set … / kept …), warns (::warning::) when an
 * existing repository names another repository, and rewrites package.json
 * only when it set something (same indentation, trailing newline kept).
 * Node built-ins only.
 */

const fs = require('fs');
const path = require('path');

function fail(message) {
	console.log(`::error title=Cannot fill repository fields::${message}`);
	console.error(`release-fill-repository: ${message}`);
	process.exit(1);
}

const isMissing = (value, key) => {
	if (value === undefined || value === null) return true;
	if (typeof value === 'string') return value.trim() === '';
	if (typeof value === 'object') return !String(value[key] || '').trim();
	return false;
};

function main() {
	const dir = path.resolve(process.argv[2] || '.');
	const repo = process.env.GITHUB_REPOSITORY || '';
	if (!/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(repo)) {
		fail(`GITHUB_REPOSITORY must be owner/name, got ${JSON.stringify(repo)}`);
	}

	const file = path.join(dir, 'package.json');
	let text;
	let pkg;
	try {
		text = fs.readFileSync(file, 'utf8');
		pkg = JSON.parse(text);
	} catch (e) {
		fail(`cannot read ${file}: ${e.message}`);
	}

	const wanted = {
		repository: { value: { type: 'git', url: `git+https://github.com/${repo}.git` }, key: 'url' },
		bugs: { value: { url: `https://github.com/${repo}/issues` }, key: 'url' },
		homepage: { value: `https://github.com/${repo}#readme`, key: null },
	};
	// A field in npm's short string form ("bugs": "https://…") counts as present.
	let changed = false;
	for (const [field, { value, key }] of Object.entries(wanted)) {
		if (isMissing(pkg[field], key)) {
			pkg[field] = value;
			changed = true;
			console.log(`release-fill-repository: set ${field} = ${JSON.stringify(value)}`);
		} else {
			console.log(`release-fill-repository: kept ${field} = ${JSON.stringify(pkg[field])}`);
		}
	}

	const declared = JSON.stringify(pkg.repository).toLowerCase();
	if (!declared.includes(`github.com/${repo.toLowerCase()}`) && !declared.includes(`github:${repo.toLowerCase()}`)) {
		console.log(
			`::warning title=Another repository::package.json's repository ${JSON.stringify(pkg.repository)} ` +
				`does not name ${repo}: npm publish --provenance refuses a mismatch`,
		);
	}

	if (!changed) {
		console.log('release-fill-repository: package.json unchanged');
		return;
	}
	const indent = (/^[ \t]+(?=")/m.exec(text) || ['  '])[0];
	fs.writeFileSync(file, JSON.stringify(pkg, null, indent) + (text.endsWith('\n') ? '\n' : ''));
	console.log(`release-fill-repository: wrote ${path.relative(process.cwd(), file) || file}`);
}

main();
