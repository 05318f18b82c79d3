import type { INodeExecutionData } from 'n8n-workflow';

import { logOutcomeUnknown } from '../../transport/cancel';
import { itemRanges, localTime } from '../../transport/quota';
import type { ItemRun } from './itemRun';
import type { RunPolicy } from './policy';
import type { BatchOutcome } from './send';
import { reportBatchStop, reportDone } from './stopReport';
import { answerUnsent } from './unsent';

/** The node's outputs: the second (Unsent) exists only with Output Unsent Items, so every answer has as many outputs as the node. */
export function outputsOf(policy: RunPolicy, done: INodeExecutionData[][]): INodeExecutionData[][] {
	return policy.whenSpent === 'outputUnsent' ? [done.flat(), []] : [done.flat()];
}

/** Tells the user, in the output pane, which input fields Auto-Map did not send. */
export function addAutoMapHints(run: ItemRun): void {
	const { ignoredInputKeys, skippedInputKeys, emptyInputKeys, noun } = run.run;
	const hints = [
		[ignoredInputKeys, `Auto-map did not send these input fields, which are not GetBill ${noun} fields`],
		[skippedInputKeys, 'Auto-map did not send these input fields, listed in Input Fields to Ignore'],
		[emptyInputKeys, 'Auto-map did not send these fields, which were null in the input'],
	] as const;
	const shown = hints
		.filter(([keys]) => keys.size > 0)
		.map(([keys, text]) => ({ message: `${text}: ${[...keys].join(', ')}`, location: 'outputPane' as const }));
	if (shown.length) run.ctx.addExecutionHints?.(...shown);
}

/** Adds to the stopping error what GetBill did before it (creates and deletes) and what the write quota left unsent. */
function composeStop(run: ItemRun, batches: BatchOutcome | undefined): void {
	const stop = run.stop!;
	if (batches) {
		reportBatchStop(stop, batches, run.results, run.notTaken(), run.run.noun);
		return;
	}
	if (!run.policy.safeToRepeat) reportDone(stop.error, run.results, stop.itemIndex, run.policy.asTool);
	const notSent = run.unsent();
	if (run.spent && notSent.length) {
		const until = localTime(run.spent.resetAt, run.ctx.getTimezone());
		stop.error.description = `${stop.error.description ?? ''}\n\nNot sent either, as GetBill's write quota is spent until ${until}: items ${itemRanges(notSent)}.`.trim();
	}
}

/**
 * Step 3, the run's end. Stopped by n8n (its cancel signal): what was done
 * stays in the output, where it can be seen, and a create or delete left
 * without an answer is said in n8n's log (n8n keeps the execution as it was at
 * the stop). Stopped by a failing item: its error, with what GetBill did
 * before it. Otherwise the outputs, and the items the write quota left unsent
 * as When Write Quota Runs Out says.
 */
export function report(run: ItemRun, batches?: BatchOutcome): INodeExecutionData[][] {
	addAutoMapHints(run);
	if (run.cancelled()) {
		if (run.stop) composeStop(run, batches);
		run.unknown.forEach((error) => logOutcomeUnknown(run.ctx, error));
		logStopped(run, run.results.filter((r) => r !== undefined).length);
		return outputsOf(run.policy, run.results);
	}
	if (run.stop) {
		composeStop(run, batches);
		// (As a tool, the whole error reaches the model in its message: see `router`.)
		throw run.stop.error;
	}
	const unsent = run.unsent();
	return run.spent && unsent.length ? answerUnsent(run, run.spent, unsent) : outputsOf(run.policy, run.results);
}

/** Says in n8n's log that the node ended because the execution was stopped, and how far it got. */
function logStopped(run: ItemRun, done: number): void {
	run.ctx.logger?.info?.(`GetBill: the execution was stopped; ${done} of ${run.total} items done, no further request sent`, {
		node: run.ctx.getNode().name,
	});
}
