import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { DEBT } from '../../resources/debt';
import { apiPath } from '../../transport';
import { isCancelled } from '../../transport/cancel';
import { batchOptionsProperty, readBatchOptions } from '../options';
import type { RunAllControl } from '../router';
import type { RunContext } from '../shared';
import { dataOf, noteDoneItems, readFields, request } from '../shared';
import { CREATE_SOURCES, createProperties } from './create.operation';

export const description: INodeProperties[] = [...createProperties('createMany'), batchOptionsProperty('debt', 'createMany')];

/** Sends its items in batches, one request at a time: never repeated after a failure. */
export const safeToRepeat = false;

type NodeError = NodeApiError | NodeOperationError;

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

/**
 * Create Many: every item is checked first (an invalid one stops the run
 * before any request, unless On Error continues); the valid items are sent
 * in requests of Batch Size, one at a time, each debt with `temp_id` = its
 * item's index; GetBill's `created`, `failed` and `skipped` rows are mapped
 * back, so the output has one item per input item, paired. A failed or
 * skipped row stops the run (no later batch is sent) with an error that
 * names every debt created so far, or becomes an error item with Continue On
 * Fail.
 */
export async function runAll(this: IExecuteFunctions, run: RunContext, control: RunAllControl): Promise<INodeExecutionData[]> {
	const items = this.getInputData();
	const results: INodeExecutionData[][] = new Array(items.length);
	const { batchSize, batchName } = readBatchOptions(this);
	let stop: { itemIndex: number; error: NodeError } | undefined;
	const fail = (error: NodeError, itemIndex: number) => {
		if (control.continueOnFail) results[itemIndex] = [control.errorItem(error, itemIndex)];
		else if (!stop || itemIndex < stop.itemIndex) stop = { itemIndex, error };
	};

	const bodies = new Map<number, IDataObject>();
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			bodies.set(itemIndex, readFields(this, itemIndex, run, DEBT, CREATE_SOURCES, 'create', false));
		} catch (error) {
			fail(error as NodeError, itemIndex);
		}
	}
	if (stop) throw (stop as { error: NodeError }).error; // nothing was sent

	const valid = [...bodies.keys()];
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
					action: `create ${chunk.length} debts (items ${chunk[0]} to ${chunk[chunk.length - 1]})`,
					itemLabel: chunk.length === 1 ? `item ${chunk[0]}` : `items ${chunk[0]} to ${chunk[chunk.length - 1]}`,
				}),
			);
		} catch (error) {
			chunk.forEach((itemIndex) => fail(error as NodeError, itemIndex));
			continue;
		}
		const reported = new Set<number>();
		for (const row of asRows(data.created)) {
			const itemIndex = itemOfRow(row, chunk);
			if (itemIndex === undefined) continue;
			reported.add(itemIndex);
			const echo = (row.data as IDataObject | undefined) ?? {};
			results[itemIndex] = [
				{
					json: { debt_id: row.debt_id, import_id: data.import_id, temp_id: row.temp_id, status: row.status, ...echo },
					pairedItem: { item: itemIndex },
				},
			];
		}
		for (const [rows, what] of [
			[asRows(data.failed), 'did not create'],
			[asRows(data.skipped), 'skipped'],
		] as const) {
			for (const row of rows) {
				const itemIndex = itemOfRow(row, chunk);
				if (itemIndex === undefined) continue;
				reported.add(itemIndex);
				const reason = rowReason(row);
				fail(
					new NodeApiError(this.getNode(), { message: reason, ...(row.errors ? { details: row.errors as JsonObject } : {}) } as JsonObject, {
						message: `GetBill ${what} the debt of item ${itemIndex}: ${reason}`,
						description:
							what === 'skipped'
								? 'GetBill skips rows that look like template or instruction lines (values with * or "champs obligatoires"). Correct the row if it is a real debt.'
								: 'GetBill checked this debt on its own and refused it; the other debts of the batch were handled. Correct the fields named and create this one again.',
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
		reportCreated(stopped.error, results, stopped.itemIndex);
		throw stopped.error;
	}
	return results.filter((r) => r !== undefined).flat();
}

/** The stopping error names every debt created in this run, so that nobody creates them again. */
function reportCreated(error: NodeError, results: INodeExecutionData[][], failedItem: number): void {
	const created = results
		.map((output, itemIndex) => ({ itemIndex, ids: output?.[0]?.json.debt_id === undefined ? [] : [output[0].json.debt_id] }))
		.filter(({ ids }) => ids.length > 0);
	error.context.itemIndex = failedItem;
	if (created.length === 0) {
		error.description = error.description ? `${error.description}\n\nNo debt was created in this run.` : 'No debt was created in this run.';
		return;
	}
	noteDoneItems(
		error,
		created,
		'debt',
		(listed) =>
			`GetBill created the debts of ${created.length} item(s) in this run before it stopped: ${listed}. ` +
			'They are not in the output because the run stopped: do not create them again. No later batch was sent.',
	);
}
