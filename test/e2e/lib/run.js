'use strict';

/** Reading what `n8n execute --rawOutput` printed, for the resource suites. */

/** The items of the GetBill node's first output in a run. */
const outputOf = (run, nodeName = 'GetBill') => run?.data?.resultData?.runData?.[nodeName]?.[0]?.data?.main?.[0] ?? [];

/** The GetBill node's items of a run that must have succeeded (throws with n8n's words otherwise). */
function succeeded(r) {
	const error = r.run?.data?.resultData?.error;
	if (!r.ok || error) throw new Error(`expected success: exit ${r.code}, ${error?.message ?? ''}\n${r.stderr.slice(-2000)}`);
	return outputOf(r.run);
}

/** Runs a workflow; returns the run plus the GetBill API requests (and file host requests) made during it. */
async function executeRecorded(n8n, server, id) {
	const before = { api: server.requests.length, files: server.fileRequests?.length ?? 0 };
	const r = await n8n.execute(id);
	return {
		...r,
		api: server.requests.slice(before.api).filter((q) => q.path.startsWith('/external-api/')),
		files: (server.fileRequests ?? []).slice(before.files),
	};
}

module.exports = { outputOf, succeeded, executeRecorded };

/**
 * Sets up a resource suite for one n8n version on that version's shared n8n server
 * (lib/shared.js): the GetBill-like server (a client with `scopes`) seeded by
 * `seed(server)`, the credential pointing at it (and any other `credentials`, as
 * `n8n import:credentials` takes them) and the workflows, created over REST with this
 * file's own IDs mapped to n8n's.
 * @returns {Promise<{server: any, n8n: import('./shared').SharedN8n}>}
 */
async function setUpSuite({ version, scopes, credential, credentials = [], seed = () => {}, workflows, env }) {
	if (env && Object.keys(env).length) throw new Error('setUpSuite: the shared n8n has one environment for every file (lib/shared.js SHARED_ENV); a suite that needs its own starts its own n8n');
	const { GetBillServer } = require('../../server/getbill-server');
	const { sharedN8n } = require('./shared');
	const W = require('./workflows');
	const server = new GetBillServer({ clients: [{ clientId: 'test-client-id', clientSecret: 'test-client-secret', scopes }] });
	await server.start();
	try {
		seed(server);
		const n8n = await sharedN8n(version);
		await n8n.importCredentials([W.credential({ ...credential, baseUrl: server.url, scope: scopes.join(' ') }), ...credentials]);
		await n8n.importWorkflows(workflows);
		return { server, n8n };
	} catch (error) {
		await server.stop();
		throw error;
	}
}

/** Stops what setUpSuite started and writes the suite's report. */
async function tearDownSuite(suite, reportName, report) {
	const { writeReport } = require('./setup');
	await suite?.server?.stop();
	writeReport(reportName, report);
}

/**
 * A resource suite for one n8n version, inside its `describe`: setUpSuite
 * before the tests, tearDownSuite after them, writing the report
 * `<name>-<version>.json`. `server` and `n8n` are there once the set-up ran;
 * `execute(id)` runs a workflow and gives what executeRecorded gives.
 * @returns {{server: any, n8n: import('./shared').SharedN8n, report: {version: string, cases: object}, execute: (id: string) => Promise<any>}}
 */
function useSuite(options) {
	const report = { version: options.version, cases: {} };
	let suite;
	beforeAll(async () => {
		suite = await setUpSuite(options);
	}, 400000);
	afterAll(async () => await tearDownSuite(suite, `${options.name}-${options.version}.json`, report));
	return {
		report,
		get server() {
			return suite.server;
		},
		get n8n() {
			return suite.n8n;
		},
		execute: (id) => executeRecorded(suite.n8n, suite.server, id),
	};
}

/**
 * Creates n8n's owner on a fresh `n8n start` and returns a call of its REST API with that
 * session: `rest(path)` GETs, `rest(path, {method, body})` sends JSON; the answer's JSON
 * (throws on an error status). A session of its own, not the browser's: n8n ties a
 * browser's session to the editor's browser-id header.
 */
async function ownerSession(url) {
	const { createOwner, restClient } = require('./shared');
	const rest = restClient(url, await createOwner(url));
	return (path, options = {}) => rest(path, { ...options, raw: true });
}

module.exports.setUpSuite = setUpSuite;
module.exports.tearDownSuite = tearDownSuite;
module.exports.useSuite = useSuite;
module.exports.ownerSession = ownerSession;
