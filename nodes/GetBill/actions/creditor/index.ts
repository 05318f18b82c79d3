import type { INodeProperties } from 'n8n-workflow';

import { CREDITOR } from '../../resources/creditor';
import { optionsProperty } from '../options';
import { outputProperties } from '../output';
import { operationProperty } from '../descriptions';
import * as get from './get.operation';
import * as getAll from './getAll.operation';
import * as update from './update.operation';

export { get, getAll, update };

export const description: INodeProperties[] = [
	...operationProperty(
		'creditor',
		[
			{
				name: 'Get',
				value: 'get',
				description: 'Get a creditor, with the totals of their debts',
				action: 'Get a creditor',
				actionV2: 'Get creditor',
			},
			{
				name: 'Get Many',
				value: 'getAll',
				description: 'Get many creditors',
				action: 'Get many creditors',
				actionV2: 'Get many creditors',
			},
			{
				name: 'Update',
				value: 'update',
				description: 'Update a creditor\'s details (only the fields given)',
				action: 'Update a creditor',
				actionV2: 'Update creditor',
			},
		],
		'get',
	),
	...get.description,
	...getAll.description,
	...update.description,
	...outputProperties(CREDITOR, ['get', 'getAll']),
	optionsProperty('creditor', ['get', 'getAll', 'update']),
];
