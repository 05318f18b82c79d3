/* eslint-disable @n8n/community-nodes/no-restricted-imports -- a second HTTP server plays another host; tests run in Node.js, not inside n8n Cloud */
/**
 * Report Download follows its link, and the file host's redirects, only to
 * GetBill's own hosts: https on getbill.io and its subdomains, or the hostname
 * of the credential's Base URL (any port; http only because the test server's
 * Base URL is http). Another host here is a throwaway server on 127.0.0.2 (a
 * loopback address on Linux; where it cannot be bound, "localhost" names the
 * same machine under another hostname), which records every request it gets.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

import type { IDataObject } from 'n8n-workflow';

import { newCredentials, runGetBill } from '../helpers/n8n-harness';
import { useGetBillServer } from '../helpers/server';

const gb = useGetBillServer({ clients: [{ clientId: 'test-client-id', clientSecret: 'test-client-secret', scopes: ['reports:read'] }] });
const { server } = gb;

const PDF = Buffer.from('%PDF-1.4\n% a GetBill report\n%%EOF\n');

/** The other host: answers everything 200 with an "internal" body, and records each request. */
const otherRequests: Array<{ method?: string; url?: string; headers: http.IncomingHttpHeaders }> = [];
const other = http.createServer((req, res) => {
	otherRequests.push({ method: req.method, url: req.url, headers: { ...req.headers } });
	req.resume();
	res.writeHead(200, { 'Content-Type': 'application/json' });
	res.end('{"internal":"secret metadata"}');
});
/** e.g. 127.0.0.2:41234 */
let otherHost = '';
let otherUrl = '';

async function listenOther(address: string): Promise<void> {
	await new Promise<void>((resolve, reject) => {
		other.once('error', reject);
		other.listen(0, address, () => {
			other.off('error', reject);
			resolve();
		});
	});
}

beforeAll(async () => {
	let hostname = '127.0.0.2';
	try {
		await listenOther(hostname);
	} catch {
		hostname = 'localhost';
		await listenOther('127.0.0.1');
	}
	otherHost = `${hostname}:${(other.address() as AddressInfo).port}`;
	otherUrl = `http://${otherHost}`;
});
afterAll(async () => {
	await new Promise<void>((resolve) => other.close(() => resolve()));
});
beforeEach(() => {
	otherRequests.length = 0;
	server.seedReport('report_jan', { content: PDF });
	server.setReportDownload('report_jan', {});
});

const download = (parameters: IDataObject = {}, extra: { items?: IDataObject[]; onError?: 'continueRegularOutput' } = {}) =>
	runGetBill({
		credentials: newCredentials(gb.url, { scope: 'reports:read' }),
		parameters: { resource: 'report', operation: 'download', reportId: 'report_jan', binaryPropertyName: 'file', ...parameters },
		...extra,
	});

describe('Report Download: the hosts it follows', () => {
	it('downloads from the file host on the Base URL\'s hostname (another port, http as the Base URL is http)', async () => {
		const fileHost = new URL(server.fileHostUrl);
		expect(fileHost.hostname).toBe(new URL(gb.url).hostname);
		expect(fileHost.port).not.toBe(new URL(gb.url).port);
		const result = await download();
		expect(result.error).toBeUndefined();
		expect(Buffer.from(result.outputs[0][0].binary!.file.data, 'base64').equals(PDF)).toBe(true);
		expect(server.fileRequests.map((r) => r.status)).toEqual([200]);
	});

	it('refuses a link to another host, naming it, and sends nothing there', async () => {
		server.setReportDownload('report_jan', { downloadUrl: `${otherUrl}/latest/meta-data/iam?signature=abc` });
		const result = await download();
		expect(result.error!.message).toBe(`The download link of report "report_jan" points to "${otherHost}" [item 0]`);
		expect(result.error!.description).toContain('getbill.io');
		expect(result.error!.description).toContain('"127.0.0.1"');
		expect(result.error!.description).toContain(`Nothing was requested from "${otherHost}"`);
		expect(otherRequests).toEqual([]);
		expect(server.fileRequests).toEqual([]);
	});

	it.each([
		['an absolute', (url: string) => `${url}/latest/meta-data`],
		['a scheme-relative', (url: string) => `${url.slice('http:'.length)}/latest/meta-data`],
	])('refuses %s redirect from the file host to another host: that host gets no request', async (_kind, location) => {
		server.setReportDownload('report_jan', { redirectTo: location(otherUrl) });
		const result = await download();
		expect(result.error!.message).toBe(`The file host redirected the download of report "report_jan" to "${otherHost}" [item 0]`);
		expect(result.error!.description).toContain(`Nothing was requested from "${otherHost}"`);
		expect(otherRequests).toEqual([]);
		expect(server.fileRequests.map((r) => r.status)).toEqual([302]);
		expect(result.outputs).toEqual([]);
	});

	it('follows redirects within the file host, checking each, with no Authorization on any hop', async () => {
		server.setReportDownload('report_jan', { redirects: 3, redirectStatus: 307 });
		const result = await download();
		expect(result.error).toBeUndefined();
		expect(Buffer.from(result.outputs[0][0].binary!.file.data, 'base64').equals(PDF)).toBe(true);
		expect(server.fileRequests.map((r) => [r.status, r.query.hop])).toEqual([
			[307, undefined],
			[307, '1'],
			[307, '2'],
			[200, '3'],
		]);
		for (const hop of server.fileRequests) expect(Object.keys(hop.headers)).not.toContain('authorization');
	});

	it('stops after 5 redirects, even within the file host', async () => {
		server.setReportDownload('report_jan', { redirects: 6 });
		const result = await download();
		expect(result.error!.message).toBe('The download of report "report_jan" was redirected more than 5 times [item 0]');
		expect(server.fileRequests.map((r) => r.status)).toEqual([302, 302, 302, 302, 302, 302]);
	});

	it('a redirect status it does not follow (300, no Location) is an error, not the file', async () => {
		server.setReportDownload('report_jan', { fileStatus: 300 });
		const result = await download();
		expect(result.error!.message).toBe('The file host refused the download of report "report_jan" (300) [item 0]');
		expect(server.fileRequests.map((r) => r.status)).toEqual([300]);
	});

	it.each([
		['http://secure-downloads.getbill.io/files/abc?signature=def', 'The download link of report "report_jan" points to "secure-downloads.getbill.io" over plain http [item 0]'],
		['http://getbill.io/files/abc', 'The download link of report "report_jan" points to "getbill.io" over plain http [item 0]'],
		['https://getbill.io.evil.example/files/abc', 'The download link of report "report_jan" points to "getbill.io.evil.example" [item 0]'],
		['https://evilgetbill.io/files/abc', 'The download link of report "report_jan" points to "evilgetbill.io" [item 0]'],
		['https://secure-downloads.getbill.io@evil.example/files/abc', 'The download link of report "report_jan" points to "evil.example" [item 0]'],
	])('refuses %s before any request (GetBill\'s hosts over https only)', async (link, message) => {
		server.setReportDownload('report_jan', { downloadUrl: link });
		const result = await download();
		expect(result.error!.message).toBe(message);
		expect(server.fileRequests).toEqual([]);
	});

	it('With Continue On Fail a refused link is an error item paired with its input; the other items download', async () => {
		server.seedReport('report_evil', { content: PDF });
		server.setReportDownload('report_evil', { downloadUrl: `${otherUrl}/files/report.pdf` });
		server.seedReport('report_feb', { content: PDF });
		const items = [{ report: 'report_jan' }, { report: 'report_evil' }, { report: 'report_feb' }];
		const result = await download({ reportId: '={{ $json.report }}' }, { items, onError: 'continueRegularOutput' });
		expect(result.error).toBeUndefined();
		const out = result.outputs[0];
		expect(out).toHaveLength(3);
		expect(out.map((o) => o.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(out[0].binary!.file).toBeDefined();
		expect(out[1].json.error).toBe(`The download link of report "report_evil" points to "${otherHost}" [item 1]`);
		expect(out[1].binary).toBeUndefined();
		expect(out[2].binary!.file).toBeDefined();
		expect(otherRequests).toEqual([]);
	});
});
