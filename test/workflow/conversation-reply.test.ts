/** Conversation → Generate Reply against the sandbox (Get and Add Message: conversation.test.ts). */
import type { IDataObject } from 'n8n-workflow';

import { DEMO_CONTACT_IDS, DEMO_LOCATION_ID } from '../../sandbox/server';
import { DEMO_ASSISTANT_ID } from '../../sandbox/demo-data';
import { DEMO_CONVERSATION_ID, DEMO_GHL_CONTACT_ID } from '../../sandbox/conversations';
import { state } from '../../nodes/Assistable/shared/state';
import { useSandbox } from '../harness/sandbox-fixture';
import { resourceRunner } from './resource-runner';

const sandbox = useSandbox();
const LOC = DEMO_LOCATION_ID;
const CONV = DEMO_CONVERSATION_ID;
const CONTACT = DEMO_GHL_CONTACT_ID;

const run = resourceRunner(sandbox, 'conversation');

afterEach(() => {
	// Back to real time, with nothing (a pause, a backoff) kept from the skipped time.
	state.useClock();
	state.reset();
});

describe('Generate Reply', () => {
	const reply = {
		locationId: LOC,
		assistantId: DEMO_ASSISTANT_ID,
		contactId: CONTACT,
		conversationId: CONV,
		lastMessageId: 'msgDemo0000000000002',
		channel: 'SMS',
		input: 'Tuesday at 3 pm works',
	};
	const replyText = 'Ada Booking Assistant: thanks for your message "Tuesday at 3 pm works".';

	it('sends the documented fields and outputs the reply text at the top level', async () => {
		const result = await run('reply', reply);
		expect(sandbox.requests.map((r) => [r.method, r.route, r.body])).toEqual([
			[
				'POST',
				'chat-completion',
				{
					conversation_id: CONV,
					contact_id: CONTACT,
					last_message_id: 'msgDemo0000000000002',
					channel: 'SMS',
					input: 'Tuesday at 3 pm works',
					location_id: LOC,
					assistant_id: DEMO_ASSISTANT_ID,
				},
			],
		]);
		expect(result.items[0].json).toEqual({
			reply: replyText,
			messageId: expect.any(String),
			conversationId: CONV,
			toolCalls: [],
		});
	});

	it('Simplify off: the reply text and the whole answer; a history is sent as given', async () => {
		const history = [{ role: 'user', content: 'Hi' }];
		const result = await run('reply', {
			...reply,
			options: { simplify: false, messages: JSON.stringify(history) },
		});
		expect((sandbox.requests[0].body as IDataObject).messages).toEqual(history);
		const json = result.items[0].json as IDataObject & { run: IDataObject };
		expect(json.reply).toBe(replyText);
		expect(json.run).toMatchObject({ input: 'Tuesday at 3 pm works', output: replyText });
	});

	it('a 500 is not retried: the assistant may have run, and the error says so', async () => {
		sandbox.injectFault({
			route: 'chat-completion',
			fault: { kind: 'status', status: 500 },
			phase: 'after',
		});
		const result = await run('reply', reply);
		expect(sandbox.requests).toHaveLength(1);
		expect(sandbox.listCompletions()).toHaveLength(1);
		expect(result.error?.message).toBe('Assistable had a server error (500)');
		expect(result.error?.description).toMatch(/the assistant may or may not have replied/);
	});

	it('an unknown assistant is a 404 naming what to check', async () => {
		const result = await run('reply', { ...reply, assistantId: 'asst_nobody' });
		expect(result.error?.message).toBe('Assistant or conversation not found (404)');
		expect(sandbox.listCompletions()).toEqual([]);
	});

	it('bad history and a UUID contact fail before any request', async () => {
		const bad = await run('reply', { ...reply, options: { messages: '{"role": "user"}' } });
		expect(bad.error?.message).toBe('Message History is not a JSON list of objects');
		const uuid = await run('reply', { ...reply, contactId: DEMO_CONTACT_IDS.ada });
		expect(uuid.error?.message).toMatch(
			/is an Assistable contact ID \(a UUID\), not a GoHighLevel contact ID/,
		);
		expect(sandbox.requests).toEqual([]);
	});
});
