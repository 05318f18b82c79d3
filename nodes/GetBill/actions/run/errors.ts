import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import type { NodeError } from './types';

/**
 * The error item of Continue On Fail, paired to its input, with GetBill's words.
 * For "Continue (using error output)" the error also goes on the item: that is
 * how n8n routes it to the error branch (where n8n keeps only `error`).
 */
export function errorItem(error: NodeError, itemIndex: number, toErrorOutput: boolean): INodeExecutionData {
	const json: IDataObject = { error: error.message };
	if (error.description) json.description = error.description;
	if (error instanceof NodeApiError) {
		if (error.httpCode) json.httpCode = error.httpCode;
		const details = (error.errorResponse as IDataObject | undefined)?.details;
		if (details) json.details = details;
	}
	const item: INodeExecutionData = { json, pairedItem: { item: itemIndex } };
	if (toErrorOutput) item.error = error;
	return item;
}

/** Whatever an item threw, as n8n's error of that item. */
export function asNodeError(ctx: IExecuteFunctions, caught: unknown, itemIndex: number): NodeError {
	const error =
		caught instanceof NodeApiError || caught instanceof NodeOperationError
			? caught
			: new NodeOperationError(ctx.getNode(), caught as Error, { itemIndex });
	if (error.context.itemIndex === undefined) error.context.itemIndex = itemIndex;
	return error;
}

/**
 * An error as an AI Agent's model reads it when the node runs as a tool: n8n
 * hands the model the error's message only (not its description), so the
 * description (for a value: the allowed values or the expected format) goes
 * into the message, and the `[item N]` or `[items 0 to 999]` / `[items 0, 2, 3]`
 * that names the items for a person goes. The same error, changed in place, is
 * what n8n shows in the execution.
 */
export function forModel<E extends NodeError>(error: E): E {
	const message = error.message.replace(/ \[items? \d+(?:(?:, | to )\d+)*\]/g, '').trim();
	const description = error.description?.trim();
	error.message = description ? `${message}${/[.!?]$/.test(message) ? '' : '.'} ${description}` : message;
	error.description = null;
	return error;
}
