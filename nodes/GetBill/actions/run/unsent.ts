import type { INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { QuotaSpent } from '../../transport/quota';
import { allowance, isoTime, itemsLabel, localTime, QUOTA_FREES_AT_FIELD, quotaWordsForModel } from '../../transport/quota';
import { noteDoneItems } from './done';
import { errorItem } from './errors';
import type { ItemRun } from './itemRun';
import { idsOf } from './stopReport';
import type { NodeError } from './types';

const FIX =
	'Nothing was sent twice. Run again with only the items not sent after that time, raise Max Rate-Limit Wait under Options for the node to wait that long, or choose "Output Unsent Items" under Options > When Write Quota Runs Out.';

/**
 * The items the write quota left unsent, as When Write Quota Runs Out says: a
 * second output (each item with the time the quota frees up), paired error
 * items (Continue On Fail), or one error that names every item done and not
 * sent; as a tool, words for the model.
 */
export function answerUnsent(run: ItemRun, spent: QuotaSpent, unsent: number[]): INodeExecutionData[][] {
	const { policy, ctx, results } = run;
	if (policy.whenSpent === 'outputUnsent') {
		const items = ctx.getInputData();
		const at = isoTime(spent.resetAt, ctx.getTimezone());
		const handedOn = unsent.map((itemIndex) => ({
			...items[itemIndex],
			json: { ...items[itemIndex].json, [QUOTA_FREES_AT_FIELD]: at },
			pairedItem: { item: itemIndex },
		}));
		return [results.flat(), handedOn];
	}
	if (policy.asTool) return toolQuotaAnswer(run, spent, unsent);
	const freesAt = localTime(spent.resetAt, ctx.getTimezone());
	const quotaText = `${allowance('writes', spent.limit, spent.windowSeconds)}, and its answers say none is left until ${freesAt}. ${FIX}`;
	if (policy.continueOnFail) {
		for (const itemIndex of unsent) {
			const error =
				itemIndex === spent.itemIndex && spent.refusal
					? spent.refusal
					: new NodeOperationError(ctx.getNode(), `GetBill's write quota is spent: item ${itemIndex} was not sent [item ${itemIndex}]`, { itemIndex, description: quotaText });
			results[itemIndex] = [errorItem(error, itemIndex, policy.toErrorOutput)];
		}
		return [results.flat()];
	}
	throw quotaStopError(run, spent, unsent, freesAt, quotaText);
}

/** The error that stops a run the write quota left unfinished: every item done and not sent, and when the quota frees up. */
function quotaStopError(run: ItemRun, spent: QuotaSpent, unsent: number[], freesAt: string, quotaText: string): NodeError {
	const { results } = run;
	const doneItems = results.map((output, itemIndex) => (output === undefined ? -1 : itemIndex)).filter((i) => i >= 0);
	const counts = `${doneItems.length} of ${run.total} items done, ${unsent.length} not sent`;
	const lists = `Not sent: ${itemsLabel(unsent)}.` + (doneItems.length ? ` Done: ${itemsLabel(doneItems)}.` : '');
	// Where GetBill answered 429, its words stay the message (a NodeApiError); otherwise the headers said it.
	const error: NodeError = spent.refusal ?? new NodeOperationError(run.ctx.getNode(), `GetBill's write quota is spent: ${counts}`, { itemIndex: unsent[0] });
	// A person also gets GetBill's own account of the 429.
	error.description = spent.refusal
		? `${counts}. ${lists} The quota frees up at ${freesAt}.\n\n${spent.refusal.description ?? ''}\n\n${FIX}`.trim()
		: `${lists} ${quotaText}`;
	error.context.itemIndex = unsent[0];
	error.context.itemsNotSent = unsent;
	error.context.quotaFreesAt = new Date(spent.resetAt).toISOString();
	if (!run.policy.safeToRepeat) {
		const done = doneItems.map((itemIndex) => ({ itemIndex, ids: idsOf(results[itemIndex]) }));
		noteDoneItems(error, done, 'ID', (listed) => `What GetBill did before the quota ran out (not in the output, as the run stopped): ${listed}.`);
	}
	return error;
}

/**
 * The write quota's answer to a model (the node as an AI Agent's tool): no
 * item, only whether anything was changed and when to call again; whatever
 * told the node the quota is spent (its headers or GetBill's 429, whose status
 * stays on the error).
 */
function toolQuotaAnswer(run: ItemRun, spent: QuotaSpent, unsent: number[]): INodeExecutionData[][] {
	const { results, policy } = run;
	const done = results.filter((output) => output !== undefined && output.every((o) => o.json.error === undefined)).length;
	const what = done === 0 ? 'nothing was changed' : `${done} of the ${run.total} writes of this call were done, ${unsent.length} not sent`;
	const words = quotaWordsForModel('write', spent.resetAt, what, done === 0 ? '' : ' with only the writes not done');
	const answer = (error: NodeError, itemIndex: number) => {
		error.message = words;
		error.description = null;
		error.context.itemIndex = itemIndex;
		error.context.quotaFreesAt = new Date(spent.resetAt).toISOString();
		return error;
	};
	if (policy.continueOnFail) {
		for (const itemIndex of unsent) {
			const error = itemIndex === spent.itemIndex && spent.refusal ? spent.refusal : new NodeOperationError(run.ctx.getNode(), words, { itemIndex });
			results[itemIndex] = [errorItem(answer(error, itemIndex), itemIndex, policy.toErrorOutput)];
		}
		return [results.flat()];
	}
	throw answer(spent.refusal ?? new NodeOperationError(run.ctx.getNode(), words), unsent[0]);
}
