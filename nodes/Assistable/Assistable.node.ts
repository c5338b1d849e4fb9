import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { callDescription } from './resources/call';
import { contactDescription } from './resources/contact';
import { route } from './router';

export class Assistable implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Assistable',
		name: 'assistable',
		icon: {
			light: 'file:../../icons/assistable.svg',
			dark: 'file:../../icons/assistable.dark.svg',
		},
		group: ['output'],
		// 1.1: Create or Update outputs the contact itself (with `action`) instead of `{ action,
		// contact }`.
		version: [1, 1.1],
		defaultVersion: 1.1,
		// The chosen action's name ("Update a contact"), as the operation list's `action` texts (a test
		// keeps them equal).
		subtitle:
			'={{ ({"create": "Create a contact", "upsert": "Create or update a contact", "get": "Get a contact", "getAll": "Get many contacts", "update": "Update a contact", "make": "Make a call"})[$parameter["operation"]] ?? $parameter["operation"] }}',
		description: 'Create, find and update contacts in Assistable AI',
		defaults: { name: 'Assistable' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'assistableApi', required: true }],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Call', value: 'call' },
					{ name: 'Contact', value: 'contact' },
				],
				default: 'contact',
			},
			...contactDescription,
			...callDescription,
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await route.call(this);
	}
}
