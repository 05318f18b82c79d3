import type { ICredentialType, INodeProperties, Icon } from 'n8n-workflow';

/**
 * The secret GetBill signs its webhooks with (X-GetBill-Signature). GetBill has
 * no endpoint that checks it, so the GetBill Trigger node tests it locally
 * (testedBy) and checks it against the signature of every event it receives.
 */
export class GetBillWebhookApi implements ICredentialType {
	name = 'getBillWebhookApi';

	displayName = 'GetBill Webhook API';

	icon: Icon = { light: 'file:getbill.svg', dark: 'file:getbill.dark.svg' };

	documentationUrl = 'https://docs.getbill.io/guides/webhooks-integration';

	properties: INodeProperties[] = [
		{
			displayName: 'Webhook Secret',
			name: 'secret',
			type: 'string',
			typeOptions: {
				password: true,
			},
			default: '',
			description:
				'The secret of the webhook in GetBill\'s dashboard (webhook settings), where you also paste the trigger\'s Production URL. GetBill signs every event with it.',
			required: true,
		},
	];
}
