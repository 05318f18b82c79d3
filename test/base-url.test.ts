/**
 * Issue #28, point 6: the credential's Base URL is normalised the same way
 * where n8n fetches the token (the credential's token URL expression) and
 * where the node sends its requests (getBaseUrl), or refused with a message
 * that names it; run by n8n-core's engine against the GetBill-like server.
 */
import { GetBillOAuth2Api } from '../credentials/GetBillOAuth2Api.credentials';
import { normaliseBaseUrl } from '../nodes/GetBill/transport';
import { newCredentials, resolveCredential, runGetBill } from './helpers/n8n-harness';
import { useGetBillServer } from './helpers/server';

const type = new GetBillOAuth2Api();
const gb = useGetBillServer({ followupIds: ['fu00007'] });

describe('one Base URL for the token and the requests', () => {
	it.each([
		[' https://getbill.io ', 'https://getbill.io'],
		['https://getbill.io/ ', 'https://getbill.io'],
		['\thttp://127.0.0.1:8787//\n', 'http://127.0.0.1:8787'],
		['https://proxy.example.com/getbill/ ', 'https://proxy.example.com/getbill'],
		['', 'https://getbill.io'],
		['   ', 'https://getbill.io'],
		['/', 'https://getbill.io'],
	])('Base URL %j: token at %s/token, requests under the same address', (baseUrl, normalised) => {
		expect(resolveCredential(type, { baseUrl }).accessTokenUrl).toBe(`${normalised}/token`);
		expect(normaliseBaseUrl(baseUrl)).toBe(normalised);
	});

	it('a Base URL with a trailing slash and space gets its token and its answer (before: the token URL kept the space, so no token was issued)', async () => {
		const result = await runGetBill({
			credentials: newCredentials(`  ${gb.url}/ `),
			typeVersion: 2,
			parameters: { resource: 'followup', operation: 'get', followupId: { __rl: true, mode: 'id', value: 'fu00007' } },
		});
		expect(result.error).toBeUndefined();
		expect(gb.server.tokenRequests.map((t) => t.status)).toEqual([200]);
		expect(result.outputs[0][0].json.id).toBe('fu00007');
	});

	it('a Base URL that is not a web address is refused before any request, naming it', async () => {
		const result = await runGetBill({
			credentials: newCredentials('getbill.io'),
			typeVersion: 2,
			parameters: { resource: 'followup', operation: 'get', followupId: { __rl: true, mode: 'id', value: 'fu00007' } },
		});
		expect(result.error?.message).toBe('The credential\'s Base URL is not a web address: "getbill.io"');
		expect(result.error?.description).toContain('e.g. https://getbill.io');
		expect(gb.server.tokenRequests).toHaveLength(0);
		expect(gb.server.requests).toHaveLength(0);
	});
});
