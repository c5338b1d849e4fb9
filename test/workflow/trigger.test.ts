/**
 * The Assistable Trigger's webhook over HTTP, in-process: n8n-core's WebhookContext hands each request to
 * the node (test/harness/webhook.ts). What a caller sees (status, body) and whether an execution started.
 */
import {
	CALL_ENDED_ITEM,
	POST_CALL,
	PRE_CALL,
	PRE_CALL_EVENT,
	TOOL_CALL,
} from './trigger-payloads';
import { post, useTriggers } from './trigger-support';

const trigger = useTriggers();

describe('Call Ended', () => {
	it('turns a post-call webhook into one item with the fields by name, answered at once with an empty 200', async () => {
		const server = await trigger({ event: 'callEnded' });
		const answer = await post(server.url, POST_CALL);
		expect(answer.status).toBe(200);
		expect(answer.text).toBe('');
		expect(server.executions).toHaveLength(1);
		expect(server.executions[0].map((i) => i.json)).toEqual([CALL_ENDED_ITEM]);
	});

	it('reads contactId in either spelling, the duration from milliseconds, epoch timestamps, an inbound caller', async () => {
		const server = await trigger({ event: 'callEnded' });
		const body = {
			...POST_CALL,
			direction: 'Inbound',
			contact_id: undefined,
			contactId: 'GhlC0nt4ct1d00000009',
			call_time_seconds: undefined,
			call_time_ms: '61000',
			start_timestamp: 1776261600000,
			end_timestamp: 1776261661,
		};
		expect((await post(server.url, body)).status).toBe(200);
		expect(server.executions[0][0].json).toMatchObject({
			direction: 'inbound',
			customerNumber: '+14155550199',
			contactId: 'GhlC0nt4ct1d00000009',
			durationSeconds: 61,
			startedAt: '2026-04-15T14:00:00.000Z',
			endedAt: '2026-04-15T14:01:01.000Z',
		});
	});

	it('answers 200 and starts nothing for a pre-call, a tool call, or a body that is not from Assistable; logs why, not the body', async () => {
		const server = await trigger({ event: 'callEnded' });
		for (const body of [PRE_CALL, PRE_CALL_EVENT, TOOL_CALL, { hello: 'world' }]) {
			const answer = await post(server.url, body);
			expect(answer.status).toBe(200);
			expect(answer.json).toEqual({ message: 'Ignored: not a Call Ended payload.' });
		}
		expect(server.executions).toEqual([]);
		expect(server.logs.map((l) => l.message)).toEqual([
			'Assistable Trigger "Assistable Trigger" started no execution: ignored a Call Started payload, not Call Ended (200)',
			'Assistable Trigger "Assistable Trigger" started no execution: ignored a Call Started payload, not Call Ended (200)',
			'Assistable Trigger "Assistable Trigger" started no execution: ignored a Custom Tool Call payload, not Call Ended (200)',
			'Assistable Trigger "Assistable Trigger" started no execution: ignored not an Assistable Call Ended payload (200)',
		]);
		const logged = JSON.stringify(server.logs);
		for (const value of ['+15555550101', 'GhlC0nt4ct1d', 'world', '2026-04-21'])
			expect(logged).not.toContain(value);
	});

	it('refuses an empty body and a body that is not a JSON object with 400 and a clear message', async () => {
		const server = await trigger({ event: 'callEnded' });
		const cases: Array<[string, Record<string, string>, string]> = [
			['', {}, 'The request body is empty: Assistable sends a JSON object.'],
			[
				'   ',
				{ 'content-type': 'text/plain' },
				'The request body is empty: Assistable sends a JSON object.',
			],
			[
				'{"call_id": "x",',
				{ 'content-type': 'text/plain' },
				'The request body is not valid JSON: Assistable sends a JSON object.',
			],
			[
				'{"call_id": "x",',
				{ 'content-type': 'application/octet-stream' },
				'The request body is not valid JSON: Assistable sends a JSON object.',
			],
			['[1, 2]', {}, 'The request body is JSON but not an object: Assistable sends a JSON object.'],
			['"text"', {}, 'The request body is JSON but not an object: Assistable sends a JSON object.'],
		];
		for (const [raw, headers, message] of cases) {
			const answer = await post(server.url, raw, { raw: true, headers });
			expect({ raw, status: answer.status, json: answer.json }).toEqual({
				raw,
				status: 400,
				json: { message },
			});
		}
		expect(server.executions).toEqual([]);
		expect(server.logs).toHaveLength(cases.length);
	});

	it('parses a post-call body sent as text/plain', async () => {
		const server = await trigger({ event: 'callEnded' });
		const answer = await post(server.url, JSON.stringify(POST_CALL), {
			raw: true,
			headers: { 'content-type': 'text/plain' },
		});
		expect(answer.status).toBe(200);
		expect(server.executions[0][0].json).toEqual(CALL_ENDED_ITEM);
	});
});

describe('Call Started', () => {
	it('emits the documented minimum {to, from, contactId}: no direction, so no customer number is guessed', async () => {
		const server = await trigger({ event: 'callStarted' });
		expect((await post(server.url, PRE_CALL)).status).toBe(200);
		expect(server.executions[0].map((i) => i.json)).toEqual([
			{
				event: 'call_started',
				callId: null,
				direction: null,
				customerNumber: null,
				to: '+15555550101',
				from: '+14155550199',
				assistantId: null,
				contactId: 'GhlC0nt4ct1d00000001',
				startedAt: null,
				body: PRE_CALL,
			},
		]);
	});

	it('reads the newer payload (event, call_control_id, direction, contact_id); the caller in E.164', async () => {
		const server = await trigger({ event: 'callStarted' });
		expect((await post(server.url, PRE_CALL_EVENT)).status).toBe(200);
		expect(server.executions[0][0].json).toMatchObject({
			event: 'call_started',
			callId: 'v3:ctrl_1234',
			direction: 'inbound',
			customerNumber: '+447700900123',
			assistantId: 'asst_demo_assistant',
			contactId: 'GhlC0nt4ct1d00000002',
		});
	});

	it('ignores a post-call webhook', async () => {
		const server = await trigger({ event: 'callStarted' });
		expect((await post(server.url, POST_CALL)).status).toBe(200);
		expect(server.executions).toEqual([]);
	});
});

describe('Custom Tool Call', () => {
	it("answers with the workflow's last node (default): the arguments at the top level, the contact beside them", async () => {
		const server = await trigger({ event: 'customToolCall' });
		const answer = await post(server.url, TOOL_CALL);
		const item = {
			date: '2026-04-21',
			time: '10:00',
			duration_minutes: 30,
			contactId: 'GhlC0nt4ct1d00000001',
			body: TOOL_CALL,
		};
		expect(server.executions[0].map((i) => i.json)).toEqual([item]);
		// In this in-process workflow the trigger is the last node, so its item is the answer.
		expect(answer).toMatchObject({ status: 200, json: item });
	});

	it('takes the wrapper in any casing, as JSON text too, or the parameters at the top level', async () => {
		const server = await trigger({ event: 'customToolCall' });
		const args = { date: '2026-04-21', time: '10:00' };
		await post(server.url, { arguments: args, contact_id: 'c1' });
		await post(server.url, { ARGUMENTS: JSON.stringify(args), contactId: 'c2' });
		await post(server.url, { ...args, contact_id: 'c3' });
		await post(server.url, args);
		expect(server.executions.map(([item]) => ({ ...item.json, body: undefined }))).toEqual([
			{ ...args, contactId: 'c1', body: undefined },
			{ ...args, contactId: 'c2', body: undefined },
			{ ...args, contactId: 'c3', body: undefined },
			{ ...args, contactId: null, body: undefined },
		]);
	});

	it('Respond Immediately: an empty 200, and the workflow still runs', async () => {
		const server = await trigger({ event: 'customToolCall', responseMode: 'onReceived' });
		const answer = await post(server.url, TOOL_CALL);
		expect(answer).toMatchObject({ status: 200, text: '' });
		expect(server.executions).toHaveLength(1);
	});

	it('ignores a call webhook sent to the tool URL', async () => {
		const server = await trigger({ event: 'customToolCall' });
		const answer = await post(server.url, POST_CALL);
		expect(answer).toMatchObject({
			status: 200,
			json: { message: 'Ignored: not a Custom Tool Call payload.' },
		});
		expect(server.executions).toEqual([]);
	});
});
