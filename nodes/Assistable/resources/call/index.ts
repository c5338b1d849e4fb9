import type { INodeProperties } from 'n8n-workflow';

import type { OperationModule, ResourceModule } from '../../shared/operation';
import * as make from './make.operation';

const operations: Record<string, OperationModule> = { make };

/** The Call resource as the router runs it; its items share nothing beyond the request layer. */
export const callResource: ResourceModule = {
	operations,
};

export const callDescription: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['call'] } },
		options: [
			{
				name: 'Make',
				value: 'make',
				description:
					'Have an assistant call a GoHighLevel contact now (at most once per contact and assistant within the Repeat Call Window)',
				action: 'Make a call',
			},
		],
		default: 'make',
	},
	...make.description,
];
