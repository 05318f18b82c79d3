import type { ICredentialType, INodeProperties, Icon } from 'n8n-workflow';

export class GetBillOAuth2Api implements ICredentialType {
	name = 'getBillOAuth2Api';

	extends = ['oAuth2Api'];

	displayName = 'GetBill OAuth2 API';

	icon: Icon = { light: 'file:getbill.svg', dark: 'file:getbill.dark.svg' };

	documentationUrl = 'https://docs.getbill.io/authentication';

	properties: INodeProperties[] = [
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://getbill.io',
			placeholder: 'e.g. https://getbill.io',
			description:
				'Address of GetBill without a path. Change it only for a staging server or a proxy. The token URL is this address followed by /token.',
			required: true,
		},
		{
			displayName: 'Grant Type',
			name: 'grantType',
			type: 'options',
			options: [
				{
					name: 'Authorization Code',
					value: 'authorizationCode',
				},
				{
					name: 'Client Credentials',
					value: 'clientCredentials',
				},
			],
			default: 'clientCredentials',
			description:
				'Client Credentials suits server-to-server workflows. Authorization Code signs in a GetBill user through a browser.',
		},
		{
			displayName: 'Authorization URL',
			name: 'authUrl',
			type: 'string',
			displayOptions: {
				show: {
					grantType: ['authorizationCode'],
				},
			},
			default: '',
			placeholder: 'e.g. https://getbill.io/authorize',
			description:
				'GetBill\'s authorization page for the Authorization Code grant. GetBill does not document it: copy it from your OAuth client\'s settings or ask GetBill support.',
			required: true,
		},
		{
			displayName: 'Access Token URL',
			name: 'accessTokenUrl',
			type: 'hidden',
			// The Base URL normalised as getBaseUrl does for API requests (spaces and trailing slashes off, empty: GetBill's);
			// a unit test holds the two alike. (?<!\/) makes the trim linear in the URL's length.
			default: '={{ String($self["baseUrl"] ?? "").trim().replace(/(?<!\\/)\\/+$/, "") || "https://getbill.io" }}/token',
		},
		{
			displayName: 'Client ID',
			name: 'clientId',
			type: 'string',
			default: '',
			description: 'Client ID of the OAuth client created in GetBill under Company → API Client Management',
			required: true,
		},
		{
			displayName: 'Client Secret',
			name: 'clientSecret',
			type: 'string',
			typeOptions: {
				password: true,
			},
			default: '',
			description: 'Client Secret shown once when the OAuth client is created in GetBill',
			required: true,
		},
		{
			displayName: 'Scope',
			name: 'scope',
			type: 'string',
			default: 'followups:read followups:write',
			description:
				'Space-separated scopes; the client in GetBill must allow every scope listed here. Per resource: Followup followups:read, followups:write; Debt debts:read, debts:write; Debtor debtors:read, debtors:write; Creditor creditors:read, creditors:write; Report reports:read; Company company:read; User users:read.',
		},
		{
			displayName: 'Auth URI Query Parameters',
			name: 'authQueryParameters',
			type: 'hidden',
			default: '',
		},
		{
			displayName: 'Authentication',
			name: 'authentication',
			type: 'hidden',
			default: 'body',
		},
	];
}
