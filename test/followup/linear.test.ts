/* eslint-disable @n8n/community-nodes/no-restricted-globals -- times the checks with process.hrtime; tests run in Node.js, not inside n8n Cloud */
/**
 * Every check of user or webhook input takes time linear in the input's
 * length. Shown by growth, never by a clock: how many times longer a check
 * takes on a 100,000-character input than on a 1,000-character one. Linear is
 * about 100 (less where a constant part dominates), quadratic about 10,000;
 * the bound is 300.
 *
 * Robust on a loaded machine: rounds of 100 calls on fresh 1,000-character
 * inputs and one call on a fresh 100,000-character input alternate, and each
 * size keeps its fastest round (load only ever makes a round slower); at least
 * three rounds, up to seven while the ratio is above the bound. Able to fail:
 * the e-mail check of c4cb828 (/^[^\s@]+@[^\s@]+\.[^\s@]+$/) gives about
 * 10,000 on `a@` + dots + `@`, and its base URL trim (/\/+$/) about as much on
 * a run of slashes.
 */
import type { IExecuteFunctions, INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { GetBillOAuth2Api } from '../../credentials/GetBillOAuth2Api.credentials';
import { forModel } from '../../nodes/GetBill/actions/run/errors';
import { readId } from '../../nodes/GetBill/actions/readers';
import type { IdSpec } from '../../nodes/GetBill/fields/ids';
import { isValidId } from '../../nodes/GetBill/fields/ids';
import type { FieldSpec } from '../../nodes/GetBill/fields/types';
import { normaliseFieldValue } from '../../nodes/GetBill/fields/values';
import { CREDITOR } from '../../nodes/GetBill/resources/creditor';
import { DEBT, DEBT_ID } from '../../nodes/GetBill/resources/debt';
import { DEBTOR } from '../../nodes/GetBill/resources/debtor';
import { FOLLOWUP, FOLLOWUP_ID } from '../../nodes/GetBill/resources/followup';
import { REPORT_ID } from '../../nodes/GetBill/resources/report';
import { normaliseBaseUrl } from '../../nodes/GetBill/transport';
import { isHexSha256, parseEvent, signatureMatches } from '../../nodes/GetBillTrigger/webhook';
import { resolveCredential } from '../helpers/n8n-harness';

const SMALL = 1_000;
const LARGE = 100_000;
const MAX_RATIO = 300;
const CALLS_SMALL = 100;
const MIN_ROUNDS = 3;
const MAX_ROUNDS = 7;

type Check = (input: string) => unknown;
/** An input of exactly `n` characters. */
type Shape = (n: number) => string;

/** `head`, then `unit` repeated, then `tail`: exactly `n` characters. */
function fill(head: string, unit: string, tail: string, n: number): string {
	const body = n - head.length - tail.length;
	return head + unit.repeat(Math.ceil(body / unit.length)).slice(0, body) + tail;
}

const shape = (head: string, unit: string, tail = ''): Shape => (n) => fill(head, unit, tail, n);

/** Runs on input of any length that trip up backtracking regexes: long runs of one kind of character, then one that fails. */
const SHAPES: Record<string, Shape> = {
	'a@ dots @': shape('a@', '.', '@'),
	'a@b .a… @': shape('a@b', '.a', '@'),
	'letters @': shape('', 'a', '@'),
	'valid address': shape('jane@', 'x', '.com'),
	'spaces x': shape('', ' ', 'x'),
	'x spaces': shape('x', ' ', ''),
	'spaces x spaces': shape(' ', ' x ', ' '),
	'digits x': shape('', '1', 'x'),
	'1. digits x': shape('1.', '1', 'x'),
	'- digits': shape('-', '1', ''),
	'dots /': shape('', '.', '/'),
	'dots': shape('', '.', ''),
	'dots spaces': shape('', '. ', ''),
	'letters /': shape('', 'a', '/'),
	'date spaces x': shape('2024-01-25', ' ', 'x'),
	'date-time fraction': shape('2024-01-25T10:15:00.', '1', ''),
	'date-time zone': shape('2024-01-25 10:15:00 ', 'a', '1'),
	'IBAN digits': shape('FR14', '0', ''),
	'spaced IBAN': shape('FR14 ', '2004 ', ''),
	'JSON string': shape('{"a":"', 'x', '"}'),
	'JSON nesting': shape('', '[', ''),
	'slashes x': shape('https://x', '/', 'x'),
	'slashes': shape('https://x', '/', ''),
	'a/ a/ …': shape('', 'a/', 'x'),
};

/** Nanoseconds per call, over `inputs` in a row (a check that returns a promise is awaited). */
async function perCall(check: Check, inputs: string[]): Promise<number> {
	const start = process.hrtime.bigint();
	for (const input of inputs) {
		const result = check(input);
		if (result instanceof Promise) await result;
	}
	return Number(process.hrtime.bigint() - start) / inputs.length;
}

/** How many times longer `check` takes on LARGE characters than on SMALL (fastest rounds of each). */
async function growth(check: Check, make: Shape): Promise<number> {
	const small = () => Array.from({ length: CALLS_SMALL }, () => make(SMALL));
	await perCall(check, small()); // warm-up: the JIT and the lazily compiled regexes
	let fastestSmall = Infinity;
	let fastestLarge = Infinity;
	for (let round = 1; round <= MAX_ROUNDS; round++) {
		fastestSmall = Math.min(fastestSmall, await perCall(check, small()));
		fastestLarge = Math.min(fastestLarge, await perCall(check, [make(LARGE)]));
		const ratio = fastestLarge / fastestSmall;
		// Clearly quadratic after two rounds: no need to spend more seconds on it.
		if ((round >= MIN_ROUNDS && ratio < MAX_RATIO) || (round >= 2 && ratio > 10 * MAX_RATIO)) break;
	}
	return fastestLarge / fastestSmall;
}

/** A check that refuses by throwing: the refusal is the expected outcome too. */
const quietly =
	(check: Check): Check =>
	(input) => {
		try {
			const result = check(input);
			return result instanceof Promise ? result.catch((error: unknown) => error) : result;
		} catch (error) {
			return error;
		}
	};

/** The shapes on which `check` grows faster than linearly, with their ratios (rounded). */
async function superLinear(check: Check, shapes: Record<string, Shape> = SHAPES): Promise<Record<string, number>> {
	const slow: Record<string, number> = {};
	for (const [name, make] of Object.entries(shapes)) {
		expect([name, make(SMALL).length, make(LARGE).length]).toEqual([name, SMALL, LARGE]);
		const ratio = await growth(quietly(check), make);
		if (!(ratio < MAX_RATIO)) slow[name] = Math.round(ratio);
	}
	return slow;
}

// A quadratic check takes seconds per 100,000-character call.
jest.setTimeout(180_000);

/** Every string of up to `length` characters from `alphabet`. */
function* strings(alphabet: readonly string[], length: number, head = ''): Generator<string> {
	yield head;
	if (length > 0) for (const c of alphabet) yield* strings(alphabet, length - 1, head + c);
}

describe('the linear checks accept and refuse what the old regexes did', () => {
	const email = DEBT.fields.find((f) => f.name === 'email')!;
	const accepts = (value: string) => {
		try {
			normaliseFieldValue(email, value, 'UTC', 'create');
			return true;
		} catch {
			return false;
		}
	};
	/** The e-mail check of c4cb828, on the trimmed value. */
	const OLD_EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

	it.each([
		['a@b.c', true],
		['jane.smith@example.com', true],
		[' jane@example.com\n', true],
		['.@b.c', true],
		['a@b..c', true],
		['a@.b.c', true],
		['a@b.c.', true],
		['a.@b.c', true],
		['é@ü.de', true],
		['a@.c', false],
		['a@b.', false],
		['a@.', false],
		['a@..', false],
		['@b.c', false],
		['a@bc', false],
		['a@b', false],
		['a@@b.c', false],
		['a@b.c@d.e', false],
		['a b@c.d', false],
		['a@b\u00a0.c', false],
		['a@b.\u2028c', false],
		['a@b.\ufeffc', false],
		['a@b.c\tx', false],
		['', false],
	])('%j: %s', (value, accepted) => {
		expect([accepts(value), OLD_EMAIL.test(value.trim())]).toEqual([accepted, accepted]);
	});

	it('e-mail: every string of up to 6 characters of a, @, ., a space and U+00A0 as before', () => {
		const differ: string[] = [];
		for (const value of strings(['a', '@', '.', ' ', '\u00a0'], 6)) {
			if (accepts(value) !== OLD_EMAIL.test(value.trim())) differ.push(value);
		}
		expect(differ).toEqual([]);
	});

	it('base URL: every string of up to 8 characters of a, /, : and a space trims as the slow regex does', () => {
		// Spaces, then trailing slashes off; empty: GetBill's (the same for the token URL, #28)
		const slow = (raw: string) => raw.trim().replace(/\/+$/, '') || 'https://getbill.io';
		const differ: string[] = [];
		for (const baseUrl of strings(['a', '/', ':', ' '], 8)) {
			if (normaliseBaseUrl(baseUrl) !== slow(baseUrl)) differ.push(baseUrl);
		}
		expect(differ).toEqual([]);
	});

	it.each([
		['https://getbill.io', 'https://getbill.io/token'],
		['https://getbill.io/', 'https://getbill.io/token'],
		['https://proxy.example.com/getbill//', 'https://proxy.example.com/getbill/token'],
		['https://a.io//b//', 'https://a.io//b/token'],
		['///', 'https://getbill.io/token'],
		['/ ', 'https://getbill.io/token'],
	])('token URL of %j: %j, as the slow regex gives it', (baseUrl, tokenUrl) => {
		expect(resolveCredential(new GetBillOAuth2Api(), { baseUrl }).accessTokenUrl).toBe(tokenUrl);
		expect(`${baseUrl.trim().replace(/\/+$/, '') || 'https://getbill.io'}/token`).toBe(tokenUrl);
	});
});

describe('every field check is linear in the value\'s length', () => {
	const tables = [DEBT, FOLLOWUP, DEBTOR, CREDITOR];
	const allFields = tables.flatMap((t) => t.fields);
	const field = (name: string, table = DEBT): FieldSpec => table.fields.find((f) => f.name === name)!;
	/** One field of each kind, and the variants that check differently (Update's loose country, the phones). */
	const checked: Array<[string, FieldSpec, 'create' | 'update' | 'filter']> = [
		['email (Debt)', field('email'), 'create'],
		['email (Creditor)', field('email', CREDITOR), 'update'],
		['phone (Debt)', field('phone'), 'create'],
		['phone (Debtor)', field('phone', DEBTOR), 'update'],
		['iban', field('iban'), 'create'],
		['date (birthdate)', field('birthdate'), 'create'],
		['date (Debtor birthdate)', DEBTOR.fields.find((f) => f.kind === 'date')!, 'update'],
		['dateTime (call_date)', field('call_date', FOLLOWUP), 'update'],
		['integer (duration_ms)', field('duration_ms', FOLLOWUP), 'update'],
		['amount', field('amount'), 'create'],
		['currency', field('currency'), 'create'],
		['country (Create: a code)', field('country'), 'create'],
		['country (Update: any text)', field('country'), 'update'],
		['options (status)', field('status', FOLLOWUP), 'update'],
		['options (filter)', field('status', FOLLOWUP), 'filter'],
		['boolean', field('is_retry', FOLLOWUP), 'update'],
		['name', field('firstname'), 'create'],
		['string', field('summary', FOLLOWUP), 'update'],
		['json', field('metadata'), 'create'],
	];

	it('covers every kind of field the resources have', () => {
		expect(new Set(checked.map(([, f]) => f.kind))).toEqual(new Set(allFields.map((f) => f.kind)));
	});

	it.each(checked)('%s', async (_name, spec, purpose) => {
		expect(await superLinear((input) => normaliseFieldValue(spec, input, 'Europe/Paris', purpose))).toEqual({});
	});
});

describe('every ID check is linear in the ID\'s length', () => {
	const node: INode = { id: 'n', name: 'GetBill', type: 'n8n-nodes-getbill.getBill', typeVersion: 2, position: [0, 0], parameters: {} };
	const reading = (id: IdSpec, typeVersion: number, locator: boolean): Check => {
		return (value) => {
			const ctx = {
				getNode: () => ({ ...node, typeVersion }),
				getNodeParameter: () => (locator ? { __rl: true, mode: 'id', value } : value),
			} as unknown as IExecuteFunctions;
			return readId(ctx, 0, id);
		};
	};

	it.each([
		['version 1 (text)', DEBT_ID, 1, false],
		['version 2 (By ID)', FOLLOWUP_ID, 2, true],
		['version 2 (a report)', REPORT_ID, 2, true],
	] as const)('the run refuses or takes an ID: %s', async (_name, id, typeVersion, locator) => {
		expect(await superLinear(reading(id, typeVersion, locator))).toEqual({});
	});

	it('the editor\'s "By ID" check (its regex, which the run uses too)', async () => {
		expect(await superLinear(isValidId)).toEqual({});
	});
});

describe('the base URL of the credential is trimmed in linear time', () => {
	const slashes: Record<string, Shape> = {
		'slashes x': SHAPES['slashes x'],
		'slashes': SHAPES['slashes'],
		'a/ a/ …': SHAPES['a/ a/ …'],
		'only slashes': shape('', '/', ''),
		'letters': shape('https://', 'a', ''),
	};

	it('by the node (normaliseBaseUrl, which getBaseUrl uses)', async () => {
		const check: Check = async (baseUrl) => normaliseBaseUrl(baseUrl);
		expect(await superLinear(check, slashes)).toEqual({});
	});

	it('by the credential\'s token URL expression', async () => {
		const type = new GetBillOAuth2Api();
		expect(await superLinear((baseUrl) => resolveCredential(type, { baseUrl }).accessTokenUrl, slashes)).toEqual({});
	});
});

describe('the GetBill Trigger\'s checks of a request are linear', () => {
	it('the signature header', async () => {
		expect(await superLinear(isHexSha256)).toEqual({});
	});

	it('the signature and the body', async () => {
		expect(await superLinear((body) => signatureMatches(Buffer.from(body), 'ab'.repeat(32), 'secret'))).toEqual({});
		expect(await superLinear((body) => parseEvent(Buffer.from(body)))).toEqual({});
	});
});

describe('an error written for an AI model is rewritten in linear time', () => {
	const node: INode = { id: 'n', name: 'GetBill', type: 'n8n-nodes-getbill.getBillTool', typeVersion: 2, position: [0, 0], parameters: {} };
	const messages: Record<string, Shape> = {
		'[item digits': shape('GetBill refused it [item ', '1', ''),
		'[item digits]': shape('GetBill refused it [item ', '1', ']'),
		'[items a, b, …': shape('GetBill refused them [items 0', ', 1', ''),
		'[items a to b, …]': shape('GetBill refused them [items 0', ' to 1, 3', ']'),
		'dots': SHAPES['dots'],
		'spaces x': SHAPES['spaces x'],
	};

	it('forModel', async () => {
		expect(await superLinear((message) => forModel(new NodeOperationError(node, message, { description: 'Use 1 or more.' })).message, messages)).toEqual({});
	});
});
