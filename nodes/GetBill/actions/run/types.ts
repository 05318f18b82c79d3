/**
 * What an operation gives the run (the item policy of run/index.ts): the
 * shapes every operation file fills in, below both the router and the
 * resources, so neither imports the other.
 */
import type { IDataObject, IExecuteFunctions, NodeApiError, NodeOperationError } from 'n8n-workflow';

import type { ReadFields } from '../../fields/types';
import type { GetBillRequest } from '../../transport';
import type { RequestKind } from '../../transport/types';
import type { RunContext, Send } from '../types';
import type { DoneWrite } from './tries';

export type NodeError = NodeApiError | NodeOperationError;

/**
 * One item, one Send: `prepare` reads and checks an item's parameters, the
 * Send it returns makes the requests.
 */
export interface ItemOperation {
	prepare: (this: IExecuteFunctions, itemIndex: number, run: RunContext) => Send;
	/**
	 * What its requests do (read, create, update, delete), said once here: the
	 * transport retries, words and scopes them by it (every request of the run
	 * carries it), and the run derives from it whether they may be sent again
	 * (`isSafeToRepeat`). One that may not (a create, a delete) never runs
	 * concurrently in a run that a failure stops, so no request is sent after
	 * an earlier item failed.
	 */
	kind: RequestKind;
	/** What a read returns: the output keeps some of its fields (version 2's Simplify, a tool's Tool Output; see outputFields) */
	reads?: ReadFields;
}

/** One item's row of a batch request, read and checked. */
export interface BatchRow {
	body: IDataObject;
	/** The request as the item's fingerprint sees it (its row alone): a later try gives the item back when it is the same */
	request: GetBillRequest;
	/** The item's output, rebuilt from what an earlier try kept (IDs, status) and this row */
	rebuild: (write: DoneWrite, importId: string | undefined) => IDataObject;
}

/** A row GetBill refused or skipped: the item and GetBill's reason, for the report that names every one. */
export interface Refusal {
	itemIndex: number;
	reason: string;
	skipped: boolean;
	/** For a phone in a costly destination: where the item accepts the cost */
	advice?: string;
}

/** What GetBill answered for one batch, by item. */
export interface BatchAnswer {
	created: Array<{ itemIndex: number; json: IDataObject; write: Omit<DoneWrite, 'f'>; importId?: string }>;
	/** Rows refused or skipped (with the refusal), or not reported at all (without) */
	refused: Array<{ itemIndex: number; error: NodeError; refusal?: Refusal }>;
}

/** How a batch operation sends, as its options say (read once per run, before any item is checked). */
export interface Batches {
	size: number;
	send: (run: RunContext, chunk: number[], rows: Map<number, BatchRow>) => Promise<BatchAnswer>;
}

/**
 * Many items, one request (Create Many): one more way of sending, inside the
 * same run: every item's row is checked first, batches go one at a time, and
 * the rows of GetBill's answer are mapped back to their items.
 */
export interface BatchOperation {
	kind: RequestKind;
	batches: (this: IExecuteFunctions) => Batches;
	row: (this: IExecuteFunctions, itemIndex: number, run: RunContext) => BatchRow;
}

export type Operation = ItemOperation | BatchOperation;
