/** The credential as n8n resolves it: defaults, token URL, body authentication. */
import { GetBillOAuth2Api } from '../credentials/GetBillOAuth2Api.credentials';
import { resolveCredential } from './helpers/n8n-harness';

const type = new GetBillOAuth2Api();

describe('GetBill OAuth2 API credential', () => {
	it('extends n8n\'s OAuth2 credential under the documented name', () => {
		expect(type.name).toBe('getBillOAuth2Api');
		expect(type.displayName).toBe('GetBill OAuth2 API');
		expect(type.extends).toEqual(['oAuth2Api']);
		expect(type.documentationUrl).toMatch(/^https:\/\//);
		expect(type.icon).toEqual({ light: 'file:getbill.svg', dark: 'file:getbill.dark.svg' });
	});

	it('defaults to client credentials against getbill.io with the followups scopes, credentials in the body', () => {
		const resolved = resolveCredential(type, { clientId: 'id', clientSecret: 'secret' });
		expect(resolved).toMatchObject({
			baseUrl: 'https://getbill.io',
			grantType: 'clientCredentials',
			accessTokenUrl: 'https://getbill.io/token',
			scope: 'followups:read followups:write',
			authentication: 'body',
			clientId: 'id',
			clientSecret: 'secret',
		});
	});

	it.each([
		['http://127.0.0.1:8787', 'http://127.0.0.1:8787/token'],
		['https://staging.getbill.io/', 'https://staging.getbill.io/token'],
		['https://proxy.example.com/getbill//', 'https://proxy.example.com/getbill/token'],
	])('derives the token URL from the base URL %s', (baseUrl, tokenUrl) => {
		expect(resolveCredential(type, { baseUrl }).accessTokenUrl).toBe(tokenUrl);
	});

	it('hides the token URL and the authentication method, and protects the secret', () => {
		const byName = new Map(type.properties.map((p) => [p.name, p]));
		expect(byName.get('accessTokenUrl')!.type).toBe('hidden');
		expect(byName.get('authentication')!.type).toBe('hidden');
		expect(byName.get('clientSecret')!.typeOptions).toEqual({ password: true });
		expect(byName.get('authUrl')!.displayOptions).toEqual({ show: { grantType: ['authorizationCode'] } });
		expect(byName.get('grantType')!.options).toEqual([
			{ name: 'Authorization Code', value: 'authorizationCode' },
			{ name: 'Client Credentials', value: 'clientCredentials' },
		]);
	});
});
