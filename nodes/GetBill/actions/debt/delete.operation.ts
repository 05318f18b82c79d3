import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { notFound } from '../../fields/ids';
import { DEBT_ID } from '../../resources/debt';
import type { GetBillRequest } from '../../transport';
import { apiPath } from '../../transport';
import type { RequestKind } from '../../transport/types';
import { idProperty } from '../descriptions';
import { readId } from '../readers';
import { outputItems, request, sendOne } from '../requests';
import type { RunContext, Send } from '../types';

export const description: INodeProperties[] = [
	{
		displayName:
			'Deleting a debt cannot be undone: GetBill also deletes all its followups (payment history is kept). GetBill recommends setting the status to Archived with Update instead.',
		name: 'deleteNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { resource: ['debt'], operation: ['delete'] } },
	},
	...idProperty(DEBT_ID, 'debt', 'delete', 'The encrypted ID of the debt to delete, for good, with its followups'),
];

/** A delete is not repeated: items run one at a time, none after a failure that stops the run. */
export const kind: RequestKind = 'delete';

export function prepare(this: IExecuteFunctions, itemIndex: number, run: RunContext): Send {
	const debtId = readId(this, itemIndex, DEBT_ID);
	const req: GetBillRequest = { method: 'DELETE', path: apiPath`/debts/${debtId}` };
	return sendOne(req, async () => {
		await request.call(this, run, itemIndex, req, {
			action: `delete debt "${debtId}"`,
			notFound: notFound(DEBT_ID, debtId),
		});
		return outputItems({ id: debtId, deleted: true }, itemIndex);
	});
}
