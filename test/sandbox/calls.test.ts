/**
 * The sandbox's calls, used as a client would (API notes, "Beyond contacts"): POST /ghl/make-call, its
 * failure answers, and a placed call's simulated life: the pre-call and post-call webhooks reach a local
 * HTTP server at the URLs set for the assistant (admin route or CLI flag), with the configured outcome.
 */
import * as http from 'node:http';

import { callFlag } from '../../sandbox/call-flags';
import type { Sandbox, SandboxBehaviour, SandboxCall, SandboxOptions } from '../../sandbox/server';
import {
	DEMO_API_KEY,
	DEMO_LOCATION_ID,
	DEMO_OTHER_LOCATION_ID,
	DEMO_RESTRICTED_API_KEY,
	startSandbox,
} from '../../sandbox/server';

const LIFE = { callStartAfterMs: 30, callDurationMs: 60 };
const open: Array<{ close(): Promise<void> | void }> = [];
afterEach(async () => {
	await Promise.all(open.splice(0).map((s) => s.close()));
});

async function sandbox(options: SandboxOptions = {}): Promise<Sandbox> {
	const sb = await startSandbox({
		keys: [
			{ key: DEMO_API_KEY, locations: '*' },
			{ key: DEMO_RESTRICTED_API_KEY, locations: [DEMO_LOCATION_ID] },
		],
		...options,
		behaviour: { ...LIFE, ...options.behaviour },
	});
	open.push(sb);
	return sb;
}

/** A local webhook receiver: every POST it got, by path. */
async function receiver() {
	const got: Array<{ path: string; body: Record<string, unknown> }> = [];
	const waiters: Array<() => void> = [];
	const server = http.createServer((req, res) => {
		let text = '';
		req.on('data', (c: Buffer) => (text += c.toString('utf8')));
		req.on('end', () => {
			got.push({ path: req.url ?? '', body: JSON.parse(text) });
			res.writeHead(200).end('ok');
			waiters.splice(0).forEach((w) => w());
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
	open.push({ close: () => new Promise<void>((resolve) => server.close(() => resolve())) });
	const until = async (n: number) => {
		const deadline = Date.now() + 5000;
		while (got.length < n) {
			if (Date.now() > deadline) throw new Error(`got ${got.length} webhooks, expected ${n}`);
			await new Promise<void>((resolve) => {
				waiters.push(resolve);
				setTimeout(resolve, 100);
			});
		}
		return got;
	};
	return { url, got, until };
}

const post = (sb: Sandbox, body: unknown, key = DEMO_API_KEY) =>
	fetch(`${sb.url}/ghl/make-call`, {
		method: 'POST',
		headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
		body: JSON.stringify(body),
	}).then(async (r) => {
		const text = await r.text();
		return {
			status: r.status,
			json: (/^[{[]/.test(text) ? JSON.parse(text) : text) as Record<string, unknown>,
		};
	});
/** Waits until every webhook the sandbox sent has its receiver's answer recorded. */
async function delivered(sb: Sandbox) {
	const deadline = Date.now() + 5000;
	const pending = () => sb.calls().some((c) => c.deliveries.some((d) => !d.status && !d.error));
	while (pending() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
}
const admin = (sb: Sandbox, method: string, path: string, body?: unknown) =>
	fetch(`${sb.url.replace(/\/v2$/, '')}${path}`, {
		method,
		headers: { 'content-type': 'application/json' },
		body: body === undefined ? undefined : JSON.stringify(body),
	}).then(async (r) => ({ status: r.status, json: (await r.json()) as any }));

const CALL = {
	assistant_id: 'asst_one',
	location_id: DEMO_LOCATION_ID,
	contact_id: 'GhlAda000000000000001',
};

describe('POST /v2/ghl/make-call', () => {
	it('records the call with an ID and answers the documented shape', async () => {
		const sb = await sandbox();
		const res = await post(sb, { ...CALL, number_pool_id: 'pool_1' });
		expect(res).toEqual({
			status: 200,
			json: {
				success: true,
				call_id: expect.any(String),
				returned_an_error: false,
				error_message: null,
				error_code: null,
			},
		});
		expect(sb.calls()).toEqual([
			expect.objectContaining({
				...CALL,
				number_pool_id: 'pool_1',
				call_id: res.json.call_id,
				status: 'queued',
			}),
		]);
		expect(sb.requests.map((r) => r.route)).toEqual(['makeCall']);
	});

	it.each([
		[{ ...CALL, assistant_id: undefined }, 400, 'assistant_id is required'],
		[{ ...CALL, contact_id: '' }, 400, 'contact_id is required'],
		[{ ...CALL, number_pool_id: 7 }, 400, 'number_pool_id must be a string'],
	])('refuses %j with %i', async (body, status, message) => {
		const sb = await sandbox();
		expect(await post(sb, body)).toEqual({ status, json: { message } });
		expect(sb.calls()).toEqual([]);
	});

	it("answers 403 for a location the key's sub-account cannot use, 401 for an unknown key", async () => {
		const sb = await sandbox();
		expect(
			(await post(sb, { ...CALL, location_id: DEMO_OTHER_LOCATION_ID }, DEMO_RESTRICTED_API_KEY))
				.status,
		).toBe(403);
		expect((await post(sb, CALL, 'asst_wrong')).status).toBe(401);
		expect(sb.calls()).toEqual([]);
	});

	it('answers each failure in the documented shape or the seen one, and places nothing', async () => {
		const sb = await sandbox({ behaviour: { callFailure: 'dnc' } });
		expect((await post(sb, CALL)).json).toEqual({
			success: false,
			call_id: null,
			returned_an_error: true,
			error_message: 'Contact is on the Do Not Call list',
			error_code: 'ai_call_error_dnd',
		});
		sb.setBehaviour({ callFailure: 'wallet', callFailureShape: 'seen' });
		expect((await post(sb, CALL)).json).toEqual({
			error: 'Insufficient wallet balance',
			status: 'failed',
		});
		expect(sb.calls()).toEqual([]);
	});

	it('faults apply: a 500 after the call is placed loses the answer, not the call', async () => {
		const sb = await sandbox();
		sb.injectFault({ route: 'makeCall', fault: { kind: 'status', status: 500 }, phase: 'after' });
		expect((await post(sb, CALL)).status).toBe(500);
		expect(sb.calls()).toHaveLength(1);
	});
});

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

describe('CLI call flags', () => {
	it('set the behaviour, and refuse bad values naming the flag', () => {
		const b: Partial<SandboxBehaviour> = {};
		for (const [flag, value] of [
			['--call-failure', 'no-number'],
			['--call-failure-shape', 'seen'],
			['--call-start-after', '5'],
			['--call-duration', '7'],
			['--call-outcome', 'sentiment=Neutral'],
			['--call-outcome', 'completion=incomplete'],
			['--call-webhook', 'pre=http://127.0.0.1:1/p'],
		])
			expect(callFlag(b, flag, value)).toBe(true);
		expect(b).toEqual({
			callFailure: 'no-number',
			callFailureShape: 'seen',
			callStartAfterMs: 5,
			callDurationMs: 7,
			callOutcome: { user_sentiment: 'Neutral', call_completion: 'incomplete' },
			callWebhooks: { '*': { pre: 'http://127.0.0.1:1/p' } },
		});
		expect(callFlag(b, '--port', '1')).toBe(false);
		expect(() => callFlag(b, '--call-failure', 'moon')).toThrow(
			/--call-failure must be one of wallet, dnc/,
		);
		expect(() => callFlag(b, '--call-webhook', 'during=http://x')).toThrow(
			/--call-webhook must be/,
		);
		expect(() => callFlag(b, '--call-duration', 'soon')).toThrow(/milliseconds/);
	});
});
