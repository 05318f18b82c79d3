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

/**
 * After a stop, how long a create or delete under way is given to bring its
 * answer, which says what GetBill did; past it, its outcome is unknown.
 */
export const STOP_GRACE_MS = 750;

/** Why the node gave up on a request: its Timeout passed, or the execution was stopped (past the grace of a create or delete). */
export type GaveUp = 'timeout' | 'stopped';

/** The deadline of one request (see `requestDeadline`). */
export interface RequestDeadline {
	/** Aborts when the node gives up on the request */
	signal: AbortSignal;
	/** Why it gave up, once it has */
	readonly gaveUp: GaveUp | undefined;
	/** When the execution was stopped while the request was under way (ms since the epoch) */
	readonly stoppedAt: number | undefined;
	/** The request's outcome, or a rejection as soon as the node gives up (whether or not n8n's helper heeds the signal) */
	race<T>(request: Promise<T>): Promise<T>;
	/** Takes its listeners off the execution's signal and its timers */
	dispose(): void;
}

/**
 * The deadline of one request: its signal aborts when `timeoutMs` has passed
 * (the option Timeout, for the whole answer), or when the execution is
 * stopped: at once for a read or an update (`stopGraceMs` 0), after
 * `stopGraceMs` for a create or a delete, whose answer is worth a short wait.
 * Timers are n8n-safe: AbortSignal.timeout, no setTimeout.
 */
export function requestDeadline(ctx: GetBillContext, timeoutMs: number, stopGraceMs: number): RequestDeadline {
	const controller = new AbortController();
	let gaveUp: GaveUp | undefined;
	const end = (why: GaveUp) => {
		if (gaveUp !== undefined) return;
		gaveUp = why;
		controller.abort();
	};
	const timeout = AbortSignal.timeout(timeoutMs);
	const onTimeout = () => end('timeout');
	timeout.addEventListener('abort', onTimeout, { once: true });
	let grace: AbortSignal | undefined;
	let stoppedAt: number | undefined;
	const onGrace = () => end('stopped');
	const onStop = () => {
		stoppedAt = Date.now();
		if (stopGraceMs <= 0) return end('stopped');
		grace = AbortSignal.timeout(stopGraceMs);
		grace.addEventListener('abort', onGrace, { once: true });
	};
	const cancel = signalOf(ctx);
	if (cancel?.aborted) onStop();
	else cancel?.addEventListener('abort', onStop, { once: true });
	const givenUp = aborted(controller.signal);
	return {
		signal: controller.signal,
		get gaveUp() {
			return gaveUp;
		},
		get stoppedAt() {
			return stoppedAt;
		},
		async race<T>(request: Promise<T>): Promise<T> {
			// Given up first: the request's own failure, later, is not left unhandled.
			request.catch(() => {});
			const result = await Promise.race([request.then((value) => ({ value })), givenUp.promise.then(() => undefined)]);
			if (result === undefined) throw new Error(`The node gave up on the request (${String(gaveUp)})`);
			return result.value;
		},
		dispose() {
			timeout.removeEventListener('abort', onTimeout);
			grace?.removeEventListener('abort', onGrace);
			cancel?.removeEventListener('abort', onStop);
			givenUp.dispose();
		},
	};
}

/**
 * The context as n8n's request helper sees it, with `signal` as the
 * execution's cancel signal. n8n-core's httpRequestWithAuthentication (2.8
 * and 2.41) sets every request's abortSignal to `getExecutionCancelSignal()`
 * of the context it is called with, over the one the node gives: so a stop
 * would cut a create short at once, its outcome unknown even when GetBill
 * answers a moment later. Given this context, n8n aborts the request when
 * `signal` does (the deadline: the Timeout, or a stop past the grace).
 */
export function withRequestSignal<T extends GetBillContext>(ctx: T, signal: AbortSignal): T {
	return new Proxy(ctx, {
		get(target, property) {
			if (property === 'getExecutionCancelSignal') return () => signal;
			const value: unknown = Reflect.get(target, property, target);
			return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
		},
	});
}

/**
 * Says in n8n's log (warn) what a stopped run leaves unknown: the error of an
 * item whose create or delete was under way when the execution was stopped.
 * n8n saves a stopped execution as it stood at the stop, so the log is where
 * this shows.
 */
export function logOutcomeUnknown(ctx: IExecuteFunctions, error: { message: string; description?: string | null }): void {
	ctx.logger?.warn?.(`GetBill: ${error.message}. ${error.description ?? ''}`.trim(), { node: ctx.getNode().name });
}
