/**
 * The item policy: how one run of an operation goes over its input items, in
 * named steps, each decision in one place:
 *
 * 0. the policy (policy.ts): what the operation's kind and the node's
 *    settings decide once — may it be repeated, Continue On Fail, tool, When
 *    Write Quota Runs Out, one at a time;
 * 1. check (check.ts): a create or delete that a failure stops, and every
 *    batch, reads and checks every item before the first request; an item an
 *    earlier try did is given back (Retry On Fail's memory, tries.ts);
 * 2. send (send.ts): one request per item (concurrently where it may be
 *    repeated or Continue On Fail is on) or many per request (Create Many),
 *    taking items from the ItemRun (itemRun.ts), which stops taking them when
 *    an item failed a run that stops, the write quota ran out, or n8n
 *    cancelled the execution;
 * 3. report (report.ts): the outputs, the Unsent output or its errors
 *    (unsent.ts), the error items, or the error that stops the run with
 *    what GetBill did before it (stopReport.ts);
 * and, however the run ends, what a later try must know is kept: the writes
 * done (tries.ts) and the quotas (quotas.ts).
 */
import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { getBaseUrl } from '../../transport';
import { isCancelled } from '../../transport/cancel';
import { readConcurrency, retryPolicyReader } from '../options';
import type { RunContext } from '../types';
import { checkEvery, checkOutputFields } from './check';
import { ItemRun } from './itemRun';
import { readPolicy } from './policy';
import { keepQuotas, keptQuotas } from './quotas';
import { addAutoMapHints, outputsOf, report } from './report';
import { sendBatches, sendEach } from './send';
import type { RunEnd } from './tries';
import { Tries } from './tries';
import type { BatchOperation, ItemOperation, Operation } from './types';

/** Runs an operation for every input item, in the input's order (see above). */
export async function runOperation(this: IExecuteFunctions, op: Operation, noun: string): Promise<INodeExecutionData[][]> {
	const policy = readPolicy(this, op.kind);
	if (this.getInputData().length === 0) return outputsOf(policy, []);
	const tries = new Tries(this, op.kind, policy.asTool);
	const run: RunContext = {
		baseUrl: await getBaseUrl.call(this),
		noun,
		kind: op.kind,
		ignoredInputKeys: new Set(),
		emptyInputKeys: new Set(),
		skippedInputKeys: new Set(),
		retryPolicy: retryPolicyReader(this),
		version: this.getNode().typeVersion,
		gate: { quotas: keptQuotas(this), whenSpent: policy.whenSpent },
	};
	const itemRun = new ItemRun(this, policy, run, tries);
	// What the run did is kept, or forgotten, once, by how it ends (see Tries).
	let how: RunEnd = 'thrown';
	try {
		const answer = await ('batches' in op ? runBatches(itemRun, op) : runEach(itemRun, op));
		// n8n's Retry On Fail also runs the node again when its first output item is an error item (Continue On Fail).
		const error = answer[0]?.[0]?.json.error;
		how = isCancelled(this) ? 'cancelled' : error === undefined || error === null || error === false ? 'done' : 'errorItems';
		return answer;
	} finally {
		tries.end(how);
		keepQuotas(this, run.gate.quotas);
	}
}

/** An invalid item found by step 1 stops the run before any request: nothing was sent. */
function stopIfRefused(run: ItemRun): void {
	if (!run.stop) return;
	addAutoMapHints(run);
	throw run.stop.error;
}

/** One request per item. */
async function runEach(run: ItemRun, op: ItemOperation): Promise<INodeExecutionData[][]> {
	const concurrency = run.policy.oneAtATime ? 1 : readConcurrency(run.ctx);
	const kept = checkOutputFields(run, op.reads);
	const prepared = run.policy.oneAtATime
		? checkEvery(run, (itemIndex) => op.prepare.call(run.ctx, itemIndex, run.run), (send) => send.request)
		: undefined;
	stopIfRefused(run);
	await sendEach(run, op, prepared, kept, concurrency);
	return report(run);
}

/** Many items per request (Create Many). */
async function runBatches(run: ItemRun, op: BatchOperation): Promise<INodeExecutionData[][]> {
	const batches = op.batches.call(run.ctx);
	const rows = checkEvery(
		run,
		(itemIndex) => op.row.call(run.ctx, itemIndex, run.run),
		(row) => row.request,
		(row) => row.rebuild,
	);
	stopIfRefused(run);
	return report(run, await sendBatches(run, batches, rows));
}
