import type { INodeProperties } from 'n8n-workflow';

import type { OperationModule, ResourceModule } from '../../shared/operation';
import * as create from './create.operation';
import * as createFlow from './createFlow.operation';
import * as del from './delete.operation';
import * as get from './get.operation';
import * as update from './update.operation';

const operations: Record<string, OperationModule> = {
	create,
	createFlow,
	delete: del,
	get,
	update,
};

/** The Assistant resource as the router runs it: its items share nothing but the request layer. */
export const assistantResource: ResourceModule = {
	operations,
};

export const assistantDescription: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['assistant'] } },
		options: [
			{
				name: 'Create',
				value: 'create',
				description: 'Create an AI assistant in a location',
				action: 'Create an assistant',
			},
			{
				name: 'Create Flow',
				value: 'createFlow',
				description: 'Create a flow in a location',
				action: 'Create a flow',
			},
			{
				name: 'Delete',
				value: 'delete',
				description: 'Delete (archive) an assistant',
				action: 'Delete an assistant',
			},
			{
				name: 'Get',
				value: 'get',
				description: 'Get an assistant by ID',
				action: 'Get an assistant',
			},
			{
				name: 'Update',
				value: 'update',
				description: "Change an assistant's fields; the ones not set stay as they are",
				action: 'Update an assistant',
			},
		],
		default: 'get',
	},
	...create.description,
	...createFlow.description,
	...del.description,
	...get.description,
	...update.description,
];
