import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { API_PREFIX } from '../../transport';
import type { RequestKind } from '../../transport/types';
import { dataOf, outputItems, request } from '../requests';
import type { RunContext, Send } from '../types';

/** A read of the OAuth client's company (no ID, no parameter, scope company:read). */
export function companyRead(path: '/company/profile' | '/company/credits', action: string) {
	return {
		description: [] as INodeProperties[],
		/** A read: safe to send again, so items may run concurrently. */
		kind: 'read' as RequestKind,
		prepare(this: IExecuteFunctions, itemIndex: number, run: RunContext): Send {
			return async () =>
				outputItems(
					dataOf(await request.call(this, run, itemIndex, { method: 'GET', path: `${API_PREFIX}${path}` }, { action, scope: 'company:read' })),
					itemIndex,
				);
		},
	};
}
