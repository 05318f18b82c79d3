import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import * as debt from './actions/debt';
import * as followup from './actions/followup';
import { router } from './actions/router';

export class GetBill implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'GetBill',
		name: 'getBill',
		icon: { light: 'file:getbill.svg', dark: 'file:getbill.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle: '={{ $parameter["operation"] + ": " + $parameter["resource"] }}',
		description: 'Create, get and update debts and followups in GetBill, the debt-collection platform',
		defaults: {
			name: 'GetBill',
		},
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{
				name: 'getBillOAuth2Api',
				required: true,
			},
		],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{
						name: 'Debt',
						value: 'debt',
					},
					{
						name: 'Followup',
						value: 'followup',
					},
				],
				default: 'followup',
			},
			...debt.description,
			...followup.description,
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
