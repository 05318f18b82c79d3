import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { notFound } from '../../fields/ids';
import { REPORT, REPORT_ID } from '../../resources/report';
import { apiPath } from '../../transport';
import type { RequestKind } from '../../transport/types';
import { idProperty } from '../descriptions';
import { readId } from '../readers';
import { dataOf, outputItems, request } from '../requests';
import type { RunContext, Send } from '../types';

export const description: INodeProperties[] = [...idProperty(REPORT_ID, 'report', 'get', 'The encrypted ID of the report to get')];

/** What it returns, of which a tool's output may keep some fields (see outputShape). */
export const reads = REPORT;

/** A read: safe to send again, so items may run concurrently. */
export const kind: RequestKind = 'read';

export function prepare(this: IExecuteFunctions, itemIndex: number, run: RunContext): Send {
	const reportId = readId(this, itemIndex, REPORT_ID);
	return async () => {
		const response = await request.call(this, run, itemIndex, { method: 'GET', path: apiPath`/reports/${reportId}` }, {
			action: `get report "${reportId}"`,
			notFound: notFound(REPORT_ID, reportId),
		});
		return outputItems(dataOf(response), itemIndex);
	};
}
