import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import type { ReadFields } from '../fields/types';
import { getBaseUrl, isSafeToRepeat } from '../transport';
import { isCancelled, logOutcomeUnknown } from '../transport/cancel';
import type { RequestKind } from '../transport/errors';
import { isOutcomeUnknown } from '../transport/errors';
import type { QuotaSpent, WhenQuotaRunsOut } from '../transport/quota';
import { allowance, isoTime, isoUtc, itemRanges, itemsLabel, localTime, QUOTA_FREES_AT_FIELD, quotaSpentOf } from '../transport/quota';
import { readConcurrency, readWhenQuotaRunsOut, retryPolicyReader } from './options';
import * as company from './company';
import * as creditor from './creditor';
import * as debt from './debt';
import * as debtor from './debtor';
import * as followup from './followup';
import * as report from './report';
import * as user from './user';
import { outputFields, simplify } from './output';
import type { RunContext, Send } from './shared';
import { noteDoneItems, runsAsTool } from './shared';
import type { RunEnd } from './tries';
import { fingerprint, idOf, Tries } from './tries';

/** How a whole-run operation reports a failing item (Continue On Fail) and what it must not hide. */
export interface RunAllControl {
	continueOnFail: boolean;
	/** The paired error item of Continue On Fail (or of the error output) */
	errorItem: (error: NodeApiError | NodeOperationError, itemIndex: number) => INodeExecutionData;
	/** What earlier tries of this run did (Retry On Fail): their items are not sent again */
	tries: Tries;
}

/**
 * What a whole-run operation did: each item's output (undefined for an item
 * not sent), and, when GetBill's write quota ran out, the items not sent.
 */
export interface RunAllResult {
	results: INodeExecutionData[][];
	spent?: QuotaSpent;
	unsent: number[];
}

/**
 * One operation: `prepare` reads and checks an item's parameters, the Send it
 * returns makes the requests. An operation that sends many items in one
 * request (Create Many) has `runAll` instead, for the whole run.
 */
interface Operation {
	prepare?: (this: IExecuteFunctions, itemIndex: number, run: RunContext) => Send;
	runAll?: (this: IExecuteFunctions, run: RunContext, control: RunAllControl) => Promise<RunAllResult>;
	/**
	 * What its requests do (read, create, update, delete), said once here: the
	 * transport retries, words and scopes them by it (every request of the run
	 * carries it), and the run derives from it whether they may be sent again
	 * (`isSafeToRepeat`). One that may not (a create, a delete) never runs
	 * concurrently in a run that a failure stops, so no request is sent after
	 * an earlier item failed.
	 */
	kind: RequestKind;
	/** What a read returns: the output keeps some of its fields (version 2's Simplify, a tool's Tool Output; see outputFields) */
	reads?: ReadFields;
}

/** Every operation of every resource, by resource and operation name. */
export const OPERATIONS: Record<string, Record<string, Operation>> = {
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
 * into the message, and the `[item N]` or `[items 0 to 999]` / `[items 0, 2, 3]`
 * that names the items for a person goes. The same error, changed in place, is
 * what n8n shows in the execution.
 */
export function forModel<E extends NodeApiError | NodeOperationError>(error: E): E {
	const message = error.message.replace(/ \[items? \d+(?:(?:, | to )\d+)*\]/g, '').trim();
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
/** The IDs GetBill gave an item's output (a create's new ID). */
const idsOf = (output: INodeExecutionData[] | undefined): unknown[] => (output ?? []).map((o) => o.json.id).filter((id) => id !== undefined);

function reportDone(error: NodeApiError | NodeOperationError, results: INodeExecutionData[][], failedItem: number, asTool: boolean): void {
	const done = results
		.map((output, itemIndex) => ({ itemIndex, ids: idsOf(output) }))
		.filter(({ itemIndex }) => itemIndex < failedItem && results[itemIndex] !== undefined);
	if (done.length === 0) return;
	const doneText = `${done.length === 1 ? 'this item' : `these ${done.length} items`}, which are not in the output because the run stopped`;
	// The failing item's create or delete got no answer: a retry or a new run sends it again, so it is checked first.
	if (isOutcomeUnknown(error)) {
		noteDoneItems(
			error,
			done,
			'ID',
			(listed) =>
				`Before item ${failedItem}, GetBill had already done ${doneText}: ${listed}. Do not send them again. ` +
				`The outcome of item ${failedItem} is unknown: check it in GetBill first, then ` +
				`${asTool ? '' : `retry this execution from n8n's executions list (the node gives back what GetBill already did, but sends item ${failedItem} again), or `}` +
				`run again only for the items after it (no request was sent for those), with item ${failedItem} if GetBill did not do it.`,
		);
		return;
	}
	noteDoneItems(
		error,
		done,
		'ID',
		(listed) =>
			`Before item ${failedItem} failed, GetBill had already done ${doneText}: ${listed}. ` +
			`Do not send them again: ${asTool ? '' : "retry this execution from n8n's executions list (the node gives back what GetBill already did, not sending it again), or "}` +
			`run again only for item ${failedItem} and the items after it (no request was sent for those).`,
	);
}

/** What the run's end needs to know to answer for the items the write quota left unsent. */
interface QuotaEnd {
	whenSpent: WhenQuotaRunsOut;
	continueOnFail: boolean;
	toErrorOutput: boolean;
	asTool: boolean;
	safeToRepeat: boolean;
}

/**
 * The items the write quota left unsent, as the option says: a second output
 * (each item with the time the quota frees up), paired error items (Continue
 * On Fail), or one error that names every item done and not sent.
 */
function answerUnsent(
	this: IExecuteFunctions,
	results: INodeExecutionData[][],
	spent: QuotaSpent,
	unsent: number[],
	end: QuotaEnd,
): INodeExecutionData[][] {
	const items = this.getInputData();
	const timezone = this.getTimezone();
	const freesAt = localTime(spent.resetAt, timezone);
	if (end.whenSpent === 'outputUnsent') {
		const at = isoTime(spent.resetAt, timezone);
		const handedOn = unsent.map((itemIndex) => ({
			...items[itemIndex],
			json: { ...items[itemIndex].json, [QUOTA_FREES_AT_FIELD]: at },
			pairedItem: { item: itemIndex },
		}));
		return [results.flat(), handedOn];
	}
	if (end.asTool) return toolQuotaAnswer.call(this, results, spent, unsent, end);
	const fix =
		'Nothing was sent twice. Run again with only the items not sent after that time, raise Max Rate-Limit Wait under Options for the node to wait that long, or choose "Output Unsent Items" under Options > When Write Quota Runs Out.';
	const quotaText = `${allowance('writes', spent.limit, spent.windowSeconds)}, and its answers say none is left until ${freesAt}. ${fix}`;
	if (end.continueOnFail) {
		for (const itemIndex of unsent) {
			const error =
				itemIndex === spent.itemIndex && spent.refusal
					? spent.refusal
					: new NodeOperationError(this.getNode(), `GetBill's write quota is spent: item ${itemIndex} was not sent [item ${itemIndex}]`, {
							itemIndex,
							description: quotaText,
						});
			results[itemIndex] = [errorItem(error, itemIndex, end.toErrorOutput)];
		}
		return [results.flat()];
	}
	const doneItems = results.map((output, itemIndex) => (output === undefined ? -1 : itemIndex)).filter((i) => i >= 0);
	const counts = `${doneItems.length} of ${items.length} items done, ${unsent.length} not sent`;
	const lists = `Not sent: ${itemsLabel(unsent)}.` + (doneItems.length ? ` Done: ${itemsLabel(doneItems)}.` : '');
	// Where GetBill answered 429, its words stay the message (a NodeApiError); otherwise the headers said it.
	const error: NodeApiError | NodeOperationError = spent.refusal ?? new NodeOperationError(this.getNode(), `GetBill's write quota is spent: ${counts}`, { itemIndex: unsent[0] });
	// A person also gets GetBill's own account of the 429.
	error.description = spent.refusal
		? `${counts}. ${lists} The quota frees up at ${freesAt}.\n\n${spent.refusal.description ?? ''}\n\n${fix}`.trim()
		: `${lists} ${quotaText}`;
	error.context.itemIndex = unsent[0];
	error.context.itemsNotSent = unsent;
	error.context.quotaFreesAt = new Date(spent.resetAt).toISOString();
	if (!end.safeToRepeat) {
		const done = doneItems.map((itemIndex) => ({ itemIndex, ids: idsOf(results[itemIndex]) }));
		noteDoneItems(error, done, 'ID', (listed) => `What GetBill did before the quota ran out (not in the output, as the run stopped): ${listed}.`);
	}
	throw error;
}

/**
 * The write quota's answer to a model (the node as an AI Agent's tool): the
 * model made one call, so it is told no item, only whether anything was
 * changed and when to call again, in ISO time; whatever told the node the
 * quota is spent (its headers or GetBill's 429, whose status stays on the error).
 */
function toolQuotaAnswer(this: IExecuteFunctions, results: INodeExecutionData[][], spent: QuotaSpent, unsent: number[], end: QuotaEnd): INodeExecutionData[][] {
	const at = isoUtc(spent.resetAt);
	const done = results.filter((output) => output !== undefined && output.every((o) => o.json.error === undefined)).length;
	const total = this.getInputData().length;
	const what = done === 0 ? 'nothing was changed' : `${done} of the ${total} writes of this call were done, ${unsent.length} not sent`;
	const words = `GetBill's write quota is spent until ${at}: ${what}. Call again after ${at}${done === 0 ? '' : ' with only the writes not done'}.`;
	const answer = (error: NodeApiError | NodeOperationError, itemIndex: number) => {
		error.message = words;
		error.description = null;
		error.context.itemIndex = itemIndex;
		error.context.quotaFreesAt = new Date(spent.resetAt).toISOString();
		return error;
	};
	if (end.continueOnFail) {
		for (const itemIndex of unsent) {
			const error = itemIndex === spent.itemIndex && spent.refusal ? spent.refusal : new NodeOperationError(this.getNode(), words, { itemIndex });
			results[itemIndex] = [errorItem(answer(error, itemIndex), itemIndex, end.toErrorOutput)];
		}
		return [results.flat()];
	}
	throw answer(spent.refusal ?? new NodeOperationError(this.getNode(), words), unsent[0]);
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
 * Every request waits for room in GetBill's quota (see the transport); when
 * the write quota runs out, no further item is taken and "When Write Quota
 * Runs Out" says what becomes of the items left. A write done in an earlier
 * try of this run (Retry On Fail) is not sent again: its output is kept.
 *
 * A stopped execution (n8n's cancel signal) takes no further item.
 *
 * As an AI Agent's tool, whatever error stops the run, wherever it was
 * raised (a run-wide option too), reaches the model written for it.
 */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	try {
		return await route.call(this);
	} catch (error) {
		throw runsAsTool(this) && (error instanceof NodeApiError || error instanceof NodeOperationError) ? forModel(error) : error;
	}
}

async function route(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const resource = this.getNodeParameter('resource', 0) as string;
	const operation = this.getNodeParameter('operation', 0) as string;
	const op = OPERATIONS[resource]?.[operation];
	if (!op) {
		throw new NodeOperationError(
			this.getNode(),
			`The operation "${operation}" of resource "${resource}" is not supported`,
		);
	}
	// As an AI Agent's tool the node has one output, which the agent reads: unsent items are reported as Stop reports them.
	const safeToRepeat = isSafeToRepeat(op.kind);
	const chosen = readWhenQuotaRunsOut(this, op.kind);
	const whenSpent = chosen === 'outputUnsent' && runsAsTool(this) ? 'stop' : chosen;
	// The second output (Unsent) exists only with Output Unsent Items: every answer has as many outputs as the node.
	const outputs = (done: INodeExecutionData[][]): INodeExecutionData[][] => (whenSpent === 'outputUnsent' ? [done.flat(), []] : [done.flat()]);
	if (items.length === 0) return outputs([]);
	const continueOnFail = this.continueOnFail();
	const asTool = runsAsTool(this);
	const toErrorOutput = this.getNode().onError === 'continueErrorOutput';
	const tries = new Tries(this, op.kind, asTool);
	const run: RunContext = {
		baseUrl: await getBaseUrl.call(this),
		noun: resource,
		kind: op.kind,
		ignoredInputKeys: new Set(),
		emptyInputKeys: new Set(),
		skippedInputKeys: new Set(),
		retryPolicy: retryPolicyReader(this),
		version: this.getNode().typeVersion,
		gate: { quotas: tries.quotas(), whenSpent },
	};
	const end: QuotaEnd = { whenSpent, continueOnFail, toErrorOutput, asTool, safeToRepeat };
	// What the run did is kept, or forgotten, once, by how it ends (see Tries).
	let how: RunEnd = 'thrown';
	try {
		const answer = await runItems.call(this, op, run, tries, { ...end, outputs });
		// n8n's Retry On Fail also runs the node again when its first output item is an error item (Continue On Fail).
		const error = answer[0]?.[0]?.json.error;
		how = isCancelled(this) ? 'cancelled' : error === undefined || error === null || error === false ? 'done' : 'errorItems';
		return answer;
	} finally {
		tries.end(how, run.gate.quotas);
	}
}

/** What runItems needs besides the operation, the run and its tries. */
interface RunItemsEnd extends QuotaEnd {
	outputs: (done: INodeExecutionData[][]) => INodeExecutionData[][];
}

async function runItems(this: IExecuteFunctions, op: Operation, run: RunContext, tries: Tries, end: RunItemsEnd): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const { continueOnFail, asTool, toErrorOutput, safeToRepeat, outputs } = end;
	const oneAtATime = !safeToRepeat && !continueOnFail;
	const concurrency = oneAtATime ? 1 : readConcurrency(this);
	/** The run's answer when it did not stop: the items the quota left unsent as the option says. */
	const finish = (results: INodeExecutionData[][], spent: QuotaSpent | undefined, unsent: number[]): INodeExecutionData[][] =>
		spent && unsent.length ? answerUnsent.call(this, results, spent, unsent, end) : outputs(results);
	if (op.runAll) {
		let done: RunAllResult;
		try {
			done = await op.runAll.call(this, run, {
				continueOnFail,
				errorItem: (error, itemIndex) => errorItem(asTool ? forModel(error) : error, itemIndex, toErrorOutput),
				tries,
			});
		} catch (caught) {
			throw asTool && (caught instanceof NodeApiError || caught instanceof NodeOperationError) ? forModel(caught) : caught;
		}
		addAutoMapHints.call(this, run);
		return finish(done.results, done.spent, done.unsent);
	}
	const prepare = op.prepare!;
	const results: INodeExecutionData[][] = new Array(items.length);
	let stop: { itemIndex: number; error: NodeApiError | NodeOperationError } | undefined;
	/** Creates or deletes that got no answer (a Timeout, a stop): said in n8n's log if the execution was stopped */
	const unknown: Array<NodeApiError | NodeOperationError> = [];
	/** The first refusal of the write quota, and the items it left unsent */
	let spent: QuotaSpent | undefined;
	const unsent = new Set<number>();

	const fail = (caught: unknown, itemIndex: number) => {
		const error = asNodeError.call(this, caught, itemIndex);
		if (isOutcomeUnknown(error)) unknown.push(error);
		if (asTool) forModel(error);
		if (continueOnFail) results[itemIndex] = [errorItem(error, itemIndex, toErrorOutput)];
		else if (!stop || itemIndex < stop.itemIndex) stop = { itemIndex, error };
		return error;
	};

	// The fields each item's output keeps (undefined: all), read before any request: a tool's Fields to Return
	// naming a field GetBill does not return stops the run, or makes that item's error (Continue On Fail).
	const kept: Array<readonly string[] | undefined> = new Array(items.length);
	const refused = new Set<number>();
	for (let itemIndex = 0; op.reads && itemIndex < items.length && !stop; itemIndex++) {
		try {
			kept[itemIndex] = outputFields(this, itemIndex, op.reads, asTool);
		} catch (caught) {
			fail(caught, itemIndex);
			refused.add(itemIndex);
		}
	}

	/**
	 * A create or delete an earlier try of this run did (Retry On Fail, a retried execution): its output when the
	 * item sends the same request now, an error naming the record when not (see Tries). A read or an update is sent again.
	 */
	const givenBack = (itemIndex: number, send: Send): INodeExecutionData[] | undefined => {
		if (safeToRepeat) return undefined;
		if (!send.request) throw new NodeOperationError(this.getNode(), `The ${run.noun} operation does not say which request it sends [item ${itemIndex}]`, { itemIndex });
		return tries.givenBack(itemIndex, send.request, run.noun);
	};

	// A create run that will stop on a failure: every item checked before the first request.
	const prepared: Array<Send | undefined> = new Array(items.length);
	if (oneAtATime) {
		for (let itemIndex = 0; itemIndex < items.length && !stop; itemIndex++) {
			if (isCancelled(this)) {
				logStopped.call(this, 0, items.length);
				return outputs([]);
			}
			try {
				prepared[itemIndex] = prepare.call(this, itemIndex, run);
				const back = givenBack(itemIndex, prepared[itemIndex]!);
				if (back) results[itemIndex] = back;
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
		if (refused.has(itemIndex) || results[itemIndex] !== undefined) return false;
		try {
			const send = prepared[itemIndex] ?? prepare.call(this, itemIndex, run);
			const back = prepared[itemIndex] ? undefined : givenBack(itemIndex, send);
			if (back) {
				results[itemIndex] = back;
				return false;
			}
			const fields = kept[itemIndex];
			const output = await send();
			results[itemIndex] = fields ? output.map((o) => ({ ...o, json: simplify(o.json, fields) })) : output;
			if (send.request && !safeToRepeat) {
				const { method, path, body } = send.request;
				const jsons = results[itemIndex].map((o) => o.json);
				tries.remember(itemIndex, { f: fingerprint(method, path, body), id: idOf(jsons[0]?.id), o: jsons, ...(body ? { b: body } : {}) });
			}
			return true;
		} catch (caught) {
			const quotaSpent = quotaSpentOf(caught);
			if (quotaSpent) {
				unsent.add(itemIndex);
				spent ??= quotaSpent;
				return false;
			}
			const error = fail(caught, itemIndex);
			return error instanceof NodeApiError && /^\d{3}$/.test(String(error.httpCode));
		}
	};

	let next = 0;
	/** The next item to run, or undefined when the run is over, stopped, out of write quota or cancelled. */
	const take = (): number | undefined => (stop || spent || next >= items.length || isCancelled(this) ? undefined : next++);
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
	// Stopped: n8n marks the execution cancelled; what was done stays in the output, where it can be seen,
	// and a create or delete left without an answer is said in n8n's log (n8n keeps the execution as it was at the stop).
	if (isCancelled(this)) {
		unknown.forEach((error) => logOutcomeUnknown(this, error));
		logStopped.call(this, results.filter((r) => r !== undefined).length, items.length);
		return outputs(results);
	}
	// Items the quota refused, and those never taken after it ran out.
	for (let itemIndex = next; spent && itemIndex < items.length; itemIndex++) unsent.add(itemIndex);
	const notSent = [...unsent].sort((a, b) => a - b);
	if (stop) {
		if (!safeToRepeat) reportDone(stop.error, results, stop.itemIndex, asTool);
		if (spent && notSent.length) {
			stop.error.description = `${stop.error.description ?? ''}\n\nNot sent either, as GetBill's write quota is spent until ${localTime(spent.resetAt, this.getTimezone())}: items ${itemRanges(notSent)}.`.trim();
		}
		// (As a tool, what was done before the failure goes into the message too: see `router`.)
		throw stop.error;
	}
	return finish(results, spent, notSent);
}
