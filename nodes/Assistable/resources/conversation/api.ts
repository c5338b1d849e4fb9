/** The conversation endpoints as calls: their 400 / 404 / 403 wording and the shape of each answer. */
import type { IDataObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { isObject } from '../../shared/success';
import type { AssistableTransport } from '../../shared/transport';
import { conversationEndpoints } from './endpoints';

const FORBIDDEN_HINT =
	"The API key's sub-account cannot see this location: use a key of the GoHighLevel location's sub-account.";

/** The IDs a conversation is read by; every one the user gave is sent. */
export interface ConversationRef {
	locationId: string;
	contactId?: string;
	conversationId?: string;
}

/** What a user needs when get-conversation refuses the IDs it was given. */
const BOTH_READINGS =
	"Assistable's get-conversation takes location_id with contact_id (its current reference) or with conversation_id (an older one): fill in both GHL Contact ID and Conversation ID to work with either.";

/** A conversation as read: the answer, with `messages` whichever shape it came in. */
export interface ConversationAnswer {
	answer: IDataObject;
	messages: unknown[];
}

export async function getConversation(
	transport: AssistableTransport,
	ref: ConversationRef,
	itemIndex: number,
): Promise<ConversationAnswer> {
	const query: Record<string, string> = { location_id: ref.locationId };
	if (ref.contactId) query.contact_id = ref.contactId;
	if (ref.conversationId) query.conversation_id = ref.conversationId;
	const body = await transport
		.request(conversationEndpoints.get, {
			params: {},
			query,
			subject: ref.conversationId ?? ref.contactId ?? ref.locationId,
			itemIndex,
			forbiddenHint: FORBIDDEN_HINT,
			notFound: {
				message: 'Conversation not found',
				hint: `Assistable has no conversation for ${describe(ref)}. Check the IDs are GoHighLevel IDs of this location (not Assistable contact IDs). ${BOTH_READINGS}`,
			},
		})
		.catch((error: unknown) => {
			if (error instanceof NodeApiError && error.httpCode === '400')
				error.description = `${error.description ?? ''} ${BOTH_READINGS}`.trim();
			throw error;
		});
	// chat-api.json: {messages, channel}; a help page: {status, data: [...]}.
	const messages = isObject(body)
		? Array.isArray(body.messages)
			? body.messages
			: Array.isArray(body.data)
				? body.data
				: undefined
		: undefined;
	if (!isObject(body) || !messages) {
		throw transport.unexpectedAnswer(
			itemIndex,
			'Assistable answered with an unexpected shape instead of a conversation',
			'Expected a JSON object with a messages list. Check the Base URL points at the v2 API.',
		);
	}
	return { answer: body as IDataObject, messages };
}

function describe(ref: ConversationRef): string {
	const parts = [`location ${JSON.stringify(ref.locationId)}`];
	if (ref.contactId) parts.push(`GHL contact ${JSON.stringify(ref.contactId)}`);
	if (ref.conversationId) parts.push(`conversation ${JSON.stringify(ref.conversationId)}`);
	return parts.join(', ');
}

/** A create-message body, as the API names the fields (all required). */
export interface MessageWrite {
	location_id: string;
	conversation_id: string;
	message_id: string;
	role: 'user' | 'assistant';
	content: string;
	channel: string;
	ai: boolean;
}

/** POST create-message, once (200 or 201); `onUnknownOutcome` hears of a failure that may have stored it. */
export async function createMessage(
	transport: AssistableTransport,
	write: MessageWrite,
	itemIndex: number,
	onUnknownOutcome: () => void,
): Promise<IDataObject> {
	const body = await transport.request(conversationEndpoints.createMessage, {
		params: {},
		body: write,
		subject: write.message_id,
		itemIndex,
		forbiddenHint: FORBIDDEN_HINT,
		notFound: {
			message: 'Conversation not found',
			hint: `Check that Conversation ID is a GoHighLevel conversation of location ${JSON.stringify(write.location_id)}.`,
		},
		unconfirmedEffect: `the message ${JSON.stringify(write.message_id)} may or may not have been stored`,
		onUnknownOutcome,
	});
	if (!isObject(body)) {
		throw transport.unexpectedAnswer(
			itemIndex,
			'Assistable answered the message with an unexpected shape',
			`Expected a JSON object; the message ${JSON.stringify(write.message_id)} may have been stored: read the conversation (Get) before running this item again. Check the Base URL points at the v2 API.`,
		);
	}
	return body as IDataObject;
}

/** A ghl-chat-completion body, as the API names the fields. */
export interface ReplyRequest {
	conversation_id: string;
	contact_id: string;
	last_message_id: string;
	channel: string;
	input: string;
	location_id: string;
	assistant_id: string;
	messages?: IDataObject[];
}

/** POST ghl-chat-completion, never repeated after a failure that may have reached Assistable. */
export async function generateReply(
	transport: AssistableTransport,
	request: ReplyRequest,
	itemIndex: number,
	onUnknownOutcome?: () => void,
): Promise<IDataObject> {
	const body = await transport.request(conversationEndpoints.reply, {
		params: {},
		body: request,
		subject: request.conversation_id,
		itemIndex,
		forbiddenHint: FORBIDDEN_HINT,
		notFound: {
			message: 'Assistant or conversation not found',
			hint: `Check Assistant ID (a live assistant of location ${JSON.stringify(request.location_id)}) and that the IDs are GoHighLevel IDs.`,
		},
		unconfirmedEffect:
			'the assistant may or may not have replied (and run its tools); read the conversation (Get) before running this item again',
		onUnknownOutcome,
	});
	const run = isObject(body) ? body.run : undefined;
	if (!isObject(run) || !isObject(run.response)) {
		onUnknownOutcome?.();
		throw transport.unexpectedAnswer(
			itemIndex,
			'Assistable answered the chat completion with an unexpected shape',
			'Expected {run: {response: {messages: [...]}}}. The assistant may have run: check the conversation before running this item again.',
		);
	}
	return body as IDataObject;
}
