import type { INodeProperties } from 'n8n-workflow';

import { optionsProperty } from '../options';
import { operationProperty } from '../descriptions';
import * as getCredits from './getCredits.operation';
import * as getProfile from './getProfile.operation';

export { getCredits, getProfile };

/** The company of the OAuth client (`company.md`): no ID, read only. */
export const description: INodeProperties[] = [
	...operationProperty(
		'company',
		[
			{
				name: 'Get Credits',
				value: 'getCredits',
				description: 'Get the credit balance and the subscription',
				action: 'Get the company credits',
				actionV2: 'Get company credits',
			},
			{
				name: 'Get Profile',
				value: 'getProfile',
				description: 'Get the company\'s profile',
				action: 'Get the company profile',
				actionV2: 'Get company profile',
			},
		],
		'getCredits',
	),
	...getCredits.description,
	...getProfile.description,
	optionsProperty('company', ['getCredits', 'getProfile']),
];
