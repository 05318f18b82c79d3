import type { INodeProperties } from 'n8n-workflow';

import { DEBT } from '../../resources/debt';
import { optionsProperty } from '../options';
import { outputProperties } from '../output';
import { operationProperty } from '../descriptions';
import * as create from './create.operation';
import * as createMany from './createMany.operation';
import * as del from './delete.operation';
import * as get from './get.operation';
import * as getAll from './getAll.operation';
import * as getAllByCreditor from './getAllByCreditor.operation';
import * as getAllByDebtor from './getAllByDebtor.operation';
import * as update from './update.operation';

export { create, createMany, del, get, getAll, getAllByCreditor, getAllByDebtor, update };

export const description: INodeProperties[] = [
	...operationProperty(
		'debt',
		[
			{
				name: 'Create',
				value: 'create',
				description: 'Create a debt',
				action: 'Create a debt',
				actionV2: 'Create debt',
			},
			{
				name: 'Create Many',
				value: 'createMany',
				description: 'Create up to 1,000 debts per request (one write against the rate limit per request)',
				action: 'Create many debts',
				actionV2: 'Create many debts',
			},
			{
				name: 'Delete',
				value: 'delete',
				description: 'Delete a debt and its followups, for good',
				action: 'Delete a debt',
				actionV2: 'Delete debt',
			},
			{
				name: 'Get',
				value: 'get',
				description: 'Get a debt',
				action: 'Get a debt',
				actionV2: 'Get debt',
			},
			{
				name: 'Get Many',
				value: 'getAll',
				description: 'Get many debts',
				action: 'Get many debts',
				actionV2: 'Get many debts',
			},
			{
				name: 'Get Many by Creditor',
				value: 'getAllByCreditor',
				description: 'Get the debts of one creditor',
				action: 'Get many debts of a creditor',
				actionV2: 'Get debts of creditor',
			},
			{
				name: 'Get Many by Debtor',
				value: 'getAllByDebtor',
				description: 'Get the debts of one debtor',
				action: 'Get many debts of a debtor',
				actionV2: 'Get debts of debtor',
			},
			{
				name: 'Update',
				value: 'update',
				description: 'Update a debt: status (e.g. Paid), amount, contact details',
				action: 'Update a debt',
				actionV2: 'Update debt',
			},
		],
		'create',
	),
	...create.description,
	...createMany.description,
	...del.description,
	...get.description,
	...getAll.description,
	...getAllByCreditor.description,
	...getAllByDebtor.description,
	...update.description,
	...outputProperties(DEBT, ['get', 'getAll', 'getAllByCreditor', 'getAllByDebtor']),
	optionsProperty('debt', ['create', 'delete', 'get', 'getAll', 'getAllByCreditor', 'getAllByDebtor', 'update']),
];
