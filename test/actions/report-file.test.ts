/**
 * Report Download (issue #31, points 1, 2 and 4): the file or an error, never
 * a web page saved as the report; streamed into n8n's binary store with its
 * bytes counted (Max File Size, GetBill's file_size), every wait for the file
 * host within the Timeout; the file host's 5xx and dropped connections tried
 * again with a new link; a report not ready said as such; Content-Disposition
 * file names read right. Each through n8n-core's engine and request helper
 * against the project's test server and its file host (setReportDownload).
 */
import { createHash } from 'node:crypto';

import { BinaryDataService } from 'n8n-core';
import type { IDataObject } from 'n8n-workflow';

import { decodeExtendedValue, dispositionParameters, fileNameOf, sniffNotAFile } from '../../nodes/GetBill/actions/report/file';
import { GetBillServer } from '../server/getbill-server';
import { newCredentials, runGetBill } from '../helpers/n8n-harness';
import { useGetBillServer } from '../helpers/server';

const gb = useGetBillServer({ followupIds: [], clients: [{ clientId: 'test-client-id', clientSecret: 'test-client-secret', scopes: ['reports:read'] }] });
const { server } = gb;

const KB = Buffer.alloc(1000, 'x');
/** A 1,000-byte PDF */
const PDF = Buffer.concat([Buffer.from('%PDF-1.4\n'), KB]).subarray(0, 1000);
const HTML = '<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>';
const MB = 1024 * 1024;

beforeEach(() => {
	server.seedReport('report_jan', { content: PDF });
	server.setReportDownload('report_jan', {});
});

const download = (
	parameters: IDataObject = {},
	extra: { items?: IDataObject[]; onError?: 'continueRegularOutput'; cancelAfterMs?: number; typeVersion?: number } = {},
) =>
	runGetBill({
		credentials: newCredentials(gb.url, { scope: 'reports:read' }),
		parameters: { resource: 'report', operation: 'download', reportId: 'report_jan', binaryPropertyName: 'file', ...parameters },
		...extra,
	});

/** The GET /reports/download/{id} requests GetBill got (one per link asked for). */
const linkRequests = () => server.requests.filter((r) => r.path.startsWith('/external-api/v1/reports/download/'));
const fileBytes = (result: Awaited<ReturnType<typeof download>>) => Buffer.from(result.outputs[0][0].binary!.file.data, 'base64');

describe('1. a download is the file or an error', () => {
	it('refuses an HTML page served as text/html, naming the report, what was expected and what came', async () => {
		server.setReportDownload('report_jan', { contentType: 'text/html; charset=utf-8', body: HTML });
		const result = await download({ options: { maxRetries: 0 } });
		expect(result.error!.message).toBe('The file host sent a web page (HTML) instead of the application/pdf file of report "report_jan" [item 0]');
		expect(result.error!.description).toMatch(/^Its answer was text\/html \(200 OK\), most likely an error page of a proxy or of the storage host, so no file was saved\. Run again/);
		expect(result.outputs).toEqual([]);
	});

	it('refuses an HTML page served as application/pdf (its first bytes), and a JSON error body', async () => {
		server.setReportDownload('report_jan', { body: `\ufeff  ${HTML}` });
		let result = await download();
		expect(result.error!.message).toMatch(/^The file host sent a web page \(HTML\) instead of the application\/pdf file of report "report_jan"/);
		expect(result.error!.description).toMatch(/^Its answer began like one \(200 OK\)/);
		server.setReportDownload('report_jan', { contentType: 'application/json', body: '{"error":"AccessDenied","message":"Request has expired"}' });
		result = await download();
		expect(result.error!.message).toMatch(/^The file host sent a JSON message instead of the application\/pdf file of report "report_jan"/);
		// A refusal is not retried: the file host answered, with the wrong thing
		expect(server.fileRequests).toHaveLength(2);
	});

	it('keeps a report that is JSON or HTML when GetBill says so (mime_type)', async () => {
		const json = Buffer.from('{"total": 3, "debts": []}');
		server.seedReport('report_jan', { content: json, mime_type: 'application/json', filename: 'summary.json' });
		server.setReportDownload('report_jan', { contentType: 'application/json' });
		const result = await download();
		expect(result.error).toBeUndefined();
		expect(fileBytes(result).equals(json)).toBe(true);
	});

	it('refuses a body cut short (connection closed after 500 of 1,000 bytes), tried again with a new link', async () => {
		server.setReportDownload('report_jan', { cutAfter: 500 });
		const result = await download({ options: { maxRetries: 1 } });
		expect(result.error!.message).toBe('The file of report "report_jan" was cut short: 500 bytes of 1,000 bytes arrived [item 0]');
		expect(result.error!.description).toMatch(/closed the connection before the end of the file .*no file was saved.* The file was requested 2 times, each time with a new link\.$/);
		expect(linkRequests()).toHaveLength(2);
		expect(result.outputs).toEqual([]);
	});

	it('refuses a body that ends cleanly with fewer bytes than file_size, and one with more', async () => {
		server.setReportDownload('report_jan', { body: PDF.subarray(0, 500), noContentLength: true });
		let result = await download();
		expect(result.error!.message).toBe('The file of report "report_jan" has 500 bytes, not the 1,000 bytes GetBill announced [item 0]');
		server.setReportDownload('report_jan', { body: Buffer.concat([PDF, PDF]), noContentLength: true });
		result = await download();
		expect(result.error!.message).toBe('The file of report "report_jan" has more bytes than the 1,000 bytes GetBill announced [item 0]');
	});

	it('with Continue On Fail: the refused item is an error item with no binary, the next one is downloaded', async () => {
		server.seedReport('report_feb', { content: PDF });
		server.setReportDownload('report_jan', { contentType: 'text/html', body: HTML });
		const result = await download(
			{ reportId: '={{ $json.id }}' },
			{ items: [{ id: 'report_jan' }, { id: 'report_feb' }], onError: 'continueRegularOutput' },
		);
		expect(result.error).toBeUndefined();
		const [refused, good] = result.outputs[0];
		expect(refused.json.error).toMatch(/^The file host sent a web page \(HTML\) instead of the application\/pdf file of report "report_jan"/);
		expect(refused.binary).toBeUndefined();
		expect(refused.pairedItem).toEqual({ item: 0 });
		expect(Buffer.from(good.binary!.file.data, 'base64').equals(PDF)).toBe(true);
		expect(good.pairedItem).toEqual({ item: 1 });
	});
});

describe('2. streamed, capped, with a deadline', () => {
	it('hands n8n\'s binary store a stream, not a Buffer, and the file arrives whole', async () => {
		const size = 3 * MB + 123;
		server.seedReport('report_jan', { file_size: size });
		server.setReportDownload('report_jan', { generated: size });
		const store = jest.spyOn(BinaryDataService.prototype, 'store');
		try {
			const result = await download();
			expect(result.error).toBeUndefined();
			expect(store).toHaveBeenCalledTimes(1);
			const given = store.mock.calls[0][1] as unknown;
			expect(Buffer.isBuffer(given)).toBe(false);
			expect(typeof (given as { pipe?: unknown }).pipe).toBe('function');
			const expected = createHash('sha256');
			for (const chunk of GetBillServer.generatedReport(size)) expected.update(chunk);
			expect(createHash('sha256').update(fileBytes(result)).digest('hex')).toBe(expected.digest('hex'));
			expect(result.outputs[0][0].binary!.file.bytes).toBe(size);
		} finally {
			store.mockRestore();
		}
	});

	it('Max File Size refuses from file_size before the file is requested', async () => {
		server.seedReport('report_jan', { file_size: 2 * MB });
		server.setReportDownload('report_jan', { generated: 2 * MB });
		const result = await download({ options: { maxFileSize: 1 } });
		expect(result.error!.message).toBe('Report "report_jan" is larger than Max File Size (1 MB) [item 0]');
		expect(result.error!.description).toBe(
			'GetBill announces the file at 2,097,152 bytes, so the file was not requested and no file was saved. Raise Max File Size under Options, or set it to 0 for no limit.',
		);
		expect(server.fileRequests).toHaveLength(0);
	});

	it('Max File Size refuses from Content-Length, and while streaming when there is none', async () => {
		server.seedReport('report_jan', { file_size: 0 });
		server.setReportDownload('report_jan', { generated: 2 * MB });
		let result = await download({ options: { maxFileSize: 1 } });
		expect(result.error!.description).toMatch(/^The file host announces the file \(Content-Length\) at 2,097,152 bytes, so it was not downloaded/);
		server.setReportDownload('report_jan', { generated: 2 * MB, noContentLength: true });
		result = await download({ options: { maxFileSize: 1 } });
		expect(result.error!.message).toBe('Report "report_jan" is larger than Max File Size (1 MB) [item 0]');
		expect(result.error!.description).toMatch(/^The file host sent more than 1 MB, so the download was stopped there and no file was saved/);
		expect(result.outputs).toEqual([]);
	});

	it('a file host that sends the headers, then nothing, is given up after the Timeout', async () => {
		server.setReportDownload('report_jan', { stallAfter: 100 });
		const started = Date.now();
		const result = await download({ options: { timeout: 1, maxRetries: 0 } });
		const took = Date.now() - started;
		expect(result.error!.message).toBe('The file host sent nothing for 1 second during the download of report "report_jan" [item 0]');
		expect(result.error!.description).toMatch(/waited the Timeout \(1 seconds, under Options\)/);
		expect(took).toBeGreaterThanOrEqual(1000);
		expect(took).toBeLessThan(5000);
	});

	it('a file host that sends nothing at all is given up after the Timeout, and tried again within Max Retries', async () => {
		server.setReportDownload('report_jan', { stallHeaders: true });
		const result = await download({ options: { timeout: 1, maxRetries: 1 } });
		expect(result.error!.message).toBe('The file host sent nothing for 1 second instead of the file of report "report_jan" [item 0]');
		expect(result.error!.description).toMatch(/The file was requested 2 times, each time with a new link\.$/);
		expect(linkRequests()).toHaveLength(2);
	});

	it('a Stop during a stalled download ends the run within about a second', async () => {
		server.setReportDownload('report_jan', { stallAfter: 100 });
		const started = Date.now();
		const result = await download({ options: { timeout: 60 } }, { cancelAfterMs: 500 });
		// The engine's promise settles only when the node has returned
		expect(Date.now() - started).toBeLessThan(1500);
		expect(result.run.status).toBe('canceled');
		expect(server.fileRequests).toHaveLength(1);
	});
});

describe('4. retries with a new link, not ready, file names', () => {
	it('a 503 of the file host is tried again with a new link from GetBill', async () => {
		server.setReportDownload('report_jan', { failFirst: { status: 503 } });
		const result = await download();
		expect(result.error).toBeUndefined();
		expect(fileBytes(result).equals(PDF)).toBe(true);
		expect(server.fileRequests.map((r) => r.status)).toEqual([503, 200]);
		expect(linkRequests()).toHaveLength(2);
		expect(server.fileRequests[0].path).not.toBe(server.fileRequests[1].path);
	});

	it('a dropped connection is tried again; a 503 every time fails after Max Retries', async () => {
		server.setReportDownload('report_jan', { failFirst: { reset: true } });
		let result = await download();
		expect(result.error).toBeUndefined();
		expect(fileBytes(result).equals(PDF)).toBe(true);
		server.reset();
		server.setReportDownload('report_jan', { failFirst: { status: 503, times: 5 } });
		result = await download({ options: { maxRetries: 1 } });
		expect(result.error!.message).toBe('The file host refused the download of report "report_jan" (503) [item 0]');
		expect(result.error!.description).toBe(
			'Run again later; the node asks GetBill for a new link each time. The file was requested 2 times, each time with a new link.',
		);
	});

	it('a report that is not ready is said to be not ready, with the way to wait for it', async () => {
		server.seedReport('report_jan', { status: 'processing', download_available: false });
		const result = await download({}, { typeVersion: 2 });
		expect(result.error!.message).toBe('Report "report_jan" is not ready for download yet: Report is not available for download [item 0]');
		expect(result.error!.description).toContain('report.generated');
		expect(result.error!.description).not.toMatch(/Check the Report ID/i);
		const unknown = await download({ reportId: 'report_nope' }, { typeVersion: 1 });
		expect(unknown.error!.message).toBe('Report "report_nope" not found: Report not found');
	});

	it.each([
		['attachment; filename="Q1; final.pdf"', 'Q1; final.pdf'],
		['attachment; filename="r_sum_.pdf"; filename*=UTF-8\'\'r%C3%A9sum%C3%A9%3B%20v2.pdf', 'résumé; v2.pdf'],
		['attachment; filename*=koi8-r\'\'%F0%D2%C9.pdf; filename="fallback.pdf"', 'fallback.pdf'],
	])('names the file from Content-Disposition %s', async (disposition, name) => {
		server.setReportDownload('report_jan', { contentDisposition: disposition });
		const result = await download();
		expect(result.outputs[0][0].binary!.file.fileName).toBe(name);
	});
});

describe('the pieces', () => {
	it.each([
		['attachment; filename="a;b.pdf"', 'a;b.pdf'],
		['attachment; filename="say \\"hi\\".pdf"', 'say "hi".pdf'],
		['inline; FILENAME=plain.csv ; size=3', 'plain.csv'],
		["attachment; filename*=UTF-8''%E2%82%AC%20rates.pdf; filename=\"EUR rates.pdf\"", '€ rates.pdf'],
		["attachment; filename=\"EUR rates.pdf\"; filename*=utf-8'en'%E2%82%AC%20rates.pdf", '€ rates.pdf'],
		["attachment; filename*=iso-8859-1''caf%E9.pdf", 'café.pdf'],
		["attachment; filename*=UTF-8''%FF%FE.pdf; filename=\"bad-utf8.pdf\"", 'bad-utf8.pdf'],
		["attachment; filename*=UTF-8''%ZZ.pdf; filename=\"bad-escape.pdf\"", 'bad-escape.pdf'],
		['attachment', undefined],
		[undefined, undefined],
	])('fileNameOf(%p) is %p', (header, name) => {
		expect(fileNameOf(header)).toBe(name);
	});

	it('takes linear time on long hostile headers', () => {
		const inputs = [
			`attachment; filename="${'\\'.repeat(200_000)}`,
			`attachment; ${'filename*=UTF-8\'\'%'.repeat(20_000)}`,
			`attachment; filename*=UTF-8''${'%41'.repeat(100_000)}`,
			`${';'.repeat(200_000)}filename=x`,
			`attachment; filename=${'"'.repeat(200_000)}`,
		];
		const started = Date.now();
		for (const header of inputs) fileNameOf(header);
		expect(fileNameOf(`${';'.repeat(200_000)}filename=x`)).toBe('x');
		expect(decodeExtendedValue(`UTF-8''${'%41'.repeat(100_000)}`)).toBe('A'.repeat(100_000));
		expect(Date.now() - started).toBeLessThan(2_000);
	});

	it('keeps the first of a parameter given twice', () => {
		expect(dispositionParameters('attachment; filename="one.pdf"; filename="two.pdf"').get('filename')).toBe('one.pdf');
	});

	it.each([
		['<!doctype html><html>', 'html'],
		['\n  <HTML lang="en">', 'html'],
		['<head>\n<title>x</title>', 'html'],
		['{"error": true}', 'json'],
		['{ }', 'json'],
		['%PDF-1.4', undefined],
		['PK\u0003\u0004', undefined],
		['<html5lib>', undefined],
		['id;amount\n1;2', undefined],
		['{not json', undefined],
	])('sniffNotAFile(%p) is %p', (head, kind) => {
		expect(sniffNotAFile(Buffer.from(head, 'latin1'))).toBe(kind);
	});
});
