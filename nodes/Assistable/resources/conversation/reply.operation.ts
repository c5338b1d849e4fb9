import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { failed2xx } from '../../shared/answers';
import { displayFor, optionsCollection } from '../../shared/descriptions';
import { parseGhlContactId, parseGhlLocationId } from '../../shared/ghl-ids';
import type { ItemPlan } from '../../shared/operation';
import { clock, state } from '../../shared/state';
import { InputError, isBlank } from '../../shared/validation';
import { ASSISTANT_ID_FIELD, parseAssistantId } from '../assistant/fields';
import type { ReplyRequest } from './api';
import { generateReply } from './api';
import {
	CHANNEL_FIELD,
	CONVERSATION_ID_FIELD,
	GHL_CONTACT_FIELD,
	GHL_LOCATION_FIELD,
	parseId,
	requiredText,
} from './fields';

const scope = { resource: 'conversation', operation: 'reply' };

export const description: INodeProperties[] = [
	...displayFor(scope, [
		GHL_LOCATION_FIELD,
		{ ...ASSISTANT_ID_FIELD, description: 'The assistant that replies' },
		{ ...GHL_CONTACT_FIELD, required: true },
		{ ...CONVERSATION_ID_FIELD, required: true },
		{
			displayName: 'Last Message ID',
			name: 'lastMessageId',
			type: 'string',
			required: true,
			default: '',
			description:
				"The ID of the conversation's last message (e.g. the Message ID of Add Message, or the one a GoHighLevel webhook sends)",
		},
		CHANNEL_FIELD,
		{
			displayName: 'Input',
			name: 'input',
			type: 'string',
			typeOptions: { rows: 3 },
			required: true,
			default: '',
			description: "The contact's message the assistant replies to",
		},
	]),
	optionsCollection(scope, [
		{
			displayName: 'Message History',
			name: 'messages',
			type: 'json',
			default: '[]',
			description:
				'Earlier messages to give the assistant, as a JSON list of objects (e.g. [{"role": "user", "content": "Hi"}])',
		},
		{
			displayName: 'Skip Repeats',
			name: 'skipRepeats',
			type: 'boolean',
			default: true,
			description:
				'Whether to skip an item when this n8n instance already had this assistant reply to the same last message of the conversation in the past day (a webhook delivered twice, a re-run): the item then outputs skipped: true and no reply',
		},
		{
			displayName: 'Simplify',
			name: 'simplify',
			type: 'boolean',
			default: true,
			description:
				"Whether to return the reply text and the message and conversation IDs only, instead of Assistable's whole answer (the reply text is at the top level either way)",
		},
	]),
];

function parseHistory(value: unknown): IDataObject[] | undefined {
	if (isBlank(value)) return undefined;
	let list = value;
	if (typeof value === 'string') {
		try {
			list = JSON.parse(value);
		} catch {
			list = undefined;
		}
	}
	if (
		!Array.isArray(list) ||
		!list.every((m) => typeof m === 'object' && m !== null && !Array.isArray(m))
	)
		throw new InputError(
			'Message History',
			'Message History is not a JSON list of objects',
			'Use e.g. [{"role": "user", "content": "Hi"}], or leave it as [].',
		);
	return list.length ? (list as IDataObject[]) : undefined;
}

/** How long this process remembers a reply it generated (or may have). */
const REMEMBER_MS = 24 * 60 * 60_000;

/** Whether a failed completion may have run the assistant: no clear answer, or a 2xx it could not read. */
function mayHaveRun(error: unknown, unclear: boolean): boolean {
	return unclear || (error instanceof NodeApiError && failed2xx(error) === 'unreadable');
}

export function plan(this: IExecuteFunctions, itemIndex: number): ItemPlan {
	const param = (name: string) => this.getNodeParameter(name, itemIndex, '');
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const request: ReplyRequest = {
		conversation_id: parseId(
			param('conversationId'),
			'Conversation ID',
			'Enter the GoHighLevel conversation ID.',
		),
		contact_id: parseGhlContactId(param('contactId')),
		last_message_id: parseId(
			param('lastMessageId'),
			'Last Message ID',
			"Enter the ID of the conversation's last message.",
		),
		channel: requiredText(param('channel'), 'Channel', 'Enter the channel, e.g. SMS or Live_Chat.'),
		input: requiredText(
			param('input'),
			'Input',
			"Enter the contact's message the assistant replies to.",
		),
		location_id: parseGhlLocationId(param('locationId')),
		assistant_id: parseAssistantId(param('assistantId')),
	};
	const history = parseHistory(options.messages);
	if (history) request.messages = history;
	const simplify = options.simplify !== false;
	const skipRepeats = options.skipRepeats !== false;
	const identity = `reply:${request.assistant_id}|${request.conversation_id}|${request.last_message_id}`;
	const ids = { conversationId: request.conversation_id, lastMessageId: request.last_message_id };
	const what = `assistant ${request.assistant_id} replying to message ${request.last_message_id}`;
	const node = this.getNode();
	return {
		// Replies to one message take turns across this process's executions: the second of a webhook
		// delivered twice sees the first one's record (kept even with Skip Repeats off).
		identities: [identity],
		heldIdentities: () => [identity],
		run: async (services) => {
			const key = `${services.transport.scope}|${identity}`;
			const earlier = skipRepeats ? state.replies.get(key) : undefined;
			const when = earlier && new Date(earlier.at).toISOString();
			if (earlier?.replied) {
				const skipReason = `Not run again: this n8n instance already had ${what} at ${when}.`;
				return { json: [{ reply: null, skipped: true, skipReason, ...ids }] };
			}
			if (earlier)
				throw new NodeOperationError(
					node,
					`Not running again: an earlier attempt (${what}, ${when}) may or may not have run the assistant`,
					{
						itemIndex,
						description:
							'Read the conversation (Get) to see whether it replied. To run it again anyway, turn off Skip Repeats.',
					},
				);
			const at = clock.now();
			let unclear = false;
			const answer = await generateReply(services.transport, request, itemIndex, () => {
				unclear = true;
			}).catch((error: unknown) => {
				if (mayHaveRun(error, unclear))
					state.replies.set(key, { at, replied: false }, at + REMEMBER_MS);
				throw error;
			});
			state.replies.set(key, { at, replied: true }, at + REMEMBER_MS);
			const run = answer.run as IDataObject;
			const first = ((run.response as IDataObject).messages as IDataObject[] | undefined)?.[0];
			const reply = typeof first?.content === 'string' ? first.content : null;
			if (!simplify) return { json: [{ reply, ...answer }] };
			const message = (run.message ?? {}) as IDataObject;
			return {
				json: [
					{
						reply,
						skipped: false,
						messageId: message.messageId ?? null,
						conversationId: message.conversationId ?? request.conversation_id,
						toolCalls: (run.response as IDataObject).toolCalls ?? [],
					},
				],
			};
		},
	};
}
