import type { GetBillRequest } from '../../transport';
import type { ReadFields } from '../../fields/types';
import { outputFields } from '../output';
import type { ItemRun } from './itemRun';
import type { BatchRow } from './types';

/**
 * Step 1, before any request: every item's part is read and checked (a
 * create's fields, a batch's row), and an item an earlier try of this run
 * already did is given back instead (Retry On Fail). The first invalid item
 * stops the run before anything is sent; with Continue On Fail it becomes an
 * error item and the others go on. Gives the items to send, by item.
 */
export function checkEvery<T>(run: ItemRun, read: (itemIndex: number) => T, requestOf: (part: T) => GetBillRequest | undefined, rebuildOf?: (part: T) => BatchRow['rebuild']): Map<number, T> {
	const parts = new Map<number, T>();
	for (let itemIndex = 0; itemIndex < run.total && !run.stop && !run.cancelled(); itemIndex++) {
		try {
			const part = read(itemIndex);
			if (!run.givenBack(itemIndex, requestOf(part), rebuildOf?.(part))) parts.set(itemIndex, part);
		} catch (caught) {
			run.fail(caught, itemIndex);
		}
	}
	return parts;
}

/**
 * Step 1 of a read: the fields each item's output keeps (undefined: all), read
 * before any request: a tool's Fields to Return naming a field GetBill does
 * not return stops the run, or makes that item's error (Continue On Fail).
 */
export function checkOutputFields(run: ItemRun, reads: ReadFields | undefined): Array<readonly string[] | undefined> {
	const kept: Array<readonly string[] | undefined> = new Array(run.total);
	for (let itemIndex = 0; reads && itemIndex < run.total && !run.stop; itemIndex++) {
		try {
			kept[itemIndex] = outputFields(run.ctx, itemIndex, reads, run.policy.asTool);
		} catch (caught) {
			run.fail(caught, itemIndex);
		}
	}
	return kept;
}
