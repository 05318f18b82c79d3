/** The Status filter of the debt lists (GetBill does not document the form it takes: sent as typed). */
import type { INodeProperties } from 'n8n-workflow';

export const STATUS_FILTER: INodeProperties[] = [
	{
		displayName: 'Status',
		name: 'status',
		type: 'string',
		default: '',
		placeholder: 'e.g. status.default.paid',
		description:
			'Only debts with this status, sent as typed: GetBill does not document which form its filter takes (debts show e.g. status.default.paid; its examples filter with active)',
	},
];
