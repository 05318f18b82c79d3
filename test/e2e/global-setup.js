'use strict';

/*
 * jest globalSetup of the e2e suite: makes sure the pinned n8n versions are in
 * the cache (installs them only when missing), then builds and packs this
 * package once for all test files.
 */

const fs = require('fs');

const { ensureAll } = require('./install-n8n');
const { buildAndPack } = require('./lib/package');
const { ARTIFACTS, selectedVersions, writeState } = require('./lib/setup');

function log(msg) {
	process.stderr.write(`[e2e setup] ${msg}\n`);
}

module.exports = async function globalSetup() {
	const versions = selectedVersions();
	let t = Date.now();
	const installs = await ensureAll(versions);
	log(`n8n ${versions.join(' + ')} ready in ${((Date.now() - t) / 1000).toFixed(1)} s`);
	t = Date.now();
	fs.rmSync(ARTIFACTS, { recursive: true, force: true });
	const tarball = buildAndPack(ARTIFACTS);
	log(`built and packed ${tarball} in ${((Date.now() - t) / 1000).toFixed(1)} s`);
	writeState({ tarball, versions, installs, packedAt: new Date().toISOString() });
};
