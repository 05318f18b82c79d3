import type { IDataObject, IExecuteFunctions, IHttpRequestOptions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { notFound } from '../../fields/ids';
import { showFor } from '../../fields/properties';
import { REPORT_ID } from '../../resources/report';
import { apiPath } from '../../transport';
import type { RequestKind } from '../../transport/errors';
import type { ReportHostRefusal } from '../../transport/hosts';
import { allowedHostsText, hostLabel, MAX_REPORT_REDIRECTS, reportHostRefusal } from '../../transport/hosts';
import type { RunContext, Send } from '../shared';
import { dataOf, idProperty, readId, request, runsAsTool } from '../shared';

export const description: INodeProperties[] = [
	...idProperty(REPORT_ID, 'report', 'download', 'The encrypted ID of the report to download (a completed one)', {
		hint: 'A completed report (download_available). The output holds the report\'s details and the file as binary data.',
	}),
	{
		displayName: 'Put Output File in Field',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		required: true,
		hint: 'The name of the output binary field to put the file in',
		displayOptions: showFor('report', ['download']),
	},
];

/** A read: safe to send again, so items may run concurrently. */
export const kind: RequestKind = 'read';

/** The file name of a Content-Disposition header (`filename*=UTF-8''…` or `filename="…"`). */
function fileNameOf(disposition: unknown): string | undefined {
	if (typeof disposition !== 'string') return undefined;
	const star = /filename\*\s*=\s*(?:UTF-8|utf-8)''([^;]+)/.exec(disposition);
	if (star) {
		try {
			return decodeURIComponent(star[1].trim());
		} catch {
			/* fall through */
		}
	}
	const plain = /filename\s*=\s*"?([^";]+)"?/.exec(disposition);
	return plain ? plain[1].trim() : undefined;
}

/**
 * What a model gets of a download: n8n hands an AI Agent only the JSON of a
 * tool's output (the file, binary data, is dropped), so as a tool the JSON
 * says which file was downloaded and where it is. The link's expiry is left
 * out with the link.
 */
function toolResult(reportId: string, fileName: string, mimeType: string, size: number, field: string): IDataObject {
	return {
		id: reportId,
		filename: fileName,
		mime_type: mimeType,
		file_size: size,
		note: `The file "${fileName}" (${mimeType}, ${size} bytes) was downloaded and is attached to this tool's output as binary data (field "${field}") for the workflow; files are not passed to the model, only these details.`,
	};
}

/** The statuses of a redirect the node follows (each hop checked: see reportHostRefusal). */
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/** The Location of a redirect, when the answer is one. */
function locationOf(response: { headers: IDataObject; statusCode: number }): string | undefined {
	if (!REDIRECT_STATUSES.has(response.statusCode)) return undefined;
	const location = response.headers?.location;
	return typeof location === 'string' && location !== '' ? location : undefined;
}

/** Where a refused URL points, for the message: its host, and the reason when it is not the host itself. */
function whereText(url: URL, refusal: ReportHostRefusal): string {
	if (refusal === 'scheme') return `a non-http(s) link (${url.protocol})`;
	return `"${hostLabel(url)}"${refusal === 'http' ? ' over plain http' : ''}`;
}

/**
 * Download: asks GetBill for the report's signed link, then fetches the file
 * from that link with a plain request (no Authorization header, no GetBill
 * token: the file host is not GetBill), and outputs the report's JSON with
 * the file as binary data. The link, and each redirect of the file host (at
 * most MAX_REPORT_REDIRECTS, followed by the node itself), must be on
 * GetBill's own hosts (see reportHostRefusal): nothing is requested elsewhere.
 */
export function prepare(this: IExecuteFunctions, itemIndex: number, run: RunContext): Send {
	const reportId = readId(this, itemIndex, REPORT_ID);
	const binaryPropertyName = String(this.getNodeParameter('binaryPropertyName', itemIndex, 'data')).trim();
	if (binaryPropertyName === '') {
		throw new NodeOperationError(this.getNode(), `Put Output File in Field is empty [item ${itemIndex}]`, {
			itemIndex,
			description: 'Name the binary field the file goes in, e.g. data.',
		});
	}
	const fail = (message: string, description: string) =>
		new NodeOperationError(this.getNode(), `${message} [item ${itemIndex}]`, { itemIndex, description });
	return async () => {
		const link = dataOf(
			await request.call(this, run, itemIndex, { method: 'GET', path: apiPath`/reports/download/${reportId}` }, {
				action: `get the download link of report "${reportId}"`,
				notFound: notFound(REPORT_ID, reportId),
			}),
		);
		const url = typeof link.download_url === 'string' ? link.download_url : '';
		let target: URL | undefined;
		try {
			target = new URL(url);
		} catch {
			target = undefined;
		}
		if (!target || reportHostRefusal(target, run.baseUrl) === 'scheme') {
			throw fail(
				`GetBill gave no http(s) download link for report "${reportId}"`,
				`The link GetBill returned is ${url ? `not an http(s) URL (${url.split(':')[0]}:…)` : 'missing'}, so nothing was downloaded. Check that the report is completed (download_available) and run again.`,
			);
		}
		const refused = reportHostRefusal(target, run.baseUrl);
		if (refused) {
			throw fail(
				`The download link of report "${reportId}" points to ${whereText(target, refused)}`,
				`${allowedHostsText(run.baseUrl)}. ${refused === 'http' ? 'A plain http link is followed only on the host of an http Base URL (a local test server). ' : ''}` +
					`Nothing was requested from "${hostLabel(target)}". Check the Base URL of the GetBill credential; if it is right, tell GetBill support about the link.`,
			);
		}
		const signal = this.getExecutionCancelSignal?.();
		let response: { body: unknown; headers: IDataObject; statusCode: number };
		for (let redirects = 0; ; redirects++) {
			// A plain request: the signed link is its own authorisation, and no GetBill token may reach another host.
			// Redirects are not followed by the helper: the node checks each Location first.
			const options: IHttpRequestOptions = {
				method: 'GET',
				url: target.href,
				encoding: 'arraybuffer',
				json: false,
				returnFullResponse: true,
				ignoreHttpStatusErrors: true,
				disableFollowRedirect: true,
			};
			if (signal) options.abortSignal = signal;
			try {
				response = (await this.helpers.httpRequest(options)) as typeof response;
			} catch (error) {
				throw fail(
					`Could not download report "${reportId}" from its link`,
					`The file host did not answer (${(error as Error).message}). The link is valid for one hour; run again to get a new one.`,
				);
			}
			const location = locationOf(response);
			if (location === undefined) break;
			let next: URL;
			try {
				next = new URL(location, target);
			} catch {
				break; // not a URL: the redirect status is the answer
			}
			const hopRefused = reportHostRefusal(next, run.baseUrl);
			if (hopRefused) {
				throw fail(
					`The file host redirected the download of report "${reportId}" to ${whereText(next, hopRefused)}`,
					`The file host at "${hostLabel(target)}" answered ${response.statusCode} with a redirect there. ${allowedHostsText(run.baseUrl)}. ` +
						`Nothing was requested from "${hostLabel(next)}" and no file was saved. Check the Base URL of the GetBill credential; if it is right, tell GetBill support about the link.`,
				);
			}
			if (redirects === MAX_REPORT_REDIRECTS) {
				throw fail(
					`The download of report "${reportId}" was redirected more than ${MAX_REPORT_REDIRECTS} times`,
					`The file host kept redirecting (on GetBill's hosts), so the node stopped and saved no file. Run again later; the node asks GetBill for a new link each time.`,
				);
			}
			target = next;
		}
		if (response.statusCode >= 300) {
			throw fail(
				`The file host refused the download of report "${reportId}" (${response.statusCode})`,
				response.statusCode === 403 || response.statusCode === 404 || response.statusCode === 410
					? 'The signed link has expired or was already used (some reports allow one download per link). Run again: the node asks GetBill for a new link each time.'
					: 'Run again later; the node asks GetBill for a new link each time.',
			);
		}
		const body = response.body;
		const bytes = Buffer.isBuffer(body) ? body : body instanceof ArrayBuffer ? Buffer.from(body) : Buffer.from(String(body ?? ''));
		if (bytes.length === 0) {
			throw fail(`The file of report "${reportId}" is empty`, 'The file host sent no bytes. Run again; if it stays empty, the report may still be in preparation in GetBill.');
		}
		const headers = response.headers ?? {};
		const fileName = fileNameOf(headers['content-disposition']) ?? (typeof link.filename === 'string' ? link.filename : `report-${reportId}`);
		const headerType = typeof headers['content-type'] === 'string' ? headers['content-type'].split(';')[0].trim() : '';
		const mimeType = (typeof link.mime_type === 'string' && link.mime_type) || headerType || 'application/octet-stream';
		const binary = await this.helpers.prepareBinaryData(bytes, fileName, mimeType);
		// The signed link is left out: it is a one-hour credential for the file.
		const json = { ...link };
		delete json.download_url;
		if (runsAsTool(this)) {
			const id = typeof link.id === 'string' && link.id !== '' ? link.id : reportId;
			const forModel = toolResult(id, fileName, mimeType, bytes.length, binaryPropertyName);
			return [{ json: forModel, binary: { [binaryPropertyName]: binary }, pairedItem: { item: itemIndex } }];
		}
		return [{ json, binary: { [binaryPropertyName]: binary }, pairedItem: { item: itemIndex } }];
	};
}
