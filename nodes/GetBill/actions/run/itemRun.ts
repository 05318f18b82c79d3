import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { GetBillRequest } from '../../transport';
import { isCancelled } from '../../transport/cancel';
import { isOutcomeUnknown } from '../../transport/errors';
import type { QuotaSpent } from '../../transport/quota';
import { quotaSpentOf } from '../../transport/quota';
import type { RunContext } from '../types';
import { asNodeError, errorItem, forModel } from './errors';
import type { RunPolicy } from './policy';
import type { DoneWrite, Tries } from './tries';
import { fingerprint } from './tries';
import type { BatchRow, NodeError } from './types';

/**
 * One run of the node, item by item: what each item came to, and the rules
 * every way of sending follows (one item per request, or a batch of many).
 * The steps (check.ts, send.ts, report.ts) ask it; each rule has its home here:
 *
 * - `fail`: an item failed: its paired error item (Continue On Fail), or the
 *   run stops at the first failing item;
 * - `quotaRefused`: GetBill's write quota left these items unsent: no
 *   further item is taken;
 * - `take`: the next items to send, none once the run stopped, the write
 *   quota is spent or the execution was cancelled;
 * - `givenBack`, `done`: Retry On Fail's memory (Tries): a create or delete an
 *   earlier try did is given back, not sent again; one done now is remembered.
 */
export class ItemRun {
	readonly results: INodeExecutionData[][];
	/** The first failing item of a run that stops, and its error */
	stop?: { itemIndex: number; error: NodeError };
	/** The first refusal of the write quota */
	spent?: QuotaSpent;
	/** Creates or deletes that got no answer (a Timeout, a stop): said in n8n's log if the execution was stopped */
	readonly unknown = new Set<NodeError>();
	private readonly refusedByQuota = new Set<number>();
	/** The items to send, in order, and the first not yet taken */
	private queue: number[] = [];
	private next = 0;

	constructor(
		readonly ctx: IExecuteFunctions,
		readonly policy: RunPolicy,
		readonly run: RunContext,
		readonly tries: Tries,
	) {
		this.results = new Array(ctx.getInputData().length);
	}

	get total(): number {
		return this.results.length;
	}

	cancelled(): boolean {
		return isCancelled(this.ctx);
	}

	/** An item failed: its error item (Continue On Fail), or the stop of the run (the first failing item's error). */
	fail(caught: unknown, itemIndex: number): NodeError {
		const error = asNodeError(this.ctx, caught, itemIndex);
		if (isOutcomeUnknown(error)) this.unknown.add(error);
		if (this.policy.asTool) forModel(error);
		if (this.policy.continueOnFail) this.results[itemIndex] = [errorItem(error, itemIndex, this.policy.toErrorOutput)];
		else if (!this.stop || itemIndex < this.stop.itemIndex) this.stop = { itemIndex, error };
		return error;
	}

	/** Whether what an item (or a batch's items) threw is the write quota's refusal: then they are unsent, and no further item is taken. */
	quotaRefused(caught: unknown, itemIndexes: number[]): boolean {
		const spent = quotaSpentOf(caught);
		if (!spent) return false;
		itemIndexes.forEach((itemIndex) => this.refusedByQuota.add(itemIndex));
		this.spent ??= spent;
		return true;
	}

	/** The items to send, in order (those with a result are skipped when taken). */
	enqueue(itemIndexes: number[]): void {
		this.queue = itemIndexes;
		this.next = 0;
	}

	/** The next `count` items to send; none once the run is over, stopped, out of write quota or cancelled. */
	take(count = 1): number[] {
		if (this.stop || this.spent || this.next >= this.queue.length || this.cancelled()) return [];
		const taken = this.queue.slice(this.next, this.next + count);
		this.next += taken.length;
		return taken;
	}

	/** Items never taken (after a stop, or when the quota ran out). */
	notTaken(): number[] {
		return this.queue.slice(this.next);
	}

	/** The items the write quota left unsent: refused, and never taken after it ran out. */
	unsent(): number[] {
		const unsent = new Set(this.refusedByQuota);
		if (this.spent) this.notTaken().forEach((itemIndex) => unsent.add(itemIndex));
		return [...unsent].sort((a, b) => a - b);
	}

	/**
	 * A create or delete an earlier try of this run did (Retry On Fail, a
	 * retried execution) is the item's output now when it sends the same
	 * request, an error naming the record when not (see Tries); true when given
	 * back. A read or an update is sent again.
	 */
	givenBack(itemIndex: number, request: GetBillRequest | undefined, rebuild?: BatchRow['rebuild']): boolean {
		if (this.policy.safeToRepeat) return false;
		if (!request) {
			throw new NodeOperationError(this.ctx.getNode(), `The ${this.run.noun} operation does not say which request it sends [item ${itemIndex}]`, { itemIndex });
		}
		const back = this.tries.givenBack(itemIndex, request, this.run.noun, rebuild);
		if (back) this.results[itemIndex] = back;
		return back !== undefined;
	}

	/** The item is done: its output, and for a create or delete, what a later try must not send again. */
	done(itemIndex: number, output: INodeExecutionData[], request?: GetBillRequest, write?: Omit<DoneWrite, 'f'>, importId?: string): void {
		this.results[itemIndex] = output;
		if (!request || this.policy.safeToRepeat) return;
		const { method, path, body } = request;
		this.tries.remember(itemIndex, { f: fingerprint(method, path, body), ...write }, importId);
	}
}
