import { NodeApiError } from 'n8n-workflow';

import { simplify } from '../output';
import type { Send } from '../types';
import type { ItemRun } from './itemRun';
import { idOf } from './tries';
import type { Batches, BatchRow, ItemOperation, Refusal } from './types';

/**
 * Step 2, one request per item: at most `concurrency` items at a time, one by
 * one until a request has reached GetBill (so n8n fetches one token that every
 * later request reuses). Items come from `run.take`, which gives none once the
 * run stopped, the write quota ran out or the execution was cancelled; requests
 * already under way finish. `prepared`: the items step 1 checked (a create or
 * delete that stops on a failure); the others are read here.
 */
export async function sendEach(
	run: ItemRun,
	op: ItemOperation,
	prepared: Map<number, Send> | undefined,
	kept: Array<readonly string[] | undefined>,
	concurrency: number,
): Promise<void> {
	run.enqueue(Array.from({ length: run.total }, (_, itemIndex) => itemIndex));
	/** Sends one item; tells whether its request reached GetBill (so a token exists). */
	const sendItem = async (itemIndex: number): Promise<boolean> => {
		if (run.results[itemIndex] !== undefined) return false;
		try {
			let send = prepared?.get(itemIndex);
			if (!send) {
				send = op.prepare.call(run.ctx, itemIndex, run.run);
				if (run.givenBack(itemIndex, send.request)) return false;
			}
			const fields = kept[itemIndex];
			const output = await send();
			const shaped = fields ? output.map((o) => ({ ...o, json: simplify(o.json, fields) })) : output;
			const jsons = shaped.map((o) => o.json);
			const body = send.request?.body;
			run.done(itemIndex, shaped, send.request, { id: idOf(jsons[0]?.id), o: jsons, ...(body ? { b: body } : {}) });
			return true;
		} catch (caught) {
			if (run.quotaRefused(caught, [itemIndex])) return false;
			const error = run.fail(caught, itemIndex);
			return error instanceof NodeApiError && /^\d{3}$/.test(String(error.httpCode));
		}
	};
	let reachedGetBill = false;
	for (let [itemIndex] = run.take(); itemIndex !== undefined; [itemIndex] = reachedGetBill ? [] : run.take()) {
		reachedGetBill = await sendItem(itemIndex);
	}
	if (!reachedGetBill) return;
	const worker = async () => {
		for (let [itemIndex] = run.take(); itemIndex !== undefined; [itemIndex] = run.take()) await sendItem(itemIndex);
	};
	await Promise.all(Array.from({ length: Math.min(concurrency, run.notTaken().length) }, worker));
}

/** What the batches left for the report: GetBill's refusals, and the items of batches that got no answer saying what GetBill did. */
export interface BatchOutcome {
	refusals: Refusal[];
	unanswered: number[];
}

/**
 * Step 2, many items per request: the checked rows go in batches of the
 * batch size, one batch at a time, none after a failed one (unless Continue
 * On Fail); each row GetBill created is the output of its item, each row it
 * refused or skipped that item's failure. A batch the write quota refused
 * leaves its items and every later one unsent.
 */
export async function sendBatches(run: ItemRun, batches: Batches, rows: Map<number, BatchRow>): Promise<BatchOutcome> {
	const outcome: BatchOutcome = { refusals: [], unanswered: [] };
	run.enqueue([...rows.keys()]);
	for (let chunk = run.take(batches.size); chunk.length; chunk = run.take(batches.size)) {
		let answer;
		try {
			answer = await batches.send(run.run, chunk, rows);
		} catch (caught) {
			if (run.quotaRefused(caught, chunk)) break;
			// Sent: refused whole (4xx: GetBill did nothing), or with no answer that says what GetBill did (maybe created).
			if (!/^4\d\d$/.test(String((caught as NodeApiError).httpCode ?? ''))) outcome.unanswered.push(...chunk);
			chunk.forEach((itemIndex) => run.fail(caught, itemIndex));
			continue;
		}
		for (const { itemIndex, json, write, importId } of answer.created) {
			run.done(itemIndex, [{ json, pairedItem: { item: itemIndex } }], rows.get(itemIndex)!.request, write, importId);
		}
		for (const { itemIndex, error, refusal } of answer.refused) {
			if (refusal) outcome.refusals.push(refusal);
			run.fail(error, itemIndex);
		}
	}
	return outcome;
}
