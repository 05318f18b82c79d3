/**
 * The editor's properties, derived from a resource's field table: one
 * property per field, the fields collections ("Update Fields", "Additional
 * Fields"), the main Create parameters and "Fields to Send".
 */
import type { IDataObject, INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import type { FieldSpec, ResourceTable } from './types';

export const AUTO_MAP = 'autoMapInputData';
export const DEFINE_BELOW = 'defineBelow';

/** Shown in version 1 only: a parameter version 2 replaced (same name). */
export const IN_V1 = { '@version': [1] };
/**
 * Shown from version 2 on: the one form of every version-2 parameter. Both
 * entries are needed. `gte: 2` keeps a version 3 showing it. The number 2 is
 * for the node creator of n8n 2.8 (useActionsGenerator's resourceCategories),
 * which lists the actions of the first Operation with a `@version` number
 * among the node's versions and skips `_cnd` conditions; n8n 2.41's node
 * creator checks the conditions as the editor does, for the node's newest
 * version.
 */
export const FROM_V2 = { '@version': [2, { _cnd: { gte: 2 } }] };

/** `displayOptions` of a resource's operations. */
export function showFor(resource: string, operations: string[], extra: IDataObject = {}) {
	return { show: { resource: [resource], operation: operations, ...extra } };
}

function sortedOptions(field: FieldSpec): INodePropertyOptions[] {
	return [...(field.values ?? [])]
		.sort((a, b) => a.name.localeCompare(b.name))
		.map((o) => ({ name: o.name, value: o.value }));
}

/** One editor property for a field. */
export function toProperty(field: FieldSpec): INodeProperties {
	const base = {
		displayName: field.displayName,
		name: field.name,
		description: field.description,
		...(field.placeholder ? { placeholder: field.placeholder } : {}),
	};
	switch (field.kind) {
		case 'options':
			return { ...base, type: 'options', options: sortedOptions(field), default: '' };
		case 'dateTime':
		case 'date':
			return { ...base, type: 'dateTime', default: '' };
		case 'integer':
			return { ...base, type: 'number', typeOptions: { minValue: 0, numberPrecision: 0 }, default: 0 };
		case 'amount':
			return { ...base, type: 'number', typeOptions: { minValue: 0, numberPrecision: 2 }, default: 0 };
		case 'boolean':
			return { ...base, type: 'boolean', default: false };
		case 'json':
			return { ...base, type: 'json', default: '{}' };
		default:
			return field.rows
				? { ...base, type: 'string', typeOptions: { rows: field.rows }, default: '' }
				: { ...base, type: 'string', default: '' };
	}
}

/** The fields a collection of `purpose` offers: Update's, or Create's additional ones. */
export function collectionFields(table: ResourceTable, purpose: 'create' | 'update'): FieldSpec[] {
	return table.fields.filter((f) => (purpose === 'create' ? f.create === 'additional' : f.update === true));
}

/** A fields collection ("Update Fields", "Additional Fields"), sorted by name, shown under Define Below. */
export function fieldsCollection(
	table: ResourceTable,
	o: {
		name: string;
		displayName: string;
		description: string;
		operation: string;
		purpose: 'create' | 'update';
		/** Whether the operation has "Fields to Send" (then the collection shows under Define Below only) */
		withFieldsToSend?: boolean;
	},
): INodeProperties {
	return {
		displayName: o.displayName,
		name: o.name,
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		description: o.description,
		displayOptions: showFor(table.resource, [o.operation], o.withFieldsToSend === false ? {} : { fieldsToSend: [DEFINE_BELOW] }),
		options: collectionFields(table, o.purpose)
			.map(toProperty)
			.sort((a, b) => a.displayName.localeCompare(b.displayName)),
	};
}

/** The main Create parameters (the required fields, in the table's order), shown under Define Below. */
export function mainCreateProperties(table: ResourceTable, operation: string): INodeProperties[] {
	return table.fields
		.filter((f) => f.create === 'main')
		.map((field) => ({
			...toProperty(field),
			...(field.requiredOnCreate ? { required: true } : {}),
			...(field.createDefault !== undefined ? { default: field.createDefault } : {}),
			displayOptions: showFor(table.resource, [operation], { fieldsToSend: [DEFINE_BELOW] }),
		}));
}

/** The names Auto-Map sends for `purpose`. */
export function autoMapNames(table: ResourceTable, purpose: 'create' | 'update'): string[] {
	return table.fields.filter((f) => (purpose === 'create' ? f.create !== undefined : f.update === true)).map((f) => f.name);
}

/** "Fields to Send" (Define Below or the input item's own keys), its notice and Input Fields to Ignore. */
export function fieldsToSendProperties(
	table: ResourceTable,
	operation: string,
	collectionLabel: string,
	purpose: 'create' | 'update',
): INodeProperties[] {
	const show = (extra: IDataObject = {}) => showFor(table.resource, [operation], extra);
	return [
		{
			displayName: 'Fields to Send',
			name: 'fieldsToSend',
			type: 'options',
			noDataExpression: true,
			options: [
				{
					name: 'Auto-Map Input Data',
					value: AUTO_MAP,
					description: `Send the input item's fields that are named like GetBill's ${table.noun} fields (e.g. ${table.autoMapExamples}); other fields are ignored`,
				},
				{
					name: 'Define Below',
					value: DEFINE_BELOW,
					description: table.fields.some((f) => purpose === 'create' && f.create === 'main')
						? `Set the fields below and under "${collectionLabel}"`
						: `Set each field under "${collectionLabel}"`,
				},
			],
			default: DEFINE_BELOW,
			displayOptions: show(),
		},
		{
			displayName: `Input fields with these names are sent, checked like fields set by hand: ${autoMapNames(table, purpose).join(', ')}. Other input fields are ignored and listed in the output's hint; a field whose value is null is not sent.`,
			name: 'autoMapNotice',
			type: 'notice',
			default: '',
			displayOptions: show({ fieldsToSend: [AUTO_MAP] }),
		},
		{
			displayName: 'Input Fields to Ignore',
			name: 'inputFieldsToIgnore',
			type: 'string',
			default: '',
			placeholder: table.ignoreExample?.placeholder ?? 'e.g. type, status',
			description: `Comma-separated input fields never to send, though named like GetBill's ${table.noun} fields`,
			hint:
				table.ignoreExample?.hint ??
				'A GetBill Trigger event and many call webhooks carry a "type" of their own: list it here',
			displayOptions: show({ fieldsToSend: [AUTO_MAP] }),
		},
	];
}
