import type { IContextObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { QuotaClass, QuotaSnapshot } from '../transport/quota';
import { Quota } from '../transport/quota';

/** Keys in the node's execution context (`this.getContext('node')`). */
const DONE_KEY = 'getBillDoneItems';
const QUOTA_KEY = 'getBillQuotas';

/**
 * What earlier tries of this run of the node did, so that n8n's Retry On Fail
 * never sends a write twice. n8n runs the node's `execute` again after a
 * failure with the same input and the same node context (n8n-core's
 * WorkflowExecute keeps `contextData` in the execution's run data, under
 * `node:<name>`, for the whole execution), so the outputs of the items a write
 * already did are kept there per run index, and given back instead of sending
 * them again. n8n retries a node that threw, or whose first output item is
 * an error item; a run that ends otherwise forgets them. What the node knows
 * of GetBill's quotas is kept for the next try or run of the execution. (As an
 * AI Agent's tool n8n gives each try a new run index: nothing is kept there.)
 */
/** Which run of the node in the execution this is (a loop runs it again): 0 where n8n does not say. */
function runIndexOf(ctx: IExecuteFunctions): string {
	try {
		const index = ctx.getWorkflowDataProxy?.(0)?.$thisRunIndex;
		return String(typeof index === 'number' ? index : 0);
	} catch {
		return '0';
	}
}

export class Tries {
	private readonly store: IContextObject | undefined;
	private readonly done: Record<string, INodeExecutionData[]> | undefined;
	private readonly runIndex: string;

	constructor(ctx: IExecuteFunctions, writes: boolean) {
		let store: IContextObject | undefined;
		try {
			store = ctx.getContext?.('node');
		} catch {
			store = undefined; // an n8n without a node context (tool runs of some versions): nothing kept
		}
		this.store = store;
		this.runIndex = runIndexOf(ctx);
		if (store && writes) {
			const runs = (store[DONE_KEY] ??= {}) as Record<string, Record<string, INodeExecutionData[]>>;
			this.done = runs[this.runIndex] ??= {};
		}
	}

	/** The output an earlier try of this run gave the item, if a write of it was done. */
	doneOutput(itemIndex: number): INodeExecutionData[] | undefined {
		return this.done?.[String(itemIndex)];
	}

	/** The item's write is done: a later try gives this output instead of sending it again. */
	remember(itemIndex: number, output: INodeExecutionData[]): void {
		if (this.done) this.done[String(itemIndex)] = output;
	}

	/** The run ended without an error: nothing to keep for a retry. */
	forget(): void {
		const runs = this.store?.[DONE_KEY] as Record<string, unknown> | undefined;
		if (runs) delete runs[this.runIndex];
	}

	/** The read and write quotas as an earlier try or run of this execution left them (still spent, or unknown). */
	quotas(): Record<QuotaClass, Quota> {
		const kept = (this.store?.[QUOTA_KEY] ?? {}) as Partial<Record<QuotaClass, QuotaSnapshot>>;
		return { read: new Quota(kept.read), write: new Quota(kept.write) };
	}

	/** Keeps what the node knows of the quotas for the next try or run. */
	keepQuotas(quotas: Record<QuotaClass, Quota>): void {
		if (!this.store) return;
		const kept: Partial<Record<QuotaClass, QuotaSnapshot>> = {};
		for (const cls of ['read', 'write'] as const) {
			const snapshot = quotas[cls].snapshot();
			if (snapshot) kept[cls] = snapshot;
		}
		this.store[QUOTA_KEY] = kept;
	}
}
