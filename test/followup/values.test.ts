/** Validation and normalisation of every field kind, one case per rule. */
import { DateTime } from 'luxon';
import type { IDataObject } from 'n8n-workflow';

import { FOLLOWUP, FOLLOWUP_FIELDS, getFollowupField } from '../../nodes/GetBill/resources/followup';
import {
	buildBody,
	FieldValueError,
	normaliseDate,
	normaliseFieldValue,
	showValue,
} from '../../nodes/GetBill/fields/values';

const field = (name: string) => getFollowupField(name)!;
const PARIS = 'Europe/Paris';
const buildFollowupBody = (fields: IDataObject, timezone: string) => buildBody(FOLLOWUP, fields, timezone, 'update');

function rejection(name: string, value: unknown): FieldValueError {
	try {
		normaliseFieldValue(field(name), value, PARIS);
	} catch (error) {
		expect(error).toBeInstanceOf(FieldValueError);
		return error as FieldValueError;
	}
	throw new Error(`${name} accepted ${showValue(value)}`);
}

describe('options fields (status, type, direction)', () => {
	it.each(FOLLOWUP_FIELDS.filter((f) => f.kind === 'options').flatMap((f) => f.values!.map((v) => [f.name, v.value])))(
		'%s accepts %s',
		(name, value) => {
			expect(normaliseFieldValue(field(name), value, PARIS)).toBe(value);
		},
	);

	it('trims a value that came through an expression', () => {
		expect(normaliseFieldValue(field('status'), ' deal_found\n', PARIS)).toBe('deal_found');
	});

	it('rejects a value outside the list, naming the field, the value and the allowed values', () => {
		const error = rejection('status', 'won');
		expect(error.message).toBe('Status (status) is not a value GetBill accepts: "won"');
		expect(error.hint).toContain('on_hold, scheduled, in_progress, sent, delivered, deal_found, no_answer, deal_not_found, bad_behavior, failed, cancelled');
	});

	it('suggests the API value when the label was used', () => {
		expect(rejection('status', 'Deal Found').hint).toContain('Did you mean "deal_found" (Deal Found)?');
	});

	it('is case-sensitive like the API', () => {
		expect(rejection('type', 'SMS').hint).toContain('Did you mean "sms"');
		expect(rejection('direction', 'Outbound').message).toContain('"Outbound"');
	});

	it('rejects an empty or non-string value', () => {
		expect(rejection('type', '').message).toContain('Type (type)');
		expect(rejection('direction', 1).message).toContain(': 1');
		expect(rejection('status', null).message).toBe('Status (status) has no value: null');
	});
});

describe('date fields', () => {
	const callDate = field('call_date');

	it('keeps an ISO string with Z or an offset, as ISO 8601 with offset', () => {
		expect(normaliseDate(callDate, '2024-01-25T10:15:00Z', PARIS)).toBe('2024-01-25T10:15:00Z');
		expect(normaliseDate(callDate, '2024-01-25T10:15:00+02:00', PARIS)).toBe('2024-01-25T10:15:00+02:00');
		expect(normaliseDate(callDate, '2024-01-25T10:15:00.250-05:00', PARIS)).toBe('2024-01-25T10:15:00.250-05:00');
	});

	it('reads a date without an offset in the workflow timezone', () => {
		expect(normaliseDate(callDate, '2024-01-25T10:15:00', PARIS)).toBe('2024-01-25T10:15:00+01:00');
		expect(normaliseDate(callDate, '2024-07-25T10:15:00', PARIS)).toBe('2024-07-25T10:15:00+02:00');
		expect(normaliseDate(callDate, '2024-01-25T10:15:00', 'America/New_York')).toBe('2024-01-25T10:15:00-05:00');
		expect(normaliseDate(callDate, '2024-01-25', PARIS)).toBe('2024-01-25T00:00:00+01:00');
		expect(normaliseDate(callDate, '2024-01-25 10:15:00', PARIS)).toBe('2024-01-25T10:15:00+01:00');
	});

	it('accepts a luxon DateTime ({{ $now }}) and keeps its zone', () => {
		const now = DateTime.fromISO('2024-01-25T10:15:30', { zone: 'Asia/Tokyo' });
		expect(normaliseDate(callDate, now, PARIS)).toBe('2024-01-25T10:15:30+09:00');
	});

	it('accepts a DateTime from another copy of luxon (duck-typed)', () => {
		const foreign = { isLuxonDateTime: true, isValid: true, toISO: () => '2024-01-25T10:15:00.000+09:00' };
		expect(normaliseDate(callDate, foreign, PARIS)).toBe('2024-01-25T10:15:00+09:00');
	});

	it('accepts a JS Date, shown in the workflow timezone', () => {
		expect(normaliseDate(callDate, new Date('2024-01-25T10:15:00Z'), PARIS)).toBe('2024-01-25T11:15:00+01:00');
	});

	it('accepts epoch milliseconds', () => {
		expect(normaliseDate(callDate, Date.UTC(2024, 0, 25, 10, 15), 'UTC')).toBe('2024-01-25T10:15:00Z');
	});

	it('rejects epoch seconds with a hint to multiply by 1000', () => {
		const error = rejection('call_date', 1706177700);
		expect(error.message).toBe('Call Date (call_date) looks like epoch seconds, not milliseconds: 1706177700');
		expect(error.hint).toContain('Multiply it by 1000');
	});

	it.each([
		['not a date', 'tomorrow'],
		['an impossible date', '2024-02-30T10:00:00Z'],
		['an empty string', '  '],
		['an invalid DateTime', DateTime.invalid('bad')],
		['an invalid Date', new Date('nope')],
		['a fractional number', 1706177700000.5],
		['a boolean', true],
		['an object', { at: '2024-01-25' }],
	])('rejects %s', (_label, value) => {
		const error = rejection('scheduled_at', value);
		expect(error.message).toMatch(/^Scheduled At \(scheduled_at\) /);
		expect(error.hint).toContain('ISO 8601');
	});
});

describe('duration_ms', () => {
	it('accepts whole numbers from 0, also as digit strings', () => {
		expect(normaliseFieldValue(field('duration_ms'), 240000, PARIS)).toBe(240000);
		expect(normaliseFieldValue(field('duration_ms'), 0, PARIS)).toBe(0);
		expect(normaliseFieldValue(field('duration_ms'), ' 180000 ', PARIS)).toBe(180000);
	});

	it('rejects a fraction', () => {
		expect(rejection('duration_ms', 1500.5).message).toBe('Duration (Ms) (duration_ms) must be a whole number: 1500.5');
		expect(rejection('duration_ms', '12.5').message).toContain('must be a whole number');
	});

	it('rejects a negative number', () => {
		expect(rejection('duration_ms', -1).message).toBe('Duration (Ms) (duration_ms) cannot be negative: -1');
		expect(rejection('duration_ms', '-20').message).toContain('cannot be negative');
	});

	it.each([['4 minutes'], [NaN], [Infinity], [''], [true], [1e20]])('rejects %p', (value) => {
		expect(rejection('duration_ms', value).fieldName).toBe('duration_ms');
	});
});

describe('is_retry', () => {
	it('accepts booleans and the strings true/false', () => {
		expect(normaliseFieldValue(field('is_retry'), true, PARIS)).toBe(true);
		expect(normaliseFieldValue(field('is_retry'), false, PARIS)).toBe(false);
		expect(normaliseFieldValue(field('is_retry'), 'TRUE', PARIS)).toBe(true);
		expect(normaliseFieldValue(field('is_retry'), 'false', PARIS)).toBe(false);
	});

	it.each([['yes'], [1], [0], ['']])('rejects %p', (value) => {
		expect(rejection('is_retry', value).message).toContain('must be true or false');
	});
});

describe('text fields', () => {
	it('sends strings as they are, empty ones included', () => {
		expect(normaliseFieldValue(field('notes'), 'Customer agreed to pay €500 monthly.\nCall back.', PARIS)).toBe(
			'Customer agreed to pay €500 monthly.\nCall back.',
		);
		expect(normaliseFieldValue(field('summary'), '', PARIS)).toBe('');
	});

	it('turns a number into text (a numeric call ID from a telephony webhook)', () => {
		expect(normaliseFieldValue(field('call_id'), 789456, PARIS)).toBe('789456');
	});

	it.each([[{ a: 1 }], [['x']], [true], [null]])('rejects %p', (value) => {
		expect(rejection('phone_number_used', value).fieldName).toBe('phone_number_used');
	});
});

describe('buildFollowupBody', () => {
	it('sends only the fields that were set, normalised, in the table order', () => {
		const body = buildFollowupBody(
			{ summary: 'ok', duration_ms: '180000', status: 'deal_found', call_date: '2024-01-25T10:15:00' },
			PARIS,
		);
		expect(body).toEqual({ status: 'deal_found', call_date: '2024-01-25T10:15:00+01:00', summary: 'ok', duration_ms: 180000 });
		expect(Object.keys(body)).toEqual(['status', 'call_date', 'summary', 'duration_ms']);
	});

	it('refuses a key that is not a followup field instead of dropping it', () => {
		expect(() => buildFollowupBody({ debt_id: 'x' }, PARIS)).toThrow('debt_id (debt_id) is not a followup field GetBill takes here: "x"');
	});

	it('stops at the first invalid field with its name', () => {
		expect(() => buildFollowupBody({ status: 'deal_found', type: 'fax' }, PARIS)).toThrow('Type (type)');
	});
});
