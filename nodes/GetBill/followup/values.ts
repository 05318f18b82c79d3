import { DateTime } from 'luxon';
import type { IDataObject } from 'n8n-workflow';

import type { FollowupField } from './fields';
import { FOLLOWUP_FIELDS, getFollowupField } from './fields';

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

function fail(field: FollowupField, value: unknown, reason: string, hint: string): never {
	throw new FieldValueError(field.name, field.displayName, value, reason, hint);
}

const UNSET_HINT =
	'Remove the field from "Update Fields" if it should not change, or map a value to it.';

function toOption(field: FollowupField, value: unknown): string {
	const allowed = (field.values ?? []).map((o) => o.value);
	const list = allowed.join(', ');
	if (typeof value !== 'string') {
		fail(field, value, 'must be one of the listed values', `Allowed values: ${list}.`);
	}
	const trimmed = value.trim();
	if (allowed.includes(trimmed)) return trimmed;
	const byLabel = (field.values ?? []).find((o) => o.name.toLowerCase() === trimmed.toLowerCase());
	const suggestion = byLabel ? ` Did you mean "${byLabel.value}" (${byLabel.name})?` : '';
	fail(
		field,
		value,
		'is not a value GetBill accepts',
		`Allowed values: ${list}.${suggestion} Pick one from the list or map one of these exact values.`,
	);
}

const DATE_HINT =
	'Use an ISO 8601 date such as 2024-01-25T10:15:00Z (a date without an offset is read in the workflow\'s timezone), a date from an expression like {{ $now }}, or epoch milliseconds.';

function isLuxonDateTime(value: unknown): value is DateTime {
	// Duck-typed on purpose: n8n's DateTime may come from another copy of luxon.
	return DateTime.isDateTime(value);
}

/** Parses any accepted date form and returns ISO 8601 with an offset. */
export function normaliseDate(field: FollowupField, value: unknown, timezone: string): string {
	let dt: DateTime | undefined;
	if (isLuxonDateTime(value)) {
		dt = value.isValid ? DateTime.fromISO(value.toISO() as string, { setZone: true }) : undefined;
	} else if (value instanceof Date) {
		dt = DateTime.fromJSDate(value, { zone: timezone });
	} else if (typeof value === 'number') {
		if (!Number.isFinite(value) || !Number.isInteger(value)) {
			fail(field, value, 'is not a valid date', DATE_HINT);
		}
		if (Math.abs(value) < SMALLEST_EPOCH_MS) {
			fail(
				field,
				value,
				'looks like epoch seconds, not milliseconds',
				`Multiply it by 1000 (e.g. {{ $json.timestamp * 1000 }}). ${DATE_HINT}`,
			);
		}
		dt = DateTime.fromMillis(value, { zone: timezone });
	} else if (typeof value === 'string') {
		const text = value.trim();
		if (text === '') fail(field, value, 'is empty', `${UNSET_HINT} ${DATE_HINT}`);
		dt = DateTime.fromISO(text, { zone: timezone, setZone: true });
		if (!dt.isValid) dt = DateTime.fromSQL(text, { zone: timezone, setZone: true });
	} else if (value === null || value === undefined) {
		fail(field, value, 'has no value', UNSET_HINT);
	}
	if (!dt || !dt.isValid) fail(field, value, 'is not a valid date', DATE_HINT);
	return dt.toISO({ suppressMilliseconds: true }) as string;
}

function toInteger(field: FollowupField, value: unknown): number {
	let num: number | undefined;
	if (typeof value === 'number') num = value;
	else if (typeof value === 'string' && /^[-+]?\d+(\.\d+)?$/.test(value.trim())) num = Number(value.trim());
	if (num === undefined || !Number.isFinite(num)) {
		fail(field, value, 'must be a whole number', 'Use a whole number of milliseconds, 0 or more (e.g. 240000 for 4 minutes).');
	}
	if (!Number.isInteger(num)) {
		fail(field, value, 'must be a whole number', 'Round it, e.g. {{ Math.round($json.duration * 1000) }} for seconds.');
	}
	if (num < 0) fail(field, value, 'cannot be negative', 'Use 0 or more milliseconds.');
	if (num > Number.MAX_SAFE_INTEGER) fail(field, value, 'is too large', 'Use a whole number of milliseconds, 0 or more.');
	return num;
}

function toBoolean(field: FollowupField, value: unknown): boolean {
	if (typeof value === 'boolean') return value;
	if (typeof value === 'string') {
		const text = value.trim().toLowerCase();
		if (text === 'true') return true;
		if (text === 'false') return false;
	}
	fail(field, value, 'must be true or false', 'Use the toggle, or map a boolean (true or false).');
}

function toText(field: FollowupField, value: unknown): string {
	if (typeof value === 'string') return value;
	if (typeof value === 'number' && Number.isFinite(value)) return String(value);
	if (typeof value === 'bigint') return value.toString();
	if (value === null || value === undefined) fail(field, value, 'has no value', UNSET_HINT);
	fail(field, value, 'must be text', 'Map a text value (a string), not an object, list or boolean.');
}

/** Checks one value against its field's rules and returns what GetBill expects. */
export function normaliseFieldValue(
	field: FollowupField,
	value: unknown,
	timezone: string,
): string | number | boolean {
	if (value === null || value === undefined) fail(field, value, 'has no value', UNSET_HINT);
	switch (field.kind) {
		case 'options':
			return toOption(field, value);
		case 'dateTime':
			return normaliseDate(field, value, timezone);
		case 'integer':
			return toInteger(field, value);
		case 'boolean':
			return toBoolean(field, value);
		case 'string':
			return toText(field, value);
	}
}

/**
 * Builds the request body from the fields the user set, in the table's order.
 * Unknown names are refused rather than dropped, so nothing is lost silently.
 */
export function buildFollowupBody(fields: IDataObject, timezone: string): IDataObject {
	for (const name of Object.keys(fields)) {
		if (!getFollowupField(name)) {
			throw new FieldValueError(
				name,
				name,
				fields[name],
				'is not a field GetBill knows',
				`Followup fields are: ${FOLLOWUP_FIELDS.map((f) => f.name).join(', ')}.`,
			);
		}
	}
	const body: IDataObject = {};
	for (const field of FOLLOWUP_FIELDS) {
		if (!Object.prototype.hasOwnProperty.call(fields, field.name)) continue;
		body[field.name] = normaliseFieldValue(field, fields[field.name], timezone);
	}
	return body;
}

/** What "Auto-Map Input Data" takes from an input item. */
export interface AutoMappedFields {
	/** The item's keys that are followup field names, with their values (not yet validated) */
	fields: IDataObject;
	/** Keys that are not followup field names: not sent */
	ignored: string[];
	/** Followup field names whose value is null or undefined: not sent */
	empty: string[];
	/** Keys named in "Input Fields to Ignore": not sent */
	skipped: string[];
}

/**
 * Takes the keys of an input item that are GetBill followup field names,
 * except those the user listed to skip ("Input Fields to Ignore"). The
 * values are validated and normalised by `buildFollowupBody`, like hand-set
 * fields; a null value means "not in this payload" and is not sent.
 */
export function pickFollowupFields(json: IDataObject, skip: ReadonlySet<string> = new Set()): AutoMappedFields {
	const mapped: AutoMappedFields = { fields: {}, ignored: [], empty: [], skipped: [] };
	for (const [key, value] of Object.entries(json)) {
		if (skip.has(key)) mapped.skipped.push(key);
		else if (!getFollowupField(key)) mapped.ignored.push(key);
		else if (value === null || value === undefined) mapped.empty.push(key);
		else mapped.fields[key] = value;
	}
	return mapped;
}
