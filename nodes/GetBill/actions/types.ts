/**
 * The shapes every operation and the run share: the run's context, what an
 * operation's `prepare` returns (a Send), what a request is about, an
 * operation choice, and an item done before a run stopped. Types only.
 */
import type { INodeExecutionData, INodePropertyOptions } from 'n8n-workflow';

import type { GetBillRequest } from '../transport';
import type { ErrorContext, RequestKind } from '../transport/types';
import type { QuotaGate } from '../transport/quota';
import type { RetryPolicy } from '../transport/retry';

/** What every item of one run shares. */
export interface RunContext {
	baseUrl: string;
	/** The resource's noun, for messages and hints ("followup") */
	noun: string;
	/** What the run's operation does (its declared `kind`): every request of the run goes with it */
	kind: RequestKind;
	/** Input keys that "Auto-Map Input Data" did not send, over all items */
	ignoredInputKeys: Set<string>;
	/** Fields that came as null in some input item, so were not sent */
	emptyInputKeys: Set<string>;
	/** Input keys left out by "Input Fields to Ignore" */
	skippedInputKeys: Set<string>;
	/** The retry policy of an item (read once unless an option is an expression) */
	retryPolicy: (itemIndex: number) => RetryPolicy;
	/** The node's version: from 2, API failures name the item in their message */
	version: number;
	/** GetBill's read and write quotas as its answers announce them, and what to do when the write quota runs out */
	gate: QuotaGate;
}

/**
 * What an operation's `prepare` returns: its parameters for one item are read
 * and checked; calling it sends the requests and gives the item's output.
 */
export type Send = (() => Promise<INodeExecutionData[]>) & {
	/** The one request a create or a delete sends: its fingerprint tells a later try whether the item changed (see Tries) */
	request?: GetBillRequest;
};

/** What a request is about, for its error messages (the item is added by `request`). */
export type About = Omit<ErrorContext, 'itemIndex'>;

/** An operation choice, with its action's words in each version (version 2: no articles, e.g. "Update followup"). */
export interface OperationOption extends INodePropertyOptions {
	action: string;
	actionV2: string;
}

/** Items done before a run stopped, with the IDs GetBill gave them. */
export interface DoneItem {
	itemIndex: number;
	ids: unknown[];
}
