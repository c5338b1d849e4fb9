import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { assistantDescription } from './resources/assistant';
import { callDescription } from './resources/call';
import { contactDescription } from './resources/contact';
import { conversationDescription } from './resources/conversation';
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
		// The chosen action's name ("Update a contact"), as the operation list's `action` texts, by
		// resource then operation (a test keeps them equal). No "}}" inside: it would end the expression.
		subtitle:
			'={{ (({"contact": {"create": "Create a contact", "upsert": "Create or update a contact", "get": "Get a contact", "getAll": "Get many contacts", "update": "Update a contact" }, "call": {"make": "Make a call" }, "conversation": {"addMessage": "Add a message to a conversation", "reply": "Generate a reply", "get": "Get a conversation" }, "assistant": {"create": "Create an assistant", "createFlow": "Create a flow", "delete": "Delete an assistant", "get": "Get an assistant", "update": "Update an assistant" } })[$parameter["resource"]] ?? {})[$parameter["operation"]] ?? $parameter["operation"] }}',
		description:
			'Create, find and update contacts, make AI calls, add to conversations and manage assistants in Assistable AI',
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
					{ name: 'Assistant', value: 'assistant' },
					{ name: 'Call', value: 'call' },
					{ name: 'Contact', value: 'contact' },
					{ name: 'Conversation', value: 'conversation' },
				],
				default: 'contact',
			},
			...contactDescription,
			...callDescription,
			...conversationDescription,
			...assistantDescription,
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await route.call(this);
	}
}
