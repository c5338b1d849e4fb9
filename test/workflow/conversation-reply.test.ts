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
			skipped: false,
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

		// A webhook delivered again: the assistant is not run a second time, and the user is told why.
		const again = await run('reply', reply);
		expect(sandbox.listCompletions()).toHaveLength(1);
		expect(again.error?.message).toMatch(
			/^Not running again: an earlier attempt \(assistant \S+ replying to message msgDemo0000000000002, .*\) may or may not have run the assistant$/,
		);
		expect(again.error?.description).toMatch(
			/Read the conversation \(Get\).*turn off Skip Repeats/,
		);
		// The user checked the conversation and runs it on purpose.
		const deliberate = await run('reply', { ...reply, options: { skipRepeats: false } });
		expect(deliberate.items[0].json).toMatchObject({ reply: replyText, skipped: false });
		expect(sandbox.listCompletions()).toHaveLength(2);
	});

	it('an unknown assistant is a 404 naming what to check; a refusal is not remembered', async () => {
		const result = await run('reply', { ...reply, assistantId: 'asst_nobody' });
		expect(result.error?.message).toBe('Assistant or conversation not found (404)');
		expect(sandbox.listCompletions()).toEqual([]);
		await run('reply', { ...reply, assistantId: 'asst_nobody' });
		expect(sandbox.requests).toHaveLength(2);
	});

	describe('the same message twice (Skip Repeats, on by default)', () => {
		it('two items of one execution: one reply, the second is skipped with no reply text', async () => {
			const result = await run('reply', reply, [{}, {}]);
			expect(sandbox.listCompletions()).toHaveLength(1);
			const [first, second] = result.items.map((item) => item.json);
			expect(first).toMatchObject({ reply: replyText, skipped: false });
			expect(second).toEqual({
				reply: null,
				skipped: true,
				skipReason: expect.stringMatching(
					new RegExp(
						`^Not run again: this n8n instance already had assistant ${DEMO_ASSISTANT_ID} replying to message msgDemo0000000000002 at \\d{4}-\\d\\d-\\d\\dT`,
					),
				),
				conversationId: CONV,
				lastMessageId: 'msgDemo0000000000002',
			});
			expect(result.items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		});

		it('a later execution is skipped; a new last message runs; Skip Repeats off runs again', async () => {
			await run('reply', reply);
			expect((await run('reply', reply)).items[0].json.skipped).toBe(true);
			const next = await run('reply', { ...reply, lastMessageId: 'msgDemo0000000000003' });
			expect(next.items[0].json.skipped).toBe(false);
			const forced = await run('reply', { ...reply, options: { skipRepeats: false } });
			expect(forced.items[0].json.skipped).toBe(false);
			expect(sandbox.listCompletions()).toHaveLength(3);
		});

		it.each([
			['an unreadable 200 (the assistant ran)', 'malformed', true],
			['an answer of the wrong shape (the assistant ran)', 'wrong-shape', true],
			['ok: false (a refusal: nothing ran)', 'ok-false', false],
		] as const)('after %s the next delivery is held back: %s', async (_, kind, held) => {
			sandbox.injectFault({ route: 'chat-completion', fault: { kind }, phase: 'after' });
			expect((await run('reply', reply)).error).toBeDefined();
			const again = await run('reply', reply);
			expect(again.error?.message?.startsWith('Not running again') ?? false).toBe(held);
			expect(sandbox.requests).toHaveLength(held ? 1 : 2);
		});

		it('the memory lasts a day', async () => {
			let now = Date.now();
			state.useClock({ now: () => now, sleep: async () => undefined });
			await run('reply', reply);
			now += 23 * 60 * 60_000;
			expect((await run('reply', reply)).items[0].json.skipped).toBe(true);
			now += 2 * 60 * 60_000;
			expect((await run('reply', reply)).items[0].json.skipped).toBe(false);
			expect(sandbox.listCompletions()).toHaveLength(2);
		});

		it('10 executions of one webhook at once run the assistant once', async () => {
			const runs = await Promise.all(Array.from({ length: 10 }, () => run('reply', reply)));
			expect(runs.map((r) => r.status)).toEqual(runs.map(() => 'success'));
			expect(sandbox.listCompletions()).toHaveLength(1);
			const outputs = runs.map((r) => r.items[0].json);
			expect(outputs.filter((o) => o.skipped === false)).toEqual([
				expect.objectContaining({ reply: replyText }),
			]);
			expect(outputs.filter((o) => o.skipped === true)).toHaveLength(9);
		});
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
