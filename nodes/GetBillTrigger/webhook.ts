import { createHash, createHmac, timingSafeEqual } from 'crypto';
import type { IDataObject } from 'n8n-workflow';

/** Hex HMAC-SHA256 of the raw body, keyed with the webhook secret (Node lower-cases header names). */
export const SIGNATURE_HEADER = 'x-getbill-signature';

/** What the trigger reads from n8n's request: the bytes n8n's body parser kept. */
export interface RawBodyRequest {
	rawBody?: unknown;
	readRawBody?: () => Promise<void>;
}

export interface GetBillEvent extends IDataObject {
	type: string;
}

export function isHexSha256(value: unknown): value is string {
	return typeof value === 'string' && /^[0-9a-f]{64}$/i.test(value);
}

/**
 * The body exactly as received. n8n's rawBodyReader gives every request a
 * `readRawBody()` that stores it in `rawBody` (a Buffer); n8n calls it before a
 * version-1 trigger's webhook() runs, except for multipart bodies, whose stream
 * is consumed by the form parser. Undefined when the bytes are not available.
 */
export async function readRawBody(req: RawBodyRequest): Promise<Buffer | undefined> {
	if (!Buffer.isBuffer(req.rawBody) && typeof req.readRawBody === 'function') {
		try {
			await req.readRawBody();
		} catch {
			return undefined;
		}
	}
	return Buffer.isBuffer(req.rawBody) ? req.rawBody : undefined;
}

/**
 * Why a request's X-GetBill-Signature header cannot be a signature, or undefined when it is
 * 64 hex characters. Checked before the credential is loaded: an unsigned request costs no
 * credential decryption. The words go to n8n's log, never to the sender.
 */
export function signatureHeaderProblem(value: unknown): string | undefined {
	if (value === undefined) return 'no X-GetBill-Signature header';
	if (Array.isArray(value)) return 'the X-GetBill-Signature header is sent more than once';
	if (!isHexSha256(value)) return 'the X-GetBill-Signature header is not 64 hexadecimal characters';
	return undefined;
}

/** Whether n8n read the body as multipart/form-data (its parser consumes the bytes). */
export function isMultipart(contentType: unknown): boolean {
	return typeof contentType === 'string' && contentType.trim().toLowerCase().startsWith('multipart/');
}

/** Compares in constant time; `signature` must have passed isHexSha256. */
export function signatureMatches(rawBody: Buffer, signature: string, secret: string): boolean {
	const expected = createHmac('sha256', secret).update(rawBody).digest();
	const given = Buffer.from(signature, 'hex');
	return given.length === expected.length && timingSafeEqual(given, expected);
}

/** The event as sent: a JSON object with a non-empty string `type`, or undefined. */
export function parseEvent(rawBody: Buffer): GetBillEvent | undefined {
	let text = rawBody.toString('utf8');
	if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
	let value: unknown;
	try {
		value = JSON.parse(text);
	} catch {
		return undefined;
	}
	if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
	const event = value as IDataObject;
	return typeof event.type === 'string' && event.type !== '' ? (event as GetBillEvent) : undefined;
}

/** The most deliveries the trigger remembers for Ignore Repeated Deliveries (the oldest are dropped). */
export const REPEAT_MEMORY_CAP = 1000;

/** Longest Repeat Window (Minutes): a week. */
export const REPEAT_WINDOW_MAX_MINUTES = 10080;

/**
 * What identifies a delivery: the same signed bytes give the same key. Derived from the
 * body's HMAC (keyed with the webhook secret), so that the keys kept in the workflow's static
 * data (exported with the workflow) tell nothing about the events without the secret;
 * 128 bits, base64url (22 characters).
 */
export function repeatKey(rawBody: Buffer, secret: string): string {
	const mac = createHmac('sha256', secret).update(rawBody).digest();
	return createHash('sha256').update(mac).digest('base64url').slice(0, 22);
}

/** A delivery remembered: its key and when it was first received (seconds since the epoch). */
type Remembered = [string, number];

function rememberedList(value: unknown): Remembered[] {
	if (!Array.isArray(value)) return [];
	return value.filter(
		(entry): entry is Remembered =>
			Array.isArray(entry) && entry.length === 2 && typeof entry[0] === 'string' && Number.isFinite(entry[1]),
	);
}

/**
 * Ignore Repeated Deliveries' memory, in the node's static data (`memory.deliveries`, oldest
 * first). Returns when a delivery with `key` was first received within the window (seconds
 * since the epoch), or undefined after remembering it now. Entries older than the window
 * are dropped, and the oldest beyond `cap`. Linear in the entries kept.
 */
export function rememberDelivery(
	memory: IDataObject,
	key: string,
	nowMs: number,
	windowMinutes: number,
	cap = REPEAT_MEMORY_CAP,
): number | undefined {
	const now = Math.floor(nowMs / 1000);
	const since = now - windowMinutes * 60;
	const stored = memory.deliveries;
	const kept = rememberedList(stored).filter(([, at]) => at > since);
	const seen = kept.find(([k]) => k === key);
	if (seen) {
		// Written back only when something was dropped: n8n saves static data that changed.
		if (!Array.isArray(stored) || kept.length !== stored.length) memory.deliveries = kept;
		return seen[1];
	}
	kept.push([key, now]);
	memory.deliveries = kept.length > cap ? kept.slice(kept.length - cap) : kept;
	return undefined;
}
