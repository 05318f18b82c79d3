'use strict';

/*
 * Two review findings inside real n8n, on every pinned n8n version, with
 * GetBill nodes of version 2 against the GetBill-like server:
 * - Creditor Update (a PATCH) is retried like any update: a 503 is sent again
 *   (Max Retries, default 3) and the creditor updated once; a client without
 *   creditors:write is told the scope it lacks.
 * - Report Download refuses a file-host redirect to another host: that host
 *   (a second server on 127.0.0.2, or "localhost" where it cannot be bound,
 *   recording every request) gets nothing; with On Error = Continue the item
 *   is a paired error item and the other report is downloaded, without it the
 *   run fails with the same message.
 */

const fs = require('fs');
const http = require('http');

const { versionsFor } = require('./lib/setup');
const W = require('./lib/workflows');
const { outputOf, succeeded, useSuite } = require('./lib/run');

jest.setTimeout(180000);

const SCOPES = ['creditors:read', 'creditors:write', 'reports:read'];
const CRED = { id: 'gbReviewCred0001', name: 'GetBill sandbox (review)' };
/** A second OAuth client of the test server, allowed creditors:read only, and its credential. */
const READ_ONLY = {
	id: 'gbReviewCredRO01',
	name: 'GetBill sandbox (creditors:read only)',
	clientId: 'e2e-read-only-client',
	clientSecret: 'e2e-read-only-secret',
	scope: 'creditors:read',
};
const PDF = Buffer.from('%PDF-1.4\n% GetBill review report, bytes \u0000\u0001\u00ff kept\n%%EOF\n', 'latin1');

const v2 = (parameters, { credential = CRED, onError } = {}) => W.getBillNode('GetBill', { credential, parameters, onError, typeVersion: 2 });
const updateCreditor = (creditorId) => ({ resource: 'creditor', operation: 'update', creditorId: W.idLocator(creditorId), updateFields: { contactPerson: 'Jane Smith', city: 'Nantes' } });
/** Two reports, one item each: report_review_ok, then report_review_redirect. */
const downloads = (id, name, onError) =>
	W.chain(id, name, [
		W.manualTrigger(),
		W.codeItems('Reports', [{ report: 'report_review_ok' }, { report: 'report_review_redirect' }]),
		v2({ resource: 'report', operation: 'download', reportId: W.idLocator('={{ $json.report }}') }, { onError }),
	]);

function workflows() {
	return [
		W.chain('gbReviewPatch001', 'E2E review: update a creditor (PATCH) after a 503', [W.manualTrigger(), v2(updateCreditor('cred_review_1'))]),
		downloads('gbReviewDlCont01', 'E2E review: download two reports, one redirected elsewhere (Continue)', 'continueRegularOutput'),
		downloads('gbReviewDlStop01', 'E2E review: download two reports, one redirected elsewhere (stop)'),
	];
}
/** Imported once the server runs (the credential needs its URL). */
const deniedWorkflow = () => W.chain('gbReviewDenied01', 'E2E review: update a creditor without creditors:write', [W.manualTrigger(), v2(updateCreditor('cred_review_2'), { credential: READ_ONLY })]);

/** The other host: answers everything 200 and records each request. */
async function startOtherHost() {
	const requests = [];
	const server = http.createServer((req, res) => {
		requests.push({ method: req.method, url: req.url, headers: { ...req.headers } });
		req.resume();
		res.writeHead(200, { 'Content-Type': 'application/json' });
		res.end('{"internal":"secret metadata"}');
	});
	const listen = (address) =>
		new Promise((resolve, reject) => {
			server.once('error', reject);
			server.listen(0, address, () => {
				server.off('error', reject);
				resolve();
			});
		});
	let hostname = '127.0.0.2';
	try {
		await listen(hostname);
	} catch {
		hostname = 'localhost';
		await listen('127.0.0.1');
	}
	const host = `${hostname}:${server.address().port}`;
	return { requests, host, url: `http://${host}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

// Newest pinned n8n only (GETBILL_E2E_FULL=1: every version): nothing here depends on what differs between versions (test/e2e/README.md).
const versions = versionsFor('newest');

describe.each(versions)('Review findings in n8n %s', (version) => {
	const suite = useSuite({
		version,
		name: 'review',
		scopes: SCOPES,
		credential: CRED,
		workflows: workflows(),
		seed: (server) => {
			server.clients.set(READ_ONLY.clientId, { clientId: READ_ONLY.clientId, clientSecret: READ_ONLY.clientSecret, scopes: ['creditors:read'] });
			server.seedCreditor('cred_review_1', { name: 'Acme Collections', city: 'Lyon', country: 'France', email: 'billing@acme.example' });
			server.seedCreditor('cred_review_2', { name: 'Beta Recovery', city: 'Lille', contactPerson: 'Paul Martin' });
			server.seedReport('report_review_ok', { filename: 'review_ok.pdf', content: PDF });
			server.seedReport('report_review_redirect', { filename: 'review_redirect.pdf' });
		},
	});
	const { execute, report } = suite;
	let other;

	beforeAll(async () => {
		await suite.n8n.importCredentials([W.credential({ ...READ_ONLY, baseUrl: suite.server.url })]);
		await suite.n8n.importWorkflows([deniedWorkflow()]);
		other = await startOtherHost();
		// The recorder works: a request from here is recorded (then forgotten).
		await (await fetch(`${other.url}/probe`)).text();
		expect(other.requests.map((q) => q.url)).toEqual(['/probe']);
		other.requests.length = 0;
	}, 120000);
	afterAll(async () => await other?.close());

	test('Creditor Update: a 503 on the PATCH is retried, the creditor updated once, the run outputs it', async () => {
		const { server } = suite;
		const before = { ...server.creditors.get('cred_review_1') };
		server.injectFaults({ status: 503, match: (q) => q.method === 'PATCH' });
		const r = await execute('gbReviewPatch001');
		const [item, ...more] = succeeded(r);
		const patches = r.api.filter((q) => q.method === 'PATCH');
		expect(r.api).toEqual(patches);
		expect(patches.map((q) => [q.path, q.status, q.fault, JSON.parse(q.rawBody)])).toEqual([
			['/external-api/v1/creditors/cred_review_1', 503, 503, { contactPerson: 'Jane Smith', city: 'Nantes' }],
			['/external-api/v1/creditors/cred_review_1', 200, undefined, { contactPerson: 'Jane Smith', city: 'Nantes' }],
		]);
		expect(server.faults).toEqual([]);
		// The node's backoff (500 to 1000 ms before the first retry), not an immediate resend.
		const gapMs = patches[1].startedAt - patches[0].endedAt;
		expect(gapMs).toBeGreaterThanOrEqual(450);
		const record = server.creditors.get('cred_review_1');
		const { updatedAt: _after, ...changed } = record;
		const { updatedAt: _before, ...unchanged } = before;
		expect(changed).toEqual({ ...unchanged, contactPerson: 'Jane Smith', city: 'Nantes' });
		expect(more).toEqual([]);
		expect(item.json).toEqual(record);
		expect(item.pairedItem).toEqual({ item: 0 });
		report.cases.patchRetry = { requests: patches.map((q) => ({ status: q.status, startedAt: q.startedAt, endedAt: q.endedAt })), gapMs, output: item.json };
	});

	test('Creditor Update without creditors:write: one PATCH, answered 403, and the scope it needs', async () => {
		const { server } = suite;
		const before = { ...server.creditors.get('cred_review_2') };
		const tokensBefore = server.tokenRequests.length;
		const r = await execute('gbReviewDenied01');
		expect(r.ok).toBe(false);
		const error = r.run.data.resultData.error;
		expect(error.message).toBe('GetBill denied access: Required scope "creditors:write" not found in token [item 0]');
		expect(error.description).toContain('The OAuth client needs the creditors:write scope to update creditors.');
		expect(r.api.map((q) => [q.method, q.path, q.status])).toEqual([['PATCH', '/external-api/v1/creditors/cred_review_2', 403]]);
		expect(server.tokenRequests.slice(tokensBefore).map((t) => [t.clientId, t.scope, t.status])).toEqual([[READ_ONLY.clientId, 'creditors:read', 200]]);
		expect(server.creditors.get('cred_review_2')).toEqual(before);
		report.cases.denied = { message: error.message, description: error.description };
	});

	/** The bytes of a binary n8n printed: inline (base64) or in its binary store (`filesystem-v2:<path>`). */
	function bytesOf(binary) {
		if (!binary.id) return Buffer.from(binary.data, 'base64');
		const rel = String(binary.id).replace(/^filesystem(-v2)?:/, '');
		const file = [`${suite.n8n.dataDir}/binaryData/${rel}`, `${suite.n8n.dataDir}/storage/${rel}`].find((p) => fs.existsSync(p)) ?? rel;
		return fs.readFileSync(file);
	}

	/** What the file host got during a run: each report's answer status; no request with an Authorization header. */
	function expectFileHost(r) {
		expect(r.files.map((q) => [q.reportId, q.status, q.location]).sort()).toEqual([
			['report_review_ok', 200, undefined],
			['report_review_redirect', 302, `${other.url}/latest/meta-data/iam`],
		]);
		for (const q of r.files) {
			expect(Object.keys(q.headers).map((h) => h.toLowerCase())).not.toContain('authorization');
			expect(JSON.stringify(q.headers)).not.toMatch(/bearer/i);
		}
	}

	const redirected = () => `The file host redirected the download of report "report_review_redirect" to "${other.host}" [item 1]`;

	test('Report Download, On Error = Continue: item 0 downloaded, item 1 a paired error naming the other host, which got nothing', async () => {
		suite.server.setReportDownload('report_review_redirect', { redirectTo: `${other.url}/latest/meta-data/iam` });
		const r = await execute('gbReviewDlCont01');
		const out = succeeded(r);
		expect(r.api.map((q) => [q.method, q.path, q.status]).sort()).toEqual([
			['GET', '/external-api/v1/reports/download/report_review_ok', 200],
			['GET', '/external-api/v1/reports/download/report_review_redirect', 200],
		]);
		expectFileHost(r);
		expect(other.requests).toEqual([]);
		expect(out).toHaveLength(2);
		const [ok, failed] = out;
		expect(ok.pairedItem).toEqual({ item: 0 });
		expect(ok.json).toMatchObject({ id: 'report_review_ok', filename: 'review_ok.pdf', mime_type: 'application/pdf' });
		expect(ok.json.error).toBeUndefined();
		expect(ok.binary.data).toMatchObject({ fileName: 'review_ok.pdf', mimeType: 'application/pdf' });
		expect(bytesOf(ok.binary.data).equals(PDF)).toBe(true);
		expect(failed.pairedItem).toEqual({ item: 1 });
		expect(failed.binary).toBeUndefined();
		expect(Object.keys(failed.json).sort()).toEqual(['description', 'error']);
		expect(failed.json.error).toBe(redirected());
		expect(failed.json.description).toContain(`Nothing was requested from "${other.host}" and no file was saved.`);
		report.cases.continue = { otherHost: other.host, fileRequests: r.files.map((q) => ({ reportId: q.reportId, status: q.status, location: q.location, headers: q.headers })), errorItem: failed.json };
	});

	test('Report Download without Continue: the run fails with the same message, the other host got nothing', async () => {
		suite.server.setReportDownload('report_review_redirect', { redirectTo: `${other.url}/latest/meta-data/iam` });
		const r = await execute('gbReviewDlStop01');
		expect(r.ok).toBe(false);
		const error = r.run.data.resultData.error;
		expect(error.message).toBe(redirected());
		expect(error.node?.name).toBe('GetBill');
		expect(error.description).toContain(`Nothing was requested from "${other.host}"`);
		expect(r.run.data.resultData.runData.GetBill[0].error?.message).toBe(redirected());
		expect(outputOf(r.run)).toEqual([]);
		expectFileHost(r);
		expect(other.requests).toEqual([]);
		report.cases.stop = { message: error.message, description: error.description };
	});
});
