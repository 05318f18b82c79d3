import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { DEBT } from '../../resources/debt';
import type { GetBillRequest } from '../../transport';
import { apiPath } from '../../transport';
import type { RequestKind } from '../../transport/errors';
import { isCancelled, logOutcomeUnknown } from '../../transport/cancel';
import { expensiveDestinationAdvice, isOutcomeUnknown } from '../../transport/errors';
import type { QuotaSpent } from '../../transport/quota';
import { itemsLabel, quotaSpentOf } from '../../transport/quota';
import { batchOptionsProperty, readBatchOptions } from '../options';
import type { RunAllControl, RunAllResult } from '../router';
import type { RunContext } from '../shared';
import { dataOf, expensiveHintOf, noteDoneItems, readFields, request } from '../shared';
import { fingerprint, idOf } from '../tries';
import { CREATE_SOURCES, createProperties } from './create.operation';

export const description: INodeProperties[] = [...createProperties('createMany'), batchOptionsProperty('debt', 'createMany')];

/** Sends its items in batches, one request at a time: never repeated after a failure. */
export const kind: RequestKind = 'create';

type NodeError = NodeApiError | NodeOperationError;

/** The fields of a debt that GetBill's batch answer echoes for a created row (debts.md). */
const ECHOED = ['firstname', 'lastname', 'phone', 'email', 'amount', 'currency'];

/** One item's part of a batch request, as its fingerprint sees it: the debt it creates (batch name and temp_id aside). */
const rowRequest = (body: IDataObject): GetBillRequest => ({ method: 'POST', path: apiPath`/debts/batch`, body });

/**
 * The output of an item whose debt an earlier try created, rebuilt from what
 * was kept (debt ID, import, status) and the item's body, the same as then as
 * its fingerprint matches (the echo shows the values as sent).
 */
function createdRow(id: unknown, importId: string | undefined, itemIndex: number, status: string | undefined, body: IDataObject): IDataObject {
	const echo = Object.fromEntries(ECHOED.map((name) => [name, body[name] ?? null]));
	return { id: idOf(id) ?? null, debt_id: idOf(id) ?? null, import_id: importId ?? null, temp_id: String(itemIndex), status: status ?? 'valid', ...echo };
}

/** A row of GetBill's batch answer (`created`, `failed` or `skipped`). */
interface BatchRow extends IDataObject {
	index?: number;
	temp_id?: string;
}

const asRows = (value: unknown): BatchRow[] => (Array.isArray(value) ? (value as BatchRow[]) : []);

/** The input item a row is about: its `temp_id` (the item's index, as sent), else its position in the request. */
function itemOfRow(row: BatchRow, chunk: number[]): number | undefined {
	const byTempId = Number(row.temp_id);
	if (row.temp_id !== undefined && Number.isInteger(byTempId) && chunk.includes(byTempId)) return byTempId;
	return typeof row.index === 'number' ? chunk[row.index] : undefined;
}

/** The text of a failed or skipped row: its errors (`{field: [messages]}`) or reason. */
function rowReason(row: BatchRow): string {
	const errors = row.errors ?? row.error ?? row.reason ?? row.message;
	if (typeof errors === 'string') return errors;
	if (errors && typeof errors === 'object') {
		return Object.entries(errors as IDataObject)
			.map(([field, messages]) => `${field}: ${Array.isArray(messages) ? messages.join('; ') : String(messages)}`)
			.join(' | ');
	}
	return 'GetBill gave no reason';
}

/** Whether GetBill refused a row for a phone in a costly destination. */
const isExpensive = (reason: string): boolean => /expensive destination/i.test(reason);

/** A row GetBill refused or skipped: the item and GetBill's reason. */
interface Refusal {
	itemIndex: number;
	reason: string;
	skipped: boolean;
	/** For a phone in a costly destination: where the item accepts the cost */
	advice?: string;
}

/**
 * Create Many: every item is checked first (an invalid one stops the run
 * before any request, unless On Error continues); the valid items are sent
 * in requests of Batch Size, one at a time, each debt with `temp_id` = its
 * item's index; GetBill's `created`, `failed` and `skipped` rows are mapped
 * back, so the output has one item per input item, paired, with the debt's
 * `id` (as Create's) and `debt_id`. A failed or skipped row stops the run (no
 * later batch is sent) with an error that names every refused row with
 * GetBill's reason and every debt created, or becomes an error item with
 * Continue On Fail. Items created in an earlier try of the run (Retry On
 * Fail) are not sent again. When GetBill's write quota runs out, the items of
 * the batches not sent are returned as unsent.
 */
export async function runAll(this: IExecuteFunctions, run: RunContext, control: RunAllControl): Promise<RunAllResult> {
	const items = this.getInputData();
	const results: INodeExecutionData[][] = new Array(items.length);
	const { batchSize, batchName } = readBatchOptions(this);
	let stop: { itemIndex: number; error: NodeError } | undefined;
	const refusals: Refusal[] = [];
	const fail = (error: NodeError, itemIndex: number) => {
		if (control.continueOnFail) results[itemIndex] = [control.errorItem(error, itemIndex)];
		else if (!stop || itemIndex < stop.itemIndex) stop = { itemIndex, error };
	};

	const bodies = new Map<number, IDataObject>();
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			const body = readFields(this, itemIndex, run, DEBT, CREATE_SOURCES, 'create', false);
			const doneBefore = control.tries.givenBack(itemIndex, rowRequest(body), run.noun, (write, importId) => createdRow(write.id, importId, itemIndex, write.s, body));
			if (doneBefore) results[itemIndex] = doneBefore;
			else bodies.set(itemIndex, body);
		} catch (error) {
			fail(error as NodeError, itemIndex);
		}
	}
	if (stop) throw (stop as { error: NodeError }).error; // nothing was sent

	const valid = [...bodies.keys()];
	let spent: QuotaSpent | undefined;
	let unsent: number[] = [];
	/** Items whose batch was sent; those of a batch that got no usable answer */
	const sent = new Set<number>();
	const unanswered: number[] = [];
	for (let start = 0; start < valid.length && !stop; start += batchSize) {
		if (isCancelled(this)) break;
		const chunk = valid.slice(start, start + batchSize);
		const body: IDataObject = {
			...(batchName ? { batch_name: batchName } : {}),
			debts: chunk.map((itemIndex) => ({ ...bodies.get(itemIndex), temp_id: String(itemIndex) })),
		};
		let data: IDataObject;
		try {
			data = dataOf(
				await request.call(this, run, chunk[0], { method: 'POST', path: apiPath`/debts/batch`, body }, {
					action: `create ${chunk.length} debt${chunk.length === 1 ? '' : 's'} (${itemsLabel(chunk)})`,
					itemLabel: itemsLabel(chunk),
					expensiveHint: expensiveHintOf(this, chunk[0]),
				}),
			);
		} catch (error) {
			spent = quotaSpentOf(error);
			if (spent) {
				unsent = valid.slice(start);
				break;
			}
			// Sent: refused whole (4xx: GetBill did nothing), or with no answer that says what GetBill did (maybe created).
			chunk.forEach((itemIndex) => sent.add(itemIndex));
			if (!/^4\d\d$/.test(String((error as NodeApiError).httpCode ?? ''))) unanswered.push(...chunk);
			// Stopped with Continue On Fail: the unknown outcome goes to n8n's log too (n8n keeps the execution as it was at the stop).
			if (control.continueOnFail && isCancelled(this) && isOutcomeUnknown(error)) logOutcomeUnknown(this, error as NodeError);
			chunk.forEach((itemIndex) => fail(error as NodeError, itemIndex));
			continue;
		}
		chunk.forEach((itemIndex) => sent.add(itemIndex));
		const reported = new Set<number>();
		for (const row of asRows(data.created)) {
			const itemIndex = itemOfRow(row, chunk);
			if (itemIndex === undefined) continue;
			reported.add(itemIndex);
			const echo = (row.data as IDataObject | undefined) ?? {};
			results[itemIndex] = [
				{
					json: { id: row.debt_id, debt_id: row.debt_id, import_id: data.import_id, temp_id: row.temp_id, status: row.status, ...echo },
					pairedItem: { item: itemIndex },
				},
			];
			const body = bodies.get(itemIndex)!;
			const { method, path } = rowRequest(body);
			// IDs and the fingerprint only: the output is rebuilt from them and the body, which a matching fingerprint makes the same
			control.tries.remember(
				itemIndex,
				{ f: fingerprint(method, path, body), id: idOf(row.debt_id), ...(row.status === 'valid' || typeof row.status !== 'string' ? {} : { s: row.status }) },
				typeof data.import_id === 'string' ? data.import_id : undefined,
			);
		}
		for (const [rows, skipped] of [
			[asRows(data.failed), false],
			[asRows(data.skipped), true],
		] as const) {
			for (const row of rows) {
				const itemIndex = itemOfRow(row, chunk);
				if (itemIndex === undefined) continue;
				reported.add(itemIndex);
				const reason = rowReason(row);
				const advice = !skipped && isExpensive(reason) ? expensiveDestinationAdvice(expensiveHintOf(this, itemIndex), 'create') : undefined;
				refusals.push({ itemIndex, reason, skipped, advice });
				fail(
					new NodeApiError(this.getNode(), { message: reason, ...(row.errors ? { details: row.errors as JsonObject } : {}) } as JsonObject, {
						message: `GetBill ${skipped ? 'skipped' : 'did not create'} the debt of item ${itemIndex}: ${reason}`,
						description: skipped
							? 'GetBill skips rows that look like template or instruction lines (values with * or "champs obligatoires"). Correct the row if it is a real debt.'
							: `GetBill checked this debt on its own and refused it; the other debts of the batch were handled. Correct the fields named and create this one again.${advice ? ` ${advice}` : ''}`,
						itemIndex,
					}),
					itemIndex,
				);
			}
		}
		for (const itemIndex of chunk.filter((i) => !reported.has(i))) {
			fail(
				new NodeOperationError(this.getNode(), `GetBill did not report on the debt of item ${itemIndex} [item ${itemIndex}]`, {
					itemIndex,
					description: `The batch answer (import ${String(data.import_id)}) lists it neither as created, failed nor skipped. Check in GetBill before creating it again.`,
				}),
				itemIndex,
			);
		}
	}
	// (assigned in `fail`, which TypeScript does not follow)
	const stopped = stop as { itemIndex: number; error: NodeError } | undefined;
	if (stopped) {
		const notSent = valid.filter((itemIndex) => !sent.has(itemIndex));
		const error = stoppingError(stopped, refusals, results, notSent, unanswered);
		// Stopped by n8n: the run ends cancelled with what was created in the output, and the report (the debts of a
		// batch left without an answer among it) in n8n's log, as n8n keeps the execution as it was at the stop.
		if (isCancelled(this) && unanswered.length) {
			logOutcomeUnknown(this, error);
			return { results, spent, unsent };
		}
		throw error;
	}
	return { results, spent, unsent };
}

/**
 * The error that stops the run: every refused or skipped row with GetBill's
 * reason, every debt created (item → debt ID) and the items not sent, none
 * left out, so that nobody creates a debt twice or misses one.
 */
function stoppingError(
	stopped: { itemIndex: number; error: NodeError },
	refusals: Refusal[],
	results: INodeExecutionData[][],
	notSent: number[],
	unanswered: number[],
): NodeError {
	const { error } = stopped;
	error.context.itemIndex = stopped.itemIndex;
	if (refusals.length > 1) {
		const refused = refusals.map((r) => r.itemIndex);
		error.message = `GetBill did not create the debts of ${refusals.length} items (${itemsLabel(refused)}): item ${refusals[0].itemIndex}: ${refusals[0].reason}`;
		error.description = 'GetBill checked each debt on its own and refused these; the other debts of their batch were handled. Correct the fields named and create only these again.';
		const advice = refusals.find((r) => r.advice)?.advice;
		if (advice) error.description += ` ${advice}`;
	}
	if (refusals.length) {
		const lines = refusals.map((r) => `- item ${r.itemIndex}${r.skipped ? ' (skipped)' : ''}: ${r.reason}`);
		error.description = `${error.description ?? ''}\n\nRefused by GetBill (${refusals.length}):\n${lines.join('\n')}`;
		error.context.refusedItems = refusals.map((r) => ({ item: r.itemIndex, reason: r.reason, skipped: r.skipped }));
	}
	const created = results
		.map((output, itemIndex) => ({ itemIndex, ids: output?.[0]?.json.debt_id === undefined ? [] : [output[0].json.debt_id] }))
		.filter(({ ids }) => ids.length > 0);
	if (created.length === 0) {
		if (unanswered.length === 0) error.description = `${error.description ?? ''}\n\nNo debt was created in this run.`.trim();
	} else {
		noteDoneItems(
			error,
			created,
			'debt',
			(listed) =>
				`GetBill created the debts of ${created.length} item(s) in this run before it stopped: ${listed}. ` +
				'They are not in the output because the run stopped: do not create them again.',
		);
	}
	if (unanswered.length) {
		error.description =
			`${error.description ?? ''}\n\nSent without an answer that says what GetBill did: ${itemsLabel(unanswered)}. ` +
			'GetBill may have created some of these debts: check in GetBill (the import filter of its dashboard) before creating them again.';
	}
	if (notSent.length) error.description = `${error.description}\n\nNot sent (no later batch is sent after a failed one): ${itemsLabel(notSent)}.`;
	return error;
}
