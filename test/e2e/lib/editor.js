'use strict';

/*
 * An editor suite's n8n and browser: a fresh user folder with the packed
 * package installed, `n8n start`, the owner's REST session, chromium signed in.
 */

const fs = require('fs');

const { N8n, freshUserFolder } = require('./n8n');
const { installTarball } = require('./package');
const { readState, keepFolders, writeReport } = require('./setup');
const { launch, signIn } = require('./browser');
const { ownerSession } = require('./run');

/**
 * Starts n8n `version` with the package and signs chromium in.
 * `prepare(rest, baseUrl)` runs before the browser starts (credentials, workflows).
 * @returns {Promise<{n8n: N8n, userFolder: string, baseUrl: string, rest: Function, browser: object, page: import('playwright-core').Page}>}
 */
async function startEditor({ version, name, viewport, prepare = async () => {} }) {
	const suite = {};
	try {
		const { tarball } = readState();
		suite.userFolder = freshUserFolder(`getbill-e2e-${name}-${version}-`);
		installTarball(tarball, suite.userFolder);
		suite.n8n = await new N8n({ version, userFolder: suite.userFolder }).init();
		suite.baseUrl = await suite.n8n.start();
		suite.rest = await ownerSession(suite.baseUrl);
		await prepare(suite.rest, suite.baseUrl);
		suite.browser = await launch({ viewport });
		suite.page = suite.browser.page;
		await signIn(suite.page, suite.baseUrl);
		return suite;
	} catch (error) {
		await stopEditor(suite);
		throw error;
	}
}

/** Writes the suite's report (when given), closes the browser, stops n8n, removes the user folder. */
async function stopEditor(suite, reportName, report) {
	if (reportName) writeReport(reportName, report);
	await suite?.browser?.close();
	await suite?.n8n?.stop();
	if (suite?.userFolder && !keepFolders()) fs.rmSync(suite.userFolder, { recursive: true, force: true });
}

module.exports = { startEditor, stopEditor };
