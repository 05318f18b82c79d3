#!/usr/bin/env node
'use strict';

/*
 * Release check, run by .github/workflows/publish.yml before anything is built:
 * the pushed tag must be package.json's version with a leading "v".
 *
 *   GITHUB_REF_NAME=v0.2.0 node scripts/release-check-tag.js [package dir]
 *
 * Passes: prints the version and, on GitHub Actions, writes the step outputs
 * name, version and dist-tag (latest; next for a prerelease such as
 * 1.0.0-beta.1, so that it never becomes `latest`). Fails (exit 1) with an
 * ::error:: annotation naming the tag and the version.
 * Node built-ins only (it runs before npm ci could matter).
 */

const fs = require('fs');
const path = require('path');

const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/;

function fail(title, message) {
	console.log(`::error title=${title}::${message}`);
	console.error(`release-check-tag: ${message}`);
	process.exit(1);
}

function main() {
	const dir = path.resolve(process.argv[2] || '.');
	const tag = process.env.GITHUB_REF_NAME || '';
	const refType = process.env.GITHUB_REF_TYPE;

	if (refType && refType !== 'tag') fail('Not a tag', `this runs on a pushed tag, not on a ${refType} (${tag || 'no name'})`);
	if (!tag) fail('No tag', 'GITHUB_REF_NAME is empty: no tag to check');

	let pkg;
	try {
		pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
	} catch (e) {
		fail('No package.json', `cannot read ${path.join(dir, 'package.json')}: ${e.message}`);
	}
	const version = String(pkg.version || '');
	if (!SEMVER.test(version)) fail('Invalid version', `package.json's version ${JSON.stringify(version)} is not a semver version`);

	const tagVersion = tag.replace(/^v/, '');
	if (!tag.startsWith('v') || !SEMVER.test(tagVersion)) {
		fail('Invalid tag', `tag ${tag} is not v<version> (e.g. v${version})`);
	}
	if (tagVersion !== version) {
		fail(
			'Tag and version differ',
			`tag ${tag} does not match package.json's version ${version}: ` +
				`set "version": "${tagVersion}" in package.json and tag that commit, or tag v${version}`,
		);
	}

	const distTag = SEMVER.exec(version)[4] ? 'next' : 'latest';
	console.log(`release-check-tag: tag ${tag} = ${pkg.name}@${version} (npm dist-tag ${distTag})`);
	if (process.env.GITHUB_OUTPUT) {
		fs.appendFileSync(process.env.GITHUB_OUTPUT, `name=${pkg.name}\nversion=${version}\ndist-tag=${distTag}\n`);
	}
}

main();
