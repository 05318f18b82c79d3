import type { INodeProperties } from 'n8n-workflow';

import { DEBTOR } from '../../resources/debtor';
import { optionsProperty } from '../options';
import { outputProperties } from '../output';
import { operationProperty } from '../descriptions';
import * as get from './get.operation';
import * as getAll from './getAll.operation';
import * as update from './update.operation';

export { get, getAll, update };

export const description: INodeProperties[] = [
	...operationProperty(
		'debtor',
		[
			{
				name: 'Get',
				value: 'get',
				description: 'Get a debtor, with the totals of their debts',
				action: 'Get a debtor',
				actionV2: 'Get debtor',
			},
			{
				name: 'Get Many',
				value: 'getAll',
				description: 'Get many debtors',
				action: 'Get many debtors',
				actionV2: 'Get many debtors',
			},
			{
				name: 'Update',
				value: 'update',
				description: 'Update a debtor\'s contact details',
				action: 'Update a debtor',
				actionV2: 'Update debtor',
			},
		],
		'get',
	),
	...get.description,
	...getAll.description,
	...update.description,
	...outputProperties(DEBTOR, ['get', 'getAll']),
	optionsProperty('debtor', ['get', 'getAll', 'update']),
];
