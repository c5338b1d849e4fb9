/**
 * The Assistable Trigger's Webhook Secret, over HTTP in-process (n8n-core's WebhookContext): the Bearer key of
 * custom tool calls and the `?secret=` of call webhooks, right, wrong and missing.
 */
import type { TriggerServer } from '../harness/webhook';
import { CALL_ENDED_ITEM, POST_CALL, TOOL_CALL } from './trigger-payloads';
import { type Answer, post, useTriggers } from './trigger-support';

const SECRET = 'sEcr3t-9f8e7d6c5b4a39281706';
const trigger = useTriggers();

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

	it('Webhook Secret without a credential selected refuses everything (401), it does not fail the workflow', async () => {
		const server = await trigger({ event: 'customToolCall', authentication: 'secret' });
		const answer = await post(server.url, TOOL_CALL, { headers: { authorization: 'Bearer x' } });
		await refused(server, answer, 'Authorization failed: the webhook secret is not set up in n8n.');
	});

	it('a credential with an empty secret refuses everything rather than letting everything in', async () => {
		const server = await trigger({ event: 'callEnded', authentication: 'secret' }, '');
		const answer = await post(server.url, POST_CALL, { query: '?secret=' });
		await refused(server, answer, 'Authorization failed: the webhook secret is not set up in n8n.');
	});
});
