/**
 * The conversation endpoints of the v2 API (chat-api.json); GHL-safe: they take GoHighLevel IDs.
 * Retry safety: reading a conversation is safe to repeat. Adding a message is not retried blindly
 * after a failure that may have reached Assistable (whether it deduplicates on message_id is not
 * documented): the operation reads the conversation first (message-delivery.ts). A chat completion
 * runs the assistant, which may call its tools and spends credits: never repeated after such a failure.
 */
import { endpoint } from '../../shared/endpoint';

const MAX_CONVERSATION_BYTES = 10 * 1024 * 1024;

export const conversationEndpoints = {
	get: endpoint('GET', '/get-conversation', true, MAX_CONVERSATION_BYTES),
	createMessage: endpoint('POST', '/create-message', false, MAX_CONVERSATION_BYTES),
	reply: endpoint('POST', '/ghl-chat-completion', false, MAX_CONVERSATION_BYTES),
};
