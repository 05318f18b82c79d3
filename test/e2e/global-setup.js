'use strict';

/*
 * jest globalSetup of the e2e suite: makes sure the pinned n8n versions are in
 * the cache (installs them only when missing), then builds and packs this
 * package once for all test files. Says what it does as it goes.
 */

const fs = require('fs');
const path = require('path');

const { ensureAll, cacheDir } = require('./install-n8n');
const { buildAndPack } = require('./lib/package');
const { say, duration } = require('./lib/progress-reporter');
const { ARTIFACTS, selectedVersions, writeState } = require('./lib/setup');

const installed = (v) => fs.existsSync(path.join(cacheDir(), `n8n-${v}`, '.installed-ok'));

module.exports = async function globalSetup() {
	const versions = selectedVersions();
	const missing = versions.filter((v) => !installed(v));
	say(
		`setup 1/2: n8n ${versions.join(' + ')} in ${cacheDir()}` +
			(missing.length
				? `: installing ${missing.join(' + ')} (not in the cache; several minutes each, \`npm run setup\` does this beforehand)`
				: ': cached'),
	);
	let t = Date.now();
	const installs = await ensureAll(versions);
	if (missing.length) say(`setup 1/2: n8n ${versions.join(' + ')} ready in ${duration(Date.now() - t)}`);
	say('setup 2/2: building and packing this package (npm run build, npm pack) ...');
	t = Date.now();
	fs.rmSync(ARTIFACTS, { recursive: true, force: true });
	const tarball = buildAndPack(ARTIFACTS);
	say(`setup 2/2: packed ${path.relative(process.cwd(), tarball) || tarball} in ${duration(Date.now() - t)}`);
	writeState({ tarball, versions, installs, packedAt: new Date().toISOString() });
};
