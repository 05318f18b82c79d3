import type { INodeProperties } from 'n8n-workflow';

import { REPORT } from '../../resources/report';
import { optionsProperty } from '../options';
import { outputProperties } from '../output';
import { operationProperty } from '../descriptions';
import * as download from './download.operation';
import * as get from './get.operation';
import * as getAll from './getAll.operation';

export { download, get, getAll };

export const description: INodeProperties[] = [
	...operationProperty(
		'report',
		[
			{
				name: 'Download',
				value: 'download',
				description: 'Download a report\'s file (PDF, spreadsheet) as binary data',
				action: 'Download a report',
				actionV2: 'Download report',
			},
			{
				name: 'Get',
				value: 'get',
				description: 'Get a report',
				action: 'Get a report',
				actionV2: 'Get report',
			},
			{
				name: 'Get Many',
				value: 'getAll',
				description: 'Get many reports, filtered by type',
				action: 'Get many reports',
				actionV2: 'Get many reports',
			},
		],
		'getAll',
	),
	...download.description,
	...get.description,
	...getAll.description,
	...outputProperties(REPORT, ['get', 'getAll']),
	optionsProperty('report', ['download', 'get', 'getAll']),
];
