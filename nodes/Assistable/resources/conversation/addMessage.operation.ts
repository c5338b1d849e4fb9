import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { randomString } from 'n8n-workflow';

import { displayFor, optionsCollection } from '../../shared/descriptions';
import { parseGhlContactId, parseGhlLocationId } from '../../shared/ghl-ids';
import type { ItemPlan } from '../../shared/operation';
import { clock, state } from '../../shared/state';
import { InputError, isBlank } from '../../shared/validation';
import type { MessageWrite } from './api';
import {
	CHANNEL_FIELD,
	CONVERSATION_ID_FIELD,
	GHL_CONTACT_FIELD,
	GHL_LOCATION_FIELD,
	parseId,
	requiredText,
} from './fields';
import { deliverMessage } from './message-delivery';

const scope = { resource: 'conversation', operation: 'addMessage' };

export const description: INodeProperties[] = [
	...displayFor(scope, [
		GHL_LOCATION_FIELD,
		{ ...CONVERSATION_ID_FIELD, required: true },
		{
			displayName: 'Role',
			name: 'role',
			type: 'options',
			options: [
				{ name: 'Assistant', value: 'assistant' },
				{ name: 'User', value: 'user' },
			],
			default: 'user',
			description: 'Who wrote the message: the contact (User) or the AI assistant',
		},
		{
			displayName: 'Content',
			name: 'content',
			type: 'string',
			typeOptions: { rows: 3 },
			required: true,
			default: '',
			description: 'The text of the message',
		},
		CHANNEL_FIELD,
		{
			displayName: 'Written by AI',
			name: 'ai',
			type: 'boolean',
			default: false,
			description: 'Whether the message was written by AI',
		},
		{
			...GHL_CONTACT_FIELD,
			description: `Optional. ${GHL_CONTACT_FIELD.description} With it, after a send that got no clear answer (timeout, reset, 5xx) the node reads the conversation and sends again only if the message is not there; without it such a failure is not retried.`,
		},
	]),
	optionsCollection(scope, [
		{
			displayName: 'Message ID',
			name: 'messageId',
			type: 'string',
			default: '',
			description:
				'The ID the message is stored under. Empty: one is generated for each item and reused on every retry of that item. Map a stable value (e.g. the GoHighLevel message ID) to make a re-run of the workflow reuse it too.',
		},
	]),
];

/** How long this process remembers a message ID it stored. */
const REMEMBER_MS = 24 * 60 * 60_000;

export function plan(this: IExecuteFunctions, itemIndex: number): ItemPlan {
	const locationId = parseGhlLocationId(this.getNodeParameter('locationId', itemIndex, ''));
	const conversationId = parseId(
		this.getNodeParameter('conversationId', itemIndex, ''),
		'Conversation ID',
		'Enter the GoHighLevel conversation ID the message belongs to.',
	);
	const role = this.getNodeParameter('role', itemIndex, 'user');
	if (role !== 'user' && role !== 'assistant')
		throw new InputError('Role', `Role must be User or Assistant`, 'Choose User or Assistant.');
	const content = this.getNodeParameter('content', itemIndex, '');
	if (isBlank(content) || typeof content !== 'string')
		throw new InputError('Content', 'Content is empty', 'Enter the text of the message.');
	const channel = requiredText(
		this.getNodeParameter('channel', itemIndex, ''),
		'Channel',
		'Enter the channel, e.g. SMS or Live_Chat.',
	);
	const contact = this.getNodeParameter('contactId', itemIndex, '');
	const contactId = isBlank(contact) ? undefined : parseGhlContactId(contact);
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	// Generated once, here: every retry of this item sends the same ID.
	const messageId = isBlank(options.messageId)
		? `n8n${randomString(21)}`
		: parseId(
				options.messageId,
				'Message ID',
				'Use an ID without spaces or slashes, or leave it empty.',
			);
	const write: MessageWrite = {
		location_id: locationId,
		conversation_id: conversationId,
		message_id: messageId,
		role,
		content,
		channel,
		ai: this.getNodeParameter('ai', itemIndex, false) === true,
	};
	return {
		// Messages of one conversation are added in input order, across the executions of this process,
		// so the second of two sends with one message ID sees the first one's record.
		target: async () => `conversation:${conversationId}`,
		run: async (services) => {
			const key = `${services.transport.scope}|${conversationId}|${messageId}`;
			const storedAt = state.storedMessages.get(key);
			if (storedAt !== undefined)
				return {
					json: [
						{
							messageId,
							conversationId,
							skipped: true,
							skipReason: `This n8n instance already stored a message with the ID "${messageId}" in this conversation at ${new Date(storedAt).toISOString()}; it was not sent again (Assistable may store a repeated ID twice).`,
						},
					],
				};
			const json = await deliverMessage(
				services.transport,
				write,
				{ locationId, contactId, conversationId },
				itemIndex,
			);
			state.storedMessages.set(key, clock.now(), clock.now() + REMEMBER_MS);
			return { json: [json] };
		},
	};
}
