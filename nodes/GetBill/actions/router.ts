import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { getBaseUrl } from '../transport';
import { isCancelled } from '../transport/cancel';
import { readConcurrency, retryPolicyReader } from './options';
import * as company from './company';
import * as creditor from './creditor';
import * as debt from './debt';
import * as debtor from './debtor';
import * as followup from './followup';
import * as report from './report';
import * as user from './user';
import type { RunContext, Send } from './shared';
import { noteDoneItems, runsAsTool, simplify } from './shared';

/** How a whole-run operation reports a failing item (Continue On Fail) and what it must not hide. */
export interface RunAllControl {
	continueOnFail: boolean;
	/** The paired error item of Continue On Fail (or of the error output) */
	errorItem: (error: NodeApiError | NodeOperationError, itemIndex: number) => INodeExecutionData;
}

/**
 * One operation: `prepare` reads and checks an item's parameters, the Send it
 * returns makes the requests. An operation that sends many items in one
 * request (Create Many) has `runAll` instead, for the whole run.
 */
interface Operation {
	prepare?: (this: IExecuteFunctions, itemIndex: number, run: RunContext) => Send;
	runAll?: (this: IExecuteFunctions, run: RunContext, control: RunAllControl) => Promise<INodeExecutionData[]>;
	/**
	 * Whether its request may be sent again without harm (reads, updates). One
	 * that is not (a create, a delete) never runs concurrently in a run that a
	 * failure stops, so no request is sent after an earlier item failed.
	 */
	safeToRepeat: boolean;
	/** The fields version 2's Simplify keeps (Get and Get Many of debts, followups, debtors, creditors) */
	simplified?: readonly string[];
}

const operations: Record<string, Record<string, Operation>> = {
	company: { getCredits: company.getCredits, getProfile: company.getProfile },
	creditor: { get: creditor.get, getAll: creditor.getAll, update: creditor.update },
	debtor: { get: debtor.get, getAll: debtor.getAll, update: debtor.update },
	report: { download: report.download, get: report.get, getAll: report.getAll },
	user: { getAll: user.getAll },
	debt: {
		create: debt.create,
		createMany: debt.createMany,
		delete: debt.del,
		get: debt.get,
		getAll: debt.getAll,
		getAllByCreditor: debt.getAllByCreditor,
		getAllByDebtor: debt.getAllByDebtor,
		update: debt.update,
	},
	followup: {
		create: followup.create,
		get: followup.get,
		getAll: followup.getAll,
		getAllByDebt: followup.getAllByDebt,
		update: followup.update,
	},
};

/** Tells the user, in the output pane, which input fields Auto-Map did not send. */
function addAutoMapHints(this: IExecuteFunctions, run: RunContext) {
	const hints = [
		[run.ignoredInputKeys, `Auto-map did not send these input fields, which are not GetBill ${run.noun} fields`],
		[run.skippedInputKeys, 'Auto-map did not send these input fields, listed in Input Fields to Ignore'],
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
 * An error as an AI Agent's model reads it when the node runs as a tool: n8n
 * hands the model the error's message only (not its description), so the
 * description (for a value: the allowed values or the expected format) goes
 * into the message, and the `[item N]` that names the item for a person goes.
 * The same error, changed in place, is what n8n shows in the execution.
 */
export function forModel<E extends NodeApiError | NodeOperationError>(error: E): E {
	const message = error.message.replace(/ \[item \d+\]/g, '').trim();
	const description = error.description?.trim();
	error.message = description ? `${message}${/[.!?]$/.test(message) ? '' : '.'} ${description}` : message;
	error.description = null;
	return error;
}

/** Says in n8n's log that the node ended because the execution was stopped, and how far it got. */
function logStopped(this: IExecuteFunctions, done: number, total: number) {
	this.logger?.info?.(`GetBill: the execution was stopped; ${done} of ${total} items done, no further request sent`, {
		node: this.getNode().name,
	});
}

/**
 * When a create (or delete) run stops, the items done before the failing one
 * are not in any output: the error says which they are, so that nobody sends
 * them again.
 */
function reportDone(error: NodeApiError | NodeOperationError, results: INodeExecutionData[][], failedItem: number): void {
	const done = results
		.map((output, itemIndex) => ({ itemIndex, ids: (output ?? []).map((o) => o.json.id).filter((id) => id !== undefined) }))
		.filter(({ itemIndex }) => itemIndex < failedItem && results[itemIndex] !== undefined);
	if (done.length === 0) return;
	noteDoneItems(
		error,
		done,
		'ID',
		(listed) =>
			`Before item ${failedItem} failed, GetBill had already done ${done.length === 1 ? 'this item' : `these ${done.length} items`}, ` +
			`which are not in the output because the run stopped: ${listed}. ` +
			`Do not send them again: run again only for item ${failedItem} and the items after it (no request was sent for those).`,
	);
}

/**
 * Runs the chosen operation for every input item and keeps the input order.
 *
 * Safe-to-repeat operations (reads, updates) run at most "Concurrency" items
 * at a time, one by one until one request has reached GetBill (so n8n fetches
 * one token that every later request reuses); a failing item stops the run
 * (requests already under way finish) or, with Continue On Fail, becomes an
 * error item in its place while every other item is still sent.
 *
 * A create (or delete) in a run that a failure stops first checks every item,
 * so an invalid one stops the run before anything is created, then sends the
 * items one at a time: after a failure no later item's request is sent, and
 * the error lists what was already created. With Continue On Fail every item
 * is sent anyway, so those run concurrently too.
 *
 * A stopped execution (n8n's cancel signal) takes no further item.
 */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const resource = this.getNodeParameter('resource', 0) as string;
	const operation = this.getNodeParameter('operation', 0) as string;
	const op = operations[resource]?.[operation];
	if (!op) {
		throw new NodeOperationError(
			this.getNode(),
			`The operation "${operation}" of resource "${resource}" is not supported`,
		);
	}
	if (items.length === 0) return [[]];
	const continueOnFail = this.continueOnFail();
	const asTool = runsAsTool(this);
	const toErrorOutput = this.getNode().onError === 'continueErrorOutput';
	const oneAtATime = !op.safeToRepeat && !continueOnFail;
	const concurrency = oneAtATime ? 1 : readConcurrency(this);
	const run: RunContext = {
		baseUrl: await getBaseUrl.call(this),
		noun: resource,
		ignoredInputKeys: new Set(),
		emptyInputKeys: new Set(),
		skippedInputKeys: new Set(),
		retryPolicy: retryPolicyReader(this),
		version: this.getNode().typeVersion,
	};
	if (op.runAll) {
		let output: INodeExecutionData[];
		try {
			output = await op.runAll.call(this, run, {
				continueOnFail,
				errorItem: (error, itemIndex) => errorItem(asTool ? forModel(error) : error, itemIndex, toErrorOutput),
			});
		} catch (caught) {
			throw asTool && (caught instanceof NodeApiError || caught instanceof NodeOperationError) ? forModel(caught) : caught;
		}
		addAutoMapHints.call(this, run);
		return [output];
	}
	const prepare = op.prepare!;
	const results: INodeExecutionData[][] = new Array(items.length);
	let stop: { itemIndex: number; error: NodeApiError | NodeOperationError } | undefined;

	const fail = (caught: unknown, itemIndex: number) => {
		const error = asNodeError.call(this, caught, itemIndex);
		if (asTool) forModel(error);
		if (continueOnFail) results[itemIndex] = [errorItem(error, itemIndex, toErrorOutput)];
		else if (!stop || itemIndex < stop.itemIndex) stop = { itemIndex, error };
		return error;
	};

	// A create run that will stop on a failure: every item checked before the first request.
	const prepared: Array<Send | undefined> = new Array(items.length);
	if (oneAtATime) {
		for (let itemIndex = 0; itemIndex < items.length && !stop; itemIndex++) {
			if (isCancelled(this)) {
				logStopped.call(this, 0, items.length);
				return [[]];
			}
			try {
				prepared[itemIndex] = prepare.call(this, itemIndex, run);
			} catch (caught) {
				fail(caught, itemIndex);
			}
		}
		if (stop) {
			addAutoMapHints.call(this, run);
			throw stop.error;
		}
	}

	/** Runs one item; tells whether a request reached GetBill (so a token exists). */
	const runItem = async (itemIndex: number): Promise<boolean> => {
		try {
			const send = prepared[itemIndex] ?? prepare.call(this, itemIndex, run);
			const simple = op.simplified && run.version >= 2 && this.getNodeParameter('simple', itemIndex, true) === true;
			const output = await send();
			results[itemIndex] = simple ? output.map((o) => ({ ...o, json: simplify(o.json, op.simplified!) })) : output;
			return true;
		} catch (caught) {
			const error = fail(caught, itemIndex);
			return error instanceof NodeApiError && /^\d{3}$/.test(String(error.httpCode));
		}
	};

	let next = 0;
	/** The next item to run, or undefined when the run is over, stopped or cancelled. */
	const take = (): number | undefined => (stop || next >= items.length || isCancelled(this) ? undefined : next++);
	let reachedGetBill = false;
	for (let itemIndex = take(); itemIndex !== undefined; itemIndex = reachedGetBill ? undefined : take()) {
		reachedGetBill = await runItem(itemIndex);
	}
	const worker = async () => {
		for (let itemIndex = take(); itemIndex !== undefined; itemIndex = take()) await runItem(itemIndex);
	};
	if (reachedGetBill) {
		await Promise.all(Array.from({ length: Math.min(concurrency, items.length - next) }, worker));
	}
	addAutoMapHints.call(this, run);
	// Stopped: n8n marks the execution cancelled; what was done stays in the output, where it can be seen.
	if (isCancelled(this)) {
		logStopped.call(this, results.filter((r) => r !== undefined).length, items.length);
		return [results.flat()];
	}
	if (stop) {
		if (!op.safeToRepeat) reportDone(stop.error, results, stop.itemIndex);
		// As a tool, what was done before the failure goes into the message too.
		throw asTool ? forModel(stop.error) : stop.error;
	}
	return [results.flat()];
}
