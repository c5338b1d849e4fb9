/**
 * A placed call's simulated life in the sandbox: the pre-call and post-call webhooks reach a local HTTP
 * server at the URLs set for the assistant (admin route or CLI flag), with the configured outcome.
 */
import { callFlag } from '../../sandbox/call-flags';
import type { SandboxBehaviour, SandboxCall } from '../../sandbox/server';
import {
	admin,
	CALL,
	closeAfterEachTest,
	delivered,
	LIFE,
	post,
	receiver,
	sandbox,
} from './calls-support';

closeAfterEachTest();

describe('a placed call lives: pre-call, then post-call webhook', () => {
	it("POSTs both payloads to the assistant's URLs, set through the admin route, with the configured outcome", async () => {
		const hook = await receiver();
		const sb = await sandbox({
			behaviour: {
				callOutcome: { user_sentiment: 'Negative', call_summary: 'Asked not to be called.' },
			},
		});
		const set = await admin(sb, 'PUT', '/__sandbox/assistants/asst_one/webhooks', {
			pre: `${hook.url}/pre`,
			post: `${hook.url}/post`,
		});
		expect(set).toEqual({
			status: 200,
			json: { assistant_id: 'asst_one', pre: `${hook.url}/pre`, post: `${hook.url}/post` },
		});
		const { json } = await post(sb, CALL);
		const [pre, done] = await hook.until(2);
		expect(pre).toEqual({
			path: '/pre',
			body: expect.objectContaining({
				to: expect.stringMatching(/^\+1\d{10}$/),
				from: expect.stringMatching(/^\+1\d{10}$/),
				contactId: CALL.contact_id,
				contact_id: CALL.contact_id,
				event: 'call_started',
				assistant_id: 'asst_one',
				direction: 'outbound',
			}),
		});
		expect(done.path).toBe('/post');
		expect(Object.keys(done.body).sort()).toEqual(
			[
				'call_id',
				'call_type',
				'direction',
				'to',
				'from',
				'contact_id',
				'disconnection_reason',
				'user_sentiment',
				'call_summary',
				'call_completion',
				'assistant_task_completion',
				'recording_url',
				'call_time_ms',
				'call_time_seconds',
				'full_transcript',
				'start_timestamp',
				'end_timestamp',
			].sort(),
		);
		expect(done.body).toMatchObject({
			call_id: json.call_id,
			call_type: 'voice',
			direction: 'outbound',
			contact_id: CALL.contact_id,
			to: pre.body.to,
			user_sentiment: 'Negative',
			call_summary: 'Asked not to be called.',
			call_completion: 'complete',
		});
		expect(Date.parse(done.body.end_timestamp as string)).toBeGreaterThan(
			Date.parse(done.body.start_timestamp as string),
		);
		await delivered(sb);
		const [call]: SandboxCall[] = sb.calls();
		expect(call.status).toBe('ended');
		expect(call.deliveries.map((d) => `${d.event} ${d.status}`)).toEqual([
			'pre-call 200',
			'post-call 200',
		]);
		// The admin route needs no key and is not part of the API's request record.
		expect(sb.requests.map((r) => r.route)).toEqual(['makeCall']);
	});

	it('URLs for every assistant (CLI flag or id *) apply unless an assistant has its own; none: nothing is sent', async () => {
		const hook = await receiver();
		const behaviour: Partial<SandboxBehaviour> = { ...LIFE };
		callFlag(behaviour, '--call-webhook', `post=${hook.url}/all`);
		callFlag(behaviour, '--call-webhook', `asst_two:post=${hook.url}/two`);
		const sb = await sandbox({ behaviour });
		await post(sb, CALL);
		await post(sb, { ...CALL, assistant_id: 'asst_two' });
		const got = await hook.until(2);
		expect(got.map((g) => `${g.path} ${g.body.contact_id}`).sort()).toEqual([
			`/all ${CALL.contact_id}`,
			`/two ${CALL.contact_id}`,
		]);
		// No pre-call URL anywhere: only post-call payloads were sent.
		expect(sb.calls().flatMap((c) => c.deliveries.map((d) => d.event))).toEqual([
			'post-call',
			'post-call',
		]);
	});

	it('a receiver that cannot be reached is recorded, and a reset drops calls still to come', async () => {
		const sb = await sandbox({ behaviour: { callStartAfterMs: 10, callDurationMs: 10_000 } });
		sb.setCallWebhooks('*', {
			pre: 'http://127.0.0.1:9/unreachable',
			post: 'http://127.0.0.1:9/never',
		});
		await post(sb, CALL);
		const deadline = Date.now() + 5000;
		while (!sb.calls()[0].deliveries[0]?.error && Date.now() < deadline)
			await new Promise((r) => setTimeout(r, 20));
		expect(sb.calls()[0].deliveries).toEqual([
			expect.objectContaining({
				event: 'pre-call',
				url: 'http://127.0.0.1:9/unreachable',
				error: expect.any(String),
			}),
		]);
		expect(sb.calls()[0].status).toBe('in-progress');
		sb.reset();
		expect(sb.calls()).toEqual([]);
	});

	it('the admin route refuses what is not a URL, lists the calls, and 404s other paths', async () => {
		const sb = await sandbox();
		expect(
			(await admin(sb, 'PUT', '/__sandbox/assistants/a/webhooks', { pre: 'ftp://x' })).status,
		).toBe(400);
		await post(sb, CALL);
		const listed = await admin(sb, 'GET', '/__sandbox/calls');
		expect(listed.json.map((c: { contact_id: string }) => c.contact_id)).toEqual([CALL.contact_id]);
		expect((await admin(sb, 'GET', '/__sandbox/nothing')).status).toBe(404);
	});
});
