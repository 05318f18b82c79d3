'use strict';

/* jest globalTeardown of the e2e suite: stops the shared n8n servers (lib/shared.js). */

const fs = require('fs');

const { stopAllShared } = require('./lib/shared');
const { keepFolders, readState } = require('./lib/setup');

module.exports = async function globalTeardown() {
	// --- helper-3 (browser suites): the run's one chromium (lib/browser.js sharedChromium), if a file launched it.
	await require('./lib/browser')
		.stopSharedChromium(globalThis.__GETBILL_E2E_RUN_DIR)
		.catch((error) => process.stderr.write(`[e2e] stopping the shared chromium: ${error.message}\n`));
	// --- end of the shared chromium block
	await globalThis.__GETBILL_E2E_BACKGROUND?.catch(() => {});
	let state;
	try {
		state = readState();
	} catch {
		/* nothing was set up */
	}
	await stopAllShared(globalThis.__GETBILL_E2E_SHARED ?? []);
	if (!keepFolders()) {
		// Never the user folder of an n8n started elsewhere (external mode, lib/external.js): not the harness's.
		for (const entry of Object.values(state?.shared ?? {})) if (entry.userFolder && !entry.external) fs.rmSync(entry.userFolder, { recursive: true, force: true });
	}
	if (globalThis.__GETBILL_E2E_RUN_DIR && !keepFolders()) fs.rmSync(globalThis.__GETBILL_E2E_RUN_DIR, { recursive: true, force: true });
};
