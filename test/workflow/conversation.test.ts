/**
 * Conversation → Get and Add Message against the sandbox, under each reading the vendor's files allow:
 * get-conversation by contact_id (current) or conversation_id (stale), create-message answering 201 or 200,
 * and a repeated message_id deduplicated or stored again. Generate Reply: conversation-reply.test.ts.
 */
import type { IDataObject } from 'n8n-workflow';

import { DEMO_CONTACT_IDS, DEMO_LOCATION_ID } from '../../sandbox/server';
import { DEMO_CONVERSATION_ID, DEMO_GHL_CONTACT_ID } from '../../sandbox/conversations';
import { state } from '../../nodes/Assistable/shared/state';
import { skippingClock } from '../harness/clock';
import { useSandbox } from '../harness/sandbox-fixture';
import { resourceRunner } from './resource-runner';

const sandbox = useSandbox();
const LOC = DEMO_LOCATION_ID;
const CONV = DEMO_CONVERSATION_ID;
const CONTACT = DEMO_GHL_CONTACT_ID;

const run = resourceRunner(sandbox, 'conversation');
const seeded = () => sandbox.getConversation(CONV)!.messages;
const added = () => seeded().slice(2);
const message = {
	locationId: LOC,
	conversationId: CONV,
	content: 'Tuesday at 3 pm works',
	channel: 'SMS',
};

afterEach(() => {
	// Back to real time, with nothing (a pause, a backoff) kept from the skipped time.
	state.useClock();
	state.reset();
});

describe.each(['contact_id', 'conversation_id'] as const)(
	'Get, the sandbox reading %s',
	(lookup) => {
		beforeEach(() => sandbox.setBehaviour({ conversationLookup: lookup }));

		it('with both IDs, sends both and outputs the messages', async () => {
			const result = await run('get', {
				locationId: LOC,
				contactId: CONTACT,
				conversationId: CONV,
			});
			expect(result.status).toBe('success');
			expect(sandbox.requests.map((r) => [r.method, r.route, r.query])).toEqual([
				[
					'GET',
					'get-conversation',
					{ location_id: LOC, contact_id: CONTACT, conversation_id: CONV },
				],
			]);
			expect(result.items.map((i) => i.json)).toEqual([{ messages: seeded(), channel: 'SMS' }]);
		});

		it('with the contact ID only: works under the current reading, says what to add under the old one', async () => {
			const result = await run('get', { locationId: LOC, contactId: CONTACT });
			expect(sandbox.requests[0].query).toEqual({ location_id: LOC, contact_id: CONTACT });
			if (lookup === 'contact_id') {
				expect(result.items[0].json.messages).toEqual(seeded());
			} else {
				expect(result.status).toBe('error');
				expect(result.error?.message).toBe('Assistable rejected the request (400)');
				expect(result.error?.description).toMatch(/conversation_id is required/);
				expect(result.error?.description).toMatch(
					/fill in both GHL Contact ID and Conversation ID to work with either/,
				);
			}
		});
	},
);

describe('Get: IDs checked before any request', () => {
	it('an Assistable contact UUID as GHL Contact ID fails, saying which ID to use and where to find it', async () => {
		const result = await run('get', { locationId: LOC, contactId: DEMO_CONTACT_IDS.ada });
		expect(sandbox.requests).toEqual([]);
		expect(result.error?.message).toBe(
			`GHL Contact ID "${DEMO_CONTACT_IDS.ada}" is an Assistable contact ID (a UUID), not a GoHighLevel contact ID`,
		);
		expect(result.error?.description).toMatch(
			/GoHighLevel contact ID .* not the Assistable contact ID/,
		);
		expect(result.error?.description).toMatch(/contact_id \(\{\{contact\.id\}\}\)/);
	});

	it('no contact and no conversation ID fails naming GHL Contact ID', async () => {
		const result = await run('get', { locationId: LOC });
		expect(sandbox.requests).toEqual([]);
		expect(result.error?.message).toBe('GHL Contact ID is empty');
	});

	it('an unknown contact is a 404 saying which IDs were used', async () => {
		const result = await run('get', { locationId: LOC, contactId: 'zzzzzzzzzzzzzzzzzzzz' });
		expect(result.error?.message).toBe('Conversation not found (404)');
		expect(result.error?.description).toMatch(/GHL contact "zzzzzzzzzzzzzzzzzzzz"/);
	});

	it('with Continue On Fail, a bad item fails alone and every item keeps its pairing', async () => {
		const result = await run(
			'get',
			{ locationId: LOC, contactId: '={{ $json.contact }}' },
			[{ contact: CONTACT }, { contact: DEMO_CONTACT_IDS.ada }],
			true,
		);
		expect(result.items.map((i) => [i.pairedItem, 'error' in i.json])).toEqual([
			[{ item: 0 }, false],
			[{ item: 1 }, true],
		]);
		expect(sandbox.requests).toHaveLength(1);
	});
});

describe.each([201, 200] as const)('Add Message, create-message answering %s', (status) => {
	beforeEach(() => sandbox.setBehaviour({ messageStatus: status }));

	it('sends every documented field with a generated message ID and stores the message once', async () => {
		const result = await run('addMessage', { ...message, role: 'user', ai: false });
		expect(result.status).toBe('success');
		const [request] = sandbox.requests;
		expect(request.route).toBe('create-message');
		const body = request.body as IDataObject;
		expect(body).toEqual({
			location_id: LOC,
			conversation_id: CONV,
			message_id: expect.stringMatching(/^n8n[A-Za-z0-9]{21}$/),
			role: 'user',
			content: 'Tuesday at 3 pm works',
			channel: 'SMS',
			ai: false,
		});
		expect(added()).toEqual([
			expect.objectContaining({ message_id: body.message_id, role: 'user' }),
		]);
		expect(result.items[0].json).toEqual({
			messageId: body.message_id,
			conversationId: CONV,
			status,
			data: { status: 'stored', id: body.message_id },
		});
	});
});

describe.each(['store-again', 'dedupe'] as const)(
	'Add Message when Assistable %s a repeated ID',
	(messageIds) => {
		beforeEach(() => {
			sandbox.setBehaviour({ messageIds });
			state.useClock(skippingClock());
		});

		it('a 500 after the message was stored: reads the conversation, finds it, sends nothing more', async () => {
			sandbox.injectFault({
				route: 'create-message',
				fault: { kind: 'status', status: 500 },
				phase: 'after',
			});
			const result = await run('addMessage', { ...message, contactId: CONTACT });
			expect(sandbox.requests.map((r) => r.route)).toEqual(['create-message', 'get-conversation']);
			expect(added()).toHaveLength(1);
			expect(result.items[0].json).toMatchObject({
				messageId: added()[0].message_id,
				stored: true,
				note: expect.stringMatching(/read afterwards, has this message/),
			});
		});

		it('a 502 before it was stored: reads the conversation, sends again with the same ID, stored once', async () => {
			sandbox.injectFault({ route: 'create-message', fault: { kind: 'status', status: 502 } });
			const result = await run('addMessage', { ...message, contactId: CONTACT });
			const sends = sandbox.requests.filter((r) => r.route === 'create-message');
			expect(sandbox.requests.map((r) => r.route)).toEqual([
				'create-message',
				'get-conversation',
				'create-message',
			]);
			expect(sends[1].body).toEqual(sends[0].body);
			expect(added()).toHaveLength(1);
			expect(result.items[0].json.messageId).toBe(added()[0].message_id);
		});

		it('without the GHL contact ID the read-back cannot find the conversation: not sent again, the error says why', async () => {
			sandbox.injectFault({ route: 'create-message', fault: { kind: 'drop' } });
			const result = await run('addMessage', message);
			expect(sandbox.requests.map((r) => `${r.route} ${r.status}`)).toEqual([
				'create-message 0',
				'get-conversation 400',
			]);
			expect(added()).toEqual([]);
			expect(result.error?.message).toMatch(/could not be reached/);
			expect(result.error?.description).toMatch(/may or may not have been stored/);
			expect(result.error?.description).toMatch(/Set GHL Contact ID/);
		});

		it('a Message ID given twice (a re-run) is stored once by this process; by another process twice only when Assistable does not deduplicate', async () => {
			await run('addMessage', { ...message, options: { messageId: 'ghlMsg001' } });
			await run('addMessage', { ...message, options: { messageId: 'ghlMsg001' } });
			expect(added().map((m) => m.message_id)).toEqual(['ghlMsg001']);
			// Another worker (or this one after a restart) does not know what this process stored.
			state.reset();
			await run('addMessage', { ...message, options: { messageId: 'ghlMsg001' } });
			expect(added().map((m) => m.message_id)).toEqual(
				messageIds === 'dedupe' ? ['ghlMsg001'] : ['ghlMsg001', 'ghlMsg001'],
			);
		});
	},
);

describe('Add Message: validation', () => {
	it('empty content and a UUID contact fail before any request, naming the field', async () => {
		const result = await run(
			'addMessage',
			{ ...message, content: '={{ $json.content }}', contactId: '={{ $json.contact }}' },
			[
				{ content: '', contact: CONTACT },
				{ content: 'Hi', contact: DEMO_CONTACT_IDS.ada },
			],
			true,
		);
		expect(sandbox.requests).toEqual([]);
		expect(result.items.map((i) => i.json.error)).toEqual([
			'Content is empty',
			`GHL Contact ID "${DEMO_CONTACT_IDS.ada}" is an Assistable contact ID (a UUID), not a GoHighLevel contact ID`,
		]);
	});

	it('items of one conversation are stored in input order', async () => {
		const items = ['one', 'two', 'three'].map((content) => ({ content }));
		await run('addMessage', { ...message, content: '={{ $json.content }}' }, items);
		expect(added().map((m) => m.content)).toEqual(['one', 'two', 'three']);
	});
});

describe('Add Message with a mapped Message ID, across executions of this n8n process', () => {
	beforeEach(() => sandbox.setBehaviour({ messageIds: 'store-again' }));

	it('a webhook delivered twice at once stores the message once; the second execution says it skipped it', async () => {
		const same = { ...message, options: { messageId: 'ghl-msg-1' } };
		const results = await Promise.all([run('addMessage', same), run('addMessage', same)]);
		expect(results.map((r) => r.status)).toEqual(['success', 'success']);
		expect(added().map((m) => m.content)).toEqual(['Tuesday at 3 pm works']);
		expect(sandbox.requests.filter((r) => r.route === 'create-message')).toHaveLength(1);
		const outputs = results.map((r) => r.items[0].json);
		expect(outputs.filter((json) => json.skipped === true)).toEqual([
			expect.objectContaining({
				messageId: 'ghl-msg-1',
				conversationId: CONV,
				skipReason: expect.stringContaining('already stored a message with the ID "ghl-msg-1"'),
			}),
		]);
		// Later too; another ID is stored as usual.
		expect((await run('addMessage', same)).items[0].json).toMatchObject({ skipped: true });
		await run('addMessage', { ...message, options: { messageId: 'ghl-msg-2' } });
		expect(added()).toHaveLength(2);
	});
});
