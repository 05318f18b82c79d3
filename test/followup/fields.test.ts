/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals -- reads the contract from ../shared; tests run in Node.js, not inside n8n Cloud: they read files, use timers and process */
/**
 * The field table against the contract (../shared/api/update-followup.md) and
 * the UI derived from it: names, enum values and types cannot drift apart.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import { DEFAULT_CONCURRENCY } from '../../nodes/GetBill/actions/options';
import { FOLLOWUP_FIELDS } from '../../nodes/GetBill/resources/followup';
import { DEFAULT_RETRY_POLICY } from '../../nodes/GetBill/transport/retry';
import { GetBill } from '../../nodes/GetBill/GetBill.node';
import { shownInVersion } from '../helpers/versions';

/** The contract, kept in the repo so a fresh clone can test against it... */
const CONTRACT = path.resolve(__dirname, '../fixtures/update-followup.md');
/** ...and compared with the project's shared copy wherever that sits beside the checkout (CI). */
const SHARED_CONTRACT = path.resolve(__dirname, '../../../shared/api/update-followup.md');

/** Rows of the "Request body" table: name → {type, meaning}. */
function contractFields(): Map<string, { type: string; meaning: string }> {
	const text = fs.readFileSync(CONTRACT, 'utf8');
	const section = text.slice(text.indexOf('## Request body'), text.indexOf('### Validation rules'));
	const rows = new Map<string, { type: string; meaning: string }>();
	for (const line of section.split('\n')) {
		const m = /^\|\s*`([a-z_]+)`\s*\|\s*(\w+)\s*\|\s*(.+?)\s*\|$/.exec(line);
		if (m) rows.set(m[1], { type: m[2], meaning: m[3] });
	}
	return rows;
}

function contractEnum(meaning: string): string[] {
	return meaning.replace(/^Call direction:\s*/, '').split(/,\s*|\s+or\s+/).map((s) => s.trim());
}

/** A followup parameter (the Debt resource has parameters of the same names). */
const isForFollowup = (p: INodeProperties) => !p.displayOptions?.show?.resource || p.displayOptions.show.resource.includes('followup');
const followupProperties = new GetBill().description.properties.filter(isForFollowup);
const updateFields = followupProperties.find((p) => p.name === 'updateFields') as INodeProperties;
const uiOptions = updateFields.options as INodeProperties[];

describe('followup field table', () => {
	const contract = contractFields();

	const hasShared = fs.existsSync(SHARED_CONTRACT);
	if (!hasShared) {
		process.stderr.write(
			`fields.test.ts: skipping "uses the same contract as ../shared/api": ${SHARED_CONTRACT} is not beside this checkout (CI has it)\n`,
		);
	}
	(hasShared ? it : it.skip)(`uses the same contract as ../shared/api${hasShared ? '' : ' (skipped: ../shared/api not beside this checkout)'}`, () => {
		expect(fs.readFileSync(CONTRACT, 'utf8')).toBe(fs.readFileSync(SHARED_CONTRACT, 'utf8'));
	});

	it('reads 13 fields from the contract', () => {
		expect(contract.size).toBe(13);
	});

	it('has exactly the contract\'s field names', () => {
		expect(FOLLOWUP_FIELDS.map((f) => f.name).sort()).toEqual([...contract.keys()].sort());
		expect(FOLLOWUP_FIELDS).toHaveLength(13);
	});

	it.each([
		['status', 11],
		['type', 8],
		['direction', 2],
	])('%s holds exactly the API values (%i)', (name, count) => {
		const field = FOLLOWUP_FIELDS.find((f) => f.name === name)!;
		const values = field.values!.map((v) => v.value);
		expect(values).toHaveLength(count);
		expect([...values].sort()).toEqual(contractEnum(contract.get(name)!.meaning).sort());
	});

	it('maps every contract type to a field kind', () => {
		const expected: Record<string, string> = {
			status: 'options',
			type: 'options',
			direction: 'options',
			call_date: 'dateTime',
			scheduled_at: 'dateTime',
			duration_ms: 'integer',
			is_retry: 'boolean',
		};
		for (const field of FOLLOWUP_FIELDS) {
			const type = contract.get(field.name)!.type;
			const kind = expected[field.name] ?? 'string';
			expect({ name: field.name, kind: field.kind }).toEqual({ name: field.name, kind });
			if (kind === 'integer') expect(type).toBe('integer');
			else if (kind === 'boolean') expect(type).toBe('boolean');
			else expect(type).toBe('string');
		}
		// dates are the fields the contract describes as ISO 8601
		const isoFields = [...contract].filter(([, r]) => r.meaning.includes('ISO 8601')).map(([n]) => n);
		expect(isoFields.sort()).toEqual(['call_date', 'scheduled_at']);
	});
});

describe('Update Fields collection (derived UI)', () => {
	it('has one option per field, named with the API field name', () => {
		expect(updateFields.type).toBe('collection');
		expect(uiOptions.map((o) => o.name).sort()).toEqual(FOLLOWUP_FIELDS.map((f) => f.name).sort());
	});

	it('sorts the fields and each option list by display name', () => {
		const names = uiOptions.map((o) => o.displayName);
		expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b)));
		for (const option of uiOptions.filter((o) => o.type === 'options')) {
			const labels = (option.options as INodePropertyOptions[]).map((o) => o.name);
			expect(labels).toEqual([...labels].sort((a, b) => a.localeCompare(b)));
		}
	});

	it.each(FOLLOWUP_FIELDS.map((f) => [f.name, f] as const))('%s has the right editor type', (name, field) => {
		const option = uiOptions.find((o) => o.name === name)!;
		const type = ({ options: 'options', dateTime: 'dateTime', integer: 'number', boolean: 'boolean', string: 'string' } as Record<string, string>)[field.kind];
		expect(option.type).toBe(type);
		expect(option.displayName).toBe(field.displayName);
		expect(option.description).toBe(field.description);
		if (field.values) {
			expect((option.options as INodePropertyOptions[]).map((o) => o.value).sort()).toEqual(
				field.values.map((v) => v.value).sort(),
			);
		}
		if (field.kind === 'integer') expect(option.typeOptions).toMatchObject({ minValue: 0, numberPrecision: 0 });
		if (field.kind === 'boolean') expect(option.description).toMatch(/^Whether /);
	});

	it('shows readable names (Deal Found → deal_found)', () => {
		const status = uiOptions.find((o) => o.name === 'status')!.options as INodePropertyOptions[];
		expect(status).toContainEqual({ name: 'Deal Found', value: 'deal_found' });
		expect(status).toContainEqual({ name: 'Deal Not Found', value: 'deal_not_found' });
	});
});

describe('node description', () => {
	const description = new GetBill().description;

	it('is a usable-as-tool, programmatic GetBill node with the five followup operations', () => {
		expect(description.name).toBe('getBill');
		expect(description.displayName).toBe('GetBill');
		expect(description.usableAsTool).toBe(true);
		expect(description.credentials).toEqual([{ name: 'getBillOAuth2Api', required: true }]);
		const resource = description.properties.filter(isForFollowup).find((p) => p.name === 'resource')!;
		expect((resource.options as INodePropertyOptions[]).map((o) => o.value)).toEqual([
			'company',
			'creditor',
			'debt',
			'debtor',
			'followup',
			'report',
			'user',
		]);
		expect(resource.default).toBe('followup'); // what 0.1.0 shipped
		const operation = description.properties.filter(isForFollowup).find((p) => p.name === 'operation')!;
		const ops = operation.options as INodePropertyOptions[];
		expect(ops.map((o) => [o.name, o.value])).toEqual([
			['Create', 'create'],
			['Get', 'get'],
			['Get Many', 'getAll'],
			['Get Many by Debt', 'getAllByDebt'],
			['Update', 'update'],
		]);
		const id = description.properties.filter(isForFollowup).find((p) => p.name === 'followupId')!;
		expect(id).toMatchObject({ displayName: 'Followup ID', type: 'string', required: true, default: '' });
	});

	/** [name, type, default] of the properties the editor shows for an operation, in a node version (1 by default); a node, not a tool (tool-output.test.ts) */
	const shownFor = (operation: string, version = 1) =>
		description.properties
			.filter(isForFollowup)
			.filter((p) => p.displayOptions?.show?.['@tool']?.[0] !== true)
			.filter((p) => !p.displayOptions?.show?.operation || p.displayOptions.show.operation.includes(operation))
			.filter((p) => shownInVersion(p, version))
			.map((p) => [p.name, p.type, JSON.stringify(p.default)]);

	it('keeps the Update parameters that saved workflows rely on (names, types, defaults)', () => {
		// What version 0.1.0 shipped; new parameters may come, these never change.
		const shipped = [
			['resource', 'options', '"followup"'],
			['operation', 'options', '"update"'],
			['followupId', 'string', '""'],
			['updateFields', 'collection', '{}'],
			['options', 'collection', '{}'],
		];
		const now = shownFor('update');
		for (const entry of shipped) expect(now).toContainEqual(entry);
		// the one new parameter defaults to what 0.1.0 did
		expect(now).toContainEqual(['fieldsToSend', 'options', '"defineBelow"']);
		const updateFields = description.properties.filter(isForFollowup).find((p) => p.name === 'updateFields')!;
		expect(updateFields.displayOptions?.show).toEqual({ resource: ['followup'], operation: ['update'], fieldsToSend: ['defineBelow'] });
		const options = description.properties.filter(isForFollowup).find((p) => p.name === 'options')!.options as INodeProperties[];
		expect(options.map((o) => [o.name, o.default])).toEqual([
			['concurrency', 5],
			['maxRateLimitWait', 60],
			['maxRetries', 3],
			['timeout', 120],
			['whenQuotaRunsOut', 'stop'],
		]);
		// The editor's defaults are literals (n8n's lint wants them so); what the node falls back to must match.
		expect(options.map((o) => o.default)).toEqual([
			DEFAULT_CONCURRENCY,
			DEFAULT_RETRY_POLICY.maxRateLimitWaitSeconds,
			DEFAULT_RETRY_POLICY.maxRetries,
			DEFAULT_RETRY_POLICY.timeoutMs / 1000,
			'stop',
		]);
		// The quota choice is shown only on the write operations (Create and Update of a followup, not the reads)
		expect(options.find((o) => o.name === 'whenQuotaRunsOut')!.displayOptions).toEqual({ show: { '/operation': ['create', 'createMany', 'delete', 'update'] } });
	});

	it('derives Create\'s Additional Fields from the same field table as Update Fields', () => {
		const collection = (name: string) =>
			(description.properties.filter(isForFollowup).find((p) => p.name === name)!.options as INodeProperties[]).map((o) => [o.name, o.type, o.default]);
		expect(collection('additionalFields')).toEqual(collection('updateFields'));
		expect(shownFor('create', 2)).toEqual([
			['resource', 'options', '"followup"'],
			['operation', 'options', '"update"'],
			['debtId', 'resourceLocator', '{"mode":"list","value":""}'],
			['fieldsToSend', 'options', '"defineBelow"'],
			['autoMapNotice', 'notice', '""'],
			['inputFieldsToIgnore', 'string', '""'],
			['additionalFields', 'collection', '{}'],
			['options', 'collection', '{}'],
		]);
		expect(shownFor('create')).toEqual([
			['resource', 'options', '"followup"'],
			['operation', 'options', '"update"'],
			['debtId', 'string', '""'],
			['fieldsToSend', 'options', '"defineBelow"'],
			['autoMapNotice', 'notice', '""'],
			['inputFieldsToIgnore', 'string', '""'],
			['additionalFields', 'collection', '{}'],
			['options', 'collection', '{}'],
		]);
	});

	it('offers Return All, Limit and the documented filters on the list operations', () => {
		expect(shownFor('getAll', 2)).toEqual([
			['resource', 'options', '"followup"'],
			['operation', 'options', '"update"'],
			['returnAll', 'boolean', 'false'],
			['limit', 'number', '50'],
			['filters', 'collection', '{}'],
			['simple', 'boolean', 'true'],
			['options', 'collection', '{}'],
		]);
		expect(shownFor('getAll')).toEqual([
			['resource', 'options', '"followup"'],
			['operation', 'options', '"update"'],
			['returnAll', 'boolean', 'false'],
			['limit', 'number', '50'],
			['filters', 'collection', '{}'],
			['options', 'collection', '{}'],
		]);
		const filters = description.properties.filter(isForFollowup).find((p) => p.name === 'filters')!.options as INodeProperties[];
		expect(filters.map((f) => f.name)).toEqual(['status', 'type']);
		expect((filters[0].options as INodePropertyOptions[]).map((o) => o.value).sort()).toEqual(
			FOLLOWUP_FIELDS.find((f) => f.name === 'status')!.values!.map((v) => v.value).sort(),
		);
		expect(shownFor('getAllByDebt').map((p) => p[0])).toEqual(['resource', 'operation', 'debtId', 'returnAll', 'limit', 'options']);
		expect(shownFor('get').map((p) => p[0])).toEqual(['resource', 'operation', 'followupId', 'options']);
	});
});
