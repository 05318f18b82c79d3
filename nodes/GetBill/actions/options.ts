import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { RequestKind } from '../transport/types';
import type { WhenQuotaRunsOut } from '../transport/quota';
import { QUOTA_FREES_AT_FIELD } from '../transport/quota';
import type { RetryPolicy } from '../transport/retry';
import { DEFAULT_RETRY_POLICY } from '../transport/retry';
import { runsAsTool } from './readers';

/**
 * The names of the operations that write (every resource names them alike),
 * for the editor's display conditions and outputs, which see only names: the
 * operations whose declared `kind` is not a read (a unit test keeps the two
 * alike). They count against GetBill's write quota.
 */
export const WRITE_OPERATIONS = ['create', 'createMany', 'delete', 'update'] as const;

const WHEN_QUOTA_RUNS_OUT: Array<{ name: string; value: WhenQuotaRunsOut; description: string }> = [
	{
		name: 'Output Unsent Items',
		value: 'outputUnsent',
		description: `No wait: items not sent go to a second output, Unsent, with ${QUOTA_FREES_AT_FIELD} for a Wait node`,
	},
	{
		name: 'Stop',
		value: 'stop',
		description: 'Wait up to Max Rate-Limit Wait for the quota to free up; if it frees up later, stop with an error',
	},
	{
		name: 'Wait',
		value: 'wait',
		description: 'Same as Stop (kept for workflows saved with it)',
	},
];

/**
 * The choice for a write operation when GetBill's write quota runs out with
 * items left. The node's second output exists only with Output Unsent Items
 * (see the node's `outputs`).
 */
const WHEN_QUOTA_RUNS_OUT_OPTION: INodeProperties = {
	displayName: 'When Write Quota Runs Out',
	name: 'whenQuotaRunsOut',
	type: 'options',
	noDataExpression: true,
	options: WHEN_QUOTA_RUNS_OUT,
	default: 'stop',
	description:
		'What to do when GetBill\'s write quota (500 writes per hour per OAuth client) is spent with items left, whether its headers or a 429 said so. Stop waits up to Max Rate-Limit Wait first; Output Unsent Items never waits. The node never sends a write that the quota has no room for.',
	displayOptions: { show: { '/operation': [...WRITE_OPERATIONS] } },
};

export const DEFAULT_CONCURRENCY = 5;
const MAX_CONCURRENCY = 20;
const MAX_RETRIES = 10;
/** The longest rate-limit wait a user may allow: one hour (GetBill asks for at most 30 minutes). */
export const MAX_RATE_LIMIT_WAIT_SECONDS = 3600;

/** The "Options" collection of an operation: retries, rate-limit wait, timeout, concurrency (and a report's Max File Size). */
export function optionsProperty(resource: string, operations: string[]): INodeProperties {
	const fileSize = resource === 'report' && operations.includes('download') ? [MAX_FILE_SIZE_OPTION] : [];
	return optionsCollection(resource, operations, [CONCURRENCY_OPTION, ...fileSize, ...RETRY_OPTIONS, WHEN_QUOTA_RUNS_OUT_OPTION]);
}

/** Report Download: the largest file the node downloads, in MB (0: no limit). */
const MAX_FILE_SIZE_OPTION: INodeProperties = {
	displayName: 'Max File Size (MB)',
	name: 'maxFileSize',
	type: 'number',
	typeOptions: { minValue: 0, numberPrecision: 0 },
	default: 0,
	description:
		'The largest report file to download, in megabytes (0: no limit). A larger file is refused before it is downloaded, from the size GetBill or the file host announces, or as soon as more bytes arrive.',
	displayOptions: { show: { '/operation': ['download'] } },
};

/** Max File Size of Report Download, in bytes; undefined: no limit. */
export function readMaxFileSize(ctx: IExecuteFunctions, itemIndex: number): number | undefined {
	const megabytes = wholeNumber(ctx, readOptions(ctx, itemIndex), 'maxFileSize', 'Max File Size (MB)', 0, 0, Number.MAX_SAFE_INTEGER, itemIndex);
	return megabytes === 0 ? undefined : megabytes * 1024 * 1024;
}

/** The longest Timeout a user may set: one hour. */
const MAX_TIMEOUT_SECONDS = 3600;

function optionsCollection(resource: string, operations: string[], options: INodeProperties[]): INodeProperties {
	return {
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show: { resource: [resource], operation: operations } },
		options,
	};
}

/** Create Many's options: how the items are split into batch requests (sent one at a time), and the retries. */
export function batchOptionsProperty(resource: string, operation: string): INodeProperties {
	return optionsCollection(resource, [operation], [
		{
			displayName: 'Batch Name',
			name: 'batchName',
			type: 'string',
			default: '',
			placeholder: 'e.g. CRM export November',
			description: 'Label of the import in GetBill\'s dashboard (import filter). Empty: GetBill names it "API Batch - DD/MM/YYYY HH:mm".',
		},
		{
			displayName: 'Batch Size',
			name: 'batchSize',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: 1000, numberPrecision: 0 },
			default: 1000,
			description: 'How many debts go in one request (at most 1,000, GetBill\'s limit). Each request counts as one write against the 500 writes per hour.',
		},
		...RETRY_OPTIONS,
		WHEN_QUOTA_RUNS_OUT_OPTION,
	]);
}

export const MAX_BATCH_SIZE = 1000;

/** Batch Size and Batch Name of Create Many: one value each for the run, from the first item. */
export function readBatchOptions(ctx: IExecuteFunctions): { batchSize: number; batchName: string } {
	const options = readOptions(ctx, 0);
	return {
		batchSize: wholeNumber(ctx, options, 'batchSize', 'Batch Size', MAX_BATCH_SIZE, 1, MAX_BATCH_SIZE, 0),
		batchName: typeof options.batchName === 'string' ? options.batchName.trim() : '',
	};
}

const CONCURRENCY_OPTION: INodeProperties = {
		displayName: 'Concurrency',
		name: 'concurrency',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: MAX_CONCURRENCY, numberPrecision: 0 },
		default: 5,
		description:
			'How many requests run at once. The first request finishes before the others start, so one access token serves the whole run. Output keeps the input order. Creates run one at a time unless On Error is set to continue, so none is sent after a failure.',
};

const RETRY_OPTIONS: INodeProperties[] = [
	{
		displayName: 'Max Rate-Limit Wait (Seconds)',
		name: 'maxRateLimitWait',
		type: 'number',
		typeOptions: { minValue: 0, maxValue: 3600, numberPrecision: 0 },
		default: 60,
		description:
			'When GetBill\'s rate limit is reached, whether its headers or a 429 say so, wait until it resets if that is at most this many seconds (0 to 3600), then send. If it resets later, the item fails at once with that time. Writes never wait with When Write Quota Runs Out set to Output Unsent Items. A stopped execution ends the wait at once.',
	},
	{
		displayName: 'Max Retries',
		name: 'maxRetries',
		type: 'number',
		typeOptions: { minValue: 0, maxValue: MAX_RETRIES, numberPrecision: 0 },
		default: 3,
		description:
			'How many times to retry a request after a temporary error (429, 502, 503, 504 or a dropped connection), waiting longer each time. 0 turns retries off. Reads and updates are safe to repeat; a create or delete is retried only after a 429, so it never happens twice.',
	},
	{
		displayName: 'Timeout (Seconds)',
		name: 'timeout',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: MAX_TIMEOUT_SECONDS, numberPrecision: 0 },
		default: 120,
		description:
			'How long to wait for GetBill (or a report\'s file host) to answer, or to send more of its answer, before giving up on the request (1 to 3600). A read or an update that times out is retried within Max Retries; a create or delete is not, and is reported as not known to be done.',
	},
];

function wholeNumber(
	ctx: IExecuteFunctions,
	options: IDataObject,
	name: string,
	label: string,
	fallback: number,
	min: number,
	max: number,
	itemIndex: number,
	clampAbove = false,
): number {
	const value = options[name] ?? fallback;
	const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
	if (typeof number === 'number' && Number.isInteger(number) && number > max && clampAbove) return max;
	if (typeof number !== 'number' || !Number.isInteger(number) || number < min || number > max) {
		const range = `from ${min} to ${max}`;
		throw new NodeOperationError(
			ctx.getNode(),
			`${label} must be a whole number ${range}: ${JSON.stringify(value)} [item ${itemIndex}]`,
			{ itemIndex, description: runsAsTool(ctx) ? `Use a whole number ${range}.` : `Set ${label} under Options to a whole number ${range}.` },
		);
	}
	return number;
}

function readOptions(ctx: IExecuteFunctions, itemIndex: number): IDataObject {
	return ctx.getNodeParameter('options', itemIndex, {}) as IDataObject;
}

/** Whether any option is an expression, so it may differ from item to item. */
function optionsVaryByItem(ctx: IExecuteFunctions): boolean {
	const options = ctx.getNode().parameters.options;
	return (
		typeof options === 'object' &&
		options !== null &&
		Object.values(options).some((v) => typeof v === 'string' && v.startsWith('='))
	);
}

/**
 * The retry policy of each item: read once for the run, or per item when an
 * option is an expression (it may then differ from item to item).
 */
export function retryPolicyReader(ctx: IExecuteFunctions): (itemIndex: number) => RetryPolicy {
	if (optionsVaryByItem(ctx)) return (itemIndex) => readRetryPolicyOf(ctx, itemIndex);
	let policy: RetryPolicy | undefined;
	return () => (policy ??= readRetryPolicyOf(ctx, 0));
}

function readRetryPolicyOf(ctx: IExecuteFunctions, itemIndex: number): RetryPolicy {
	const options = readOptions(ctx, itemIndex);
	return {
		...DEFAULT_RETRY_POLICY,
		maxRetries: wholeNumber(ctx, options, 'maxRetries', 'Max Retries', DEFAULT_RETRY_POLICY.maxRetries, 0, MAX_RETRIES, itemIndex),
		maxRateLimitWaitSeconds: wholeNumber(
			ctx,
			options,
			'maxRateLimitWait',
			'Max Rate-Limit Wait (Seconds)',
			DEFAULT_RETRY_POLICY.maxRateLimitWaitSeconds,
			0,
			MAX_RATE_LIMIT_WAIT_SECONDS,
			itemIndex,
			// Workflows saved before the bound may hold more: they wait at most the bound.
			true,
		),
		timeoutMs:
			wholeNumber(ctx, options, 'timeout', 'Timeout (Seconds)', DEFAULT_RETRY_POLICY.timeoutMs / 1000, 1, MAX_TIMEOUT_SECONDS, itemIndex) * 1000,
	};
}

/** Concurrency is one value for the whole run: the first item's. */
export function readConcurrency(ctx: IExecuteFunctions): number {
	return wholeNumber(ctx, readOptions(ctx, 0), 'concurrency', 'Concurrency', DEFAULT_CONCURRENCY, 1, MAX_CONCURRENCY, 0);
}

/** "When Write Quota Runs Out" of a write operation (one value for the run: the first item's); a read never writes. */
export function readWhenQuotaRunsOut(ctx: IExecuteFunctions, kind: RequestKind): WhenQuotaRunsOut {
	if (kind === 'read') return 'stop';
	const value = readOptions(ctx, 0).whenQuotaRunsOut ?? 'stop';
	const allowed = WHEN_QUOTA_RUNS_OUT.map((o) => o.value as string);
	if (typeof value !== 'string' || !allowed.includes(value)) {
		throw new NodeOperationError(ctx.getNode(), `When Write Quota Runs Out is not a known choice: ${JSON.stringify(value)} [item 0]`, {
			itemIndex: 0,
			description: runsAsTool(ctx)
				? `Use one of: ${allowed.join(', ')}.`
				: `Choose one of: ${WHEN_QUOTA_RUNS_OUT.map((o) => o.name).join(', ')} (values ${allowed.join(', ')}).`,
		});
	}
	return value as WhenQuotaRunsOut;
}
