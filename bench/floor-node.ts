/**
 * The benchmark's floor: the least any n8n node can do for the same PUTs. It
 * sends each item's PUT through the same n8n helper and credential as the
 * GetBill node (`httpRequestWithAuthentication`, OAuth2 client credentials), at
 * the same concurrency, first request alone, but reads no parameter, evaluates
 * no expression, validates nothing and retries nothing. The GetBill node's time
 * over this floor is the node's own cost; the floor's time over the bare fetch
 * loop is the cost of running inside n8n with n8n's request helper.
 */
import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

export function floorNode(baseUrl: string, body: IDataObject, concurrency: number): INodeType {
	const description: INodeTypeDescription = {
		displayName: 'Floor',
		name: 'floor',
		group: ['output'],
		version: 1,
		description: "The same PUTs through n8n's helper, nothing else",
		defaults: { name: 'Floor' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'getBillOAuth2Api', required: true }],
		properties: [],
	};
	async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const out: INodeExecutionData[] = new Array(items.length);
		const send = async (i: number) => {
			const response = (await this.helpers.httpRequestWithAuthentication.call(this, 'getBillOAuth2Api', {
				method: 'PUT',
				url: `${baseUrl}/external-api/v1/followups/${encodeURIComponent(String(items[i].json.id))}`,
				body,
				json: true,
				headers: { Accept: 'application/json' },
			})) as IDataObject;
			out[i] = { json: response.data as IDataObject, pairedItem: { item: i } };
		};
		let next = 0;
		if (items.length > 0) await send(next++);
		const worker = async () => {
			while (next < items.length) await send(next++);
		};
		await Promise.all(Array.from({ length: Math.min(concurrency, items.length - next) }, worker));
		return [out];
	}
	return { description, execute };
}
