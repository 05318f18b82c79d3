import type { INodeProperties } from 'n8n-workflow';

import { USER } from '../../resources/user';
import { optionsProperty } from '../options';
import { outputProperties } from '../output';
import { operationProperty } from '../descriptions';
import * as getAll from './getAll.operation';

export { getAll };

/** The people with an account in the GetBill company (`users.md`): read only. */
export const description: INodeProperties[] = [
	...operationProperty(
		'user',
		[
			{
				name: 'Get Many',
				value: 'getAll',
				description: 'Get the company\'s users (active and inactive)',
				action: 'Get many users',
				actionV2: 'Get many users',
			},
		],
		'getAll',
	),
	...getAll.description,
	...outputProperties(USER, ['getAll']),
	optionsProperty('user', ['getAll']),
];
