import type { IExecuteFunctions, ILoadOptionsFunctions } from 'n8n-workflow';
import { NodeOperationError, sleep } from 'n8n-workflow';

/**
 * Waits end within this long of n8n's cancel signal (a stopped execution, a
 * workflow timeout). `sleepWithAbort` is missing from some n8n versions (e.g.
 * 2.41), so a wait is cut into short `sleep`s raced against the signal.
 */
const WAIT_SLICE_MS = 250;

/** Where GetBill is called from: a run of the node, or the editor's lists ("From List"), which have no cancel signal. */
export type GetBillContext = IExecuteFunctions | ILoadOptionsFunctions;

/** n8n's cancel signal of the execution (none in the editor's lists). */
export const signalOf = (ctx: GetBillContext): AbortSignal | undefined =>
	'getExecutionCancelSignal' in ctx ? ctx.getExecutionCancelSignal?.() : undefined;

/** Whether n8n asked this execution to stop. */
export function isCancelled(ctx: GetBillContext): boolean {
	return signalOf(ctx)?.aborted === true;
}

/** The error an item gets when the execution was stopped before or while it ran. */
export function cancelledError(ctx: GetBillContext, itemIndex: number, what: string): NodeOperationError {
	return new NodeOperationError(ctx.getNode(), `The execution was stopped ${what} [item ${itemIndex}]`, {
		itemIndex,
		description: 'n8n stopped the execution (by hand or after the workflow timeout), so the node sent no further request.',
	});
}


/** Resolves when the signal aborts (never when there is none); the listener goes with the wait. */
function aborted(signal: AbortSignal | undefined): { promise: Promise<void>; dispose: () => void } {
	if (!signal) return { promise: new Promise<void>(() => {}), dispose: () => {} };
	let onAbort = () => {};
	const promise = new Promise<void>((resolve) => {
		onAbort = () => resolve();
		signal.addEventListener('abort', onAbort, { once: true });
	});
	return { promise, dispose: () => signal.removeEventListener('abort', onAbort) };
}

/** Waits for `promise`, or throws at once when the execution is stopped. */
export async function untilSettledOrStopped<T>(ctx: GetBillContext, promise: Promise<T>, itemIndex: number, what: string): Promise<T> {
	const stop = aborted(signalOf(ctx));
	try {
		const result = await Promise.race([promise.then((value) => ({ value })), stop.promise.then(() => undefined)]);
		if (result === undefined || isCancelled(ctx)) throw cancelledError(ctx, itemIndex, what);
		return result.value;
	} finally {
		stop.dispose();
	}
}

/**
 * Waits `ms`, ending at once when the execution is stopped (then throws). No
 * timer longer than a slice stays behind after a stop.
 */
export async function cancellableWait(
	ctx: GetBillContext,
	ms: number,
	itemIndex: number,
	what: string,
): Promise<void> {
	const signal = signalOf(ctx);
	const stop = aborted(signal);
	try {
		const end = Date.now() + ms;
		for (let left = ms; left > 0 && !signal?.aborted; left = end - Date.now()) {
			await Promise.race([sleep(Math.min(left, WAIT_SLICE_MS)), stop.promise]);
		}
	} finally {
		stop.dispose();
	}
	if (isCancelled(ctx)) throw cancelledError(ctx, itemIndex, what);
}
