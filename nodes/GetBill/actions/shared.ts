/**
 * What every operation of every resource uses at run time: the run's context,
 * reading and checking IDs, fields (Define Below or Auto-Map Input Data) and
 * paging parameters, one call for a request or a paged list, and the paired
 * output.
 */
import {
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
	type INodePropertyOptions,
	type NodeApiError,
} from 'n8n-workflow';

import { AUTO_MAP, autoMapNames, DEFINE_BELOW, FROM_V2, IN_V1, showFor } from '../fields/properties';
import type { IdSpec } from '../fields/ids';
import { ID_PATTERN, isValidId } from '../fields/ids';
import type { ResourceTable } from '../fields/types';
import { fieldOf } from '../fields/types';
import type { Purpose } from '../fields/values';
import { buildBody, FieldValueError, normaliseFieldValue, pickFields, showValue } from '../fields/values';
import type { GetBillRequest } from '../transport';
import { getBillApiRequest, getBillApiRequestPages } from '../transport';
import type { ErrorContext, ExpensiveHint, RequestKind } from '../transport/errors';
import type { QuotaGate } from '../transport/quota';
import { QUOTA_FREES_AT_FIELD } from '../transport/quota';
import type { RetryPolicy } from '../transport/retry';

/** What every item of one run shares. */
export interface RunContext {
	baseUrl: string;
	/** The resource's noun, for messages and hints ("followup") */
	noun: string;
	/** What the run's operation does (its declared `kind`): every request of the run goes with it */
	kind: RequestKind;
	/** Input keys that "Auto-Map Input Data" did not send, over all items */
	ignoredInputKeys: Set<string>;
	/** Fields that came as null in some input item, so were not sent */
	emptyInputKeys: Set<string>;
	/** Input keys left out by "Input Fields to Ignore" */
	skippedInputKeys: Set<string>;
	/** The retry policy of an item (read once unless an option is an expression) */
	retryPolicy: (itemIndex: number) => RetryPolicy;
	/** The node's version: from 2, API failures name the item in their message */
	version: number;
	/** GetBill's read and write quotas as its answers announce them, and what to do when the write quota runs out */
	gate: QuotaGate;
}

/**
 * What an operation's `prepare` returns: its parameters for one item are read
 * and checked; calling it sends the requests and gives the item's output.
 */
export type Send = (() => Promise<INodeExecutionData[]>) & {
	/** The one request a create or a delete sends: its fingerprint tells a later try whether the item changed (see Tries) */
	request?: GetBillRequest;
};

/** A Send that makes one request, `req`, and says which (a create's or a delete's). */
export function sendOne(req: GetBillRequest, send: () => Promise<INodeExecutionData[]>): Send {
	return Object.assign(send, { request: req });
}

/** What a request is about, for its error messages (the item is added by `request`). */
export type About = Omit<ErrorContext, 'itemIndex'>;

/** What an item's request is about, for its errors (written for the model when the node runs as a tool). */
const context = (ctx: IExecuteFunctions, run: RunContext, about: About, itemIndex: number): ErrorContext => ({
	noun: run.noun,
	kind: run.kind,
	...about,
	itemIndex,
	wording: run.version >= 2 ? 2 : 1,
	forTool: runsAsTool(ctx),
});

/** Sends one request for an item, with the run's base URL and the item's retry policy. */
export async function request(
	this: IExecuteFunctions,
	run: RunContext,
	itemIndex: number,
	req: GetBillRequest,
	about: About,
): Promise<IDataObject> {
	return await getBillApiRequest.call(this, req, context(this, run, about, itemIndex), run.baseUrl, run.retryPolicy(itemIndex), run.gate);
}

/** Reads a paged list for an item: all entries, or `limit`. */
export async function requestPages(
	this: IExecuteFunctions,
	run: RunContext,
	itemIndex: number,
	req: GetBillRequest,
	about: About,
	limit: number | undefined,
): Promise<IDataObject[]> {
	return await getBillApiRequestPages.call(this, req, context(this, run, about, itemIndex), run.baseUrl, run.retryPolicy(itemIndex), limit, run.gate);
}

/** The `data` of GetBill's envelope (or the answer itself). */
export function dataOf(response: IDataObject): IDataObject {
	return ((response?.data ?? response) as IDataObject) ?? {};
}

/** The output of one input item: an object, or the entries of a list, each paired to it. */
export function outputItems(data: IDataObject | IDataObject[], itemIndex: number): INodeExecutionData[] {
	return (Array.isArray(data) ? data : [data]).map((json) => ({ json, pairedItem: { item: itemIndex } }));
}

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

/**
 * Whether the node runs as a tool of an AI Agent: n8n runs it as its `…Tool`
 * variant (`n8n-nodes-getbill.getBillTool`), whether the agent calls it
 * directly or asks the engine to run it. Its errors are then written for the
 * model (see `forModel` in router.ts).
 */
export function runsAsTool(ctx: IExecuteFunctions): boolean {
	return ctx.getNode().type.endsWith('Tool');
}

/** A resource locator's value (`{__rl, mode, value}`) or a plain one. */
function locatorValue(raw: unknown): unknown {
	return typeof raw === 'object' && raw !== null && '__rl' in raw ? (raw as { value?: unknown }).value : raw;
}

/**
 * Reads and trims an ID parameter of one item (version 2: the resource
 * locator's value, whichever mode). An empty one, or one of dots only (URL
 * normalisation would turn `.` and `..` into another endpoint), is refused
 * before any request; version 2 also refuses a `/`, as its "By ID" check does.
 */
export function readId(ctx: IExecuteFunctions, itemIndex: number, id: IdSpec): string {
	const raw = locatorValue(ctx.getNodeParameter(id.name, itemIndex, '') as unknown);
	const value = typeof raw === 'string' ? raw.trim() : typeof raw === 'number' ? String(raw) : '';
	const v2 = ctx.getNode().typeVersion >= 2;
	/** The error, with what to do for a person in that version or for a model (only built when an ID is refused). */
	const refuse = (problem: string, forTool: string, forV2: string, forV1: string) =>
		new NodeOperationError(ctx.getNode(), `${id.displayName} ${problem} [item ${itemIndex}]: ${showValue(raw)}`, {
			itemIndex,
			description: runsAsTool(ctx) ? forTool : v2 ? forV2 : forV1,
		});
	if (value === '') {
		throw refuse(
			'is empty',
			`Give the ${id.noun} ID (e.g. ${id.example}).`,
			`Pick the ${id.noun} from the list, or give its ID (e.g. ${id.example}), or map it from a previous node with an expression.`,
			id.hint,
		);
	}
	if (/^[.\s]+$/.test(value) || (v2 && !isValidId(value))) {
		throw refuse(
			'is not a valid ID',
			`A GetBill ID has no "/" and is not only dots (e.g. ${id.example}); nothing was sent.`,
			`A GetBill ID has no "/" and is not only dots (such an ID would address another GetBill endpoint), so nothing was sent. ${id.hint}`,
			`An ID made only of dots would address another GetBill endpoint, so nothing was sent. ${id.hint}`,
		);
	}
	return value;
}

/**
 * A field value the user must fix, as the item's error. As a tool, its
 * description is what the model needs (allowed values, format), which the
 * router puts in the message (see `forModel` in router.ts).
 */
export function valueError(ctx: IExecuteFunctions, error: unknown, itemIndex: number, autoMap = false, prefix = ''): NodeOperationError {
	const isValueError = error instanceof FieldValueError;
	if (isValueError && runsAsTool(ctx)) {
		return new NodeOperationError(ctx.getNode(), `${prefix}${error.message} [item ${itemIndex}]`, {
			itemIndex,
			description: error.hintForModel,
		});
	}
	const ignoreHint =
		isValueError && autoMap
			? ` If the input field "${error.fieldName}" is not meant for GetBill (e.g. a webhook's own event type), add it to "Input Fields to Ignore".`
			: '';
	return new NodeOperationError(ctx.getNode(), `${prefix}${(error as Error).message} [item ${itemIndex}]`, {
		itemIndex,
		description: isValueError ? `${error.hint}${ignoreHint}` : undefined,
	});
}

/** The names in "Input Fields to Ignore" (comma-separated, spaces trimmed). */
function readIgnoredInputFields(ctx: IExecuteFunctions, itemIndex: number): Set<string> {
	const raw = ctx.getNodeParameter('inputFieldsToIgnore', itemIndex, '') as unknown;
	const list = Array.isArray(raw) ? raw.map(String) : typeof raw === 'string' ? raw.split(',') : [];
	return new Set(list.map((name) => name.trim()).filter(Boolean));
}

/** Whether an item's fields come from its input (Auto-Map Input Data) rather than the parameters (Define Below). */
export function fieldsFromInput(ctx: IExecuteFunctions, itemIndex: number): boolean {
	return ctx.getNodeParameter('fieldsToSend', itemIndex, DEFINE_BELOW) === AUTO_MAP;
}

/** Where an item of Debt Create or Create Many accepts an expensive phone destination, as its fields come. */
export const expensiveHintOf = (ctx: IExecuteFunctions, itemIndex: number): ExpensiveHint =>
	fieldsFromInput(ctx, itemIndex) ? 'inputField' : 'parameter';

/** Where an operation's fields come from under Define Below. */
export interface FieldSources {
	/** The collection ("Update Fields", "Additional Fields") */
	collection: { name: string; label: string };
	/** Main parameters of their own (Create's required fields) */
	main?: string[];
}

/**
 * The fields of one item, validated and normalised into the request body:
 * from the parameters (Define Below) or from the input item's keys (Auto-Map
 * Input Data). Throws before any request when a value is invalid, or when
 * `requireOne` and there is nothing to send.
 */
export function readFields(
	ctx: IExecuteFunctions,
	itemIndex: number,
	run: RunContext,
	table: ResourceTable,
	sources: FieldSources,
	purpose: Purpose & ('create' | 'update'),
	requireOne: boolean,
): IDataObject {
	const autoMap = fieldsFromInput(ctx, itemIndex);
	let fields: IDataObject;
	if (autoMap) {
		// The time an unsent item carried through a Wait node is the node's own, never a field to send.
		const input = { ...ctx.getInputData()[itemIndex]?.json };
		delete input[QUOTA_FREES_AT_FIELD];
		const mapped = pickFields(table, input, purpose, readIgnoredInputFields(ctx, itemIndex));
		mapped.ignored.forEach((key) => run.ignoredInputKeys.add(key));
		mapped.empty.forEach((key) => run.emptyInputKeys.add(key));
		mapped.skipped.forEach((key) => run.skippedInputKeys.add(key));
		fields = mapped.fields;
		if (requireOne && Object.keys(fields).length === 0) {
			throw new NodeOperationError(
				ctx.getNode(),
				`No field to send [item ${itemIndex}]: the input item has no field named like a GetBill ${table.noun} field`,
				{
					itemIndex,
					// As a tool, the input item is the model's arguments.
					description: runsAsTool(ctx)
						? `Give at least one of these arguments, with a value other than null: ${autoMapNames(table, purpose).join(', ')}.`
						: `With "Auto-Map Input Data", the input item needs at least one of: ${autoMapNames(table, purpose).join(', ')} (with a value other than null). Rename fields with an Edit Fields (Set) node before this one, or choose "Define Below".`,
				},
			);
		}
	} else {
		fields = {};
		for (const name of sources.main ?? []) {
			const value = ctx.getNodeParameter(name, itemIndex, '') as unknown;
			// An optional main parameter left empty is not sent; a required one is checked (and refused) as it is.
			const required = fieldOf(table, name)?.requiredOnCreate === true;
			if (required || (value !== '' && value !== undefined && value !== null)) fields[name] = value as IDataObject[string];
		}
		Object.assign(fields, ctx.getNodeParameter(sources.collection.name, itemIndex, {}) as IDataObject);
		if (requireOne && Object.keys(fields).length === 0) {
			throw new NodeOperationError(ctx.getNode(), `No field to update [item ${itemIndex}]`, {
				itemIndex,
				// A model's arguments fill the fields the tool was given; with none, no argument can add one.
				description: runsAsTool(ctx)
					? 'The tool is set up to send no field, which no argument can change; nothing was sent.'
					: `Add at least one field under "${sources.collection.label}" (e.g. Status). Only the fields added there are sent to GetBill.`,
			});
		}
	}
	try {
		return buildBody(table, fields, ctx.getTimezone(), purpose);
	} catch (error) {
		throw valueError(ctx, error, itemIndex, autoMap);
	}
}

/** Filters of a list, from a collection of fields of the table: checked like fields, sent in the query. */
export function readFilters(ctx: IExecuteFunctions, itemIndex: number, table: ResourceTable, names: string[]): IDataObject {
	const filters = ctx.getNodeParameter('filters', itemIndex, {}) as IDataObject;
	const qs: IDataObject = {};
	for (const field of table.fields.filter((f) => names.includes(f.name))) {
		if (filters[field.name] === undefined || filters[field.name] === '') continue;
		try {
			qs[field.name] = normaliseFieldValue(field, filters[field.name], ctx.getTimezone(), 'filter') as string;
		} catch (error) {
			throw valueError(ctx, error, itemIndex, false, 'Filter ');
		}
	}
	return qs;
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

/** How many entries to read: undefined for all. */
export function readLimit(ctx: IExecuteFunctions, itemIndex: number, noun: string): number | undefined {
	if (ctx.getNodeParameter('returnAll', itemIndex, false) === true) return undefined;
	const limit = ctx.getNodeParameter('limit', itemIndex, 50) as unknown;
	if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1) {
		throw new NodeOperationError(ctx.getNode(), `Limit must be a whole number of 1 or more: ${showValue(limit)} [item ${itemIndex}]`, {
			itemIndex,
			description: runsAsTool(ctx)
				? `Use a whole number of 1 or more: how many ${noun}s to return.`
				: `Set Limit to how many ${noun}s to return, or turn on Return All.`,
		});
	}
	return limit;
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

/** Free-text filters (GetBill does not document their values): sent trimmed, as typed; empty ones are not sent. */
export function readTextFilters(ctx: IExecuteFunctions, itemIndex: number, names: string[]): IDataObject {
	const filters = ctx.getNodeParameter('filters', itemIndex, {}) as IDataObject;
	const qs: IDataObject = {};
	for (const name of names) {
		const value = filters[name];
		if (typeof value === 'string' && value.trim() !== '') qs[name] = value.trim();
	}
	return qs;
}

/** A paged list for one item: the limit is checked before any request; one output item per entry. */
export function prepareList(
	ctx: IExecuteFunctions,
	itemIndex: number,
	run: RunContext,
	req: GetBillRequest,
	about: About,
): Send {
	const limit = readLimit(ctx, itemIndex, run.noun);
	return async () => outputItems(await requestPages.call(ctx, run, itemIndex, req, about, limit), itemIndex);
}

/** The object GetBill wraps twice (`data.data`: Get and Update Debtor, Get Creditor), or the plain `data`. */
export function unwrapTwice(response: IDataObject): IDataObject {
	const data = dataOf(response);
	const inner = data.data;
	return typeof inner === 'object' && inner !== null && !Array.isArray(inner) ? (inner as IDataObject) : data;
}

/** An operation choice, with its action's words in each version (version 2: no articles, e.g. "Update followup"). */
export interface OperationOption extends INodePropertyOptions {
	action: string;
	actionV2: string;
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

/** Items done before a run stopped, with the IDs GetBill gave them. */
export interface DoneItem {
	itemIndex: number;
	ids: unknown[];
}

/**
 * Adds to the error that stops a create (or delete) run which items GetBill
 * had already done, with their IDs, every one of them, so nobody sends them
 * again: `item 0 (ID "abc"), item 1 (ID "def")`.
 */
export function noteDoneItems(
	error: NodeApiError | NodeOperationError,
	done: DoneItem[],
	idLabel: string,
	sentence: (listed: string) => string,
): void {
	const listed =
		done
			.map(({ itemIndex, ids }) => `item ${itemIndex}${ids.length ? ` (${idLabel} ${ids.map((id) => `"${String(id)}"`).join(', ')})` : ''}`)
			.join(', ');
	const note = sentence(listed);
	error.description = error.description ? `${error.description}\n\n${note}` : note;
	error.context.itemsDoneBeforeFailure = done.map(({ itemIndex, ids }) => ({ item: itemIndex, ids }));
}
