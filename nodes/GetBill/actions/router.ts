import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { getBaseUrl } from '../transport';
import { readConcurrency, retryPolicyReader } from './options';
import * as followup from './followup';
import type { RunContext } from './followup/common';

type Operation = (
	this: IExecuteFunctions,
	itemIndex: number,
	run: RunContext,
) => Promise<INodeExecutionData[]>;

const operations: Record<string, Record<string, Operation>> = {
	followup: {
		create: followup.create.execute,
		get: followup.get.execute,
		getAll: followup.getAll.execute,
		getAllByDebt: followup.getAllByDebt.execute,
		update: followup.update.execute,
	},
};

/** Tells the user, in the output pane, which input fields Auto-Map did not send. */
function addAutoMapHints(this: IExecuteFunctions, run: RunContext) {
	const hints = [
		[run.ignoredInputKeys, 'Auto-map did not send these input fields, which are not GetBill followup fields'],
		[run.emptyInputKeys, 'Auto-map did not send these fields, which were null in the input'],
	] as const;
	const shown = hints
		.filter(([keys]) => keys.size > 0)
		.map(([keys, text]) => ({ message: `${text}: ${[...keys].join(', ')}`, location: 'outputPane' as const }));
	if (shown.length) this.addExecutionHints?.(...shown);
}

/**
 * The error item of Continue On Fail, paired to its input, with GetBill's words.
 * For "Continue (using error output)" the error also goes on the item: that is
 * how n8n routes it to the error branch (where n8n keeps only `error`).
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

function asNodeError(
	this: IExecuteFunctions,
	caught: unknown,
	itemIndex: number,
): NodeApiError | NodeOperationError {
	const error =
		caught instanceof NodeApiError || caught instanceof NodeOperationError
			? caught
			: new NodeOperationError(this.getNode(), caught as Error, { itemIndex });
	if (error.context.itemIndex === undefined) error.context.itemIndex = itemIndex;
	return error;
}

/**
 * Runs the chosen operation for every input item, at most "Concurrency" at a
 * time. Items run one by one until one request has reached GetBill, so n8n
 * fetches one token that every later request reuses. The output keeps the
 * input order. A failing item stops the run (requests already under way are
 * finished), or, with Continue On Fail, becomes an error item in its place
 * while every other item is still sent.
 */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const resource = this.getNodeParameter('resource', 0) as string;
	const operation = this.getNodeParameter('operation', 0) as string;
	const execute = operations[resource]?.[operation];
	if (!execute) {
		throw new NodeOperationError(
			this.getNode(),
			`The operation "${operation}" of resource "${resource}" is not supported`,
		);
	}
	if (items.length === 0) return [[]];
	const continueOnFail = this.continueOnFail();
	const toErrorOutput = this.getNode().onError === 'continueErrorOutput';
	const concurrency = readConcurrency(this);
	const run: RunContext = {
		baseUrl: await getBaseUrl.call(this),
		ignoredInputKeys: new Set(),
		emptyInputKeys: new Set(),
		retryPolicy: retryPolicyReader(this),
	};
	const results: INodeExecutionData[][] = new Array(items.length);
	let stop: { itemIndex: number; error: NodeApiError | NodeOperationError } | undefined;

	/** Runs one item; tells whether a request reached GetBill (so a token exists). */
	const runItem = async (itemIndex: number): Promise<boolean> => {
		try {
			results[itemIndex] = await execute.call(this, itemIndex, run);
			return true;
		} catch (caught) {
			const error = asNodeError.call(this, caught, itemIndex);
			if (continueOnFail) results[itemIndex] = [errorItem(error, itemIndex, toErrorOutput)];
			else if (!stop || itemIndex < stop.itemIndex) stop = { itemIndex, error };
			return error instanceof NodeApiError && /^\d{3}$/.test(String(error.httpCode));
		}
	};

	let next = 0;
	let reachedGetBill = false;
	while (!reachedGetBill && !stop && next < items.length) {
		reachedGetBill = await runItem(next++);
	}
	const worker = async () => {
		while (!stop && next < items.length) await runItem(next++);
	};
	await Promise.all(Array.from({ length: Math.min(concurrency, items.length - next) }, worker));
	addAutoMapHints.call(this, run);
	if (stop) throw stop.error;
	return [results.flat()];
}
