'use strict';

/*
 * An editor suite on the shared n8n server of its version (lib/shared.js): the owner's REST
 * session of that server, and a context of the run's one chromium signed in as the owner
 * (lib/browser.js browserSession), shown only the credentials the suite made
 * (onlyTheseCredentials).
 */

const { writeReport } = require('./setup');
const { browserSession } = require('./browser');

/**
 * The shared n8n of `version` and a signed-in browser context on it.
 * `prepare(suite)` runs before the browser context opens: credentials (with `suite.credential`,
 * which the editor will show) and workflows over `suite.rest`.
 * @returns {Promise<{n8n: import('./shared').SharedN8n, baseUrl: string, rest: Function, credentials: Set<string>, credential: (body: object) => Promise<object>, browser: object, page: import('playwright-core').Page}>}
 */
async function startEditor({ version, viewport, prepare = async () => {} }) {
	const { sharedN8n } = require('./shared');
	const suite = { credentials: new Set() };
	try {
		suite.n8n = await sharedN8n(version);
		suite.baseUrl = suite.n8n.url;
		suite.rest = suite.n8n.rest;
		/** Creates a credential ({name, type, data}) as a user saves one; the editor of this suite shows it. */
		suite.credential = async (body) => {
			const saved = await suite.rest('/rest/credentials', { method: 'POST', body });
			suite.credentials.add(saved.id);
			return saved;
		};
		await prepare(suite);
		suite.browser = await browserSession({ url: suite.baseUrl, viewport, credentials: suite.credentials });
		suite.page = suite.browser.page;
		return suite;
	} catch (error) {
		await stopEditor(suite);
		throw error;
	}
}

/**
 * Writes the suite's report (when given), closes its browser context. With `deleteCredentials`,
 * deletes the credentials the suite made (another file's editor names a new credential after
 * the ones there are, e.g. "GetBill account 2" when "GetBill account" exists).
 */
async function stopEditor(suite, reportName, report, { deleteCredentials = false } = {}) {
	if (reportName) writeReport(reportName, report);
	await suite?.browser?.close();
	if (deleteCredentials && suite?.rest) {
		for (const id of suite.credentials) await suite.rest(`/rest/credentials/${id}`, { method: 'DELETE' }).catch(() => {});
	}
}

module.exports = { startEditor, stopEditor };
