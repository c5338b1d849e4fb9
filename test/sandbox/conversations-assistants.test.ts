/** The sandbox's conversation and assistant routes, used as a client would (API notes, "Beyond contacts"). */
import type { Sandbox } from '../../sandbox/server';
import {
	DEMO_API_KEY,
	DEMO_LOCATION_ID,
	DEMO_OTHER_LOCATION_ID,
	startSandbox,
} from '../../sandbox/server';
import { DEMO_ASSISTANT_ID } from '../../sandbox/demo-data';
import { SANDBOX_ROUTES } from '../../sandbox/routes';
import { DEMO_CONVERSATION_ID, DEMO_GHL_CONTACT_ID } from '../../sandbox/conversations';

let sb: Sandbox;
beforeAll(async () => {
	sb = await startSandbox({
		keys: [
			{ key: DEMO_API_KEY, locations: '*' },
			{ key: 'restricted', locations: [DEMO_OTHER_LOCATION_ID] },
		],
	});
});
beforeEach(() => sb.reset([]));
afterAll(async () => await sb.close());

async function call(method: string, path: string, body?: unknown, key = DEMO_API_KEY) {
	const res = await fetch(`${sb.url}${path}`, {
		method,
		headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	return { status: res.status, json: (await res.json()) as any };
}
const q = (params: Record<string, string>) => `?${new URLSearchParams(params)}`;
const message = (id: string) => ({
	location_id: DEMO_LOCATION_ID,
	conversation_id: DEMO_CONVERSATION_ID,
	message_id: id,
	role: 'user',
	content: 'Hello',
	channel: 'SMS',
	ai: false,
});

it('serves the eight documented conversation and assistant endpoints under /v2', () => {
	expect(
		SANDBOX_ROUTES.filter((r) => !/contact/.test(r.path) || r.route === 'get-conversation').map(
			(r) => `${r.method} ${r.path}`,
		),
	).toEqual(
		expect.arrayContaining([
			'GET /v2/get-conversation',
			'POST /v2/create-message',
			'POST /v2/ghl-chat-completion',
			'POST /v2/create-assistant',
			'GET /v2/get-assistant',
			'PUT /v2/update-assistant',
			'DELETE /v2/delete-assistant',
			'POST /v2/create-flow',
		]),
	);
});

describe('get-conversation', () => {
	it('by contact_id (default): the messages and channel; the conversation_id is ignored', async () => {
		const { status, json } = await call(
			'GET',
			`/get-conversation${q({ location_id: DEMO_LOCATION_ID, contact_id: DEMO_GHL_CONTACT_ID, conversation_id: 'other' })}`,
		);
		expect(status).toBe(200);
		expect(json.channel).toBe('SMS');
		expect(json.messages.map((m: any) => m.message_id)).toEqual([
			'msgDemo0000000000001',
			'msgDemo0000000000002',
		]);
	});

	it('under the stale reading, conversation_id is required and contact_id is not enough', async () => {
		sb.setBehaviour({ conversationLookup: 'conversation_id' });
		const missing = await call(
			'GET',
			`/get-conversation${q({ location_id: DEMO_LOCATION_ID, contact_id: DEMO_GHL_CONTACT_ID })}`,
		);
		expect(missing).toEqual({ status: 400, json: { message: 'conversation_id is required' } });
		const found = await call(
			'GET',
			`/get-conversation${q({ location_id: DEMO_LOCATION_ID, conversation_id: DEMO_CONVERSATION_ID })}`,
		);
		expect(found.json.messages).toHaveLength(2);
	});

	it('404 for an unknown contact, 403 for a location the key cannot see, 400 without location_id', async () => {
		expect(
			(
				await call(
					'GET',
					`/get-conversation${q({ location_id: DEMO_LOCATION_ID, contact_id: 'nobody' })}`,
				)
			).status,
		).toBe(404);
		expect(
			(
				await call(
					'GET',
					`/get-conversation${q({ location_id: DEMO_LOCATION_ID, contact_id: DEMO_GHL_CONTACT_ID })}`,
					undefined,
					'restricted',
				)
			).status,
		).toBe(403);
		expect(
			(await call('GET', `/get-conversation${q({ contact_id: DEMO_GHL_CONTACT_ID })}`)).json,
		).toEqual({ message: 'location_id is required' });
	});
});

describe('create-message', () => {
	it('stores the message and answers 201 with SuccessResponse (200 when switched)', async () => {
		expect(await call('POST', '/create-message', message('m1'))).toEqual({
			status: 201,
			json: { status: 201, data: { status: 'stored', id: 'm1' } },
		});
		sb.setBehaviour({ messageStatus: 200 });
		expect((await call('POST', '/create-message', message('m2'))).status).toBe(200);
		expect(
			sb
				.getConversation(DEMO_CONVERSATION_ID)!
				.messages.slice(2)
				.map((m) => m.message_id),
		).toEqual(['m1', 'm2']);
	});

	it.each([
		['store-again', ['m1', 'm1']],
		['dedupe', ['m1']],
	] as const)('a repeated message_id under %s', async (messageIds, stored) => {
		sb.setBehaviour({ messageIds });
		await call('POST', '/create-message', message('m1'));
		expect((await call('POST', '/create-message', message('m1'))).status).toBe(201);
		expect(
			sb
				.getConversation(DEMO_CONVERSATION_ID)!
				.messages.slice(2)
				.map((m) => m.message_id),
		).toEqual(stored);
	});

	it('names a missing field and a bad role; a new conversation ID starts a conversation', async () => {
		const noId: Record<string, unknown> = message('x');
		delete noId.message_id;
		expect((await call('POST', '/create-message', noId)).json).toEqual({
			message: 'message_id is required',
		});
		expect((await call('POST', '/create-message', { ...message('x'), role: 'bot' })).json).toEqual({
			message: 'role must be user or assistant',
		});
		await call('POST', '/create-message', { ...message('n1'), conversation_id: 'newConv' });
		expect(sb.getConversation('newConv')).toMatchObject({
			contact_id: null,
			messages: [{ message_id: 'n1' }],
		});
	});
});

describe('ghl-chat-completion', () => {
	const body = {
		conversation_id: DEMO_CONVERSATION_ID,
		contact_id: DEMO_GHL_CONTACT_ID,
		last_message_id: 'msgDemo0000000000002',
		channel: 'SMS',
		input: 'Hi',
		location_id: DEMO_LOCATION_ID,
		assistant_id: DEMO_ASSISTANT_ID,
	};
	it('answers the documented run shape and records the completion', async () => {
		const { status, json } = await call('POST', '/ghl-chat-completion', body);
		expect(status).toBe(200);
		expect(json.run.response.messages[0]).toEqual({
			role: 'assistant',
			content: json.run.output,
			refusal: null,
			annotations: [],
		});
		expect(json.run.message.conversationId).toBe(DEMO_CONVERSATION_ID);
		expect(sb.listCompletions()).toHaveLength(1);
	});
	it('404 for an archived assistant, 400 naming a missing field', async () => {
		await call('DELETE', `/delete-assistant${q({ assistant_id: DEMO_ASSISTANT_ID })}`);
		expect((await call('POST', '/ghl-chat-completion', body)).status).toBe(404);
		const noInput: Record<string, unknown> = { ...body };
		delete noInput.input;
		expect((await call('POST', '/ghl-chat-completion', noInput)).json).toEqual({
			message: 'input is required',
		});
	});
});

describe('assistants and flows', () => {
	it('create, get, update only what is sent, archive, then 404 everywhere', async () => {
		const created = await call('POST', '/create-assistant', {
			location_id: DEMO_LOCATION_ID,
			name: 'A',
			temperature: 1,
		});
		expect(created.status).toBe(201);
		const id = created.json.data.id as string;
		expect(created.json).toEqual({ status: 201, data: { status: 'created', id } });
		const updated = await call('PUT', '/update-assistant', {
			assistant_id: id,
			location_id: DEMO_LOCATION_ID,
			prompt: 'P',
		});
		expect(updated.json).toEqual({ status: 200, data: { status: 'updated', id } });
		const got = await call('GET', `/get-assistant${q({ assistant_id: id })}`);
		expect(got.json.data).toMatchObject({ id, name: 'A', temperature: 1, prompt: 'P' });
		expect(
			(await call('DELETE', `/delete-assistant${q({ assistant_id: id })}`)).json.data.status,
		).toBe('deleted');
		expect(sb.getAssistant(id)!.archived).toBe(true);
		for (const [method, path, b] of [
			['GET', `/get-assistant${q({ assistant_id: id })}`],
			['DELETE', `/delete-assistant${q({ assistant_id: id })}`],
			['PUT', '/update-assistant', { assistant_id: id, location_id: DEMO_LOCATION_ID, name: 'B' }],
		] as const)
			expect((await call(method, path, b)).status).toBe(404);
	});

	it('refuses a non-integer temperature, an undocumented model, a missing location or ID', async () => {
		expect(
			(await call('POST', '/create-assistant', { location_id: DEMO_LOCATION_ID, temperature: 0.5 }))
				.json,
		).toEqual({ message: 'temperature must be an integer' });
		expect(
			(await call('POST', '/create-assistant', { location_id: DEMO_LOCATION_ID, model: 'gpt-5' }))
				.status,
		).toBe(400);
		expect((await call('POST', '/create-flow', {})).json).toEqual({
			message: 'location_id is required',
		});
		expect((await call('DELETE', '/delete-assistant')).json).toEqual({
			message: 'assistant_id is required',
		});
	});

	it('create-flow stores a flow of the location', async () => {
		const { status, json } = await call('POST', '/create-flow', { location_id: DEMO_LOCATION_ID });
		expect(status).toBe(201);
		expect(sb.listFlows()).toEqual([
			expect.objectContaining({ id: json.data.id, location_id: DEMO_LOCATION_ID }),
		]);
	});
});
