import type { IDataObject, IExecuteFunctions, INodeProperties, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { DEBT, DEBT_BATCH_ECHO } from '../../resources/debt';
import type { GetBillRequest } from '../../transport';
import { apiPath } from '../../transport';
import type { RequestKind } from '../../transport/types';
import { expensiveDestinationAdvice } from '../../transport/errors';
import { itemsLabel } from '../../transport/quota';
import { batchOptionsProperty, readBatchOptions } from '../options';
import { expensiveHintOf, readFields } from '../readers';
import { dataOf, request } from '../requests';
import type { RunContext } from '../types';
import { idOf } from '../run/tries';
import type { BatchAnswer, Batches, BatchRow } from '../run/types';
import { CREATE_SOURCES, createProperties } from './create.operation';

export const description: INodeProperties[] = [...createProperties('createMany'), batchOptionsProperty('debt', 'createMany')];

/** Sends its items in batches, one request at a time: never repeated after a failure. */
export const kind: RequestKind = 'create';

/**
 * The batch request with `body`: the one sent (every row of a batch), and, with
 * an item's row alone, that item's part as its fingerprint sees it (the debt it
 * creates; batch name and temp_id aside).
 */
const batchRequest = (body: IDataObject): GetBillRequest => ({ method: 'POST', path: apiPath`/debts/batch`, body });

/**
 * The output of an item whose debt an earlier try created, rebuilt from what
 * was kept (debt ID, import, status) and the item's body, the same as then as
 * its fingerprint matches (the echo shows the values as sent).
 */
function createdRow(id: unknown, importId: string | undefined, itemIndex: number, status: string | undefined, body: IDataObject): IDataObject {
	const echo = Object.fromEntries(DEBT_BATCH_ECHO.map((name) => [name, body[name] ?? null]));
	return { id: idOf(id) ?? null, debt_id: idOf(id) ?? null, import_id: importId ?? null, temp_id: String(itemIndex), status: status ?? 'valid', ...echo };
}

/** A row of GetBill's batch answer (`created`, `failed` or `skipped`). */
interface AnswerRow extends IDataObject {
	index?: number;
	temp_id?: string;
}

const asRows = (value: unknown): AnswerRow[] => (Array.isArray(value) ? (value as AnswerRow[]) : []);

/** The input item a row is about: its `temp_id` (the item's index, as sent), else its position in the request. */
function itemOfRow(row: AnswerRow, chunk: number[]): number | undefined {
	const byTempId = Number(row.temp_id);
	if (row.temp_id !== undefined && Number.isInteger(byTempId) && chunk.includes(byTempId)) return byTempId;
	return typeof row.index === 'number' ? chunk[row.index] : undefined;
}

/** The text of a failed or skipped row: its errors (`{field: [messages]}`) or reason. */
function rowReason(row: AnswerRow): string {
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

/**
 * Create Many: one debt per item, many per request (POST /debts/batch). The
 * run (actions/run) checks every item's row first, sends the batches one at a
 * time and names every refused row; here: the row of an item, and GetBill's
 * answer mapped back to the items — each debt goes with `temp_id` = its item's
 * index, and the `created`, `failed` and `skipped` rows come back by it, so
 * the output has one item per input item, paired, with the debt's `id` (as
 * Create's) and `debt_id`.
 */
export function row(this: IExecuteFunctions, itemIndex: number, run: RunContext): BatchRow {
	const body = readFields(this, itemIndex, run, DEBT, CREATE_SOURCES, 'create', false);
	return { body, request: batchRequest(body), rebuild: (write, importId) => createdRow(write.id, importId, itemIndex, write.s, body) };
}

/** Batch Size and Batch Name (read once per run), and how a batch is sent. */
export function batches(this: IExecuteFunctions): Batches {
	const { batchSize, batchName } = readBatchOptions(this);
	const send = async (run: RunContext, chunk: number[], rows: Map<number, BatchRow>): Promise<BatchAnswer> => {
		const body: IDataObject = {
			...(batchName ? { batch_name: batchName } : {}),
			debts: chunk.map((itemIndex) => ({ ...rows.get(itemIndex)!.body, temp_id: String(itemIndex) })),
		};
		const data = dataOf(
			await request.call(this, run, chunk[0], batchRequest(body), {
				action: `create ${chunk.length} debt${chunk.length === 1 ? '' : 's'} (${itemsLabel(chunk)})`,
				itemLabel: itemsLabel(chunk),
				expensiveHint: expensiveHintOf(this, chunk[0]),
			}),
		);
		return answerOf(this, data, chunk);
	};
	return { size: batchSize, send };
}

/** GetBill's batch answer by item: each created row's output and what a later try keeps of it, each refused or skipped row's error. */
function answerOf(ctx: IExecuteFunctions, data: IDataObject, chunk: number[]): BatchAnswer {
	const answer: BatchAnswer = { created: [], refused: [] };
	const reported = new Set<number>();
	const importId = typeof data.import_id === 'string' ? data.import_id : undefined;
	for (const row of asRows(data.created)) {
		const itemIndex = itemOfRow(row, chunk);
		if (itemIndex === undefined) continue;
		reported.add(itemIndex);
		const echo = (row.data as IDataObject | undefined) ?? {};
		answer.created.push({
			itemIndex,
			json: { id: row.debt_id, debt_id: row.debt_id, import_id: data.import_id, temp_id: row.temp_id, status: row.status, ...echo },
			// IDs only: the output is rebuilt from them and the body, which a matching fingerprint makes the same
			write: { id: idOf(row.debt_id), ...(row.status === 'valid' || typeof row.status !== 'string' ? {} : { s: row.status }) },
			importId,
		});
	}
	for (const [rows, skipped] of [
		[asRows(data.failed), false],
		[asRows(data.skipped), true],
	] as const) {
		for (const row of rows) {
			const itemIndex = itemOfRow(row, chunk);
			if (itemIndex === undefined) continue;
			reported.add(itemIndex);
			answer.refused.push(refusedRow(ctx, row, itemIndex, skipped));
		}
	}
	for (const itemIndex of chunk.filter((i) => !reported.has(i))) {
		const error = new NodeOperationError(ctx.getNode(), `GetBill did not report on the debt of item ${itemIndex} [item ${itemIndex}]`, {
			itemIndex,
			description: `The batch answer (import ${String(data.import_id)}) lists it neither as created, failed nor skipped. Check in GetBill before creating it again.`,
		});
		answer.refused.push({ itemIndex, error });
	}
	return answer;
}

/** A row GetBill refused or skipped: the item's error, with GetBill's reason. */
function refusedRow(ctx: IExecuteFunctions, row: AnswerRow, itemIndex: number, skipped: boolean): BatchAnswer['refused'][number] {
	const reason = rowReason(row);
	const advice = !skipped && isExpensive(reason) ? expensiveDestinationAdvice(expensiveHintOf(ctx, itemIndex), 'create') : undefined;
	const error = new NodeApiError(ctx.getNode(), { message: reason, ...(row.errors ? { details: row.errors as JsonObject } : {}) } as JsonObject, {
		message: `GetBill ${skipped ? 'skipped' : 'did not create'} the debt of item ${itemIndex}: ${reason}`,
		description: skipped
			? 'GetBill skips rows that look like template or instruction lines (values with * or "champs obligatoires"). Correct the row if it is a real debt.'
			: `GetBill checked this debt on its own and refused it; the other debts of the batch were handled. Correct the fields named and create this one again.${advice ? ` ${advice}` : ''}`,
		itemIndex,
	});
	return { itemIndex, error, refusal: { itemIndex, reason, skipped, advice } };
}
