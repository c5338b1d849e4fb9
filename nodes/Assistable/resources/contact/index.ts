import type { INodeProperties } from 'n8n-workflow';

import type { OperationModule } from '../../shared/operation';
import * as update from './update.operation';

export const contactOperations: Record<string, OperationModule> = { update };

export const contactDescription: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['contact'] } },
		options: [
			{
				name: 'Update',
				value: 'update',
				description: 'Update a contact by ID; tags are added to the existing ones unless Append Tags is off',
				action: 'Update a contact',
			},
		],
		default: 'update',
	},
	...update.description,
];
