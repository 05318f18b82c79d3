import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { API_PREFIX } from '../../transport';
import type { RunContext, Send } from '../shared';
import { dataOf, outputItems, request } from '../shared';

/** A read of the OAuth client's company (no ID, no parameter, scope company:read). */
export function companyRead(path: '/company/profile' | '/company/credits', action: string) {
	return {
		description: [] as INodeProperties[],
		/** Safe to send again: items may run concurrently. */
		safeToRepeat: true,
		prepare(this: IExecuteFunctions, itemIndex: number, run: RunContext): Send {
			return async () =>
				outputItems(
					dataOf(await request.call(this, run, itemIndex, { method: 'GET', path: `${API_PREFIX}${path}` }, { action, scope: 'company:read' })),
					itemIndex,
				);
		},
	};
}
