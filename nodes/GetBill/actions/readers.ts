/**
 * Run-time readers of an item's parameters, each checked before any request:
 * IDs, fields (Define Below or Auto-Map Input Data), filters and Limit, and
 * whether the node runs as an AI Agent's tool.
 */
import { NodeOperationError, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';

import { AUTO_MAP, autoMapNames, DEFINE_BELOW } from '../fields/properties';
import type { IdSpec } from '../fields/ids';
import { isValidId } from '../fields/ids';
import type { ResourceTable } from '../fields/types';
import { fieldOf } from '../fields/types';
import type { Purpose } from '../fields/values';
import { buildBody, FieldValueError, normaliseFieldValue, pickFields, showValue } from '../fields/values';
import type { ExpensiveHint } from '../transport/types';
import { QUOTA_FREES_AT_FIELD } from '../transport/quota';
import type { RunContext } from './types';

/**
 * Whether the node runs as a tool of an AI Agent: n8n runs it as its `…Tool`
 * variant (`n8n-nodes-getbill.getBillTool`), whether the agent calls it
 * directly or asks the engine to run it. Its errors are then written for the
 * model (see `forModel` in run/errors.ts).
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
 * router puts in the message (see `forModel` in run/errors.ts).
 */
function valueError(ctx: IExecuteFunctions, error: unknown, itemIndex: number, autoMap = false, prefix = ''): NodeOperationError {
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
function fieldsFromInput(ctx: IExecuteFunctions, itemIndex: number): boolean {
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
