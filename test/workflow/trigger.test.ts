/**
 * The Assistable Trigger's webhook over HTTP, in-process: n8n-core's WebhookContext hands each request to
 * the node (test/harness/webhook.ts). What a caller sees (status, body) and whether an execution started.
 */
import type { IDataObject } from 'n8n-workflow';

import { startTriggerServer, type TriggerServer } from '../harness/webhook';
import { POST_CALL, PRE_CALL, PRE_CALL_EVENT, TOOL_CALL } from './trigger-payloads';

const SECRET = 'sEcr3t-9f8e7d6c5b4a39281706';

interface Answer {
	status: number;
	text: string;
	json?: unknown;
	headers: Headers;
}

async function post(
	url: string,
	body: unknown,
	init: { headers?: Record<string, string>; raw?: boolean; query?: string } = {},
): Promise<Answer> {
	const res = await fetch(url + (init.query ?? ''), {
		method: 'POST',
		headers: { 'content-type': 'application/json', ...init.headers },
		body: init.raw ? (body as string) : JSON.stringify(body),
	});
	const text = await res.text();
	let json: unknown;
	try {
		json = text ? JSON.parse(text) : undefined;
	} catch {
		json = undefined;
	}
	return { status: res.status, text, json, headers: res.headers };
}

const servers: TriggerServer[] = [];
async function trigger(parameters: IDataObject, secret?: string) {
	const server = await startTriggerServer({ parameters, secret });
	servers.push(server);
	return server;
}
afterEach(async () => {
	await Promise.all(servers.splice(0).map((s) => s.close()));
});

/** The item every mapped field of POST_CALL gives. */
const CALL_ENDED_ITEM = {
	event: 'call_ended',
	callId: 'call_8f2c1e0b7a',
	direction: 'outbound',
	customerNumber: '+15555550101',
	to: '+15555550101',
	from: '+14155550199',
	assistantId: 'asst_demo_assistant',
	contactId: 'GhlC0nt4ct1d00000001',
	callType: 'voice',
	disconnectionReason: 'user_hangup',
	callCompletion: 'complete',
	taskCompletion: 'booked',
	sentiment: 'Positive',
	summary: 'Ada wants a demo next Tuesday at 10am.',
	transcript: 'Agent: Hello Ada...\nUser: Hi, I would like a demo.',
	recordingUrl: 'https://recordings.example/call_8f2c1e0b7a.mp3',
	durationSeconds: 92.5,
	startedAt: '2026-04-15T14:00:00.123Z',
	endedAt: '2026-04-15T14:01:32.623Z',
	body: POST_CALL,
};

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

describe('Webhook Secret', () => {
	const refused = async (server: TriggerServer, answer: Answer, message: string) => {
		expect({ status: answer.status, json: answer.json }).toEqual({
			status: 401,
			json: { message },
		});
		expect(answer.text).not.toContain(SECRET);
		expect(server.executions).toEqual([]);
		expect(JSON.stringify(server.logs)).not.toContain(SECRET);
	};

	it('custom tool calls: the right Bearer key runs the workflow; a wrong or missing one gets 401 and starts nothing', async () => {
		const server = await trigger({ event: 'customToolCall', authentication: 'secret' }, SECRET);
		const ok = await post(server.url, TOOL_CALL, {
			headers: { authorization: `Bearer ${SECRET}` },
		});
		expect(ok.status).toBe(200);
		const okLower = await post(server.url, TOOL_CALL, {
			headers: { authorization: `bearer ${SECRET}` },
		});
		expect(okLower.status).toBe(200);
		expect(server.executions).toHaveLength(2);
		expect(JSON.stringify(server.executions)).not.toContain(SECRET);
		server.executions.length = 0;

		const wrong = await post(server.url, TOOL_CALL, {
			headers: { authorization: `Bearer ${SECRET}x` },
		});
		await refused(server, wrong, 'Authorization failed: wrong Authorization: Bearer header.');
		expect(wrong.headers.get('www-authenticate')).toBe('Bearer realm="Assistable Trigger"');
		const prefix = await post(server.url, TOOL_CALL, {
			headers: { authorization: `Bearer ${SECRET.slice(0, 8)}` },
		});
		await refused(server, prefix, 'Authorization failed: wrong Authorization: Bearer header.');
		await refused(
			server,
			await post(server.url, TOOL_CALL),
			'Authorization failed: no Authorization: Bearer header.',
		);
		// The key belongs in the header for tools: the URL's secret parameter does not count.
		const inQuery = await post(server.url, TOOL_CALL, { query: `?secret=${SECRET}` });
		await refused(server, inQuery, 'Authorization failed: no Authorization: Bearer header.');
		// Refused before the body is read: a malformed body without the key is a 401, not a 400.
		const malformed = await post(server.url, '{', {
			raw: true,
			headers: { 'content-type': 'text/plain' },
		});
		await refused(server, malformed, 'Authorization failed: no Authorization: Bearer header.');
		expect(server.logs.map((l) => l.message)).toContain(
			'Assistable Trigger "Assistable Trigger" started no execution: wrong Authorization: Bearer header (401)',
		);
	});

	it('call webhooks: the right ?secret= runs the workflow; a wrong or missing one gets 401 and starts nothing', async () => {
		const server = await trigger({ event: 'callEnded', authentication: 'secret' }, SECRET);
		const ok = await post(server.url, POST_CALL, {
			query: `?secret=${encodeURIComponent(SECRET)}`,
		});
		expect(ok.status).toBe(200);
		expect(server.executions[0][0].json).toEqual(CALL_ENDED_ITEM);
		expect(JSON.stringify(server.executions)).not.toContain(SECRET);
		server.executions.length = 0;

		const wrong = await post(server.url, POST_CALL, { query: '?secret=guess' });
		await refused(server, wrong, 'Authorization failed: wrong "secret" query parameter.');
		await refused(
			server,
			await post(server.url, POST_CALL),
			'Authorization failed: no "secret" query parameter.',
		);
		const empty = await post(server.url, POST_CALL, { query: '?secret=' });
		await refused(server, empty, 'Authorization failed: no "secret" query parameter.');
		const header = await post(server.url, POST_CALL, {
			headers: { authorization: `Bearer ${SECRET}` },
		});
		await refused(server, header, 'Authorization failed: no "secret" query parameter.');
	});

	it('a credential with an empty secret refuses everything rather than letting everything in', async () => {
		const server = await trigger({ event: 'callEnded', authentication: 'secret' }, '');
		const answer = await post(server.url, POST_CALL, { query: '?secret=' });
		await refused(server, answer, 'Authorization failed: the webhook secret is not set up in n8n.');
	});
});
