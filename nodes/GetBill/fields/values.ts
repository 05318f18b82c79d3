import { DateTime } from 'luxon';
import type { IDataObject } from 'n8n-workflow';

import { COUNTRY_CODES, CURRENCY_CODES, isValidIban } from './codes';
import type { FieldSpec, ResourceTable } from './types';
import { fieldOf } from './types';

/** Epoch values below this (3 March 1973 in milliseconds) are almost surely seconds. */
const SMALLEST_EPOCH_MS = 1e11;

/**
 * A value that cannot be sent to GetBill. Carries what the user needs to fix it;
 * the operation turns it into a NodeOperationError naming the item.
 */
export class FieldValueError extends Error {
	constructor(
		readonly fieldName: string,
		readonly fieldLabel: string,
		readonly value: unknown,
		readonly reason: string,
		readonly hint: string,
		/** What an AI model calling the node as a tool needs instead (allowed values, format), when `hint` speaks of the editor */
		readonly hintForModel: string = hint,
	) {
		super(`${fieldLabel} (${fieldName}) ${reason}: ${showValue(value)}`);
		this.name = 'FieldValueError';
	}
}

/** Shows a bad value to the user: short, quoted when a string, typed otherwise. */
export function showValue(value: unknown): string {
	if (value === null) return 'null';
	if (value === undefined) return 'undefined';
	if (typeof value === 'string') {
		const shown = value.length > 80 ? `${value.slice(0, 77)}...` : value;
		return `"${shown}"`;
	}
	if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
		return String(value);
	}
	if (value instanceof Date) return `Date(${Number.isNaN(value.getTime()) ? 'Invalid' : value.toISOString()})`;
	try {
		const json = JSON.stringify(value);
		return json.length > 80 ? `${json.slice(0, 77)}...` : json;
	} catch {
		return Object.prototype.toString.call(value);
	}
}

function fail(field: FieldSpec, value: unknown, reason: string, hint: string, hintForModel?: string): never {
	throw new FieldValueError(field.name, field.displayName, value, reason, hint, hintForModel);
}

const UNSET_HINT = 'Remove the field if it should not be sent, or map a value to it.';
const UNSET_FOR_MODEL = 'Give a value.';

/**
 * An option's label or value as compared for "Did you mean": any case, and
 * spaces, hyphens and underscores alike, so that `NO_ANSWER`, `No Answer` and
 * `no-answer` all point to `no_answer`. Never accepted as the value itself:
 * GetBill's values are case-sensitive.
 */
function looseKey(text: string): string {
	return text.toLowerCase().replace(/[\s_-]+/g, '_');
}

function toOption(field: FieldSpec, value: unknown): string {
	const allowed = (field.values ?? []).map((o) => o.value);
	const list = allowed.join(', ');
	if (typeof value !== 'string') {
		fail(field, value, 'must be one of the listed values', `Allowed values: ${list}.`);
	}
	const trimmed = value.trim();
	if (allowed.includes(trimmed)) return trimmed;
	const key = looseKey(trimmed);
	const close = (field.values ?? []).find((o) => looseKey(o.name) === key || looseKey(o.value) === key);
	const suggestion = close ? ` Did you mean "${close.value}" (${close.name})?` : '';
	fail(
		field,
		value,
		'is not a value GetBill accepts',
		`Allowed values: ${list}.${suggestion} Pick one from the list or map one of these exact values.`,
		`Allowed values: ${list}.${suggestion}`,
	);
}

const DATE_HINT =
	'Use an ISO 8601 date such as 2024-01-25T10:15:00Z (a date without an offset is read in the workflow\'s timezone), a date from an expression like {{ $now }}, or epoch milliseconds as a number.';
const DATE_FOR_MODEL = 'Use an ISO 8601 date-time such as 2024-01-25T10:15:00Z.';

function isLuxonDateTime(value: unknown): value is DateTime {
	// Duck-typed on purpose: n8n's DateTime may come from another copy of luxon.
	return DateTime.isDateTime(value);
}

/** Parses any accepted date form and returns ISO 8601 with an offset. */
export function normaliseDate(field: FieldSpec, value: unknown, timezone: string): string {
	return parseDate(field, value, timezone).toISO({ suppressMilliseconds: true }) as string;
}

/** A calendar date `YYYY-MM-DD`: a date-time is taken in the workflow's timezone. */
function toCalendarDate(field: FieldSpec, value: unknown, timezone: string): string {
	if (typeof value === 'string' && /^\s*\d{4}-\d{2}-\d{2}\s*$/.test(value)) {
		const day = DateTime.fromISO(value.trim(), { zone: timezone });
		if (!day.isValid) fail(field, value, 'is not a valid date', DAY_HINT, DAY_FOR_MODEL);
		return value.trim();
	}
	return parseDate(field, value, timezone, DAY_HINT, DAY_FOR_MODEL).setZone(timezone).toISODate() as string;
}

const DAY_HINT =
	'Use a date such as 2024-01-25 (YYYY-MM-DD), or a date-time or {{ $now }}, which is taken as its day in the workflow\'s timezone.';
const DAY_FOR_MODEL = 'Use a date such as 2024-01-25 (YYYY-MM-DD).';

/**
 * A text that names its day, as luxon's ISO and SQL forms write one: a
 * calendar date (2024-01-25, 20240125; a year of six digits with its sign
 * allowed), an ordinal date (2024-025) or a week date with its day
 * (2024-W04-4), then nothing, or a time after `T` or a space. luxon also reads
 * a year (`2024`), a month (`2024-03`), a week (`2024-W04`) and a time alone
 * (`10:15`, as today), filling in what is missing: those never reach it.
 * Anchored, no nested repetition: linear.
 */
const NAMES_ITS_DAY = /^(?:[+-]\d{6}|\d{4})(?:-?\d{2}-?\d{2}|-?\d{3}|-?W\d{2}-?\d)(?:$|[Tt ])/;
/** A year, a month or a week without its day (a time may follow). */
const NO_DAY = /^(?:[+-]\d{6}|\d{4})(?:-?\d{2}|-?W\d{2})?(?:$|[Tt ])/;
/**
 * Digits only, more than 8 (no ISO or SQL date is: 20240125 and 2024025 are
 * dates): maybe epoch milliseconds as text, maybe a compact date-time such as
 * 20240125101500 (year 2611 as milliseconds). Refused rather than guessed.
 */
const DIGITS_ONLY = /^-?\d{9,}$/;
const EPOCH_TEXT_HINT = 'Epoch milliseconds are read from a number, not from text: map one, e.g. {{ Number($json.timestamp) }}.';

/** A date text: ISO 8601 or SQL, with its day; a fragment luxon would complete is refused. */
function fromText(field: FieldSpec, value: unknown, text: string, timezone: string, hint: string, forModel: string): DateTime {
	if (DIGITS_ONLY.test(text)) fail(field, value, 'is not a valid date', `${EPOCH_TEXT_HINT} ${hint}`, forModel);
	if (!NAMES_ITS_DAY.test(text)) {
		if (NO_DAY.test(text)) fail(field, value, 'has no day', hint, forModel);
		const read = DateTime.fromISO(text, { zone: timezone }).isValid || DateTime.fromSQL(text, { zone: timezone }).isValid;
		if (read || /^[Tt]\d/.test(text)) fail(field, value, 'has a time but no date', hint, forModel);
		fail(field, value, 'is not a valid date', hint, forModel);
	}
	const dt = DateTime.fromISO(text, { zone: timezone, setZone: true });
	return dt.isValid ? dt : DateTime.fromSQL(text, { zone: timezone, setZone: true });
}

function parseDate(field: FieldSpec, value: unknown, timezone: string, hint = DATE_HINT, forModel = DATE_FOR_MODEL): DateTime {
	let dt: DateTime | undefined;
	if (isLuxonDateTime(value)) {
		dt = value.isValid ? DateTime.fromISO(value.toISO() as string, { setZone: true }) : undefined;
	} else if (value instanceof Date) {
		dt = DateTime.fromJSDate(value, { zone: timezone });
	} else if (typeof value === 'number') {
		if (!Number.isFinite(value) || !Number.isInteger(value)) {
			fail(field, value, 'is not a valid date', hint, forModel);
		}
		if (Math.abs(value) < SMALLEST_EPOCH_MS) {
			fail(
				field,
				value,
				'looks like epoch seconds, not milliseconds',
				`Multiply it by 1000 (e.g. {{ $json.timestamp * 1000 }}). ${hint}`,
				forModel,
			);
		}
		dt = DateTime.fromMillis(value, { zone: timezone });
	} else if (typeof value === 'string') {
		const text = value.trim();
		if (text === '') fail(field, value, 'is empty', `${UNSET_HINT} ${hint}`, forModel);
		dt = fromText(field, value, text, timezone, hint, forModel);
	} else if (value === null || value === undefined) {
		fail(field, value, 'has no value', UNSET_HINT, forModel);
	}
	if (!dt || !dt.isValid) fail(field, value, 'is not a valid date', hint, forModel);
	return dt;
}

function toInteger(field: FieldSpec, value: unknown): number {
	let num: number | undefined;
	if (typeof value === 'number') num = value;
	else if (typeof value === 'string' && /^[-+]?\d+(\.\d+)?$/.test(value.trim())) num = Number(value.trim());
	if (num === undefined || !Number.isFinite(num)) {
		fail(field, value, 'must be a whole number', 'Use a whole number of milliseconds, 0 or more (e.g. 240000 for 4 minutes).');
	}
	if (!Number.isInteger(num)) {
		fail(field, value, 'must be a whole number', 'Round it, e.g. {{ Math.round($json.duration * 1000) }} for seconds.', 'Use a whole number of milliseconds, 0 or more (e.g. 240000 for 4 minutes).');
	}
	if (num < 0) fail(field, value, 'cannot be negative', 'Use 0 or more milliseconds.');
	if (num > Number.MAX_SAFE_INTEGER) fail(field, value, 'is too large', 'Use a whole number of milliseconds, 0 or more.');
	return num;
}

function toBoolean(field: FieldSpec, value: unknown): boolean {
	if (typeof value === 'boolean') return value;
	if (typeof value === 'string') {
		const text = value.trim().toLowerCase();
		if (text === 'true') return true;
		if (text === 'false') return false;
	}
	fail(field, value, 'must be true or false', 'Use the toggle, or map a boolean (true or false).', 'Use true or false.');
}

function toText(field: FieldSpec, value: unknown): string {
	if (typeof value === 'string') return value;
	if (typeof value === 'number' && Number.isFinite(value)) return String(value);
	if (typeof value === 'bigint') return value.toString();
	if (value === null || value === undefined) fail(field, value, 'has no value', UNSET_HINT, UNSET_FOR_MODEL);
	fail(field, value, 'must be text', 'Map a text value (a string), not an object, list or boolean.', 'Use a text value (a string), not an object, list or boolean.');
}

function toName(field: FieldSpec, value: unknown): string {
	const text = toText(field, value);
	if (text.trim() === '') fail(field, value, 'is empty', `Enter the ${field.displayName.toLowerCase()}, or map it from a previous node.`, `Give the ${field.displayName.toLowerCase()}.`);
	return text.trim();
}

function toAmount(field: FieldSpec, value: unknown): number {
	let num: number | undefined;
	if (typeof value === 'number') num = value;
	else if (typeof value === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(value)) num = Number(value.trim());
	const hint = 'Use a number greater than 0 with a dot for decimals (e.g. 1250.00).';
	if (num === undefined || !Number.isFinite(num)) fail(field, value, 'must be a number', hint);
	if (num <= 0) fail(field, value, 'must be greater than 0', hint);
	return num;
}

/**
 * Whether `text` is an address as /^[^\s@]+@[^\s@]+\.[^\s@]+$/ says (no
 * whitespace, one `@` with text before it, a dot after it that is neither the
 * first nor the last character of the domain), in one pass: that regex
 * backtracks over the domain once for each of its characters, so an address
 * of dots took seconds.
 */
export function isEmailAddress(text: string): boolean {
	if (/\s/.test(text)) return false;
	const at = text.indexOf('@');
	if (at < 1 || text.includes('@', at + 1)) return false;
	const dot = text.indexOf('.', at + 2);
	return dot !== -1 && dot < text.length - 1;
}

function toEmail(field: FieldSpec, value: unknown): string {
	const text = toText(field, value).trim();
	if (!isEmailAddress(text)) fail(field, value, 'is not a valid email address', 'Use an address such as jane.smith@example.com.');
	return text;
}

function toIban(field: FieldSpec, value: unknown): string {
	const text = toText(field, value).replace(/\s+/g, '').toUpperCase();
	if (!isValidIban(text)) {
		fail(field, value, 'is not a valid IBAN', 'Check the IBAN: its country code, length and check digits (e.g. FR1420041010050500013M02606).');
	}
	return text;
}

function toCurrency(field: FieldSpec, value: unknown): string {
	const text = toText(field, value).trim().toUpperCase();
	if (!CURRENCY_CODES.has(text)) fail(field, value, 'is not an ISO 4217 currency code', 'Use a three-letter code such as EUR, USD or GBP.');
	return text;
}

function toCountry(field: FieldSpec, value: unknown, loose: boolean): string {
	const text = toText(field, value).trim();
	if (loose && !/^[A-Za-z]{2}$/.test(text)) {
		if (text === '') fail(field, value, 'is empty', UNSET_HINT, UNSET_FOR_MODEL);
		return text;
	}
	const code = text.toUpperCase();
	if (!COUNTRY_CODES.has(code)) {
		fail(field, value, 'is not an ISO 3166-1 alpha-2 country code', 'Use a two-letter country code such as FR, BE or US.');
	}
	return code;
}

function toJsonObject(field: FieldSpec, value: unknown): IDataObject {
	let parsed = value;
	const hint = 'Use a JSON object such as {"crm_id": "CRM-123"}, or an object from an expression.';
	const forModel = 'Use a JSON object such as {"crm_id": "CRM-123"}.';
	if (typeof value === 'string') {
		try {
			parsed = JSON.parse(value);
		} catch {
			fail(field, value, 'is not valid JSON', hint, forModel);
		}
	}
	if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) fail(field, value, 'must be a JSON object', hint, forModel);
	return parsed as IDataObject;
}

/** Which operation a value is for: Create may be stricter than Update. */
export type Purpose = 'create' | 'update' | 'filter';

/** Checks one value against its field's rules and returns what GetBill expects. */
export function normaliseFieldValue(
	field: FieldSpec,
	value: unknown,
	timezone: string,
	purpose: Purpose = 'update',
): string | number | boolean | IDataObject {
	if (value === null || value === undefined) fail(field, value, 'has no value', UNSET_HINT, UNSET_FOR_MODEL);
	switch (field.kind) {
		case 'options':
			return toOption(field, value);
		case 'dateTime':
			return normaliseDate(field, value, timezone);
		case 'date':
			return toCalendarDate(field, value, timezone);
		case 'integer':
			return toInteger(field, value);
		case 'amount':
			return toAmount(field, value);
		case 'boolean':
			return toBoolean(field, value);
		case 'string':
			return toText(field, value);
		case 'name':
			return toName(field, value);
		case 'email':
			return toEmail(field, value);
		case 'iban':
			return toIban(field, value);
		case 'currency':
			return toCurrency(field, value);
		case 'country':
			return toCountry(field, value, purpose === 'update' && field.looseOnUpdate === true);
		case 'json':
			return toJsonObject(field, value);
	}
}

/** Whether `purpose` may send the field. */
function sentFor(field: FieldSpec, purpose: Purpose): boolean {
	return purpose === 'create' ? field.create !== undefined : purpose === 'update' ? field.update === true : true;
}

/**
 * Builds the request body from the fields set, in the table's order. Unknown
 * names, and names the operation does not send, are refused rather than
 * dropped, so nothing is lost silently.
 */
export function buildBody(table: ResourceTable, fields: IDataObject, timezone: string, purpose: Purpose): IDataObject {
	for (const name of Object.keys(fields)) {
		const field = fieldOf(table, name);
		if (!field || !sentFor(field, purpose)) {
			throw new FieldValueError(
				name,
				name,
				fields[name],
				`is not a ${table.noun} field GetBill takes here`,
				`The ${table.noun} fields are: ${table.fields.filter((f) => sentFor(f, purpose)).map((f) => f.name).join(', ')}.`,
			);
		}
	}
	const body: IDataObject = {};
	for (const field of table.fields) {
		if (!Object.prototype.hasOwnProperty.call(fields, field.name)) continue;
		body[field.name] = normaliseFieldValue(field, fields[field.name], timezone, purpose) as IDataObject[string];
	}
	for (const field of table.fields) {
		if (field.onlyWith && body[field.name] !== undefined && body[field.onlyWith] === undefined) {
			const other = fieldOf(table, field.onlyWith)!;
			throw new FieldValueError(
				field.name,
				field.displayName,
				body[field.name],
				`is only used with ${other.displayName} (${other.name})`,
				`Set ${other.displayName} too, or remove ${field.displayName}.`,
			);
		}
	}
	if (purpose === 'create') {
		for (const field of table.fields) {
			if (field.requiredOnCreate && body[field.name] === undefined) {
				const error = new FieldValueError(field.name, field.displayName, undefined, 'is required', `Set ${field.displayName}: GetBill needs it to create a ${table.noun}.`);
				error.message = `${field.displayName} (${field.name}) is required but missing`;
				throw error;
			}
		}
		for (const names of table.oneOfOnCreate ?? []) {
			if (names.every((name) => body[name] === undefined)) {
				const labels = names.map((name) => `${fieldOf(table, name)!.displayName} (${name})`);
				const error = new FieldValueError(names[0], labels[0], undefined, 'is missing', `GetBill needs at least one of ${labels.join(' or ')} to create a ${table.noun}.`);
				error.message = `${labels.join(' or ')} is required: both are missing`;
				throw error;
			}
		}
	}
	return body;
}

/** What "Auto-Map Input Data" takes from an input item. */
export interface AutoMappedFields {
	/** The item's keys that are field names, with their values (not yet validated) */
	fields: IDataObject;
	/** Keys that are not field names: not sent */
	ignored: string[];
	/** Field names whose value is null or undefined: not sent */
	empty: string[];
	/** Keys named in "Input Fields to Ignore": not sent */
	skipped: string[];
}

/**
 * Takes the keys of an input item that are the resource's field names for
 * `purpose`, except those the user listed to skip ("Input Fields to Ignore").
 * The values are validated and normalised by `buildBody`, like hand-set
 * fields; a null value means "not in this payload" and is not sent.
 */
export function pickFields(
	table: ResourceTable,
	json: IDataObject,
	purpose: Purpose,
	skip: ReadonlySet<string> = new Set(),
): AutoMappedFields {
	const mapped: AutoMappedFields = { fields: {}, ignored: [], empty: [], skipped: [] };
	for (const [key, value] of Object.entries(json)) {
		const field = fieldOf(table, key);
		if (skip.has(key)) mapped.skipped.push(key);
		else if (!field || !sentFor(field, purpose)) mapped.ignored.push(key);
		else if (value === null || value === undefined) mapped.empty.push(key);
		else mapped.fields[key] = value;
	}
	return mapped;
}
