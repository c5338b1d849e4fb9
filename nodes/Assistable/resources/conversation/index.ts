import type { INodeProperties } from 'n8n-workflow';

import type { OperationModule, ResourceModule } from '../../shared/operation';
import * as addMessage from './addMessage.operation';
import * as get from './get.operation';
import * as reply from './reply.operation';

const operations: Record<string, OperationModule> = { addMessage, get, reply };

/** The Conversation resource as the router runs it: its items share nothing but the request layer. */
export const conversationResource: ResourceModule = {
	operations,
};

export const conversationDescription: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['conversation'] } },
		options: [
			{
				name: 'Add Message',
				value: 'addMessage',
				description: 'Store a message in a GoHighLevel conversation, at most once',
				action: 'Add a message to a conversation',
			},
			{
				name: 'Generate Reply',
				value: 'reply',
				description: "Have an assistant reply to a contact's message (agent chat completion)",
				action: 'Generate a reply',
			},
			{
				name: 'Get',
				value: 'get',
				description: "Get a GoHighLevel contact's conversation with its messages",
				action: 'Get a conversation',
			},
		],
		default: 'get',
	},
	...addMessage.description,
	...get.description,
	...reply.description,
];
