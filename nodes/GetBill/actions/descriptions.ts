/**
 * Editor descriptions every resource uses: the ID parameter (a text field in
 * version 1, a resource locator from version 2), Return All and Limit, a list
 * operation's Filters, and the Operation choice of a resource.
 */
import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import { FROM_V2, IN_V1, showFor } from '../fields/properties';
import type { IdSpec } from '../fields/ids';
import { ID_PATTERN } from '../fields/ids';
import type { OperationOption } from './types';

/**
 * The required ID parameter of an operation, the same name in both versions:
 * version 1 a text field; version 2 a resource locator, "From List" (the
 * resource's `listSearch` method: searchable, paged) or "By ID" (checked:
 * no `/`, not only dots). `extra` goes on both (e.g. a hint).
 */
export function idProperty(
	id: IdSpec,
	resource: string,
	operation: string,
	description: string,
	extra: Partial<INodeProperties> = {},
): INodeProperties[] {
	const noun = id.noun[0].toUpperCase() + id.noun.slice(1);
	return [
		{
			displayName: id.displayName,
			name: id.name,
			type: 'string',
			required: true,
			default: '',
			placeholder: id.placeholder,
			description,
			displayOptions: showFor(resource, [operation], IN_V1),
			...extra,
		},
		{
			displayName: noun,
			name: id.name,
			type: 'resourceLocator',
			required: true,
			default: { mode: 'list', value: '' },
			description,
			displayOptions: showFor(resource, [operation], FROM_V2),
			modes: [
				{
					displayName: 'From List',
					name: 'list',
					type: 'list',
					placeholder: `Select a ${id.noun}...`,
					typeOptions: { searchListMethod: id.listMethod, searchable: true },
				},
				{
					displayName: 'By ID',
					name: 'id',
					type: 'string',
					placeholder: id.placeholder,
					validation: [
						{
							type: 'regex',
							properties: {
								regex: ID_PATTERN,
								errorMessage: `Not a valid ${id.noun} ID: an ID has no "/" and is not only dots (e.g. ${id.example})`,
							},
						},
					],
				},
			],
			...extra,
		},
	];
}

/** "Return All" and "Limit" of a list operation. */
export function pagingProperties(resource: string, operation: string): INodeProperties[] {
	return [
		{
			displayName: 'Return All',
			name: 'returnAll',
			type: 'boolean',
			default: false,
			description: 'Whether to return all results or only up to a given limit',
			displayOptions: showFor(resource, [operation]),
		},
		{
			displayName: 'Limit',
			name: 'limit',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 50,
			description: 'Max number of results to return',
			displayOptions: showFor(resource, [operation], { returnAll: [false] }),
		},
	];
}

/** Return All, Limit and, when given, a Filters collection of a list operation. */
export function listProperties(resource: string, operation: string, filters: INodeProperties[] = []): INodeProperties[] {
	const properties = pagingProperties(resource, operation);
	if (filters.length) {
		properties.push({
			displayName: 'Filters',
			name: 'filters',
			type: 'collection',
			placeholder: 'Add Filter',
			default: {},
			displayOptions: showFor(resource, [operation]),
			options: filters,
		});
	}
	return properties;
}

/**
 * The Operation choice of a resource (its options sorted by name, as n8n's
 * guidelines ask), once per version: the same values, version 2 with its own
 * action names. Version 2's comes first, shown as every version-2 parameter
 * (FROM_V2, with its version as a number too): n8n 2.8's node creator lists
 * the actions of the first Operation whose `@version` numbers are among the
 * node's versions, and version 1's matches as well.
 */
export function operationProperty(resource: string, options: OperationOption[], defaultValue: string): INodeProperties[] {
	const base = { displayName: 'Operation', name: 'operation', type: 'options' as const, noDataExpression: true, default: defaultValue };
	return [
		{
			...base,
			displayOptions: { show: { resource: [resource], ...FROM_V2 } },
			options: options.map(({ actionV2, ...option }) => ({ ...option, action: actionV2 })),
		},
		{
			...base,
			displayOptions: { show: { resource: [resource], ...IN_V1 } },
			options: options.map((option) => {
				const v1 = { ...option } as INodePropertyOptions & { actionV2?: string };
				delete v1.actionV2;
				return v1;
			}),
		},
	];
}
