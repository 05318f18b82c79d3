/** The ID parameters of the operations (Followup ID, Debt ID, …), described once each. */
import type { IDataObject } from 'n8n-workflow';

/** How version 2's "From List" finds the records of an ID parameter. */
export interface IdPicker {
	/** The list endpoint, under /external-api/v1 (paged with `page` and `limit`) */
	readonly path: string;
	/** The words a person recognises a record by, e.g. "Jane Smith — 750.50 EUR — INV-2024-002" */
	readonly label: (entry: IDataObject) => string;
	/** What the search box is matched against besides the label and the ID (e.g. the email) */
	readonly searchAlso?: readonly string[];
}

/** An ID parameter: its label, what it identifies, an example and what to do when it is wrong. */
export interface IdSpec {
	name: string;
	displayName: string;
	/** What it identifies, e.g. "debt" */
	noun: string;
	example: string;
	placeholder: string;
	hint: string;
	/** The `listSearch` method of version 2's "From List", e.g. `searchDebts` */
	listMethod: string;
	picker: IdPicker;
}

/** The ID of a resource: `followupId`, "Followup ID", … */
export function idSpec(noun: string, example: string, picker: IdPicker): IdSpec {
	const label = noun[0].toUpperCase() + noun.slice(1);
	return {
		name: `${noun}Id`,
		displayName: `${label} ID`,
		noun,
		example,
		placeholder: `e.g. ${example}`,
		hint: `Enter the encrypted ID of the ${noun} (e.g. ${example}), or map it from a previous node with an expression.`,
		listMethod: `search${label}s`,
		picker,
	};
}

/**
 * What version 2's "By ID" accepts: no `/`, and not only dots (`.` and `..`
 * would address another endpoint once in the URL). The editor shows the
 * message under the field; the run refuses the same values.
 */
export const ID_PATTERN = '^(?![.\\s]*$)[^/]+$';
export const isValidId = (value: string): boolean => new RegExp(ID_PATTERN).test(value);

/** What a 404 about that ID says. */
export function notFound(id: IdSpec, value: string) {
	const label = id.noun[0].toUpperCase() + id.noun.slice(1);
	return {
		message: `${label} "${value}" not found`,
		description: `Check the ${id.displayName}: it must be the encrypted ID GetBill gives the ${id.noun} (e.g. ${id.example}), and the ${id.noun} must belong to your company.`,
	};
}

/** Text of a field for a label: trimmed, or undefined when empty. */
export function textOf(value: unknown): string | undefined {
	if (typeof value === 'number') return String(value);
	return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/** Parts of a label that have a value, joined by " — ". */
export function joinLabel(...parts: Array<string | undefined>): string {
	return parts.filter((p): p is string => p !== undefined && p !== '').join(' — ');
}

/** A person's name from two fields, e.g. "Jane Smith". */
export function personName(entry: IDataObject, first: string, last: string): string | undefined {
	return textOf([textOf(entry[first]), textOf(entry[last])].filter(Boolean).join(' '));
}
