import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import * as company from './actions/company';
import * as creditor from './actions/creditor';
import * as debt from './actions/debt';
import * as debtor from './actions/debtor';
import * as followup from './actions/followup';
import * as report from './actions/report';
import * as user from './actions/user';
import { WRITE_OPERATIONS } from './actions/options';
import { router } from './actions/router';
import { listSearch } from './methods/listSearch';

export class GetBill implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'GetBill',
		name: 'getBill',
		icon: { light: 'file:getbill.svg', dark: 'file:getbill.dark.svg' },
		group: ['output'],
		// No defaultVersion: the editor then gives a new node the highest version (2), and n8n
		// still adds its "Custom API Call" (it skips a node whose defaultVersion is not its version).
		version: [1, 2],
		subtitle: '={{ $parameter["operation"] + ": " + $parameter["resource"] }}',
		description: 'Manage debts, followups, debtors, creditors, reports, company credits and users in GetBill, the debt-collection platform',
		defaults: {
			name: 'GetBill',
		},
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		// A second output, Unsent, only where a write operation's "When Write Quota Runs Out" is Output Unsent Items.
		outputs: `={{ $parameter.options?.whenQuotaRunsOut === 'outputUnsent' && ${JSON.stringify(WRITE_OPERATIONS)}.includes($parameter.operation) ? [{ type: '${NodeConnectionTypes.Main}', displayName: 'Done' }, { type: '${NodeConnectionTypes.Main}', displayName: 'Unsent' }] : ['${NodeConnectionTypes.Main}'] }}`,
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
					{ name: 'Company', value: 'company' },
					{ name: 'Creditor', value: 'creditor' },
					{ name: 'Debt', value: 'debt' },
					{ name: 'Debtor', value: 'debtor' },
					{ name: 'Followup', value: 'followup' },
					{ name: 'Report', value: 'report' },
					{ name: 'User', value: 'user' },
				],
				default: 'followup',
			},
			...company.description,
			...creditor.description,
			...debt.description,
			...debtor.description,
			...followup.description,
			...report.description,
			...user.description,
		],
	};

	methods = { listSearch };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
