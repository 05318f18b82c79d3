import type { IBinaryData, IDataObject, IExecuteFunctions, IHttpRequestOptions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeApiError, NodeOperationError, sleep } from 'n8n-workflow';

import { notFound } from '../../fields/ids';
import { showFor } from '../../fields/properties';
import { REPORT_ID } from '../../resources/report';
import { apiPath } from '../../transport';
import { cancellableWait, cancelledError, isCancelled, signalOf } from '../../transport/cancel';
import type { HttpFailure, RequestKind } from '../../transport/types';
import { extractHttpFailure } from '../../transport/errors';
import type { ReportHostRefusal } from '../../transport/hosts';
import { allowedHostsText, hostLabel, MAX_REPORT_REDIRECTS, reportHostRefusal } from '../../transport/hosts';
import type { RetryPolicy } from '../../transport/retry';
import { decideRetry } from '../../transport/retry';
import { readMaxFileSize } from '../options';
import { idProperty } from '../descriptions';
import { readId, runsAsTool } from '../readers';
import { dataOf, request } from '../requests';
import type { RunContext, Send } from '../types';
import type { FileStream } from './file';
import { bytesText, fileNameOf, mediaType, megabytesText, NOT_A_FILE_TEXT, notAFileRefusal, readableClassOf, SNIFF_BYTES } from './file';

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

/** The answer of the file host, its body a stream. */
interface FileResponse {
	body: unknown;
	headers: IDataObject;
	statusCode: number;
}

/** Drops a body the node does not read (a redirect's, a refusal's), so that its connection is freed. */
function discard(body: unknown): void {
	const stream = body as { destroy?: () => void } | undefined;
	if (typeof stream?.destroy === 'function') stream.destroy();
}

/** How often the deadline of a file request is looked at. */
const WATCH_SLICE_MS = 250;

/**
 * The deadline and the Stop of one request to the file host. The node waits
 * for the host (the answer's headers, then each part of the body) at most the
 * Timeout at a time; when a wait lasts that long, or n8n stops the execution,
 * the request is aborted and its body destroyed, so that every wait ends at
 * once with an error (`why` says which). Time the node spends handing bytes
 * on (n8n writing them to its binary store) does not count.
 */
class Watch {
	readonly controller = new AbortController();
	why: 'timeout' | 'stopped' | undefined;
	private waitingSince: number | undefined = Date.now();
	private body: FileStream | undefined;
	private done = false;
	private readonly onStop = () => this.giveUp('stopped');

	constructor(
		private readonly timeoutMs: number,
		private readonly signal: AbortSignal | undefined,
	) {
		signal?.addEventListener('abort', this.onStop, { once: true });
		if (signal?.aborted) this.giveUp('stopped');
		void this.loop();
	}

	/** Waits for the host: counted against the Timeout until it answers. */
	async wait<T>(promise: Promise<T>): Promise<T> {
		this.waitingSince = Date.now();
		try {
			return await promise;
		} finally {
			this.waitingSince = undefined;
		}
	}

	/** The body being read: destroyed when the node gives up. */
	reading(body: FileStream): void {
		this.body = body;
	}

	private giveUp(why: 'timeout' | 'stopped'): void {
		if (this.why !== undefined || this.done) return;
		this.why = why;
		this.controller.abort();
		this.body?.destroy(new Error(why === 'timeout' ? 'No answer within the Timeout' : 'The execution was stopped'));
	}

	/** The request is over (the file saved, or refused). */
	end(): void {
		this.done = true;
		this.signal?.removeEventListener('abort', this.onStop);
	}

	private async loop(): Promise<void> {
		while (!this.done && this.why === undefined) {
			await sleep(Math.min(WATCH_SLICE_MS, this.timeoutMs));
			if (this.waitingSince !== undefined && Date.now() - this.waitingSince >= this.timeoutMs) this.giveUp('timeout');
		}
	}
}

/**
 * The failures of a try where a new link may help (the file host's 429 or
 * 5xx, a dropped connection, no answer within the Timeout), by the item's
 * error: decideRetry weighs them like GetBill's own.
 */
const worthANewLink = new WeakMap<NodeOperationError, HttpFailure>();

/** The item's error, marked as worth another try with a new link. */
function retryable(error: NodeOperationError, failure: HttpFailure): NodeOperationError {
	worthANewLink.set(error, failure);
	return error;
}

/** GetBill's words for a report it has but cannot give yet (the test server's: "Report is not available for download"). */
const NOT_READY = /not (yet )?(available|ready|completed)|pending|processing|in progress|being generated/i;

/** Whether GetBill's 404 says the report exists but is not ready, rather than not found. */
function notReadyMessage(error: unknown): string | undefined {
	if (!(error instanceof NodeApiError) || String(error.httpCode) !== '404') return undefined;
	const said = (error.errorResponse as { message?: unknown } | undefined)?.message;
	return typeof said === 'string' && NOT_READY.test(said) && !/not found/i.test(said) ? said : undefined;
}

/** The report's `file_size` when GetBill gives a positive whole number. */
function announcedSize(link: IDataObject): number | undefined {
	const size = link.file_size;
	return typeof size === 'number' && Number.isInteger(size) && size > 0 ? size : undefined;
}

/** The answer's Content-Length, when it counts the file's bytes (no Content-Encoding). */
function contentLength(headers: IDataObject): number | undefined {
	const encoding = mediaType(headers['content-encoding']);
	if (encoding !== '' && encoding !== 'identity') return undefined;
	const length = Number(headers['content-length']);
	return Number.isSafeInteger(length) && length >= 0 ? length : undefined;
}

/**
 * Download: asks GetBill for the report's signed link, then fetches the file
 * from that link with a plain request (no Authorization header, no GetBill
 * token: the file host is not GetBill), and outputs the report's JSON with
 * the file as binary data. The link, and each redirect of the file host (at
 * most MAX_REPORT_REDIRECTS, followed by the node itself), must be on
 * GetBill's own hosts (see reportHostRefusal): nothing is requested elsewhere.
 *
 * The file streams into n8n's binary store, its bytes counted on the way: a
 * body that is a web page or a JSON message (unless GetBill's mime_type says
 * so), more bytes than Max File Size, or another byte count than GetBill's
 * file_size is refused and no binary is output. Every wait for the file host
 * lasts at most the Timeout. The file host's 429, 502, 503, 504, a dropped
 * connection or no answer within the Timeout are tried again like GetBill's
 * (within Max Retries, with backoff), each time with a new link.
 */
export function prepare(this: IExecuteFunctions, itemIndex: number, run: RunContext): Send {
	const download = new Download(this, itemIndex, run);
	return async () => await download.withRetries();
}

const AGAIN = 'Run again: the node asks GetBill for a new link each time.';
const MODEL_AGAIN = 'Calling again may work; it is safe, as it only reads.';

/** What a try knows of the file before its body is read: the host's and GetBill's type and size, and the name and type it is saved with. */
interface FileFacts {
	headerType: string;
	expectedType: string;
	expectedSize: number | undefined;
	fileName: string;
	mimeType: string;
}

/**
 * One item's download (see `prepare`): its parameters, read and checked when
 * the item is prepared, and its steps: ask GetBill for the link, check it,
 * fetch the file host's answer (its redirects checked), stream the file into
 * n8n's binary store (an Intake), and try again with a new link.
 */
class Download {
	readonly reportId: string;
	private readonly binaryPropertyName: string;
	readonly maxBytes: number | undefined;
	readonly policy: RetryPolicy;
	private readonly asTool: boolean;

	constructor(
		readonly fx: IExecuteFunctions,
		private readonly itemIndex: number,
		private readonly run: RunContext,
	) {
		this.reportId = readId(fx, itemIndex, REPORT_ID);
		this.binaryPropertyName = String(fx.getNodeParameter('binaryPropertyName', itemIndex, 'data')).trim();
		if (this.binaryPropertyName === '') {
			throw new NodeOperationError(fx.getNode(), `Put Output File in Field is empty [item ${itemIndex}]`, {
				itemIndex,
				description: 'Name the binary field the file goes in, e.g. data.',
			});
		}
		this.maxBytes = readMaxFileSize(fx, itemIndex);
		this.policy = run.retryPolicy(itemIndex);
		this.asTool = runsAsTool(fx);
	}

	/** The item's error: `forModel` is what a model is told instead of `description`, when the words differ. */
	fail(message: string, description: string, forModel?: string): NodeOperationError {
		const itemIndex = this.itemIndex;
		return new NodeOperationError(this.fx.getNode(), `${message} [item ${itemIndex}]`, {
			itemIndex,
			description: this.asTool && forModel ? forModel : description,
		});
	}

	tooLarge(size: string, where: string, done: string): NodeOperationError {
		return this.fail(
			`Report "${this.reportId}" is larger than Max File Size (${megabytesText(this.maxBytes!)})`,
			`${where} ${size}, so ${done} and no file was saved. Raise Max File Size under Options, or set it to 0 for no limit.`,
			'The file is larger than this tool may download (its Max File Size), which no argument can change.',
		);
	}

	/** The error of a wait the Watch ended: the Stop, or no answer within the Timeout (worth a new link). */
	gaveUp(watch: Watch, during: string): Error {
		if (watch.why === 'stopped') return cancelledError(this.fx, this.itemIndex, `during the download of report "${this.reportId}"`);
		const seconds = this.policy.timeoutMs / 1000;
		return retryable(
			this.fail(
				`The file host sent nothing for ${seconds} second${seconds === 1 ? '' : 's'} ${during} of report "${this.reportId}"`,
				`The download waited the Timeout (${seconds} seconds, under Options) for the file host, so it was given up and no file was saved. ${AGAIN} If the file host is often this slow, raise Timeout.`,
				`The file host did not answer in time. ${MODEL_AGAIN}`,
			),
			{ networkCode: 'ETIMEDOUT' },
		);
	}

	/** Tries until the file is saved, or its failure is not worth a new link, or Max Retries is spent. */
	async withRetries(): Promise<INodeExecutionData[]> {
		const { reportId, policy } = this;
		for (let retries = 0; ; retries++) {
			const tried = await this.tryOnce().then(
				(items) => ({ items }),
				(error: unknown) => ({ error }),
			);
			if ('items' in tried) return tried.items;
			const { error } = tried;
			if (!(error instanceof NodeOperationError)) throw error;
			const failure = worthANewLink.get(error);
			if (failure === undefined) throw error;
			const decision = decideRetry(failure, retries, policy);
			if (!decision.retry) {
				if (retries > 0) error.description = `${error.description ?? ''} The file was requested ${retries + 1} times, each time with a new link.`.trim();
				throw error;
			}
			this.fx.logger?.debug?.(`GetBill: the download of report "${reportId}" failed (${error.message}); retry ${retries + 1} of ${policy.maxRetries} in ${decision.delayMs} ms`);
			await cancellableWait(this.fx, decision.delayMs, this.itemIndex, `while waiting to retry the download of report "${reportId}"`);
		}
	}

	/** One try: a new link, the file host's answer, the file streamed into n8n's binary store. */
	private async tryOnce(): Promise<INodeExecutionData[]> {
		const { reportId, maxBytes } = this;
		if (isCancelled(this.fx)) throw cancelledError(this.fx, this.itemIndex, `before the download of report "${reportId}"`);
		const link = await this.askLink();
		const first = this.checkedTarget(link);
		const expectedSize = announcedSize(link);
		if (maxBytes !== undefined && expectedSize !== undefined && expectedSize > maxBytes) {
			throw this.tooLarge(bytesText(expectedSize), 'GetBill announces the file at', 'the file was not requested');
		}
		const expectedType = typeof link.mime_type === 'string' ? link.mime_type : '';
		const watch = new Watch(this.policy.timeoutMs, signalOf(this.fx));
		let body: FileStream | undefined;
		try {
			const response = await this.fetchAnswer(first, watch);
			if (response.statusCode >= 300) throw this.refusal(response);
			body = response.body as FileStream;
			watch.reading(body);
			const headers = response.headers ?? {};
			const length = contentLength(headers);
			if (maxBytes !== undefined && length !== undefined && length > maxBytes) {
				throw this.tooLarge(bytesText(length), 'The file host announces the file (Content-Length) at', 'it was not downloaded');
			}
			const headerType = mediaType(headers['content-type']);
			const fileName = fileNameOf(headers['content-disposition']) ?? (typeof link.filename === 'string' ? link.filename : `report-${reportId}`);
			const mimeType = expectedType || headerType || 'application/octet-stream';
			const stored = await new Intake(this, body, watch, { headerType, expectedType, expectedSize, fileName, mimeType }).store();
			return this.output(link, stored, fileName, mimeType);
		} finally {
			watch.end();
			discard(body);
		}
	}

	/** The item's output: the report's JSON (as a tool, what the model can use) and the file. */
	private output(link: IDataObject, stored: { binary: IBinaryData; bytes: number }, fileName: string, mimeType: string): INodeExecutionData[] {
		// The signed link is left out: it is a one-hour credential for the file.
		const json = { ...link };
		delete json.download_url;
		const binary = { [this.binaryPropertyName]: stored.binary };
		if (this.asTool) {
			const id = typeof link.id === 'string' && link.id !== '' ? link.id : this.reportId;
			return [{ json: toolResult(id, fileName, mimeType, stored.bytes, this.binaryPropertyName), binary, pairedItem: { item: this.itemIndex } }];
		}
		return [{ json, binary, pairedItem: { item: this.itemIndex } }];
	}

	/** The file host's refusal (a status of 300 or more that is not a redirect followed), worth a new link. */
	private refusal(response: FileResponse): NodeOperationError {
		discard(response.body);
		const status = response.statusCode;
		const retryAfter = response.headers?.['retry-after'];
		return retryable(
			this.fail(
				`The file host refused the download of report "${this.reportId}" (${status})`,
				status === 403 || status === 404 || status === 410
					? `The signed link has expired or was already used (some reports allow one download per link). ${AGAIN}`
					: 'Run again later; the node asks GetBill for a new link each time.',
				`The file host refused the download (${status}). ${MODEL_AGAIN}`,
			),
			{ status, ...(typeof retryAfter === 'string' ? { retryAfterHeader: retryAfter } : {}) },
		);
	}

	/** GetBill's link and details, or the item's error (a report not ready said as such). */
	private async askLink(): Promise<IDataObject> {
		const { reportId, itemIndex, run } = this;
		const answer = await request
			.call(this.fx, run, itemIndex, { method: 'GET', path: apiPath`/reports/download/${reportId}` }, {
				action: `get the download link of report "${reportId}"`,
				notFound: notFound(REPORT_ID, reportId),
			})
			.then(
				(response) => ({ response }),
				(error: unknown) => ({ error }),
			);
		if ('response' in answer) return dataOf(answer.response);
		const said = notReadyMessage(answer.error);
		if (said === undefined) throw answer.error;
		// GetBill's own 404, in its words, said as what it is: the report is there, its file not yet.
		const apiError = answer.error as NodeApiError;
		apiError.message = `Report "${reportId}" is not ready for download yet: ${said}${run.version >= 2 ? ` [item ${itemIndex}]` : ''}`;
		apiError.description = this.asTool
			? 'The report is not completed yet: call again later, once it is.'
			: 'GetBill has the report but cannot give its file yet (it is still being generated). To download it when it is ready, start the workflow from the GetBill Trigger\'s report.generated event, or check download_available with Report → Get first.';
		throw apiError;
	}

	/** The link GetBill gave, checked: http(s), on GetBill's hosts. */
	private checkedTarget(link: IDataObject): URL {
		const { reportId, run } = this;
		const url = typeof link.download_url === 'string' ? link.download_url : '';
		let target: URL | undefined;
		try {
			target = new URL(url);
		} catch {
			target = undefined;
		}
		const refused = target && reportHostRefusal(target, run.baseUrl);
		if (!target || refused === 'scheme') {
			throw this.fail(
				`GetBill gave no http(s) download link for report "${reportId}"`,
				`The link GetBill returned is ${url ? `not an http(s) URL (${url.split(':')[0]}:…)` : 'missing'}, so nothing was downloaded. Check that the report is completed (download_available) and run again.`,
			);
		}
		if (refused) {
			throw this.fail(
				`The download link of report "${reportId}" points to ${whereText(target, refused)}`,
				`${allowedHostsText(run.baseUrl)}. ${refused === 'http' ? 'A plain http link is followed only on the host of an http Base URL (a local test server). ' : ''}` +
					`Nothing was requested from "${hostLabel(target)}". Check the Base URL of the GetBill credential; if it is right, tell GetBill support about the link.`,
			);
		}
		return target;
	}

	/** Requests the link, following the file host's redirects (each checked), until an answer that is not one. */
	private async fetchAnswer(first: URL, watch: Watch): Promise<FileResponse> {
		let target = first;
		for (let redirects = 0; ; redirects++) {
			const response = await this.requestFile(target, watch);
			const location = locationOf(response);
			if (location === undefined) return response;
			discard(response.body);
			let next: URL;
			try {
				next = new URL(location, target);
			} catch {
				return response; // not a URL: the redirect status is the answer
			}
			this.checkRedirect(target, next, response.statusCode, redirects);
			target = next;
		}
	}

	/** One request to the file host, its body a stream; no answer is the item's error (a Stop, the Timeout, a dropped connection). */
	private async requestFile(target: URL, watch: Watch): Promise<FileResponse> {
		// A plain request: the signed link is its own authorisation, and no GetBill token may reach another host.
		// Redirects are not followed by the helper: the node checks each Location first.
		const options: IHttpRequestOptions = {
			method: 'GET',
			url: target.href,
			encoding: 'stream',
			json: false,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			disableFollowRedirect: true,
			timeout: this.policy.timeoutMs,
			abortSignal: watch.controller.signal,
		};
		try {
			return await watch.wait(this.fx.helpers.httpRequest(options) as Promise<FileResponse>);
		} catch (error) {
			if (watch.why) throw this.gaveUp(watch, 'instead of the file');
			const failure = extractHttpFailure(error);
			const timedOut = /timeout of \d+ms exceeded/i.test(failure.rawMessage ?? '');
			if (timedOut) {
				watch.why = 'timeout';
				throw this.gaveUp(watch, 'instead of the file');
			}
			throw retryable(
				this.fail(
					`Could not download report "${this.reportId}" from its link`,
					`The file host did not answer (${(error as Error).message}). The link is valid for one hour; run again to get a new one.`,
					`The file host did not answer. ${MODEL_AGAIN}`,
				),
				{ networkCode: failure.networkCode ?? 'ECONNRESET', rawMessage: failure.rawMessage },
			);
		}
	}

	/** A redirect is followed only to GetBill's hosts, and at most MAX_REPORT_REDIRECTS times. */
	private checkRedirect(target: URL, next: URL, statusCode: number, redirects: number): void {
		const { reportId, run } = this;
		const hopRefused = reportHostRefusal(next, run.baseUrl);
		if (hopRefused) {
			throw this.fail(
				`The file host redirected the download of report "${reportId}" to ${whereText(next, hopRefused)}`,
				`The file host at "${hostLabel(target)}" answered ${statusCode} with a redirect there. ${allowedHostsText(run.baseUrl)}. ` +
					`Nothing was requested from "${hostLabel(next)}" and no file was saved. Check the Base URL of the GetBill credential; if it is right, tell GetBill support about the link.`,
			);
		}
		if (redirects === MAX_REPORT_REDIRECTS) {
			throw this.fail(
				`The download of report "${reportId}" was redirected more than ${MAX_REPORT_REDIRECTS} times`,
				`The file host kept redirecting (on GetBill's hosts), so the node stopped and saved no file. Run again later; the node asks GetBill for a new link each time.`,
			);
		}
	}
}

/**
 * The file's body on its way into n8n's binary store: reads the first bytes
 * (judged before anything is saved), then hands the rest to the store as a
 * stream, counting: more than Max File Size or than file_size stops the
 * download at once; fewer than file_size at the end fails it. A refusal
 * reaches the store as the stream's error, so no binary is made.
 */
class Intake {
	private readonly iterator: AsyncIterator<Buffer>;
	private bytes = 0;
	private ended = false;
	/** The refusal or failure the stream ended with (the store's own error may wrap it) */
	private problem: Error | undefined;
	/** The first bytes, judged before anything is saved */
	private readonly head: Buffer[] = [];

	constructor(
		private readonly download: Download,
		private readonly body: FileStream,
		private readonly watch: Watch,
		private readonly file: FileFacts,
	) {
		this.iterator = body[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
	}

	/** The file saved in n8n's binary store and its byte count, or the item's error. */
	async store(): Promise<{ binary: IBinaryData; bytes: number }> {
		await this.readHead();
		if (this.ended) this.checkEnd();
		const stream = readableClassOf(this.body).from(this.chunks(), { objectMode: false });
		const stored = await this.download.fx.helpers.prepareBinaryData(stream, this.file.fileName, this.file.mimeType).then(
			(binary) => ({ binary }),
			(error: unknown) => ({ error }),
		);
		if (this.problem) throw this.problem;
		if ('binary' in stored) return { binary: stored.binary, bytes: this.bytes };
		discard(stream);
		if (this.watch.why) throw this.download.gaveUp(this.watch, 'during the download');
		throw this.download.fail(
			`Could not save the file of report "${this.download.reportId}"`,
			`n8n's binary data store did not take the file (${(stored.error as Error)?.message ?? String(stored.error)}). Check the disk space or the binary data settings of n8n, then run again.`,
			'n8n could not store the file; no argument can change that.',
		);
	}

	/** Reads the first bytes and refuses an empty body, or one that is a web page or a JSON message rather than the file. */
	private async readHead(): Promise<void> {
		const { file, download } = this;
		let headBytes = 0;
		while (!this.ended && headBytes < SNIFF_BYTES) {
			const chunk = await this.read();
			if (chunk) {
				this.head.push(chunk);
				headBytes += chunk.length;
			}
		}
		if (this.bytes === 0) {
			throw download.fail(`The file of report "${download.reportId}" is empty`, 'The file host sent no bytes. Run again; if it stays empty, the report may still be in preparation in GetBill.');
		}
		const notAFile = notAFileRefusal(file.headerType, Buffer.concat(this.head), file.expectedType);
		if (notAFile) {
			const expected = file.expectedType ? `the ${file.expectedType} file` : 'the file';
			throw download.fail(
				`The file host sent ${NOT_A_FILE_TEXT[notAFile.came]} instead of ${expected} of report "${download.reportId}"`,
				`${notAFile.by === 'type' ? `Its answer was ${file.headerType}` : 'Its answer began like one'}` +
					` (200 OK), most likely an error page of a proxy or of the storage host, so no file was saved. ${AGAIN} If it keeps happening, check any proxy between n8n and GetBill, or tell GetBill support.`,
				`The file host sent an error page instead of the file. ${MODEL_AGAIN}`,
			);
		}
	}

	/** The body for the store: the first bytes, then the rest as it comes, checked at the end. */
	private async *chunks(): AsyncGenerator<Buffer> {
		let complete = false;
		try {
			while (this.head.length > 0) yield this.head.shift()!;
			for (let chunk = await this.read(); chunk !== undefined; chunk = await this.read()) yield chunk;
			this.checkEnd();
			complete = true;
		} finally {
			if (!complete) discard(this.body);
		}
	}

	/** The next part of the body (undefined at its end), counted against Max File Size and file_size. */
	private async read(): Promise<Buffer | undefined> {
		const { download, file } = this;
		let result: IteratorResult<Buffer>;
		try {
			result = await this.watch.wait(this.iterator.next());
		} catch (error) {
			return this.stop(this.cutShort(error));
		}
		if (result.done) {
			this.ended = true;
			return undefined;
		}
		const chunk = Buffer.isBuffer(result.value) ? result.value : Buffer.from(result.value);
		this.bytes += chunk.length;
		const bytes = this.bytes;
		if (download.maxBytes !== undefined && bytes > download.maxBytes) {
			this.stop(download.tooLarge(`more than ${megabytesText(download.maxBytes)}`, 'The file host sent', 'the download was stopped there'));
		}
		if (file.expectedSize !== undefined && bytes > file.expectedSize) this.stop(this.sizeMismatch(bytes, file.expectedSize, true));
		return chunk;
	}

	/** The error of a body that broke off: the Stop or the Timeout, or the file host's closed connection (worth a new link). */
	private cutShort(error: unknown): Error {
		const { download, file } = this;
		if (this.watch.why) return download.gaveUp(this.watch, 'during the download');
		const failure = extractHttpFailure(error);
		return retryable(
			download.fail(
				`The file of report "${download.reportId}" was cut short: ${bytesText(this.bytes)}${file.expectedSize ? ` of ${bytesText(file.expectedSize)}` : ''} arrived`,
				`The file host closed the connection before the end of the file (${(error as Error).message}), so no file was saved. ${AGAIN}`,
				`The file host sent only part of the file. ${MODEL_AGAIN}`,
			),
			{ networkCode: failure.networkCode ?? 'ECONNRESET', rawMessage: failure.rawMessage },
		);
	}

	/** At the end of the body: fewer bytes than file_size fail the download. */
	private checkEnd(): void {
		if (this.file.expectedSize !== undefined && this.bytes !== this.file.expectedSize) this.stop(this.sizeMismatch(this.bytes, this.file.expectedSize, false));
	}

	private sizeMismatch(got: number, expected: number, more: boolean): NodeOperationError {
		return this.download.fail(
			`The file of report "${this.download.reportId}" has ${more ? 'more bytes than' : `${bytesText(got)}, not`} the ${bytesText(expected)} GetBill announced`,
			`GetBill's file_size says ${bytesText(expected)}; the file host sent ${more ? 'more' : `${bytesText(got)} and ended`}, so the file is not the report and no file was saved. ${AGAIN} If it happens again, tell GetBill support.`,
			`The file host did not send the whole report file. ${MODEL_AGAIN}`,
		);
	}

	/** Ends the stream with a refusal or failure, kept to be thrown in place of the store's own error. */
	private stop(error: Error): never {
		this.problem = error;
		throw error;
	}
}
