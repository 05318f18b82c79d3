/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals -- reads the committed schema files; tests run in Node.js, not inside n8n Cloud */
/**
 * The output schemas (issue #30): the committed files under
 * nodes/GetBill/__schema__/ are what the resource tables give
 * (scripts/output-schemas.ts, written by `npm run schemas`), a table changed
 * without them fails, and each schema is what the operation outputs: every
 * operation of version 2 run by n8n-core's engine against the GetBill-like
 * server with its defaults, as a node and as an AI Agent's tool, its output's
 * fields and their JSON types those of its schema.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { IDataObject } from 'n8n-workflow';

import { OPERATIONS } from '../nodes/GetBill/actions/router';
import { DEBT } from '../nodes/GetBill/resources/debt';
import type { JsonSchema } from '../scripts/output-schemas';
import { schemaFiles, SCHEMA_VERSION } from '../scripts/output-schemas';
import type { RunExtra } from './helpers/server';
import { nodeRunner, useGetBillServer } from './helpers/server';

const ROOT = path.join(__dirname, '..');
const SCHEMA_DIR = path.join(ROOT, 'nodes', 'GetBill', '__schema__');

/** Every committed schema file by its path under __schema__/. */
function committed(dir = SCHEMA_DIR): Map<string, string> {
	const files = new Map<string, string>();
	const walk = (d: string) => {
		for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
			const full = path.join(d, entry.name);
			if (entry.isDirectory()) walk(full);
			else files.set(path.relative(dir, full).split(path.sep).join('/'), fs.readFileSync(full, 'utf8'));
		}
	};
	walk(dir);
	return files;
}

/** The files that differ between the committed ones and those the tables give (both ways). */
function differences(expected: Map<string, string>, actual = committed()): string[] {
	const names = [...new Set([...expected.keys(), ...actual.keys()])].sort();
	return names.filter((name) => expected.get(name) !== actual.get(name));
}

const schemaOf = (resource: string, operation: string): JsonSchema =>
	JSON.parse(fs.readFileSync(path.join(SCHEMA_DIR, SCHEMA_VERSION, resource, `${operation}.json`), 'utf8')) as JsonSchema;

describe('the committed schema files', () => {
	it('are what the resource tables give (`npm run schemas`): one per operation of version 2, no other file', () => {
		expect(differences(schemaFiles())).toEqual([]);
		const operations = Object.entries(OPERATIONS).flatMap(([resource, ops]) => Object.keys(ops).map((op) => `${SCHEMA_VERSION}/${resource}/${op}.json`));
		expect([...committed().keys()].sort()).toEqual(operations.sort());
		expect(operations).toHaveLength(25);
	});

	it('are JSON Schemas as n8n\'s own nodes write them (an object with properties, version 1) and the editor accepts (a type, properties not empty)', () => {
		for (const [name, text] of committed()) {
			const schema = JSON.parse(text) as JsonSchema;
			expect({ name, type: schema.type, version: schema.version }).toEqual({ name, type: 'object', version: 1 });
			expect(Object.keys(schema.properties ?? {}).length).toBeGreaterThan(0);
		}
	});

	describe('a table changed without `npm run schemas` fails the check', () => {
		/** Changes an array of a table for one call (the tables are plain objects at run time). */
		function without<T>(list: readonly string[], name: string, check: () => T): T {
			const array = list as string[];
			const at = array.indexOf(name);
			expect(at).toBeGreaterThan(-1);
			array.splice(at, 1);
			try {
				return check();
			} finally {
				array.splice(at, 0, name);
			}
		}

		it('a field dropped from what a debt returns: every debt schema with it differs (Create Many outputs its own row)', () => {
			const differ = without(DEBT.returned!, 'status', () => differences(schemaFiles()));
			expect(differ).toEqual(['create', 'get', 'getAll', 'getAllByCreditor', 'getAllByDebtor', 'update'].map((op) => `${SCHEMA_VERSION}/debt/${op}.json`));
			expect(differences(schemaFiles())).toEqual([]);
		});

		it('a field dropped from Simplify: the reads of debts differ', () => {
			const differ = without(DEBT.simplified!, 'internal_id', () => differences(schemaFiles()));
			expect(differ).toEqual(['get', 'getAll', 'getAllByCreditor', 'getAllByDebtor'].map((op) => `${SCHEMA_VERSION}/debt/${op}.json`));
		});

		it('a returned field with no type anywhere is refused by the generator, naming it', () => {
			const list = DEBT.returned as string[];
			list.push('brand_new');
			try {
				expect(() => schemaFiles()).toThrow('debt/create: no type for "brand_new": add it to the resource table\'s answerTypes');
			} finally {
				list.pop();
			}
		});

		it('an operation without a description of its output is refused by the generator', () => {
			const ops = { ...OPERATIONS, debt: { ...OPERATIONS.debt, archive: { ...OPERATIONS.debt.delete } } };
			expect(() => schemaFiles(ops)).toThrow('debt/archive: a delete without its own answer: add an entry to OWN_ANSWERS');
		});
	});
});

/** The JSON Schema type of a value (null goes with any type: GetBill's "string | null"). */
function jsonType(value: unknown): string {
	if (value === null) return 'null';
	if (Array.isArray(value)) return 'array';
	if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
	return typeof value;
}

/** Where an output item's JSON and a schema disagree: a field not in the schema, a schema field missing, or another type. */
function mismatches(json: IDataObject, schema: JsonSchema, at = ''): string[] {
	const properties = schema.properties ?? {};
	const found: string[] = [];
	for (const [name, value] of Object.entries(json)) {
		const expected = properties[name];
		if (!expected) {
			found.push(`${at}${name}: output but not in the schema`);
			continue;
		}
		const type = jsonType(value);
		const fits = type === 'null' || type === expected.type || (type === 'integer' && expected.type === 'number');
		if (!fits) found.push(`${at}${name}: ${type}, the schema says ${expected.type}`);
		else if (type === 'object' && expected.properties) found.push(...mismatches(value as IDataObject, expected, `${at}${name}.`));
	}
	for (const name of Object.keys(properties)) if (!(name in json)) found.push(`${at}${name}: in the schema but not output`);
	return found;
}

describe('each schema is what its operation outputs with its defaults (n8n-core\'s engine, the GetBill-like server)', () => {
	const SCOPES = [
		'company:read',
		'creditors:read',
		'creditors:write',
		'debtors:read',
		'debtors:write',
		'debts:read',
		'debts:write',
		'followups:read',
		'followups:write',
		'reports:read',
		'users:read',
	];
	const gb = useGetBillServer({ followupIds: [], clients: [{ clientId: 'test-client-id', clientSecret: 'test-client-secret', scopes: SCOPES }] });
	const run = nodeRunner(gb, SCOPES);

	beforeEach(() => {
		const { server } = gb;
		server.seedCreditor('cred_1', { name: 'Acme Collections', city: 'Paris', country: 'France' });
		server.seedDebtor('dbtr_1', { firstName: 'Jane', lastName: 'Smith', email: 'jane@example.com' });
		server.seedDebt('debt_1', { firstname: 'Jane', lastname: 'Smith', email: 'jane@example.com', amount: 750.5, currency: 'EUR', creditor_id: 'cred_1', debtor_id: 'dbtr_1' });
		server.seedFollowup('fu_1', { debt_id: 'debt_1', type: 'call', status: 'scheduled', scheduled_at: '2024-01-25T10:00:00+00:00' });
		server.seedReport('report_1', { content: Buffer.from('%PDF-1.4 report') });
		server.seedUser('user_1');
	});

	const NEW_DEBT = { firstname: 'Paul', lastname: 'Martin', amount: 120, currency: 'EUR', email: 'paul@example.com' };
	/** Each operation's parameters: the least a user sets (every option at its default). */
	const PARAMETERS: Record<string, Record<string, IDataObject>> = {
		company: { getCredits: {}, getProfile: {} },
		creditor: { get: { creditorId: 'cred_1' }, getAll: {}, update: { creditorId: 'cred_1', updateFields: { contactPerson: 'Jane Smith' } } },
		debt: {
			create: NEW_DEBT,
			createMany: NEW_DEBT,
			delete: { debtId: 'debt_1' },
			get: { debtId: 'debt_1' },
			getAll: {},
			getAllByCreditor: { creditorId: 'cred_1' },
			getAllByDebtor: { debtorId: 'dbtr_1' },
			update: { debtId: 'debt_1', updateFields: { status: 'status.default.paid' } },
		},
		debtor: { get: { debtorId: 'dbtr_1' }, getAll: {}, update: { debtorId: 'dbtr_1', updateFields: { lastName: 'Martin' } } },
		followup: {
			create: { debtId: 'debt_1', additionalFields: { type: 'call' } },
			get: { followupId: 'fu_1' },
			getAll: {},
			getAllByDebt: { debtId: 'debt_1' },
			update: { followupId: 'fu_1', updateFields: { status: 'deal_found' } },
		},
		report: { download: { reportId: 'report_1' }, get: { reportId: 'report_1' }, getAll: {} },
		user: { getAll: {} },
	};
	const cases = Object.entries(OPERATIONS).flatMap(([resource, ops]) => Object.keys(ops).map((operation) => [resource, operation] as const));

	it('every operation has its parameters here', () => {
		expect(cases.filter(([resource, operation]) => !PARAMETERS[resource]?.[operation])).toEqual([]);
	});

	async function outputOf(resource: string, operation: string, extra: RunExtra = {}) {
		const result = await run(resource, operation, PARAMETERS[resource][operation], extra);
		expect(result.error).toBeUndefined();
		expect(result.outputs[0].length).toBeGreaterThan(0);
		return result.outputs[0].map((item) => item.json);
	}

	it('the comparison sees a field the schema lacks, one it has too many and a type it gets wrong', async () => {
		const [json] = await outputOf('debt', 'get');
		const { id, ...rest } = schemaOf('debt', 'get').properties!;
		expect(mismatches(json, { type: 'object', properties: rest })).toEqual(['id: output but not in the schema']);
		expect(mismatches(json, { type: 'object', properties: { ...rest, id, extra: { type: 'string' } } })).toEqual(['extra: in the schema but not output']);
		expect(mismatches(json, { type: 'object', properties: { ...rest, id: { type: 'integer' } } })).toEqual(['id: string, the schema says integer']);
	});

	it.each(cases)('%s → %s: the output\'s fields and types are the schema\'s', async (resource, operation) => {
		const schema = schemaOf(resource, operation);
		for (const json of await outputOf(resource, operation)) expect(mismatches(json, schema)).toEqual([]);
	});

	// As an AI Agent's tool, n8n looks up the same file (its `…Tool` type shares the node's folder): the
	// tool's default output (Tool Output Simplified where the resource has Simplify, else Raw) is the same.
	// Report Download is the one exception: as a tool its JSON describes the file for the model.
	it.each(cases.filter(([resource, operation]) => `${resource}/${operation}` !== 'report/download'))(
		'%s → %s as a tool, by default: the same fields and types',
		async (resource, operation) => {
			const schema = schemaOf(resource, operation);
			for (const json of await outputOf(resource, operation, { asTool: true })) expect(mismatches(json, schema)).toEqual([]);
		},
	);
});
