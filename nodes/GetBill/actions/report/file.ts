/**
 * The pieces of Report Download that read what the file host sent, each in
 * time linear in its input: the file name of a Content-Disposition header,
 * what a body is when it is clearly not a file (a web page, a JSON error), and
 * Node's Readable class to hand the counted bytes to n8n's binary store (the
 * counting itself: `Intake` in download.operation.ts).
 */
import type { IExecuteFunctions } from 'n8n-workflow';

/** A stream n8n's binary helper takes (Node's Readable, named without importing `stream`, which a community node may not). */
export type FileStream = Exclude<Parameters<IExecuteFunctions['helpers']['prepareBinaryData']>[0], Buffer>;

/**
 * The parameters of a Content-Disposition header (RFC 6266), names in lower
 * case, the first of each name kept: quoted values unquoted (a `;` or `\"`
 * inside them is part of the value), one pass over the header.
 */
export function dispositionParameters(header: string): Map<string, string> {
	const params = new Map<string, string>();
	const n = header.length;
	let i = 0;
	while (i < n) {
		// A name: up to "=" or ";" (the disposition type itself has no "=")
		const nameStart = i;
		while (i < n && header[i] !== '=' && header[i] !== ';') i++;
		const name = header.slice(nameStart, i).trim().toLowerCase();
		if (i >= n || header[i] === ';') {
			i++;
			continue;
		}
		i++; // "="
		while (i < n && (header[i] === ' ' || header[i] === '\t')) i++;
		let value = '';
		if (header[i] === '"') {
			i++;
			while (i < n && header[i] !== '"') {
				if (header[i] === '\\' && i + 1 < n) i++;
				value += header[i];
				i++;
			}
			i++; // the closing quote
			while (i < n && header[i] !== ';') i++; // anything after it, up to the next parameter
		} else {
			const valueStart = i;
			while (i < n && header[i] !== ';') i++;
			value = header.slice(valueStart, i).trim();
		}
		i++; // ";"
		if (name !== '' && !params.has(name)) params.set(name, value);
	}
	return params;
}

/** Bytes of `%XX` escapes (other characters as they are), for a charset's decoder. */
function percentBytes(text: string): Buffer | undefined {
	const bytes: number[] = [];
	for (let i = 0; i < text.length; i++) {
		if (text[i] === '%') {
			const hex = text.slice(i + 1, i + 3);
			if (!/^[0-9a-fA-F]{2}$/.test(hex)) return undefined;
			bytes.push(Number.parseInt(hex, 16));
			i += 2;
		} else {
			const code = text.charCodeAt(i);
			if (code > 0x7e || code < 0x21) return undefined;
			bytes.push(code);
		}
	}
	return Buffer.from(bytes);
}

/**
 * An RFC 5987 `filename*` value (`charset'language'percent-encoded`): UTF-8
 * and ISO-8859-1 names decoded; undefined for another charset or a malformed
 * value, so that `filename=` is used instead.
 */
export function decodeExtendedValue(value: string): string | undefined {
	const first = value.indexOf("'");
	const second = first === -1 ? -1 : value.indexOf("'", first + 1);
	if (second === -1) return undefined;
	const charset = value.slice(0, first).trim().toLowerCase();
	const bytes = percentBytes(value.slice(second + 1).trim());
	if (!bytes || bytes.length === 0) return undefined;
	if (charset === 'utf-8') {
		try {
			return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
		} catch {
			return undefined; // not UTF-8 after all: filename= instead
		}
	}
	if (charset === 'iso-8859-1') return bytes.toString('latin1');
	return undefined;
}

/** The file name of a Content-Disposition header: `filename*` (UTF-8 or ISO-8859-1) first, else `filename`. */
export function fileNameOf(disposition: unknown): string | undefined {
	if (typeof disposition !== 'string') return undefined;
	const params = dispositionParameters(disposition);
	const extended = params.get('filename*');
	const decoded = extended === undefined ? undefined : decodeExtendedValue(extended)?.trim();
	if (decoded) return decoded;
	const plain = params.get('filename')?.trim();
	return plain ? plain : undefined;
}

/** What a body is when it is clearly not a report file. */
export type NotAFile = 'html' | 'json';

/** The words for it in a message. */
export const NOT_A_FILE_TEXT: Record<NotAFile, string> = { html: 'a web page (HTML)', json: 'a JSON message' };

/** A media type without its parameters, in lower case (`text/html; charset=utf-8` → `text/html`). */
export function mediaType(value: unknown): string {
	return typeof value === 'string' ? value.split(';')[0].trim().toLowerCase() : '';
}

/** Whether a media type is a web page or JSON (what error pages and API errors come as). */
export function notAFileType(type: string): NotAFile | undefined {
	if (type === 'text/html' || type === 'application/xhtml+xml') return 'html';
	if (type === 'application/json' || type === 'text/json' || type.endsWith('+json')) return 'json';
	return undefined;
}

/** How many first bytes are read before the body is judged. */
export const SNIFF_BYTES = 512;

/**
 * What the first bytes of a body say it is, when a web page or a JSON object
 * (`{"…` or `{}`): after a byte-order mark and white space, `<!doctype html`
 * or an `<html`, `<head`, `<body` or `<title` tag. Anything else: undefined.
 */
export function sniffNotAFile(head: Buffer): NotAFile | undefined {
	let text = head.subarray(0, SNIFF_BYTES).toString('latin1');
	if (text.startsWith('\xef\xbb\xbf')) text = text.slice(3);
	text = text.trimStart().toLowerCase();
	if (text.startsWith('<!doctype html')) return 'html';
	for (const tag of ['<html', '<head', '<body', '<title']) {
		if (text.startsWith(tag) && /^[\s>]/.test(text.slice(tag.length, tag.length + 1))) return 'html';
	}
	if (text.startsWith('{')) {
		const next = text.slice(1).trimStart();
		if (next.startsWith('"') || next.startsWith('}')) return 'json';
	}
	return undefined;
}

/**
 * Why a body is refused before it is saved, when GetBill's `mime_type` says
 * another type: its Content-Type, else its first bytes, say web page or JSON.
 * Undefined when it may be the file.
 */
export function notAFileRefusal(contentType: string, head: Buffer, expected: string): { came: NotAFile; by: 'type' | 'bytes' } | undefined {
	const expectedKind = notAFileType(mediaType(expected));
	const byType = notAFileType(contentType);
	if (byType && byType !== expectedKind) return { came: byType, by: 'type' };
	const byBytes = sniffNotAFile(head);
	if (byBytes && byBytes !== expectedKind) return { came: byBytes, by: 'bytes' };
	return undefined;
}

/** Node's Readable class, from a stream's own prototype chain (a community node may not import `stream`). */
interface ReadableClass {
	from(iterable: AsyncIterable<Buffer>, options: { objectMode: false }): FileStream;
}

export function readableClassOf(stream: object): ReadableClass {
	for (let proto: object | null = Object.getPrototypeOf(stream); proto !== null; proto = Object.getPrototypeOf(proto)) {
		const ctor = (proto as { constructor?: { name?: string; from?: unknown } }).constructor;
		if (ctor?.name === 'Readable' && typeof ctor.from === 'function') return ctor as unknown as ReadableClass;
	}
	throw new TypeError('The file host\'s answer is not a Node.js stream');
}

/** Thousands separated, for byte counts in messages. */
export const bytesText = (bytes: number): string => `${bytes.toLocaleString('en-US')} byte${bytes === 1 ? '' : 's'}`;

/** Megabytes as the option Max File Size counts them. */
export const megabytesText = (bytes: number): string => `${bytes / (1024 * 1024)} MB`;
