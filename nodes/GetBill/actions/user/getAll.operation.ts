import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { USER } from '../../resources/user';
import { apiPath } from '../../transport';
import type { RequestKind } from '../../transport/types';
import { pagingProperties } from '../descriptions';
import { readLimit } from '../readers';
import { outputItems, request } from '../requests';
import type { RunContext, Send } from '../types';

export const description: INodeProperties[] = pagingProperties('user', 'getAll');

/** What it returns, of which a tool's output may keep some fields (see outputShape). */
export const reads = USER;

/** A read: safe to send again, so items may run concurrently. */
export const kind: RequestKind = 'read';

/** The users list has no paging (`users.md`): one request, and Limit is applied by the node. */
export function prepare(this: IExecuteFunctions, itemIndex: number, run: RunContext): Send {
	const limit = readLimit(this, itemIndex, 'user');
	return async () => {
		const response = await request.call(this, run, itemIndex, { method: 'GET', path: apiPath`/company/users` }, {
			action: 'list the company users',
			scope: 'users:read',
		});
		const data = (response as IDataObject).data;
		const users = Array.isArray(data) ? (data as IDataObject[]) : [];
		return outputItems(limit === undefined ? users : users.slice(0, limit), itemIndex);
	};
}
