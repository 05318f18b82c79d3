/**
 * How every resource's fields are described: one table per resource
 * (`resources/<resource>.ts`) from which the editor's properties
 * (`fields/properties.ts`), the validation and the request body
 * (`fields/values.ts`) are derived, so the three cannot drift apart.
 */

/**
 * What a value must be, and what is sent:
 * - `options`: one of `values` (the API's values exactly)
 * - `dateTime`: ISO 8601 with an offset; `date`: `YYYY-MM-DD` (a date-time is taken in the workflow's timezone)
 * - `integer` (≥ 0), `amount` (a number > 0, numeric strings accepted), `boolean`
 * - `string` (text; a number is sent as text), `name` (text that must not be empty)
 * - `email`, `iban` (checksum), `currency` (ISO 4217, upper-cased), `country` (ISO 3166-1 alpha-2, upper-cased)
 * - `json`: a JSON object (an object from an expression, or a JSON string)
 */
export type FieldKind =
	| 'options'
	| 'dateTime'
	| 'date'
	| 'string'
	| 'name'
	| 'integer'
	| 'amount'
	| 'boolean'
	| 'email'
	| 'iban'
	| 'currency'
	| 'country'
	| 'json';

export interface FieldOption {
	/** Human label shown in the dropdown */
	readonly name: string;
	/** Value sent to GetBill, exactly as the API defines it */
	readonly value: string;
}

/** Where a field appears on Create: a parameter of its own (required ones) or under the additional fields. */
export type CreatePlacement = 'main' | 'additional';

export interface FieldSpec {
	/** API field name: also the parameter name in the editor */
	readonly name: string;
	readonly displayName: string;
	readonly kind: FieldKind;
	readonly description: string;
	readonly placeholder?: string;
	/** For `options` fields: the API's values, in the contract's order */
	readonly values?: readonly FieldOption[];
	/** Lines of a multi-line text box */
	readonly rows?: number;
	/** On Create: where it is set (absent: not a Create field) */
	readonly create?: CreatePlacement;
	/** Whether Update sends it (absent: not an Update field) */
	readonly update?: boolean;
	/** A value Create must have (the API's "required") */
	readonly requiredOnCreate?: boolean;
	/** The field means something only with this other field */
	readonly onlyWith?: string;
	/** `country` on Update: any text is accepted (GetBill takes a code or a name) */
	readonly looseOnUpdate?: boolean;
	/** A default for a main Create parameter (e.g. currency EUR) */
	readonly createDefault?: string | number | boolean;
}

/**
 * The JSON type of a field of GetBill's answers, for the node's output schemas
 * (`__schema__/`, written by `npm run schemas`): a JSON Schema type, or the
 * fields of an object.
 */
export type AnswerType =
	| 'string'
	| 'number'
	| 'integer'
	| 'boolean'
	| 'array'
	| 'object'
	| 'null'
	| { readonly [field: string]: AnswerType };

/**
 * An answer's fields, for its output schema: their names in GetBill's order
 * and the types of those that are not writable fields of the resource (a
 * writable field's type comes from its kind).
 */
export interface AnswerFields {
	readonly returned: readonly string[];
	readonly answerTypes?: Readonly<Record<string, AnswerType>>;
}

/**
 * What a resource's reads (Get, Get Many) return, for the output they give:
 * version 2's Simplify and, as an AI Agent's tool, Simplified, Raw or
 * Selected Fields.
 */
export interface ReadFields {
	/** Parameter value of the resource, e.g. `followup` */
	readonly resource: string;
	/** In messages, e.g. "followup" */
	readonly noun: string;
	/** The fields version 2's Simplify keeps on Get and Get Many (in this order), where the resource has it; a tool's Simplified too */
	readonly simplified?: readonly string[];
	/**
	 * A tool's Simplified where the editor has no Simplify (reports, users):
	 * there the tool's output stays Raw unless Simplified is chosen, as a tool
	 * saved before gave every field.
	 */
	readonly toolSimplified?: readonly string[];
	/** Every field GetBill documents in its answers to Get and Get Many (`../shared/api`), in its order: what Selected Fields may name */
	readonly returned?: readonly string[];
	/** The types of the `returned` fields that are not writable fields (IDs, counters, times): for the output schemas */
	readonly answerTypes?: Readonly<Record<string, AnswerType>>;
	/** `returned` fields GetBill leaves out of a list's entries and of Update's answer (the contract's "Get only") */
	readonly leftOut?: { readonly list?: readonly string[]; readonly update?: readonly string[] };
}

/** One resource's table. */
export interface ResourceTable extends ReadFields {
	readonly fields: readonly FieldSpec[];
	/** Groups of fields of which Create needs at least one (e.g. phone or email) */
	readonly oneOfOnCreate?: ReadonlyArray<readonly string[]>;
	/** Input Fields to Ignore: an example and when to use it, for this resource's payloads */
	readonly ignoreExample?: { placeholder: string; hint: string };
	/** A few field names for the Auto-Map option's description */
	readonly autoMapExamples: string;
}

/** The table's field of that name. */
export function fieldOf(table: ResourceTable, name: string): FieldSpec | undefined {
	return table.fields.find((f) => f.name === name);
}
