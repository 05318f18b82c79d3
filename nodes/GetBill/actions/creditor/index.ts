import type { INodeProperties } from 'n8n-workflow';

import { optionsProperty } from '../options';
import { operationProperty } from '../shared';
import * as get from './get.operation';
import * as getAll from './getAll.operation';
import * as update from './update.operation';

export { get, getAll, update };

export const description: INodeProperties[] = [
	operationProperty(
		'creditor',
		[
				{ name: 'Get', value: 'get', description: 'Get a creditor, with the totals of their debts', action: 'Get a creditor' },
				{ name: 'Get Many', value: 'getAll', description: 'Get many creditors', action: 'Get many creditors' },
				{ name: 'Update', value: 'update', description: 'Update a creditor\'s details (only the fields given)', action: 'Update a creditor' },
			],
		'get',
	),
	...get.description,
	...getAll.description,
	...update.description,
	optionsProperty('creditor', ['get', 'getAll', 'update']),
];
