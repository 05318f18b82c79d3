import type {
	ICredentialDataDecryptedObject,
	ICredentialsDecrypted,
	ICredentialTestFunctions,
	IDataObject,
	IHookFunctions,
	INodeCredentialTestResult,
	INodeType,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import type { WithBuilderHint } from '../GetBill/GetBill.node';

import { isHexSha256, parseEvent, readRawBody, signatureMatches, SIGNATURE_HEADER } from './webhook';

export class GetBillTrigger implements INodeType {
	description: WithBuilderHint = {
		displayName: 'GetBill Trigger',
		name: 'getBillTrigger',
		icon: { light: 'file:getbill.svg', dark: 'file:getbill.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle:
			'={{ ($parameter["events"] || []).includes("*") ? "All events" : ($parameter["events"] || []).join(", ") }}',
		description: 'Starts the workflow when GetBill sends an event (signed webhook)',
		defaults: {
			name: 'GetBill Trigger',
		},
		builderHint: {
			searchHint:
				'Starts a workflow when GetBill sends a signed event about a debt, followup, payment, payment plan, report or the company credits. ' +
				'The item is the event as sent: type (e.g. followup.completed) and data (data.id; data.debt_id for followups and payments). ' +
				'Needs a GetBill Webhook API credential with the webhook secret, and its Production URL pasted into GetBill.',
			relatedNodes: [
				{
					nodeType: 'n8n-nodes-getbill.getBill',
					relationHint: 'Reads or updates the debt or followup of an event, by its data.debt_id or data.id',
				},
			],
		},
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{
				name: 'getBillWebhookApi',
				required: true,
				testedBy: 'getBillWebhookSecret',
			},
		],
		webhooks: [
			{
				name: 'default',
				httpMethod: 'POST',
				responseMode: 'onReceived',
				path: 'webhook',
			},
		],
		properties: [
			{
				displayName:
					'Paste this node\'s Production URL (Webhook URLs, above) into GetBill\'s dashboard, in the Webhooks settings, with the same secret as in the credential, then activate the workflow. Requests without a valid signature are refused and start nothing.',
				name: 'notice',
				type: 'notice',
				default: '',
			},
			{
				displayName: 'Events',
				name: 'events',
				type: 'multiOptions',
				required: true,
				options: [
					{ name: 'All Events', value: '*' },
					{ name: 'Company Credits Low', value: 'company.credits_low' },
					{ name: 'Debt Created', value: 'debt.created' },
					{ name: 'Debt Status Changed', value: 'debt.status_changed' },
					{ name: 'Debt Updated', value: 'debt.updated' },
					{ name: 'Followup Completed', value: 'followup.completed' },
					{ name: 'Followup Created', value: 'followup.created' },
					{ name: 'Followup Failed', value: 'followup.failed' },
					{ name: 'Followup Updated', value: 'followup.updated' },
					{ name: 'Payment Failed', value: 'payment.failed' },
					{ name: 'Payment Plan Canceled', value: 'payment_plan.canceled' },
					{ name: 'Payment Plan Completed', value: 'payment_plan.completed' },
					{ name: 'Payment Plan Created', value: 'payment_plan.created' },
					{ name: 'Payment Received', value: 'payment.received' },
					{ name: 'Report Generated', value: 'report.generated' },
				],
				default: ['*'],
				description:
					'The events that start the workflow. GetBill\'s other events are answered with 200 and ignored.',
			},
		],
	};

	methods = {
		credentialTest: {
			// GetBill offers no endpoint to check a webhook secret; catch what breaks every signature.
			async getBillWebhookSecret(
				this: ICredentialTestFunctions,
				credential: ICredentialsDecrypted<ICredentialDataDecryptedObject>,
			): Promise<INodeCredentialTestResult> {
				const secret = credential.data?.secret;
				if (typeof secret !== 'string' || secret === '') {
					return { status: 'Error', message: 'Enter the webhook secret set in GetBill\'s dashboard' };
				}
				if (secret.trim() !== secret) {
					return {
						status: 'Error',
						message: 'The secret starts or ends with a space or a line break: copy it again without them',
					};
				}
				return {
					status: 'OK',
					message: 'Secret saved. It is checked against the signature of each event GetBill sends.',
				};
			},
		},
	};

	// GetBill has no API to register webhooks: the user pastes the URL into GetBill's
	// dashboard, so there is nothing to check, create or delete on GetBill's side.
	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				return true;
			},
			async create(this: IHookFunctions): Promise<boolean> {
				return true;
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				return true;
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const res = this.getResponseObject();
		// Refusals are answered here, not thrown: n8n would run the workflow with a thrown error.
		const refuse = (status: number, message: string): IWebhookResponseData => {
			res.status(status).json({ error: true, message });
			return { noWebhookResponse: true };
		};

		const { secret } = await this.getCredentials<{ secret?: unknown }>('getBillWebhookApi');
		if (typeof secret !== 'string' || secret === '') {
			return refuse(500, 'The GetBill Webhook API credential has no secret');
		}

		const req = this.getRequestObject();
		const signature = req.headers[SIGNATURE_HEADER];
		if (!isHexSha256(signature)) return refuse(401, 'Invalid signature');

		const rawBody = await readRawBody(req);
		if (!rawBody) {
			return refuse(500, 'n8n did not keep the raw request body, so its signature cannot be checked');
		}
		if (!signatureMatches(rawBody, signature, secret)) return refuse(401, 'Invalid signature');

		const event = parseEvent(rawBody);
		if (!event) return refuse(400, 'Invalid payload: expected a JSON object with a string "type"');

		const events = this.getNodeParameter('events', []) as string[];
		if (!events.includes('*') && !events.includes(event.type)) {
			return { webhookResponse: { error: false, message: `Event ${event.type} is not selected: ignored` } };
		}
		// Answered here too: for a trigger without responseData, n8n's onReceived answer is
		// the text "firstEntryJson" (n8n 2.8 and 2.41). The workflow still starts.
		res.status(200).json({ error: false, message: `Event ${event.type} received` });
		return { noWebhookResponse: true, workflowData: [this.helpers.returnJsonArray(event as IDataObject)] };
	}
}
