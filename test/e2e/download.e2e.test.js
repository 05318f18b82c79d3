'use strict';

/*
 * Issue #31, Report Download inside real n8n (the newest pinned version), with
 * GetBill nodes of version 2 against the GetBill-like server and its file host
 * (setReportDownload's hooks):
 * - an HTML page answered 200 and a body cut short (500 of 1,000 bytes) are
 *   errors naming the report, with On Error = Continue a paired error item
 *   each, and no binary anywhere;
 * - a file host that sends its headers and then nothing: the run ends at the
 *   Timeout (3 s) with the error that says so;
 * - a 100 MiB report goes through the stream into n8n's binary store (checked
 *   there by size and SHA-256), and n8n's memory is measured: the peak
 *   resident size of the n8n process (VmHWM in /proc/<pid>/status, reset
 *   before each run through /proc/<pid>/clear_refs) for a 1 KB report and for
 *   the 100 MiB one, in the same n8n, one after the other.
 */

const crypto = require('crypto');
const fs = require('fs');

const { readState, versionsFor } = require('./lib/setup');
const W = require('./lib/workflows');
const { outputOf, succeeded, useSuite } = require('./lib/run');

jest.setTimeout(300000);

const SCOPES = ['reports:read'];
const CRED = { id: 'gbDownloadCred01', name: 'GetBill sandbox (download)' };
const MIB = 1024 * 1024;
const MID = 10 * MIB;
const BIG = 100 * MIB;
/** A 1,000-byte PDF */
const PDF = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(991, 'x')]);
const HTML = '<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>';

const v2 = (parameters, { onError } = {}) => W.getBillNode('GetBill', { credential: CRED, parameters, onError, typeVersion: 2 });
const download = (id, name, reports, { options = {}, onError } = {}) =>
	W.chain(id, name, [
		W.manualTrigger(),
		W.codeItems('Reports', reports.map((report) => ({ report }))),
		v2({ resource: 'report', operation: 'download', reportId: W.idLocator('={{ $json.report }}'), options }, { onError }),
	]);

function workflows() {
	return [
		download('gbDlNotAFile0001', 'E2E download: an HTML 200 and a short body (Continue)', ['report_dl_html', 'report_dl_short', 'report_dl_ok'], {
			options: { maxRetries: 0 },
			onError: 'continueRegularOutput',
		}),
		download('gbDlHtmlStop0001', 'E2E download: an HTML 200 (stop)', ['report_dl_html'], { options: { maxRetries: 0 } }),
		download('gbDlStalled00001', 'E2E download: a file host that stalls (Timeout 3 s)', ['report_dl_stall'], { options: { timeout: 3, maxRetries: 0 } }),
		download('gbDlSmall0000001', 'E2E download: a 1 KB report (memory baseline)', ['report_dl_ok']),
		download('gbDlMid000000001', 'E2E download: a 10 MiB report', ['report_dl_mid']),
		download('gbDlBig000000001', 'E2E download: a 100 MiB report', ['report_dl_big']),
	];
}

// Newest pinned n8n only (GETBILL_E2E_FULL=1: every version): the node's own stream and checks, the same on every version (test/e2e/README.md).
const versions = versionsFor('newest');

describe.each(versions)('Report Download in n8n %s', (version) => {
	const suite = useSuite({
		version,
		name: 'download',
		scopes: SCOPES,
		credential: CRED,
		workflows: workflows(),
		seed: (server) => {
			server.seedReport('report_dl_ok', { filename: 'ok.pdf', content: PDF });
			server.seedReport('report_dl_html', { filename: 'financial_summary_2024_01.pdf', content: PDF });
			server.setReportDownload('report_dl_html', { contentType: 'text/html; charset=utf-8', body: HTML });
			server.seedReport('report_dl_short', { filename: 'short.pdf', content: PDF });
			server.setReportDownload('report_dl_short', { cutAfter: 500 });
			server.seedReport('report_dl_stall', { filename: 'stall.pdf', content: PDF });
			server.setReportDownload('report_dl_stall', { stallAfter: 100 });
			server.seedReport('report_dl_mid', { filename: 'mid.pdf', file_size: MID });
			server.setReportDownload('report_dl_mid', { generated: MID });
			server.seedReport('report_dl_big', { filename: 'big.pdf', file_size: BIG });
			server.setReportDownload('report_dl_big', { generated: BIG });
		},
	});
	const { execute, report } = suite;

	/** The file of a binary in n8n's binary store (`filesystem-v2:<id>`), or undefined when inline. */
	function storedFile(binary) {
		if (!binary.id) return undefined;
		const rel = String(binary.id).replace(/^filesystem(-v2)?:/, '');
		return [`${suite.n8n.dataDir}/binaryData/${rel}`, `${suite.n8n.dataDir}/storage/${rel}`].find((p) => fs.existsSync(p));
	}

	/** Every binary in any node's output of a run. */
	const binariesOf = (run) =>
		Object.values(run.data.resultData.runData).flatMap((runs) => runs.flatMap((r) => (r.data?.main ?? []).flat().filter((item) => item?.binary)));

	test('an HTML 200 and a body cut short are errors, paired, with no binary; the good report is downloaded', async () => {
		const r = await execute('gbDlNotAFile0001');
		const out = succeeded(r);
		expect(out.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		const [html, short, ok] = out;
		expect(html.json.error).toBe('The file host sent a web page (HTML) instead of the application/pdf file of report "report_dl_html" [item 0]');
		expect(html.json.description).toMatch(/^Its answer was text\/html \(200 OK\)/);
		expect(short.json.error).toBe('The file of report "report_dl_short" was cut short: 500 bytes of 1,000 bytes arrived [item 1]');
		expect(html.binary).toBeUndefined();
		expect(short.binary).toBeUndefined();
		expect(binariesOf(r.run)).toHaveLength(1);
		expect(ok.binary.data).toMatchObject({ fileName: 'ok.pdf', mimeType: 'application/pdf' });
		expect(fs.readFileSync(storedFile(ok.binary.data)).equals(PDF)).toBe(true);
		expect(r.files.map((q) => [q.reportId, q.status]).sort()).toEqual([
			['report_dl_html', 200],
			['report_dl_ok', 200],
			['report_dl_short', 200],
		]);
		report.cases.notAFile = { html: html.json, short: short.json };
	});

	test('without Continue, an HTML 200 fails the run with the same message and no output', async () => {
		const r = await execute('gbDlHtmlStop0001');
		expect(r.ok).toBe(false);
		const error = r.run.data.resultData.error;
		expect(error.message).toBe('The file host sent a web page (HTML) instead of the application/pdf file of report "report_dl_html" [item 0]');
		expect(outputOf(r.run)).toEqual([]);
		expect(binariesOf(r.run)).toHaveLength(0);
	});

	test('a file host that sends its headers, then nothing: the run ends at the Timeout (3 s)', async () => {
		const r = await execute('gbDlStalled00001');
		expect(r.ok).toBe(false);
		const error = r.run.data.resultData.error;
		expect(error.message).toBe('The file host sent nothing for 3 seconds during the download of report "report_dl_stall" [item 0]');
		const [file] = r.files;
		expect(r.files).toHaveLength(1);
		// From the file host's request to the end of the execution (n8n's own stoppedAt): the Timeout, and at most ~1.5 s more
		const endedAfterMs = Date.parse(r.run.stoppedAt) - file.startedAt;
		expect(endedAfterMs).toBeGreaterThanOrEqual(2900);
		expect(endedAfterMs).toBeLessThan(4500);
		report.cases.stall = { message: error.message, description: error.description, endedAfterMs };
	});

	/** n8n's process: its peak resident size (kB) since the last reset. */
	const pid = () => readState().shared[version].pid;
	const peakKb = () => Number(/VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid()}/status`, 'utf8'))[1]);
	const resetPeak = () => fs.writeFileSync(`/proc/${pid()}/clear_refs`, '5');

	/** The peak resident size of n8n (MiB) during a run of the workflow, and the run. */
	async function peakDuring(id) {
		resetPeak();
		const r = await execute(id);
		return { r, peakMib: peakKb() / 1024 };
	}

	test('a 100 MiB report streams into n8n\'s binary store: whole, and n8n\'s peak memory does not grow with the file', async () => {
		const small = await peakDuring('gbDlSmall0000001');
		succeeded(small.r);
		const mid = await peakDuring('gbDlMid000000001');
		expect(succeeded(mid.r)[0].binary.data.bytes).toBe(MID);
		const started = Date.now();
		const big = await peakDuring('gbDlBig000000001');
		const seconds = (Date.now() - started) / 1000;
		const [item] = succeeded(big.r);
		expect(item.binary.data).toMatchObject({ fileName: 'big.pdf', mimeType: 'application/pdf', bytes: BIG });
		const file = storedFile(item.binary.data);
		expect(fs.statSync(file).size).toBe(BIG);
		const expected = crypto.createHash('sha256');
		for (const chunk of suite.server.constructor.generatedReport(BIG)) expected.update(chunk);
		const stored = crypto.createHash('sha256');
		for await (const chunk of fs.createReadStream(file)) stored.update(chunk);
		expect(stored.digest('hex')).toBe(expected.digest('hex'));
		const grew = { mid: mid.peakMib - small.peakMib, big: big.peakMib - small.peakMib };
		const figures = { smallPeakMib: small.peakMib, midPeakMib: mid.peakMib, bigPeakMib: big.peakMib, grewMib: grew, bigSeconds: seconds };
		report.cases.memory = figures;
		process.stdout.write(`[download.e2e] n8n ${version}: peak RSS (VmHWM, MiB) ${JSON.stringify(figures)}\n`);
		// Held whole (as before: the body, then a copy) the peak grows by twice the file: +200 MiB for 100 MiB.
		// Streamed, it grows by socket buffers and garbage V8 has not collected yet (seen: +3 to +62 MiB for
		// 10, 100 and 250 MiB, not in the order of the sizes), never by the file: less than the file itself.
		// What stays held, after a collection, is `npm run bench`'s figure.
		expect(grew.big).toBeLessThan(BIG / MIB);
	});
});
