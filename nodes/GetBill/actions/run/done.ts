/** The stop report's list of the items GetBill had done before a run stopped. */
import type { NodeApiError, NodeOperationError } from 'n8n-workflow';

import type { DoneItem } from '../types';

/**
 * Adds to the error that stops a create (or delete) run which items GetBill
 * had already done, with their IDs, every one of them, so nobody sends them
 * again: `item 0 (ID "abc"), item 1 (ID "def")`.
 */
export function noteDoneItems(
	error: NodeApiError | NodeOperationError,
	done: DoneItem[],
	idLabel: string,
	sentence: (listed: string) => string,
): void {
	const listed =
		done
			.map(({ itemIndex, ids }) => `item ${itemIndex}${ids.length ? ` (${idLabel} ${ids.map((id) => `"${String(id)}"`).join(', ')})` : ''}`)
			.join(', ');
	const note = sentence(listed);
	error.description = error.description ? `${error.description}\n\n${note}` : note;
	error.context.itemsDoneBeforeFailure = done.map(({ itemIndex, ids }) => ({ item: itemIndex, ids }));
}
