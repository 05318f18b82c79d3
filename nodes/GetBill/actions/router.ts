import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { getBaseUrl } from '../transport';
import * as followup from './followup';

type Operation = (
	this: IExecuteFunctions,
	itemIndex: number,
	baseUrl: string,
) => Promise<INodeExecutionData[]>;

const operations: Record<string, Record<string, Operation>> = {
	followup: { update: followup.update.execute },
};

/**
 * The error item of Continue On Fail, paired to its input, with GetBill's words.
 * For "Continue (using error output)" the error also goes on the item: that is
 * how n8n routes it to the error branch (where n8n keeps only `error` and adds
 * the input item's fields).
 */
function errorItem(
	error: NodeApiError | NodeOperationError,
	itemIndex: number,
	toErrorOutput: boolean,
): INodeExecutionData {
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

/**
 * Runs the chosen operation for every input item, one after the other, so an
 * execution needs one token. A failing item stops the run, or, with Continue
 * On Fail, becomes an error item while every other item is still sent.
 */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const resource = this.getNodeParameter('resource', 0) as string;
	const operation = this.getNodeParameter('operation', 0) as string;
	const run = operations[resource]?.[operation];
	if (!run) {
		throw new NodeOperationError(
			this.getNode(),
			`The operation "${operation}" of resource "${resource}" is not supported`,
		);
	}
	const returnData: INodeExecutionData[] = [];
	let baseUrl: string | undefined;
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			baseUrl ??= await getBaseUrl.call(this);
			returnData.push(...(await run.call(this, itemIndex, baseUrl)));
		} catch (caught) {
			const error =
				caught instanceof NodeApiError || caught instanceof NodeOperationError
					? caught
					: new NodeOperationError(this.getNode(), caught as Error, { itemIndex });
			if (error.context.itemIndex === undefined) error.context.itemIndex = itemIndex;
			if (this.continueOnFail()) {
				returnData.push(errorItem(error, itemIndex, this.getNode().onError === 'continueErrorOutput'));
				continue;
			}
			throw error;
		}
	}
	return [returnData];
}
