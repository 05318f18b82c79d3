import type { INodeExecutionData } from 'n8n-workflow';

import { isOutcomeUnknown } from '../../transport/errors';
import { itemsLabel } from '../../transport/quota';
import { noteDoneItems } from './done';
import type { BatchOutcome } from './send';
import type { NodeError } from './types';

/** The IDs GetBill gave an item's output (a create's new ID). */
export const idsOf = (output: INodeExecutionData[] | undefined): unknown[] => (output ?? []).map((o) => o.json.id).filter((id) => id !== undefined);

/**
 * When a create (or delete) run stops, the items done before the failing one
 * are not in any output: the error says which they are, so that nobody sends
 * them again.
 */
export function reportDone(error: NodeError, results: INodeExecutionData[][], failedItem: number, asTool: boolean): void {
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

/** Every refused or skipped row with GetBill's reason, in the error and its context. */
function listRefusals(error: NodeError, refusals: BatchOutcome['refusals'], noun: string): void {
	if (refusals.length > 1) {
		const refused = refusals.map((r) => r.itemIndex);
		error.message = `GetBill did not create the ${noun}s of ${refusals.length} items (${itemsLabel(refused)}): item ${refusals[0].itemIndex}: ${refusals[0].reason}`;
		error.description = `GetBill checked each ${noun} on its own and refused these; the other ${noun}s of their batch were handled. Correct the fields named and create only these again.`;
		const advice = refusals.find((r) => r.advice)?.advice;
		if (advice) error.description += ` ${advice}`;
	}
	if (refusals.length) {
		const lines = refusals.map((r) => `- item ${r.itemIndex}${r.skipped ? ' (skipped)' : ''}: ${r.reason}`);
		error.description = `${error.description ?? ''}\n\nRefused by GetBill (${refusals.length}):\n${lines.join('\n')}`;
		error.context.refusedItems = refusals.map((r) => ({ item: r.itemIndex, reason: r.reason, skipped: r.skipped }));
	}
}

/**
 * The error that stops a batch run: every refused or skipped row with
 * GetBill's reason, every record created (item → ID) and the items not sent,
 * none left out, so that nobody creates a record twice or misses one.
 */
export function reportBatchStop(stop: { itemIndex: number; error: NodeError }, batches: BatchOutcome, results: INodeExecutionData[][], notSent: number[], noun: string): void {
	const { error } = stop;
	const { refusals, unanswered } = batches;
	error.context.itemIndex = stop.itemIndex;
	listRefusals(error, refusals, noun);
	const created = results.map((output, itemIndex) => ({ itemIndex, ids: idsOf(output).slice(0, 1) })).filter(({ ids }) => ids.length > 0);
	if (created.length === 0) {
		if (unanswered.length === 0) error.description = `${error.description ?? ''}\n\nNo ${noun} was created in this run.`.trim();
	} else {
		noteDoneItems(
			error,
			created,
			noun,
			(listed) =>
				`GetBill created the ${noun}s of ${created.length} item(s) in this run before it stopped: ${listed}. ` +
				'They are not in the output because the run stopped: do not create them again.',
		);
	}
	if (unanswered.length) {
		error.description =
			`${error.description ?? ''}\n\nSent without an answer that says what GetBill did: ${itemsLabel(unanswered)}. ` +
			`GetBill may have created some of these ${noun}s: check in GetBill (the import filter of its dashboard) before creating them again.`;
	}
	if (notSent.length) error.description = `${error.description}\n\nNot sent (no later batch is sent after a failed one): ${itemsLabel(notSent)}.`;
}
