/**
 * The conversation endpoints of the v2 API (chat-api.json); GHL-safe: they take GoHighLevel IDs.
 * Retry safety: reading a conversation is safe to repeat. Adding a message is not retried blindly
 * after a failure that may have reached Assistable (whether it deduplicates on message_id is not
 * documented): the operation reads the conversation first (message-delivery.ts). A chat completion
 * runs the assistant, which may call its tools and spends credits: never repeated after such a failure.
 */
import type { Endpoint } from '../../shared/endpoint';

const MAX_CONVERSATION_BYTES = 10 * 1024 * 1024;

export type ConversationRoute = 'get-conversation' | 'create-message' | 'chat-completion';

const endpoint = <R extends ConversationRoute>(
	route: R,
	method: Endpoint['method'],
	path: string,
	retrySafe: boolean,
): Endpoint<R> => ({ route, method, path, retrySafe, maxBytes: MAX_CONVERSATION_BYTES });

export const conversationEndpoints = {
	get: endpoint('get-conversation', 'GET', '/get-conversation', true),
	createMessage: endpoint('create-message', 'POST', '/create-message', false),
	reply: endpoint('chat-completion', 'POST', '/ghl-chat-completion', false),
};
