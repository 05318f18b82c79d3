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

import type { WithBuilderHint } from '../shared/builderHint';

import {
	isMultipart,
	parseEvent,
	readRawBody,
	rememberDelivery,
	REPEAT_MEMORY_CAP,
	REPEAT_WINDOW_MAX_MINUTES,
	repeatKey,
	SIGNATURE_HEADER,
	signatureHeaderProblem,
	signatureMatches,
} from './webhook';

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
				// n8n answers an accepted event itself, once it has stored the execution (a failed
				// start gets a 500, which GetBill retries), with the node's webhookResponse: n8n
				// (2.8 and 2.41) sends that only when responseData is empty, not undefined.
				responseData: '',
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
			{
				displayName: 'Ignore Repeated Deliveries',
				name: 'ignoreRepeats',
				type: 'boolean',
				default: false,
				description:
					'Whether to answer a delivery whose exact signed body was already received within the repeat window with 200, without starting the workflow. GetBill signs the body only, so a replayed event, or one GetBill sends again after a lost answer, otherwise starts the workflow again. Works on the Production URL; events are then answered before n8n stores the execution.',
			},
			{
				displayName: 'Repeat Window (Minutes)',
				name: 'repeatWindow',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: REPEAT_WINDOW_MAX_MINUTES },
				default: 60,
				displayOptions: { show: { ignoreRepeats: [true] } },
				description: `How long a delivery is remembered, from when it started the workflow. The last ${REPEAT_MEMORY_CAP.toLocaleString('en-US')} deliveries are kept.`,
				hint: 'Two different events with the same body (e.g. the same status change twice) also count as repeats within the window',
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
		// n8n's log gets why (never the secret, the signature or the body); the sender only the status.
		const warn = (what: string) =>
			this.logger.warn(`GetBill Trigger "${this.getNode().name}" (workflow ${this.getWorkflow().id ?? '?'}) ${what}`);

		const req = this.getRequestObject();
		// Checked before the credential is loaded: an unsigned request costs no decryption.
		const signature = req.headers[SIGNATURE_HEADER];
		const problem = signatureHeaderProblem(signature);
		if (problem !== undefined) {
			warn(`refused a request with 401: ${problem}`);
			return refuse(401, 'Invalid signature');
		}

		const rawBody = await readRawBody(req);
		if (!rawBody) {
			// n8n's form parser consumes a multipart body: there are no bytes to check the signature of.
			if (isMultipart(req.headers['content-type'])) {
				return refuse(415, 'Unsupported media type: send the event as JSON (Content-Type: application/json)');
			}
			return refuse(500, 'n8n did not keep the raw request body, so its signature cannot be checked');
		}

		const { secret } = await this.getCredentials<{ secret?: unknown }>('getBillWebhookApi');
		if (typeof secret !== 'string' || secret === '') {
			warn('refused an event with 500: the GetBill Webhook API credential has no secret');
			return refuse(500, 'The GetBill Webhook API credential has no secret');
		}
		if (!signatureMatches(rawBody, signature as string, secret)) {
			warn(
				'refused a request with 401: its X-GetBill-Signature does not match the body. If GetBill\'s own events are refused, the webhook secret in the credential differs from the one in GetBill\'s dashboard.',
			);
			return refuse(401, 'Invalid signature');
		}

		const event = parseEvent(rawBody);
		if (!event) return refuse(400, 'Invalid payload: expected a JSON object with a string "type"');

		const events = this.getNodeParameter('events', []) as string[];
		if (!events.includes('*') && !events.includes(event.type)) {
			return { webhookResponse: { error: false, message: `Event ${event.type} is not selected: ignored` } };
		}

		const ignoreRepeats = this.getNodeParameter('ignoreRepeats', false) === true;
		if (ignoreRepeats) {
			const window = this.getNodeParameter('repeatWindow', 60);
			if (typeof window !== 'number' || !(window >= 1 && window <= REPEAT_WINDOW_MAX_MINUTES)) {
				warn(`refused an event with 500: Repeat Window (Minutes) is ${String(window)}, not a number of minutes from 1 to ${REPEAT_WINDOW_MAX_MINUTES}`);
				return refuse(500, `The trigger's Repeat Window (Minutes) is not a number from 1 to ${REPEAT_WINDOW_MAX_MINUTES}`);
			}
			// Saved by n8n when the answer is sent (LiveWebhooks.executeWebhook), for the active workflow only.
			const firstAt = rememberDelivery(this.getWorkflowStaticData('node'), repeatKey(rawBody, secret), Date.now(), window);
			if (firstAt !== undefined) {
				const at = new Date(firstAt * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
				return { webhookResponse: { error: false, message: `Event ${event.type} already received at ${at}: repeat ignored` } };
			}
		}

		const received = { error: false, message: `Event ${event.type} received` };
		const workflowData = [this.helpers.returnJsonArray(event as IDataObject)];
		if (ignoreRepeats) {
			// Answered here, before n8n stores the execution: n8n 2.41's WorkflowRunner.run builds
			// another Workflow on the same static data, which clears its "changed" flag, so an answer
			// sent after the run would not save this delivery in the memory (docs/trigger.md).
			res.status(200).json(received);
			return { noWebhookResponse: true, workflowData };
		}
		// Answered by n8n once the execution is stored (responseData '' in the webhook description).
		return { webhookResponse: received, workflowData };
	}
}
