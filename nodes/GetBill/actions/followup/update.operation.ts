import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
	INodePropertyOptions,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { FollowupField } from '../../followup/fields';
import { FOLLOWUP_FIELDS } from '../../followup/fields';
import { buildFollowupBody, FieldValueError, showValue } from '../../followup/values';
import { apiPath, getBillApiRequest } from '../../transport';
import { optionsProperty, readRetryPolicy } from '../options';

const displayOptions = { show: { resource: ['followup'], operation: ['update'] } };

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

export const description: INodeProperties[] = [
	{
		displayName: 'Followup ID',
		name: 'followupId',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. abc123def456',
		description: 'The encrypted ID of the followup to update, as GetBill gives it',
		displayOptions,
	},
	{
		displayName: 'Update Fields',
		name: 'updateFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		description: 'The fields to change. Only the fields added here are sent; all others keep their value in GetBill.',
		displayOptions,
		options: [...FOLLOWUP_FIELDS]
			.map(toProperty)
			.sort((a, b) => a.displayName.localeCompare(b.displayName)),
	},
	optionsProperty('followup', ['update']),
];

/** Reads, validates and trims the Followup ID of one item. */
export function readFollowupId(this: IExecuteFunctions, itemIndex: number): string {
	const raw = this.getNodeParameter('followupId', itemIndex, '') as unknown;
	const id = typeof raw === 'string' ? raw.trim() : typeof raw === 'number' ? String(raw) : '';
	if (id === '') {
		throw new NodeOperationError(
			this.getNode(),
			`Followup ID is empty [item ${itemIndex}]: ${showValue(raw)}`,
			{
				itemIndex,
				description:
					'Enter the encrypted ID of the followup (e.g. abc123def456), or map it from a previous node with an expression.',
			},
		);
	}
	return id;
}

/** Validates the fields of one item and returns the request body; throws before any request. */
export function readUpdateBody(this: IExecuteFunctions, itemIndex: number): IDataObject {
	const fields = this.getNodeParameter('updateFields', itemIndex, {}) as IDataObject;
	if (Object.keys(fields).length === 0) {
		throw new NodeOperationError(this.getNode(), `No field to update [item ${itemIndex}]`, {
			itemIndex,
			description:
				'Add at least one field under "Update Fields" (e.g. Status). Only the fields added there are sent to GetBill.',
		});
	}
	try {
		return buildFollowupBody(fields, this.getTimezone());
	} catch (error) {
		const valueError = error instanceof FieldValueError;
		throw new NodeOperationError(this.getNode(), `${(error as Error).message} [item ${itemIndex}]`, {
			itemIndex,
			description: valueError ? error.hint : undefined,
		});
	}
}

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	baseUrl: string,
): Promise<INodeExecutionData[]> {
	const followupId = readFollowupId.call(this, itemIndex);
	const body = readUpdateBody.call(this, itemIndex);
	const policy = readRetryPolicy(this, itemIndex);
	const response = await getBillApiRequest.call(
		this,
		{ method: 'PUT', path: apiPath`/followups/${followupId}`, body },
		{ action: `update followup "${followupId}"`, followupId, itemIndex },
		baseUrl,
		policy,
	);
	const data = (response?.data ?? response) as IDataObject;
	return [{ json: data, pairedItem: { item: itemIndex } }];
}
