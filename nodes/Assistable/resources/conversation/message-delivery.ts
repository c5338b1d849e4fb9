/**
 * Adding a message at most once. The message ID is fixed before the first send and reused. After a
 * send that may have reached Assistable without a clear answer (a timeout, a reset, a 5xx), the
 * message is not sent again blindly: whether Assistable deduplicates on message_id is not documented.
 * The item waits for a request Assistable may still be holding to land, reads the conversation, and
 * sends again only if the conversation lists message IDs and this one is not among them.
 */
import type { IDataObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { clock } from '../../shared/state';
import type { AssistableTransport } from '../../shared/transport';
import type { ConversationRef, MessageWrite } from './api';
import { createMessage, getConversation } from './api';

/** Keys a message may carry its ID under (the vendor does not document the message object). */
const ID_KEYS = ['message_id', 'messageId', 'id'];

type Presence = 'stored' | 'absent' | { unknown: string };

/** Whether the conversation shows the message. */
async function presence(
	transport: AssistableTransport,
	ref: ConversationRef,
	messageId: string,
	itemIndex: number,
): Promise<Presence> {
	// A held-back send lands within this wait.
	await clock.sleep(transport.landingWindowMs(), transport.signal);
	let messages: unknown[];
	try {
		({ messages } = await getConversation(transport, ref, itemIndex));
	} catch (error) {
		const advice = ref.contactId
			? ''
			: ' Set GHL Contact ID so that the node can read the conversation back.';
		return {
			unknown: `Reading the conversation back failed: ${(error as Error).message}.${advice}`,
		};
	}
	const ids = messages.map((message) =>
		typeof message === 'object' && message !== null
			? ID_KEYS.map((key) => (message as Record<string, unknown>)[key]).find(
					(value) => typeof value === 'string',
				)
			: undefined,
	);
	if (ids.includes(messageId)) return 'stored';
	if (messages.length > 0 && ids.every((id) => id === undefined))
		return { unknown: "Assistable's conversation does not show message IDs, so it cannot tell." };
	return 'absent';
}

/** Sends the message; after an unclear failure, reads the conversation before any new send. */
export async function deliverMessage(
	transport: AssistableTransport,
	write: MessageWrite,
	checkRef: ConversationRef,
	itemIndex: number,
): Promise<IDataObject> {
	const ids = { messageId: write.message_id, conversationId: write.conversation_id };
	for (let send = 1; ; send++) {
		let unclear = false;
		const sent = await createMessage(transport, write, itemIndex, () => (unclear = true)).then(
			(answer) => ({ answer }),
			(error: unknown) => ({ error }),
		);
		if ('answer' in sent) return { ...ids, ...sent.answer };
		const { error } = sent;
		if (!unclear || !(error instanceof NodeApiError)) throw error;
		const found = await presence(transport, checkRef, write.message_id, itemIndex);
		if (found === 'stored')
			return {
				...ids,
				stored: true,
				note: 'The send got no clear answer; the conversation, read afterwards, has this message.',
			};
		if (found !== 'absent' || send >= transport.options.maxAttempts) {
			const reason =
				found === 'absent'
					? `The conversation did not have it after ${send} sends.`
					: found.unknown;
			error.description =
				`${error.description ?? ''} ${reason} Running the item again with the same Message ID is safe only if Assistable ignores a repeated message ID; read the conversation (Get) first.`.trim();
			throw error;
		}
	}
}
