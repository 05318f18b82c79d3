/**
 * What the followup operations share: the editor properties derived from the
 * one field table, "Fields to Send" (Define Below or Auto-Map Input Data), the
 * reading and validation of IDs, fields and paging parameters.
 */
import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
	INodePropertyOptions,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { FollowupField } from '../../followup/fields';
import { FOLLOWUP_FIELD_NAMES, FOLLOWUP_FIELDS } from '../../followup/fields';
import { buildFollowupBody, FieldValueError, pickFollowupFields, showValue } from '../../followup/values';
import type { RetryPolicy } from '../../transport/retry';

/** What every item of one run shares. */
export interface RunContext {
	baseUrl: string;
	/** Input keys that "Auto-Map Input Data" did not send, over all items */
	ignoredInputKeys: Set<string>;
	/** Followup fields that came as null in some input item, so were not sent */
	emptyInputKeys: Set<string>;
	/** Input keys left out by "Input Fields to Ignore" */
	skippedInputKeys: Set<string>;
	/** The retry policy of an item (read once unless an option is an expression) */
	retryPolicy: (itemIndex: number) => RetryPolicy;
}

/**
 * What an operation's `prepare` returns: its parameters for one item are read
 * and checked; calling it sends the requests and gives the item's output.
 */
export type Send = () => Promise<INodeExecutionData[]>;

export const AUTO_MAP = 'autoMapInputData';
export const DEFINE_BELOW = 'defineBelow';

export function showFor(operations: string[], extra: IDataObject = {}) {
	return { show: { resource: ['followup'], operation: operations, ...extra } };
}

function sortedOptions(field: FollowupField): INodePropertyOptions[] {
	return [...(field.values ?? [])]
		.sort((a, b) => a.name.localeCompare(b.name))
		.map((o) => ({ name: o.name, value: o.value }));
}

/** One UI property per followup field, derived from the field table. */
export function toProperty(field: FollowupField): INodeProperties {
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
			return { ...base, type: 'dateTime', default: '' };
		case 'integer':
			return { ...base, type: 'number', typeOptions: { minValue: 0, numberPrecision: 0 }, default: 0 };
		case 'boolean':
			return { ...base, type: 'boolean', default: false };
		case 'string':
			return field.name === 'notes'
				? { ...base, type: 'string', typeOptions: { rows: 4 }, default: '' }
				: { ...base, type: 'string', default: '' };
	}
}

/** The fields collection of an operation ("Update Fields", "Additional Fields"), sorted by name. */
export function fieldsCollection(
	name: string,
	displayName: string,
	description: string,
	operation: string,
): INodeProperties {
	return {
		displayName,
		name,
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		description,
		displayOptions: showFor([operation], { fieldsToSend: [DEFINE_BELOW] }),
		options: [...FOLLOWUP_FIELDS].map(toProperty).sort((a, b) => a.displayName.localeCompare(b.displayName)),
	};
}

/** "Fields to Send": the fields collection (default) or the input item's own keys. */
export function fieldsToSendProperties(operation: string, collectionLabel: string): INodeProperties[] {
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
					description:
						'Send the input item\'s fields that are named like GetBill\'s followup fields (e.g. status, call_id, duration_ms); other fields are ignored',
				},
				{
					name: 'Define Below',
					value: DEFINE_BELOW,
					description: `Set each field under "${collectionLabel}"`,
				},
			],
			default: DEFINE_BELOW,
			displayOptions: showFor([operation]),
		},
		{
			displayName: `Input fields with these names are sent, checked like fields set by hand: ${FOLLOWUP_FIELD_NAMES.join(', ')}. Other input fields are ignored and listed in the output's hint; a field whose value is null is not sent.`,
			name: 'autoMapNotice',
			type: 'notice',
			default: '',
			displayOptions: showFor([operation], { fieldsToSend: [AUTO_MAP] }),
		},
		{
			displayName: 'Input Fields to Ignore',
			name: 'inputFieldsToIgnore',
			type: 'string',
			default: '',
			placeholder: 'e.g. type, status',
			description:
				'Comma-separated input fields never to send, e.g. a "type" that is the webhook\'s own event type, not the followup\'s',
			hint: 'A GetBill Trigger event and many call webhooks carry a "type" of their own: list it here',
			displayOptions: showFor([operation], { fieldsToSend: [AUTO_MAP] }),
		},
	];
}

/** The names in "Input Fields to Ignore" (comma-separated, spaces trimmed). */
function readIgnoredInputFields(ctx: IExecuteFunctions, itemIndex: number): Set<string> {
	const raw = ctx.getNodeParameter('inputFieldsToIgnore', itemIndex, '') as unknown;
	const list = Array.isArray(raw) ? raw.map(String) : typeof raw === 'string' ? raw.split(',') : [];
	return new Set(list.map((name) => name.trim()).filter(Boolean));
}

/** The required "Followup ID" or "Debt ID" of an operation. */
export function idProperty(
	kind: 'followup' | 'debt',
	operation: string,
	description: string,
): INodeProperties {
	const followup = kind === 'followup';
	return {
		displayName: followup ? 'Followup ID' : 'Debt ID',
		name: followup ? 'followupId' : 'debtId',
		type: 'string',
		required: true,
		default: '',
		placeholder: followup ? 'e.g. abc123def456' : 'e.g. debt_abc123def456',
		description,
		displayOptions: showFor([operation]),
	};
}

/**
 * Reads and trims an ID parameter of one item. An empty one, or one of dots
 * only (URL normalisation would turn `.` and `..` into another endpoint), is
 * refused before any request.
 */
export function readId(
	ctx: IExecuteFunctions,
	itemIndex: number,
	name: string,
	label: string,
	hint: string,
): string {
	const raw = ctx.getNodeParameter(name, itemIndex, '') as unknown;
	const id = typeof raw === 'string' ? raw.trim() : typeof raw === 'number' ? String(raw) : '';
	if (id === '') {
		throw new NodeOperationError(ctx.getNode(), `${label} is empty [item ${itemIndex}]: ${showValue(raw)}`, {
			itemIndex,
			description: hint,
		});
	}
	if (/^[.\s]+$/.test(id)) {
		throw new NodeOperationError(ctx.getNode(), `${label} is not a valid ID [item ${itemIndex}]: ${showValue(raw)}`, {
			itemIndex,
			description: `An ID made only of dots would address another GetBill endpoint, so nothing was sent. ${hint}`,
		});
	}
	return id;
}

function valueError(ctx: IExecuteFunctions, error: unknown, itemIndex: number, autoMap: boolean): NodeOperationError {
	const isValueError = error instanceof FieldValueError;
	const ignoreHint =
		isValueError && autoMap
			? ` If the input field "${error.fieldName}" is not meant for GetBill (e.g. a webhook's own event type), add it to "Input Fields to Ignore".`
			: '';
	return new NodeOperationError(ctx.getNode(), `${(error as Error).message} [item ${itemIndex}]`, {
		itemIndex,
		description: isValueError ? `${error.hint}${ignoreHint}` : undefined,
	});
}

/**
 * The followup fields of one item, validated and normalised: from the fields
 * collection (Define Below) or from the input item's keys (Auto-Map Input
 * Data). Throws before any request when a value is invalid, or when
 * `requireOne` and there is nothing to send.
 */
export function readFollowupFields(
	ctx: IExecuteFunctions,
	itemIndex: number,
	run: RunContext,
	collection: { name: string; label: string },
	requireOne: boolean,
): IDataObject {
	const mode = ctx.getNodeParameter('fieldsToSend', itemIndex, DEFINE_BELOW) as string;
	let fields: IDataObject;
	const autoMap = mode === AUTO_MAP;
	if (autoMap) {
		const mapped = pickFollowupFields(ctx.getInputData()[itemIndex]?.json ?? {}, readIgnoredInputFields(ctx, itemIndex));
		mapped.ignored.forEach((key) => run.ignoredInputKeys.add(key));
		mapped.empty.forEach((key) => run.emptyInputKeys.add(key));
		mapped.skipped.forEach((key) => run.skippedInputKeys.add(key));
		fields = mapped.fields;
		if (requireOne && Object.keys(fields).length === 0) {
			throw new NodeOperationError(
				ctx.getNode(),
				`No field to send [item ${itemIndex}]: the input item has no field named like a GetBill followup field`,
				{
					itemIndex,
					description: `With "Auto-Map Input Data", the input item needs at least one of: ${FOLLOWUP_FIELD_NAMES.join(', ')} (with a value other than null). Rename fields with an Edit Fields (Set) node before this one, or choose "Define Below".`,
				},
			);
		}
	} else {
		fields = ctx.getNodeParameter(collection.name, itemIndex, {}) as IDataObject;
		if (requireOne && Object.keys(fields).length === 0) {
			throw new NodeOperationError(ctx.getNode(), `No field to update [item ${itemIndex}]`, {
				itemIndex,
				description: `Add at least one field under "${collection.label}" (e.g. Status). Only the fields added there are sent to GetBill.`,
			});
		}
	}
	try {
		return buildFollowupBody(fields, ctx.getTimezone());
	} catch (error) {
		throw valueError(ctx, error, itemIndex, autoMap);
	}
}

/** The output of one input item: GetBill's followup, or the entries of a list, each paired to it. */
export function outputItems(data: IDataObject | IDataObject[], itemIndex: number): INodeExecutionData[] {
	return (Array.isArray(data) ? data : [data]).map((json) => ({ json, pairedItem: { item: itemIndex } }));
}

/** "Return All" and "Limit" of a list operation. */
export function pagingProperties(operation: string): INodeProperties[] {
	return [
		{
			displayName: 'Return All',
			name: 'returnAll',
			type: 'boolean',
			default: false,
			description: 'Whether to return all results or only up to a given limit',
			displayOptions: showFor([operation]),
		},
		{
			displayName: 'Limit',
			name: 'limit',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 50,
			description: 'Max number of results to return',
			displayOptions: showFor([operation], { returnAll: [false] }),
		},
	];
}

/** How many followups to read: undefined for all. */
export function readLimit(ctx: IExecuteFunctions, itemIndex: number): number | undefined {
	if (ctx.getNodeParameter('returnAll', itemIndex, false) === true) return undefined;
	const limit = ctx.getNodeParameter('limit', itemIndex, 50) as unknown;
	if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1) {
		throw new NodeOperationError(ctx.getNode(), `Limit must be a whole number of 1 or more: ${showValue(limit)} [item ${itemIndex}]`, {
			itemIndex,
			description: 'Set Limit to how many followups to return, or turn on Return All.',
		});
	}
	return limit;
}
