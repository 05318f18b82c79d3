/**
 * Issue #31, point 7: dates are never made up from fragments, epoch
 * milliseconds as text get a true hint, "Did you mean" also for an API value
 * in another case, and version 1's refusal of an unknown field keeps the words
 * it was released with (0.1.0). Every date field of every resource table, by
 * the field check and through the node (n8n-core's engine against the
 * GetBill-like server), in versions 1 and 2.
 */
import { DateTime } from 'luxon';
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import type { FieldSpec, ResourceTable } from '../../nodes/GetBill/fields/types';
import { buildBody, FieldValueError, normaliseFieldValue, showValue } from '../../nodes/GetBill/fields/values';
import { CREDITOR } from '../../nodes/GetBill/resources/creditor';
import { DEBT } from '../../nodes/GetBill/resources/debt';
import { DEBTOR } from '../../nodes/GetBill/resources/debtor';
import { FOLLOWUP } from '../../nodes/GetBill/resources/followup';
import { newCredentials, runGetBill } from '../helpers/n8n-harness';
import { useGetBillServer } from '../helpers/server';

const PARIS = 'Europe/Paris';
const TABLES: ResourceTable[] = [FOLLOWUP, DEBT, DEBTOR, CREDITOR];
const DATE_FIELDS: Array<[string, FieldSpec, ResourceTable]> = TABLES.flatMap((table) =>
	table.fields.filter((f) => f.kind === 'date' || f.kind === 'dateTime').map((f) => [`${table.noun} ${f.name}`, f, table] as [string, FieldSpec, ResourceTable]),
);

function refusal(field: FieldSpec, value: unknown, purpose: 'create' | 'update' = 'update'): FieldValueError {
	try {
		normaliseFieldValue(field, value, PARIS, purpose);
	} catch (error) {
		expect(error).toBeInstanceOf(FieldValueError);
		return error as FieldValueError;
	}
	throw new Error(`${field.name} accepted ${showValue(value)}`);
}

/** The hint a plainly wrong date gets: what "the usual date hint" is for that field. */
const usual = (field: FieldSpec) => refusal(field, 'tomorrow');

it('the date fields of the resource tables are these six', () => {
	expect(DATE_FIELDS.map(([name]) => name)).toEqual([
		'followup call_date',
		'followup scheduled_at',
		'debt birthdate',
		'debt invoice_date',
		'debt due_date',
		'debtor dateOfBirth',
	]);
});

const TIME = 'has a time but no date';
const NO_DAY = 'has no day';
/** Forms luxon reads by filling in the date or the day (today, January, the 1st, Monday). */
const FRAGMENTS: Array<[string, string, string]> = [
	['a time', '10:15', TIME],
	['a time after T', 'T10:15', TIME],
	['a time with seconds', '10:15:00', TIME],
	['a time with an offset', '10:15+01:00', TIME],
	['a time in UTC', '10:15Z', TIME],
	['an hour', '10', TIME],
	['a year', '2024', NO_DAY],
	['a year, spaced', ' 2024 ', NO_DAY],
	['a signed year', '+002024', NO_DAY],
	['a month', '2024-03', NO_DAY],
	['a month without its dash', '202403', NO_DAY],
	['a week', '2024-W05', NO_DAY],
	['a year and a time', '2024T10:15', NO_DAY],
	['a month and a time', '2024-03T10:15:00Z', NO_DAY],
];

describe.each(DATE_FIELDS)('%s: a date without its day, or a time without its date', (_name, field) => {
	it.each(FRAGMENTS)('refuses %s (%j) with the usual date hint', (_label, value, reason) => {
		const error = refusal(field, value);
		expect(error.message).toBe(`${field.displayName} (${field.name}) ${reason}: ${showValue(value)}`);
		expect([error.hint, error.hintForModel]).toEqual([usual(field).hint, usual(field).hintForModel]);
		if (field.create) expect(refusal(field, value, 'create').message).toBe(error.message);
	});
});

/** Accepted forms, and what is sent (workflow in Paris): [form, value, dateTime field, date field]. */
const ACCEPTED: Array<[string, unknown, string, string]> = [
	['ISO with Z', '2024-01-25T10:15:00Z', '2024-01-25T10:15:00Z', '2024-01-25'],
	['ISO with an offset', '2024-01-25T23:30:00-05:00', '2024-01-25T23:30:00-05:00', '2024-01-26'],
	['ISO without an offset', '2024-01-25T10:15', '2024-01-25T10:15:00+01:00', '2024-01-25'],
	['ISO in lower case', '2024-01-25t10:15:00z', '2024-01-25T10:15:00Z', '2024-01-25'],
	['SQL', '2024-01-25 10:15:00', '2024-01-25T10:15:00+01:00', '2024-01-25'],
	['a calendar date', '2024-01-25', '2024-01-25T00:00:00+01:00', '2024-01-25'],
	['a calendar date without dashes', '20240125', '2024-01-25T00:00:00+01:00', '2024-01-25'],
	['an ordinal date', '2024-025', '2024-01-25T00:00:00+01:00', '2024-01-25'],
	['a week date with its day', '2024-W04-4', '2024-01-25T00:00:00+01:00', '2024-01-25'],
	['a luxon DateTime ({{ $now }})', DateTime.fromISO('2024-01-25T10:15:00', { zone: 'Asia/Tokyo' }), '2024-01-25T10:15:00+09:00', '2024-01-25'],
	['a JS Date', new Date('2024-01-25T10:15:00Z'), '2024-01-25T11:15:00+01:00', '2024-01-25'],
	['epoch milliseconds', Date.UTC(2024, 0, 25, 10, 15), '2024-01-25T11:15:00+01:00', '2024-01-25'],
];

describe.each(DATE_FIELDS)('%s: a full date', (_name, field) => {
	it.each(ACCEPTED)('accepts %s', (_label, value, asDateTime, asDate) => {
		expect(normaliseFieldValue(field, value, PARIS)).toBe(field.kind === 'dateTime' ? asDateTime : asDate);
	});
});

describe.each(DATE_FIELDS)('%s: epoch milliseconds as text', (_name, field) => {
	it('are refused with a hint that says to map a number (the hint no longer says text is read)', () => {
		const error = refusal(field, '1706177700000');
		expect(error.message).toBe(`${field.displayName} (${field.name}) is not a valid date: "1706177700000"`);
		expect(error.hint).toBe(`Epoch milliseconds are read from a number, not from text: map one, e.g. {{ Number($json.timestamp) }}. ${usual(field).hint}`);
		expect(normaliseFieldValue(field, Number('1706177700000'), PARIS)).toBe(field.kind === 'dateTime' ? '2024-01-25T11:15:00+01:00' : '2024-01-25');
	});

	it('the usual hint speaks of epoch milliseconds only as a number', () => {
		const hint = usual(field).hint;
		if (field.kind === 'dateTime') expect(hint).toMatch(/, or epoch milliseconds as a number\.$/);
		expect(hint).not.toMatch(/epoch milliseconds\.$/);
	});
});

describe('digits only: dates where ISO 8601 says so, never guessed otherwise', () => {
	const callDate = FOLLOWUP.fields.find((f) => f.name === 'call_date')!;

	it.each([
		['a compact date-time (12 digits)', '202401251015'],
		['a compact date-time (14 digits)', '20240125101500'],
		['epoch seconds as text', '1706177700'],
		['negative epoch milliseconds as text', '-315619200000'],
	])('refuses %s as not a valid date, with the number hint', (_label, value) => {
		const error = refusal(callDate, value);
		expect(error.message).toBe(`Call Date (call_date) is not a valid date: "${value}"`);
		expect(error.hint).toMatch(/^Epoch milliseconds are read from a number, not from text/);
	});

	it('keeps 8 and 7 digits as the ISO dates they are', () => {
		expect(normaliseFieldValue(callDate, '20240125', PARIS)).toBe('2024-01-25T00:00:00+01:00');
		expect(normaliseFieldValue(callDate, '2024025', PARIS)).toBe('2024-01-25T00:00:00+01:00');
	});
});

describe('the full-date check against luxon: every form with its day is read as before, every form without it is refused', () => {
	/** Date parts luxon's ISO and SQL parsers know, and whether each names its day. */
	const DATES: Array<[string, boolean]> = [
		['', false],
		['2024', false],
		['+002024', false],
		['2024-01', false],
		['202401', false],
		['2024-W04', false],
		['2024W04', false],
		['2024-01-25', true],
		['20240125', true],
		['2024-0125', true],
		['202401-25', true],
		['+002024-01-25', true],
		['2024-025', true],
		['2024025', true],
		['2024-W04-4', true],
		['2024W044', true],
		['2024-W044', true],
	];
	const SEPARATORS = ['T', 't', ' '];
	const TIMES = ['', '10', '10:15', '1015', '10:15:00', '101500', '10:15:00.250', '10:15Z', '10:15+01:00', '10:15:00 +01:00', '10:15:00 Europe/Paris', '10:15[Europe/Paris]'];
	const callDate = FOLLOWUP.fields.find((f) => f.name === 'call_date')!;
	const birthdate = DEBT.fields.find((f) => f.name === 'birthdate')!;
	/** What the node did before #31: luxon's ISO, else its SQL. */
	const before = (text: string) => {
		const iso = DateTime.fromISO(text, { zone: PARIS, setZone: true });
		return iso.isValid ? iso : DateTime.fromSQL(text, { zone: PARIS, setZone: true });
	};
	const now = (field: FieldSpec, text: string) => {
		try {
			return normaliseFieldValue(field, text, PARIS);
		} catch {
			return undefined;
		}
	};

	it('every date part with every time, after T, t or a space', () => {
		const wrong: string[] = [];
		let read = 0;
		for (const [date, hasDay] of DATES) {
			for (const separator of SEPARATORS) {
				for (const time of TIMES) {
					// A date alone once (not once per separator); a time alone after T, t or a space, and as it is
					if (time === '' && (date === '' || separator !== 'T')) continue;
					const text = date === '' && separator === ' ' ? time : date + (time ? separator : '') + time;
					const old = before(text);
					const expected = hasDay && old.isValid ? old.toISO({ suppressMilliseconds: true }) : undefined;
					if (expected) read++;
					if (now(callDate, text) !== expected) wrong.push(`call_date ${JSON.stringify(text)}: ${now(callDate, text)} (expected ${expected})`);
					const day = hasDay && old.isValid ? old.setZone(PARIS).toISODate() : undefined;
					if (now(birthdate, text) !== day) wrong.push(`birthdate ${JSON.stringify(text)}: ${now(birthdate, text)} (expected ${day})`);
				}
			}
		}
		expect(wrong).toEqual([]);
		// The comparison is not empty: most forms with a day are read.
		expect(read).toBeGreaterThan(100);
	});
});

describe('"Did you mean" for an API value in another case', () => {
	const field = (table: ResourceTable, name: string) => table.fields.find((f) => f.name === name)!;

	it.each([
		['followup', 'status', 'NO_ANSWER', 'no_answer', 'No Answer'],
		['followup', 'status', 'No_Answer', 'no_answer', 'No Answer'],
		['followup', 'status', 'no-answer', 'no_answer', 'No Answer'],
		['followup', 'status', 'No answer', 'no_answer', 'No Answer'],
		['followup', 'status', 'DEAL_NOT_FOUND', 'deal_not_found', 'Deal Not Found'],
		['followup', 'type', 'MANUAL_CALL', 'manual_call', 'Manual Call'],
		['followup', 'direction', 'OUTBOUND', 'outbound', 'Outbound'],
		['debt', 'civility', 'mr', 'Mr', 'Mr'],
		['debt', 'status', 'STATUS.DEFAULT.PAID', 'status.default.paid', 'Paid'],
		['debt', 'timeline_start_mode', 'NEXT_DAY', 'next_day', 'Next Day'],
	] as const)('%s %s: %j → %j, still refused (GetBill is case-sensitive)', (noun, name, value, suggested, label) => {
		const spec = field(noun === 'debt' ? DEBT : FOLLOWUP, name);
		const purpose = name === 'timeline_start_mode' ? 'create' : 'update';
		const error = refusal(spec, value, purpose);
		expect(error.message).toBe(`${spec.displayName} (${name}) is not a value GetBill accepts: "${value}"`);
		expect(error.hint).toContain(` Did you mean "${suggested}" (${label})? Pick one from the list`);
		expect(error.hintForModel).toMatch(new RegExp(`Did you mean "${suggested.replace(/\./g, '\\.')}" \\(${label}\\)\\?$`));
	});

	it('still suggests nothing for a value that is no option\'s', () => {
		expect(refusal(field(FOLLOWUP, 'status'), 'won').hint).not.toContain('Did you mean');
		expect(refusal(field(FOLLOWUP, 'status'), 'no answer yet').hint).not.toContain('Did you mean');
	});
});

describe('through the node, versions 1 and 2', () => {
	const SCOPES = ['followups:read', 'followups:write', 'debts:read', 'debts:write', 'debtors:read', 'debtors:write'];
	const gb = useGetBillServer({ followupIds: ['fu_1'], clients: [{ clientId: 'test-client-id', clientSecret: 'test-client-secret', scopes: SCOPES }] });
	const { server } = gb;
	const api = () => server.requests.filter((r) => r.path.startsWith('/external-api/'));
	beforeEach(() => {
		server.seedDebt('debt_1');
		server.seedDebtor('dbtr_1');
	});

	const ID_OF: Record<string, [string, string]> = { followup: ['followupId', 'fu_1'], debt: ['debtId', 'debt_1'], debtor: ['debtorId', 'dbtr_1'] };
	const run = (table: ResourceTable, typeVersion: number, fields: IDataObject, items: IDataObject[] = [{}]) => {
		const [idName, id] = ID_OF[table.resource];
		return runGetBill({
			credentials: newCredentials(gb.url, { scope: SCOPES.join(' ') }),
			typeVersion,
			timezone: PARIS,
			items,
			onError: 'continueRegularOutput',
			parameters: {
				resource: table.resource,
				operation: 'update',
				[idName]: typeVersion >= 2 ? { __rl: true, mode: 'id', value: id } : id,
				updateFields: fields,
			} as INodeParameters,
		});
	};
	const CASES = DATE_FIELDS.flatMap(([name, field, table]) => [1, 2].map((v) => [name, v, field, table] as const));

	it.each(CASES)('%s, version %i: "10:15" and "2024" are error items before any request; a full date in the same run is sent', async (_name, typeVersion, field, table) => {
		const result = await run(table, typeVersion, { [field.name]: '={{ $json.at }}' }, [{ at: '10:15' }, { at: '2024-01-25T10:15' }, { at: '2024' }]);
		expect(result.error).toBeUndefined();
		const [timeOnly, full, yearOnly] = result.outputs[0];
		expect(timeOnly.json.error).toBe(`${field.displayName} (${field.name}) has a time but no date: "10:15" [item 0]`);
		expect(yearOnly.json.error).toBe(`${field.displayName} (${field.name}) has no day: "2024" [item 2]`);
		expect([timeOnly.pairedItem, full.pairedItem, yearOnly.pairedItem]).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(full.json.error).toBeUndefined();
		const puts = api().filter((r) => r.method === 'PUT');
		expect(puts).toHaveLength(1);
		expect(JSON.parse(puts[0].rawBody)).toEqual({ [field.name]: field.kind === 'dateTime' ? '2024-01-25T10:15:00+01:00' : '2024-01-25' });
	});

	it.each(CASES)('%s, version %i: the refusal\'s description is the usual date hint', async (_name, typeVersion, field, table) => {
		const stopped = await runGetBill({
			credentials: newCredentials(gb.url, { scope: SCOPES.join(' ') }),
			typeVersion,
			parameters: {
				resource: table.resource,
				operation: 'update',
				[ID_OF[table.resource][0]]: typeVersion >= 2 ? { __rl: true, mode: 'id', value: ID_OF[table.resource][1] } : ID_OF[table.resource][1],
				updateFields: { [field.name]: 'T10:15' },
			} as INodeParameters,
		});
		expect(stopped.error!.message).toBe(`${field.displayName} (${field.name}) has a time but no date: "T10:15" [item 0]`);
		expect((stopped.error as unknown as { description: string }).description).toBe(usual(field).hint);
		expect(api()).toEqual([]);
	});

	it.each([1, 2])('version %i: NO_ANSWER is refused with "Did you mean", nothing sent', async (typeVersion) => {
		const result = await run(FOLLOWUP, typeVersion, { status: 'NO_ANSWER' });
		const [item] = result.outputs[0];
		expect(item.json.error).toBe('Status (status) is not a value GetBill accepts: "NO_ANSWER" [item 0]');
		expect(String(item.json.description ?? '')).toContain('Did you mean "no_answer" (No Answer)?');
		expect(api()).toEqual([]);
	});

	it.each([1, 2])('version %i: epoch milliseconds as a number are sent; as text, refused with the number hint', async (typeVersion) => {
		const result = await run(FOLLOWUP, typeVersion, { call_date: '={{ $json.at }}' }, [{ at: 1706177700000 }, { at: '1706177700000' }]);
		const [number, text] = result.outputs[0];
		expect(number.json.error).toBeUndefined();
		expect(text.json.error).toBe('Call Date (call_date) is not a valid date: "1706177700000" [item 1]');
		expect(String(text.json.description)).toContain('{{ Number($json.timestamp) }}');
		expect(api().map((r) => JSON.parse(r.rawBody))).toEqual([{ call_date: '2024-01-25T11:15:00+01:00' }]);
	});

	it.each([1, 2])('version %i: a key Update Fields does not offer never reaches GetBill (n8n drops it before the node)', async (typeVersion) => {
		const result = await run(FOLLOWUP, typeVersion, { debt_id: 'x' });
		expect(result.outputs[0][0].json.error).toBe('No field to update [item 0]');
		expect(api()).toEqual([]);
	});
});

/**
 * Version 1's refusal of an unknown field, in the words of the first release,
 * 0.1.0 (CHANGELOG: 2026-11-27, every resource; the node the version-1
 * fixture was exported from, 4601bee): unchanged since, and version 2 keeps
 * them. The older "is not a field GetBill knows" / "Followup fields are: …"
 * was the first commit's (ed217e4, Update Followup only), replaced before
 * 0.1.0 (f341db9). buildBody is the same for both versions; through the node
 * n8n drops such a key before the node reads it (above).
 */
describe('an unknown field, in the words of 0.1.0', () => {
	it.each([
		['debt_id (debt_id) is not a followup field GetBill takes here: "x"', FOLLOWUP, 'update', { debt_id: 'x' }],
		['debt_id (debt_id) is not a followup field GetBill takes here: "x"', FOLLOWUP, 'create', { debt_id: 'x' }],
		['accept_expensive_destination (accept_expensive_destination) is not a debt field GetBill takes here: true', DEBT, 'update', { accept_expensive_destination: true }],
		['status (status) is not a debt field GetBill takes here: "status.default.paid"', DEBT, 'create', { status: 'status.default.paid' }],
		['birthdate (birthdate) is not a debtor field GetBill takes here: "1985-03-12"', DEBTOR, 'update', { birthdate: '1985-03-12' }],
		['company (company) is not a creditor field GetBill takes here: "Acme"', CREDITOR, 'update', { company: 'Acme' }],
	] as const)('%s', (message, table, purpose, fields) => {
		let error: FieldValueError | undefined;
		try {
			buildBody(table, fields as IDataObject, PARIS, purpose);
		} catch (thrown) {
			error = thrown as FieldValueError;
		}
		expect(error).toBeInstanceOf(FieldValueError);
		expect(error!.message).toBe(message);
		const sent = table.fields.filter((f) => (purpose === 'create' ? f.create !== undefined : f.update === true));
		expect(error!.hint).toBe(`The ${table.noun} fields are: ${sent.map((f) => f.name).join(', ')}.`);
		expect(error!.hintForModel).toBe(error!.hint);
	});
});
