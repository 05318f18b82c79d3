import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { apiPath, getBillApiRequest } from '../../transport';
import type { RunContext, Send } from './common';
import { fieldsCollection, fieldsToSendProperties, idProperty, outputItems, readFollowupFields, readId } from './common';

const COLLECTION = { name: 'additionalFields', label: 'Additional Fields' };

export const DEBT_ID_HINT =
	'Enter the encrypted ID of a debt of your company (e.g. debt_abc123def456), or map it from a previous node with an expression.';

/** The 404 of a request about a debt */
export function debtNotFound(debtId: string) {
	return {
		message: `Debt "${debtId}" not found`,
		description:
			'Check the Debt ID: it must be the encrypted ID GetBill gives the debt (e.g. debt_abc123def456), and the debt must belong to your company.',
	};
}

export const description: INodeProperties[] = [
	idProperty('debt', 'create', 'The encrypted ID of the debt the new followup belongs to'),
	...fieldsToSendProperties('create', COLLECTION.label),
	fieldsCollection(
		COLLECTION.name,
		COLLECTION.label,
		'The fields of the new followup. Fields not added here are left to GetBill (the status starts as On Hold).',
		'create',
	),
];

/** A create sent twice makes two followups: items run one at a time, none after a failure that stops the run. */
export const safeToRepeat = false;

export function prepare(this: IExecuteFunctions, itemIndex: number, run: RunContext): Send {
	const debtId = readId(this, itemIndex, 'debtId', 'Debt ID', DEBT_ID_HINT);
	const fields = readFollowupFields(this, itemIndex, run, COLLECTION, false);
	const policy = run.retryPolicy(itemIndex);
	return async () => {
		const response = await getBillApiRequest.call(
			this,
			{ method: 'POST', path: apiPath`/followups`, body: { debt_id: debtId, ...fields } },
			{
				action: `create a followup for debt "${debtId}"`,
				itemIndex,
				notFound: debtNotFound(debtId),
			},
			run.baseUrl,
			policy,
		);
		return outputItems((response?.data ?? response) as IDataObject, itemIndex);
	};
}
