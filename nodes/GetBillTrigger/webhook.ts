import { createHmac, timingSafeEqual } from 'crypto';
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
