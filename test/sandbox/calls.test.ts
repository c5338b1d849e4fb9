/**
 * The sandbox's calls, used as a client would (API notes, "Beyond contacts"): POST /ghl/make-call, its
 * failure answers, and the CLI flags that set a call's simulated life (the life itself: call-life.test.ts).
 */
import { callFlag } from '../../sandbox/call-flags';
import type { SandboxBehaviour } from '../../sandbox/server';
import { DEMO_OTHER_LOCATION_ID, DEMO_RESTRICTED_API_KEY } from '../../sandbox/server';
import { CALL, closeAfterEachTest, post, sandbox } from './calls-support';

closeAfterEachTest();

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
