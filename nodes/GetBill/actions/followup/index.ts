import type { INodeProperties } from 'n8n-workflow';

import * as update from './update.operation';

export { update };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['followup'] } },
		options: [
			{
				name: 'Update',
				value: 'update',
				description: 'Update a followup: status, call results, notes, schedule',
				action: 'Update a followup',
			},
		],
		default: 'update',
	},
	...update.description,
];
