/**
 * The conversation endpoints (API notes, "Beyond contacts"; chat-api.json): get a conversation, add a
 * message, and the agent chat completion. They take GoHighLevel IDs. Switchable where the vendor's
 * files disagree or are silent (SandboxBehaviour): which ID get-conversation reads
 * (`conversationLookup`), create-message's status (`messageStatus`) and whether a message_id the
 * conversation already has is stored again (`messageIds`). Decided here, where the vendor is silent:
 * each message carries its `message_id`; a conversation unknown to get-conversation is 404; a
 * create-message for a new conversation ID starts that conversation.
 */
import { randomBytes } from 'node:crypto';
import type { AssistantsApi } from './assistants';
import { DEMO_GHL_CONTACT_IDS, DEMO_LOCATION_ID } from './demo-data';
import type { ApiRequest, Reply, SandboxKit, SandboxResource } from './types';
import { isObject, json } from './types';

interface Message {
	message_id: string;
	role: 'user' | 'assistant';
	content: string;
	channel: string;
	ai: boolean;
	created_at: string;
}

interface Conversation {
	id: string;
	location_id: string;
	/** The GoHighLevel contact; null for a conversation started by create-message. */
	contact_id: string | null;
	channel: string;
	messages: Message[];
}

/** One agent chat completion the sandbox ran (each may run tools: tests count them). */
interface Completion {
	conversation_id: string;
	contact_id: string;
	assistant_id: string;
	input: string;
	reply: string;
}

/** What tests do with the conversations directly. */
export interface ConversationsApi {
	getConversation(id: string): Conversation | undefined;
	listCompletions(): Completion[];
}

/** The demo conversation (a GoHighLevel-style ID) is Ada's, by her GoHighLevel contact ID. */
export const DEMO_GHL_CONTACT_ID = DEMO_GHL_CONTACT_IDS.ada;
export const DEMO_CONVERSATION_ID = 'cV8nB3xQ1mK7pL4sD9fG';

const MESSAGE_FIELDS = ['location_id', 'conversation_id', 'message_id', 'content', 'channel'];
const COMPLETION_FIELDS = [
	'conversation_id',
	'contact_id',
	'last_message_id',
	'channel',
	'input',
	'location_id',
	'assistant_id',
];

export function conversationsResource(
	kit: SandboxKit,
	assistants: AssistantsApi,
): SandboxResource & { api: ConversationsApi } {
	const conversations = new Map<string, Conversation>();
	const completions: Completion[] = [];

	function seed(): void {
		conversations.set(DEMO_CONVERSATION_ID, {
			id: DEMO_CONVERSATION_ID,
			location_id: DEMO_LOCATION_ID,
			contact_id: DEMO_GHL_CONTACT_ID,
			channel: 'SMS',
			messages: [
				{
					message_id: 'msgDemo0000000000001',
					role: 'user',
					content: 'Hi, can I book a demo?',
					channel: 'SMS',
					ai: false,
					created_at: '2025-12-01T09:00:00.000000+00:00',
				},
				{
					message_id: 'msgDemo0000000000002',
					role: 'assistant',
					content: 'Of course! Which day suits you?',
					channel: 'SMS',
					ai: true,
					created_at: '2025-12-01T09:00:04.000000+00:00',
				},
			],
		});
	}

	const isReply = (v: unknown): v is Reply => isObject(v) && 'status' in v && 'body' in v;
	const missing = (source: Record<string, unknown>, names: string[]) =>
		names.find((name) => typeof source[name] !== 'string' || source[name] === '');
	const forbidden = () =>
		kit.fail(403, "Forbidden: this API key's sub-account cannot access this location");
	seed();

	/** The conversation a get-conversation names under the behaviour's reading, or the refusal. */
	function lookup({ rec, key }: ApiRequest): Conversation | Reply {
		const by = kit.behaviour().conversationLookup;
		const absent = missing(rec.query, ['location_id', by]);
		if (absent) return kit.fail(400, `${absent} is required`);
		const loc = rec.query.location_id;
		if (!kit.canSee(key, loc)) return forbidden();
		const found = [...conversations.values()].find(
			(c) =>
				c.location_id === loc &&
				(by === 'contact_id' ? c.contact_id === rec.query.contact_id : c.id === rec.query[by]),
		);
		return found ?? kit.fail(404, 'Conversation not found');
	}

	return {
		handlers: {
			'get-conversation': (request) => {
				const found = lookup(request);
				if (isReply(found)) return found;
				return json(200, { messages: found.messages, channel: found.channel });
			},
			'create-message': ({ rec, key }) => {
				const body = isObject(rec.body) ? rec.body : undefined;
				if (!body) return kit.fail(400, 'Body must be a JSON object');
				const absent = missing(body, MESSAGE_FIELDS);
				if (absent) return kit.fail(400, `${absent} is required`);
				if (body.role !== 'user' && body.role !== 'assistant')
					return kit.fail(400, 'role must be user or assistant');
				if (typeof body.ai !== 'boolean') return kit.fail(400, 'ai must be a boolean');
				const loc = body.location_id as string;
				if (!kit.canSee(key, loc)) return forbidden();
				const id = body.conversation_id as string;
				let conversation = conversations.get(id);
				if (conversation && conversation.location_id !== loc)
					return kit.fail(404, 'Conversation not found');
				if (!conversation) {
					conversation = { id, location_id: loc, contact_id: null, channel: '', messages: [] };
					conversations.set(id, conversation);
				}
				const behaviour = kit.behaviour();
				const messageId = body.message_id as string;
				const known = conversation.messages.some((m) => m.message_id === messageId);
				if (!known || behaviour.messageIds === 'store-again') {
					conversation.channel = body.channel as string;
					conversation.messages.push({
						message_id: messageId,
						role: body.role,
						content: body.content as string,
						channel: body.channel as string,
						ai: body.ai,
						created_at: kit.clock(),
					});
				}
				const status = behaviour.messageStatus;
				return json(status, { status, data: { status: 'stored', id: messageId } });
			},
			'chat-completion': ({ rec, key }) => {
				const body = isObject(rec.body) ? rec.body : undefined;
				if (!body) return kit.fail(400, 'Body must be a JSON object');
				const absent = missing(body, COMPLETION_FIELDS);
				if (absent) return kit.fail(400, `${absent} is required`);
				if (body.messages !== undefined && !Array.isArray(body.messages))
					return kit.fail(400, 'messages must be an array');
				const loc = body.location_id as string;
				if (!kit.canSee(key, loc)) return forbidden();
				const assistant = assistants.getAssistant(body.assistant_id as string);
				if (!assistant || assistant.archived || assistant.location_id !== loc)
					return kit.fail(404, 'Assistant not found');
				const input = body.input as string;
				const reply = `${assistant.name ?? 'Assistant'}: thanks for your message "${input}".`;
				completions.push({
					conversation_id: body.conversation_id as string,
					contact_id: body.contact_id as string,
					assistant_id: assistant.id,
					input,
					reply,
				});
				return json(200, {
					run: {
						response: {
							messages: [{ role: 'assistant', content: reply, refusal: null, annotations: [] }],
							toolCalls: [],
							completionTimestamp: new Date().toISOString(),
						},
						message: {
							conversationId: body.conversation_id,
							messageId: randomBytes(10).toString('hex'),
							traceId: randomBytes(8).toString('hex'),
						},
						knowledge_base: { matches: [], namespace: loc, usage: { readUnits: 0 } },
						input,
						output: reply,
					},
				});
			},
		},
		reset: () => {
			conversations.clear();
			completions.length = 0;
			seed();
		},
		api: {
			getConversation: (id) => structuredClone(conversations.get(id)),
			listCompletions: () => structuredClone(completions),
		},
	};
}
