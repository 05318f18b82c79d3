import type { INodeProperties } from 'n8n-workflow';

import { FOLLOWUP } from '../../resources/followup';
import { optionsProperty } from '../options';
import { outputProperties } from '../output';
import { operationProperty } from '../descriptions';
import * as create from './create.operation';
import * as get from './get.operation';
import * as getAll from './getAll.operation';
import * as getAllByDebt from './getAllByDebt.operation';
import * as update from './update.operation';

export { create, get, getAll, getAllByDebt, update };

export const description: INodeProperties[] = [
	...operationProperty(
		'followup',
		[
			{
				name: 'Create',
				value: 'create',
				description: 'Create a followup for a debt',
				action: 'Create a followup',
				actionV2: 'Create followup',
			},
			{
				name: 'Get',
				value: 'get',
				description: 'Get a followup',
				action: 'Get a followup',
				actionV2: 'Get followup',
			},
			{
				name: 'Get Many',
				value: 'getAll',
				description: 'Get many followups, filtered by status or type',
				action: 'Get many followups',
				actionV2: 'Get many followups',
			},
			{
				name: 'Get Many by Debt',
				value: 'getAllByDebt',
				description: 'Get the followups of one debt',
				action: 'Get many followups of a debt',
				actionV2: 'Get followups of debt',
			},
			{
				name: 'Update',
				value: 'update',
				description: 'Update a followup: status, call results, notes, schedule',
				action: 'Update a followup',
				actionV2: 'Update followup',
			},
		],
		'update',
	),
	...create.description,
	...get.description,
	...getAll.description,
	...getAllByDebt.description,
	...update.description,
	...outputProperties(FOLLOWUP, ['get', 'getAll', 'getAllByDebt']),
	optionsProperty('followup', ['create', 'get', 'getAll', 'getAllByDebt', 'update']),
];
