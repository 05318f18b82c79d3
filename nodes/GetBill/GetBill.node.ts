import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
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
import type { WithBuilderHint } from '../shared/builderHint';

export type { WithBuilderHint } from '../shared/builderHint';

export class GetBill implements INodeType {
	description: WithBuilderHint = {
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
		builderHint: {
			searchHint:
				'GetBill debt collection: debts, followups (calls, emails, SMS), debtors, creditors, reports, company credits and users. ' +
				'Pick a resource and an operation. IDs are GetBill IDs, e.g. data.id or data.debt_id of a GetBill Trigger event. ' +
				'Create and Update send the fields set on the node, or with Fields to Send "Auto-Map Input Data" the input item\'s fields named as GetBill names them (firstname, amount, email). ' +
				'Writes count against GetBill\'s 500 per hour.',
			relatedNodes: [
				{
					nodeType: 'n8n-nodes-getbill.getBillTrigger',
					relationHint: 'Starts a workflow on a GetBill event; the event\'s data.id and data.debt_id are the IDs this node takes',
				},
				{
					nodeType: '@n8n/n8n-nodes-langchain.agent',
					relationHint: 'Can use this node as a tool; as a tool, reads return Simplified, Raw or Selected Fields (Tool Output)',
				},
			],
		},
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
