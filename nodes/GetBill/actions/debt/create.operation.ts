import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { fieldsCollection, fieldsToSendProperties, mainCreateProperties } from '../../fields/properties';
import { DEBT } from '../../resources/debt';
import type { GetBillRequest } from '../../transport';
import { apiPath } from '../../transport';
import type { RequestKind } from '../../transport/types';
import { expensiveHintOf, readFields } from '../readers';
import { dataOf, outputItems, request, sendOne } from '../requests';
import type { RunContext, Send } from '../types';

/** Under Define Below: the required fields and email/phone as parameters, the rest under Additional Fields. */
export const CREATE_SOURCES = {
	collection: { name: 'additionalFields', label: 'Additional Fields' },
	main: DEBT.fields.filter((f) => f.create === 'main').map((f) => f.name),
};

/** Create's parameters, for Create and for Create Many (the same per item). */
export function createProperties(operation: string): INodeProperties[] {
	return [
		...fieldsToSendProperties(DEBT, operation, CREATE_SOURCES.collection.label, 'create'),
		...mainCreateProperties(DEBT, operation),
		fieldsCollection(DEBT, {
			name: CREATE_SOURCES.collection.name,
			displayName: CREATE_SOURCES.collection.label,
			description: 'The other fields of the new debt. Fields not added here are not sent.',
			operation,
			purpose: 'create',
		}),
	];
}

export const description: INodeProperties[] = createProperties('create');

/** A create sent twice makes two debts: items run one at a time, none after a failure that stops the run. */
export const kind: RequestKind = 'create';

export function prepare(this: IExecuteFunctions, itemIndex: number, run: RunContext): Send {
	const body = readFields(this, itemIndex, run, DEBT, CREATE_SOURCES, 'create', false);
	const req: GetBillRequest = { method: 'POST', path: apiPath`/debts`, body };
	return sendOne(req, async () => {
		const response = await request.call(this, run, itemIndex, req, {
			action: `create the debt of ${String(body.firstname)} ${String(body.lastname)}`,
			expensiveHint: expensiveHintOf(this, itemIndex),
		});
		return outputItems(dataOf(response), itemIndex);
	});
}
