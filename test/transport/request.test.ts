/**
 * The transport alone (getBillApiRequest with a stand-in for n8n's helper):
 * what a request is comes from its operation (ErrorContext.kind), the method
 * only where the caller says nothing.
 */
import type { IExecuteFunctions, IHttpRequestOptions, INode } from 'n8n-workflow';

import type { GetBillRequest } from '../../nodes/GetBill/transport';
import { getBillApiRequest } from '../../nodes/GetBill/transport';
import type { ErrorContext } from '../../nodes/GetBill/transport/types';
import { DEFAULT_RETRY_POLICY } from '../../nodes/GetBill/transport/retry';

const node: INode = { id: '1', name: 'GetBill', type: 'n8n-nodes-getbill.getBill', typeVersion: 1, position: [0, 0], parameters: {} };
const BASE_URL = 'https://getbill.example';
const POLICY = { ...DEFAULT_RETRY_POLICY, baseDelayMs: 1, maxDelayMs: 2 };

/** What axios throws for an HTTP answer. */
function httpError(status: number, data: unknown = { error: true, message: 'Service unavailable', code: status }) {
	return Object.assign(new Error(`Request failed with status code ${status}`), { response: { status, data, headers: {} } });
}

/** A stand-in for n8n: each request gets the next answer (an error is thrown); the requests are kept. */
function helper(...answers: unknown[]) {
	const sent: IHttpRequestOptions[] = [];
	const ctx = {
		getNode: () => node,
		helpers: {
			httpRequestWithAuthentication: async (_credential: string, options: IHttpRequestOptions) => {
				sent.push(options);
				const answer = answers.shift() ?? { body: { data: { ok: true } }, headers: {} };
				if (answer instanceof Error) throw answer;
				return answer;
			},
		},
	} as unknown as IExecuteFunctions;
	return { ctx, sent };
}

const send = (ctx: IExecuteFunctions, request: GetBillRequest, about: ErrorContext) =>
	getBillApiRequest.call(ctx, request, about, BASE_URL, POLICY);

describe('what a request is', () => {
	it('a PATCH from a caller that declares no kind is an update (the method table): sent again after a 503', async () => {
		const { ctx, sent } = helper(httpError(503));
		await expect(send(ctx, { method: 'PATCH', path: '/external-api/v1/creditors/c1', body: { city: 'Paris' } }, { action: 'update creditor "c1"', noun: 'creditor' })).resolves.toEqual({
			data: { ok: true },
		});
		expect(sent.map((o) => o.method)).toEqual(['PATCH', 'PATCH']);
	});

	it('the operation\'s declared kind, not the method, decides: retries, words and scope', async () => {
		const asUpdate = helper(httpError(503));
		await send(asUpdate.ctx, { method: 'POST', path: '/external-api/v1/x' }, { action: 'update x', noun: 'debt', kind: 'update' });
		expect(asUpdate.sent).toHaveLength(2);

		const asCreate = helper(httpError(503));
		const error = await send(asCreate.ctx, { method: 'PUT', path: '/external-api/v1/x' }, { action: 'create x', noun: 'debt', kind: 'create' }).catch((e: Error) => e);
		expect(asCreate.sent).toHaveLength(1);
		expect((error as { description?: string }).description).toBe(
			'This is usually temporary. Run again later, or raise Max Retries under Options. Before running again, check in GetBill whether the debt was created: a create sent twice makes two debts.',
		);

		const denied = helper(httpError(403, { error: true, message: 'Forbidden', code: 403 }));
		const refused = await send(denied.ctx, { method: 'POST', path: '/external-api/v1/x' }, { action: 'delete x', noun: 'debt', kind: 'delete' }).catch((e: Error) => e);
		expect((refused as { description?: string }).description).toMatch(/^The OAuth client needs the debts:write scope to delete debts\./);
	});
});
