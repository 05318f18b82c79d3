/**
 * The GetBill node's output schemas, derived from the resource tables
 * (`nodes/GetBill/resources/*`): one JSON Schema per operation of version 2,
 * at the path n8n's loader resolves beside the node's file,
 * `__schema__/v2.0.0/<resource>/<operation>.json`. n8n's editor fetches it
 * (`/schemas/<node type>/2.0.0/<resource>/<operation>.json`) to offer the
 * fields of a node that has not run yet, and n8n's AI builder reads it.
 * `npm run schemas` writes the files (scripts/schemas.js);
 * test/schemas.test.ts checks that the committed files are what this gives.
 *
 * n8n picks a schema by node version, resource and operation only, so each
 * describes the output of the operation's defaults: Simplify on where the
 * resource has it (a tool's default, Simplified, keeps the same fields), every
 * field where it has none (reports, users: a tool's default there is Raw).
 * Simplify off, Raw and Selected Fields are not told apart by n8n.
 */
import { OPERATIONS } from '../nodes/GetBill/actions/router';
import type { Operation } from '../nodes/GetBill/actions/run/types';
import type { AnswerFields, AnswerType, FieldKind, FieldSpec, ReadFields } from '../nodes/GetBill/fields/types';
import { COMPANY_CREDITS, COMPANY_PROFILE } from '../nodes/GetBill/resources/company';
import { CREDITOR } from '../nodes/GetBill/resources/creditor';
import { DEBT, DEBT_BATCH_ROW, DEBT_DELETED } from '../nodes/GetBill/resources/debt';
import { DEBTOR } from '../nodes/GetBill/resources/debtor';
import { FOLLOWUP } from '../nodes/GetBill/resources/followup';
import { REPORT, REPORT_DOWNLOAD } from '../nodes/GetBill/resources/report';
import { USER } from '../nodes/GetBill/resources/user';

/** The node's version the schemas describe, as n8n names its folder. */
export const SCHEMA_VERSION = 'v2.0.0';

/** A resource's description: what its reads return and, where it has them, its writable fields. */
export type Table = ReadFields & { readonly fields?: readonly FieldSpec[] };

/** The description of each resource (company: none, its two answers are its own). */
export const TABLES: Readonly<Record<string, Table | undefined>> = {
	company: undefined,
	creditor: CREDITOR,
	debt: DEBT,
	debtor: DEBTOR,
	followup: FOLLOWUP,
	report: REPORT,
	user: USER,
};

/** The operations whose output is not the resource's record: their own answer's fields. */
export const OWN_ANSWERS: Readonly<Record<string, AnswerFields>> = {
	'company/getCredits': COMPANY_CREDITS,
	'company/getProfile': COMPANY_PROFILE,
	'debt/createMany': DEBT_BATCH_ROW,
	'debt/delete': DEBT_DELETED,
	'report/download': REPORT_DOWNLOAD,
};

/** A JSON Schema as n8n's own nodes write theirs. */
export interface JsonSchema {
	type: string;
	properties?: Record<string, JsonSchema>;
	items?: JsonSchema;
	version?: number;
}

const KIND_TYPES: Record<FieldKind, AnswerType> = {
	options: 'string',
	dateTime: 'string',
	date: 'string',
	string: 'string',
	name: 'string',
	integer: 'integer',
	amount: 'number',
	boolean: 'boolean',
	email: 'string',
	iban: 'string',
	currency: 'string',
	country: 'string',
	json: 'object',
};

function schemaOf(type: AnswerType): JsonSchema {
	if (typeof type === 'string') return { type };
	return { type: 'object', properties: Object.fromEntries(Object.entries(type).map(([name, t]) => [name, schemaOf(t)])) };
}

/** A field's type, from its one home: the answer's own types, the table's answer types, or its writable field's kind. */
function typeOf(name: string, where: string, answer: AnswerFields | undefined, table: Table | undefined): AnswerType {
	const field = table?.fields?.find((f) => f.name === name);
	const homes = [answer?.answerTypes?.[name], table?.answerTypes?.[name], field && KIND_TYPES[field.kind]].filter((t) => t !== undefined);
	if (homes.length > 1) throw new Error(`${where}: the type of "${name}" is given in ${homes.length} places: keep one (a writable field's comes from its kind)`);
	if (homes.length === 0) throw new Error(`${where}: no type for "${name}": add it to the resource table's answerTypes (or make it a field of the table)`);
	return homes[0]!;
}

/** Whether an operation reads a list (Get Many, Get Many by …). */
const isList = (operation: string) => operation.startsWith('getAll');

/** The fields an operation outputs by default, in the order of its output. */
export function outputFieldsOf(resource: string, operation: string, op: Operation): { names: readonly string[]; answer?: AnswerFields } {
	const where = `${resource}/${operation}`;
	const own = OWN_ANSWERS[where];
	if (own) return { names: own.returned, answer: own };
	const table = TABLES[resource];
	const returned = table?.returned;
	if (!table || !returned) throw new Error(`${where}: no description of its output: add the resource's returned fields, or an entry to OWN_ANSWERS`);
	const leftOut = new Set([...(isList(operation) ? table.leftOut?.list ?? [] : []), ...(op.kind === 'update' ? table.leftOut?.update ?? [] : [])]);
	const present = (name: string) => returned.includes(name) && !leftOut.has(name);
	// Simplify (on by default) keeps the simplified fields GetBill returned, in that order
	const reads = 'reads' in op ? op.reads : undefined;
	if (reads) return { names: (reads.simplified ?? returned).filter(present) };
	if (op.kind === 'create' || op.kind === 'update') return { names: returned.filter(present) };
	throw new Error(`${where}: a ${op.kind} without its own answer: add an entry to OWN_ANSWERS`);
}

/** The schema of one operation's output item. */
export function schemaFor(resource: string, operation: string, op: Operation): JsonSchema {
	const { names, answer } = outputFieldsOf(resource, operation, op);
	const table = TABLES[resource];
	const properties = Object.fromEntries(names.map((name) => [name, schemaOf(typeOf(name, `${resource}/${operation}`, answer, table))]));
	return { type: 'object', properties, version: 1 };
}

/**
 * Every schema file, by its path under `__schema__/`, as the file's text
 * (n8n's own layout: four-space indents, a final newline).
 */
export function schemaFiles(operations: Readonly<Record<string, Readonly<Record<string, Operation>>>> = OPERATIONS): Map<string, string> {
	const files = new Map<string, string>();
	for (const [resource, ops] of Object.entries(operations)) {
		if (!(resource in TABLES)) throw new Error(`Resource "${resource}" has no entry in TABLES (scripts/output-schemas.ts)`);
		for (const [operation, op] of Object.entries(ops)) {
			files.set(`${SCHEMA_VERSION}/${resource}/${operation}.json`, `${JSON.stringify(schemaFor(resource, operation, op), null, 4)}\n`);
		}
	}
	return files;
}
