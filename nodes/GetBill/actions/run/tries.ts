import type { IContextObject, IDataObject, IExecuteFunctions, IHttpRequestMethods, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { GetBillRequest } from '../../transport';
import type { RequestKind } from '../../transport/types';

import { nodeContext } from './store';

/** Keys in the node's execution context (`this.getContext('node')`). */
const WRITES_KEY = 'getBillWrites';
/** What versions up to 0.2.0 kept: every done write's whole output, by run index and item index (read, never written). */
const LEGACY_KEY = 'getBillDoneItems';

/**
 * What an earlier try of this run did for one item, kept so that no later try
 * sends a create or a delete twice:
 * - `f`: the fingerprint of the request the item sent (method, path, body);
 * - `id`: the record it created (or deleted);
 * - `o`: the item's output, where it cannot be rebuilt from the rest (a single
 *   create gives back GetBill's whole record; a delete `{id, deleted}`);
 * - `b`: the body a single create sent, to name the values it was created with;
 * - `i`, `s`: for Create Many, the index of its import in the run's `imports`
 *   and the row's status where it is not `valid` (its output is rebuilt from
 *   these and the body, the same as then since the fingerprint matches).
 */
export interface DoneWrite {
	f: string;
	id?: string | number;
	o?: IDataObject[];
	b?: IDataObject;
	i?: number;
	s?: string;
}

/** What the context holds for one run of the node: the writes done, by item index. */
interface RunMemory {
	items: Record<string, DoneWrite>;
	/** Create Many: the import IDs of its batches */
	imports?: string[];
}

/**
 * JSON with the keys of every object in order: the same request gives the
 * same text whatever order its fields were read in.
 */
function canonical(value: unknown): string {
	if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
	if (value !== null && typeof value === 'object') {
		const entries = Object.keys(value)
			.filter((key) => (value as IDataObject)[key] !== undefined)
			.sort()
			.map((key) => `${JSON.stringify(key)}:${canonical((value as IDataObject)[key])}`);
		return `{${entries.join(',')}}`;
	}
	return JSON.stringify(value) ?? 'null';
}

/**
 * The fingerprint of a request: a 53-bit hash (cyrb53) of its method, path and
 * canonical body, in base 36 (about 11 characters). Two different requests of
 * one item match by chance once in 2^53; linear in the body's size.
 */
export function fingerprint(method: IHttpRequestMethods | string, path: string, body?: unknown): string {
	const text = `${method} ${path} ${body === undefined ? '' : canonical(body)}`;
	let h1 = 0xdeadbeef;
	let h2 = 0x41c6ce57;
	for (let i = 0; i < text.length; i++) {
		const c = text.charCodeAt(i);
		h1 = Math.imul(h1 ^ c, 2654435761);
		h2 = Math.imul(h2 ^ c, 1597334677);
	}
	h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
	h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
	return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36);
}

/** Which run of the node in the execution this is (a loop runs it again): 0 where n8n does not say. */
function runIndexOf(ctx: IExecuteFunctions): string {
	try {
		const index = ctx.getWorkflowDataProxy?.(0)?.$thisRunIndex;
		return String(typeof index === 'number' ? index : 0);
	} catch {
		return '0';
	}
}

/** How the run of the node ends, which decides whether a later try can read what it did. */
export type RunEnd = 'done' | 'errorItems' | 'thrown' | 'cancelled';

/**
 * What earlier tries of this run of the node did, so that no create or delete
 * is sent twice, and what the node knows of GetBill's quotas.
 *
 * Two things in n8n run a node again with what it left in its context (which
 * n8n-core's WorkflowExecute keeps in the execution's data, under
 * `node:<name>`): the node's **Retry On Fail**, which runs `execute` again in
 * the same execution after it threw (or gave an error item first, with
 * Continue On Fail); and the executions list's **Retry** ("with currently
 * saved workflow" or "with original workflow"), which n8n offers for a failed
 * execution whose data was saved: it drops the failed run of the node and
 * runs the node again with the same input, the same run index and the saved
 * context, with the node's parameters as saved now where the user chose so.
 *
 * Only what must not be repeated is kept: creates and deletes (`kind`).
 * Updates are safe to send again, and are (a corrected node sets the new
 * values); reads are never kept. An earlier create is given back only when
 * the item would send the same request now (its fingerprint); otherwise the
 * run stops that item, naming the record created then.
 *
 * And it is kept only where a later try can read it (see `end`): when the run
 * throws (the execution fails and can be retried, or Retry On Fail runs it
 * again), unless the workflow saves no failed execution and the node has no
 * Retry On Fail; when it gives error items and the node has Retry On Fail.
 * Never as an AI Agent's tool (each call gets a new run index). A run that
 * ends without error forgets it.
 */
export class Tries {
	private readonly store: IContextObject | undefined;
	private readonly runIndex: string;
	/** What earlier tries of this run did (kept for the next try whatever this one does) */
	private readonly earlierRun: RunMemory;
	/** This try's writes, added to the earlier ones when the run ends */
	private readonly done: Record<string, DoneWrite> = {};
	private readonly imports: string[];
	/** Whether this run keeps writes at all: a create or a delete, not as a tool */
	private readonly keepsWrites: boolean;

	constructor(
		private readonly ctx: IExecuteFunctions,
		kind: RequestKind,
		asTool: boolean,
	) {
		const store = nodeContext(ctx);
		this.store = store;
		this.runIndex = runIndexOf(ctx);
		this.keepsWrites = store !== undefined && (kind === 'create' || kind === 'delete') && !asTool;
		const kept = this.keepsWrites ? ((store?.[WRITES_KEY] as Record<string, RunMemory> | undefined)?.[this.runIndex] ?? legacy(store, this.runIndex)) : undefined;
		this.imports = [...(kept?.imports ?? [])];
		this.earlierRun = { items: { ...(kept?.items ?? {}) }, imports: this.imports };
	}

	/** What an earlier try of this run did for the item (a create or delete), if anything. */
	earlier(itemIndex: number): DoneWrite | undefined {
		return this.earlierRun.items[String(itemIndex)];
	}

	/**
	 * What the item gives now, for a create or delete an earlier try of this
	 * run did: that try's output (rebuilt by `rebuild` where only IDs were
	 * kept) when the item would send the same request now, or, when it would
	 * send another, an error that names the record done then and how it
	 * differs (the item is not sent). Undefined: nothing was done for it.
	 */
	givenBack(
		itemIndex: number,
		now: GetBillRequest,
		noun: string,
		rebuild?: (write: DoneWrite, importId: string | undefined) => IDataObject,
	): INodeExecutionData[] | undefined {
		const earlier = this.earlier(itemIndex);
		if (!earlier) return undefined;
		// (A delete kept by 0.2.0 has no fingerprint, but its output names the record: the same one is the same request.)
		const sameLegacyDelete = earlier.f === '' && now.method === 'DELETE' && earlier.id !== undefined && now.path.endsWith(`/${encodeURIComponent(String(earlier.id))}`);
		if ((earlier.f !== '' && earlier.f === fingerprint(now.method, now.path, now.body)) || sameLegacyDelete) {
			const jsons = earlier.o ?? [rebuild ? rebuild(earlier, this.importOf(earlier)) : { id: earlier.id }];
			return jsons.map((json) => ({ json, pairedItem: { item: itemIndex } }));
		}
		throw changedError(this.ctx, itemIndex, earlier, now, noun, this.importOf(earlier));
	}

	/** The import ID of an earlier Create Many entry. */
	importOf(write: DoneWrite): string | undefined {
		return write.i === undefined ? undefined : this.imports[write.i];
	}

	/** The item's create or delete is done: a later try of this run does not send it again. */
	remember(itemIndex: number, write: DoneWrite, importId?: string): void {
		if (!this.keepsWrites) return;
		if (importId !== undefined) {
			let index = this.imports.lastIndexOf(importId);
			if (index < 0) index = this.imports.push(importId) - 1;
			write.i = index;
		}
		this.done[String(itemIndex)] = write;
	}

	/** The run ends: what it did is kept where a later try can read it (see the class), else forgotten. */
	end(how: RunEnd): void {
		const store = this.store;
		if (!store) return;
		const node = this.ctx.getNode();
		const retryOnFail = node.retryOnFail === true;
		let savesFailed = true;
		try {
			savesFailed = this.ctx.getWorkflowSettings?.()?.saveDataErrorExecution !== 'none';
		} catch {
			savesFailed = true;
		}
		const readLater = this.keepsWrites && ((how === 'thrown' && (retryOnFail || savesFailed)) || (how === 'errorItems' && retryOnFail));
		const runs = (store[WRITES_KEY] ?? {}) as Record<string, RunMemory>;
		const items = { ...this.earlierRun.items, ...this.done };
		if (readLater && Object.keys(items).length > 0) {
			runs[this.runIndex] = { items, ...(this.imports.length ? { imports: this.imports } : {}) };
		} else {
			delete runs[this.runIndex];
		}
		if (Object.keys(runs).length) store[WRITES_KEY] = runs;
		else delete store[WRITES_KEY];
		const legacyRuns = store[LEGACY_KEY] as Record<string, unknown> | undefined;
		if (legacyRuns) {
			delete legacyRuns[this.runIndex];
			if (Object.keys(legacyRuns).length === 0) delete store[LEGACY_KEY];
		}
	}
}

/**
 * What a version up to 0.2.0 kept for this run (whole outputs, no
 * fingerprint): each done item becomes a write whose request is unknown
 * (`f` empty), so it is never given back silently nor sent again.
 */
function legacy(store: IContextObject | undefined, runIndex: string): RunMemory | undefined {
	const outputs = (store?.[LEGACY_KEY] as Record<string, Record<string, Array<{ json?: IDataObject }>>> | undefined)?.[runIndex];
	if (!outputs) return undefined;
	const items: Record<string, DoneWrite> = {};
	for (const [itemIndex, output] of Object.entries(outputs)) {
		const json = (output ?? []).map((o) => o.json ?? {});
		items[itemIndex] = { f: '', id: idOf(json[0]?.id), o: json };
	}
	return { items };
}

/** A record's ID as kept: a string or a number GetBill gave, else none. */
export const idOf = (value: unknown): string | number | undefined => (typeof value === 'string' || typeof value === 'number' ? value : undefined);

/** A value in a message: JSON, cut at 60 characters. */
function shown(value: unknown): string {
	const text = value === undefined ? 'not sent' : (JSON.stringify(value) ?? String(value));
	return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** The fields whose values differ between the body sent then and the one now: "amount 100 (now 200)", five at most. */
function differences(then: IDataObject, now: IDataObject): string {
	const names = [...new Set([...Object.keys(then), ...Object.keys(now)])].filter((name) => canonical(then[name]) !== canonical(now[name]));
	const listed = names.slice(0, 5).map((name) => `${name} ${shown(then[name])} (now ${shown(now[name])})`);
	return listed.join(', ') + (names.length > 5 ? ` and ${names.length - 5} more` : '');
}

/**
 * The error of an item that a retry would send differently from what an
 * earlier try of the run already created (or deleted): it names the record
 * and the values it was created with, and is not sent, never silently.
 */
function changedError(
	ctx: IExecuteFunctions,
	itemIndex: number,
	earlier: DoneWrite,
	now: GetBillRequest,
	noun: string,
	importId: string | undefined,
): NodeOperationError {
	const record = `${noun} "${String(earlier.id ?? 'unknown')}"`;
	if (now.method === 'DELETE') {
		return new NodeOperationError(ctx.getNode(), `Item ${itemIndex} deleted ${record} in an earlier try of this execution and now names another ${noun}: it was not sent [item ${itemIndex}]`, {
			itemIndex,
			description: `The ${noun} deleted then stays deleted. Set the node back to it and retry, or delete the ${noun} the item names now in a new execution.`,
		});
	}
	const diff = earlier.b && now.body ? differences(earlier.b, now.body) : '';
	const values = diff
		? `, with ${diff}`
		: earlier.f === ''
			? ' (by an earlier version of the node, which did not keep what it sent)'
			: `${importId ? ` (import "${importId}")` : ''}, with other values than it has now`;
	return new NodeOperationError(ctx.getNode(), `Item ${itemIndex} created ${record} in an earlier try of this execution${values}: it was not sent again [item ${itemIndex}]`, {
		itemIndex,
		description:
			`Sending it would create a second ${noun}. Either set the node back to the values it was created with and retry (the ${noun} created then is given back), ` +
			`or update or delete ${record} in GetBill and run the workflow anew without this item.`,
	});
}
