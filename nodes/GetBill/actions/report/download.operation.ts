import type { IDataObject, IExecuteFunctions, IHttpRequestOptions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { notFound } from '../../fields/ids';
import { showFor } from '../../fields/properties';
import { REPORT_ID } from '../../resources/report';
import { apiPath } from '../../transport';
import type { RequestKind } from '../../transport/errors';
import type { RunContext, Send } from '../shared';
import { dataOf, idProperty, readId, request } from '../shared';

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
 * Download: asks GetBill for the report's signed link, then fetches the file
 * from that link with a plain request (no Authorization header, no GetBill
 * token: the file host is not GetBill), and outputs the report's JSON with
 * the file as binary data.
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
		if (!/^https?:\/\//i.test(url)) {
			throw fail(
				`GetBill gave no http(s) download link for report "${reportId}"`,
				`The link GetBill returned is ${url ? `not an http(s) URL (${url.split(':')[0]}:…)` : 'missing'}, so nothing was downloaded. Check that the report is completed (download_available) and run again.`,
			);
		}
		// A plain request: the signed link is its own authorisation, and no GetBill token may reach another host.
		const options: IHttpRequestOptions = {
			method: 'GET',
			url,
			encoding: 'arraybuffer',
			json: false,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
		};
		const signal = this.getExecutionCancelSignal?.();
		if (signal) options.abortSignal = signal;
		let response: { body: unknown; headers: IDataObject; statusCode: number };
		try {
			response = (await this.helpers.httpRequest(options)) as typeof response;
		} catch (error) {
			throw fail(
				`Could not download report "${reportId}" from its link`,
				`The file host did not answer (${(error as Error).message}). The link is valid for one hour; run again to get a new one.`,
			);
		}
		if (response.statusCode >= 400) {
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
		return [{ json, binary: { [binaryPropertyName]: binary }, pairedItem: { item: itemIndex } }];
	};
}
