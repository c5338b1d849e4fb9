/**
 * Call → Make against the sandbox, as a user checks it: the request Assistable received, the calls it
 * recorded, the output items, the error a person sees (with and without Continue On Fail), and the
 * double-submission guard within one process.
 */
import type { IDataObject } from 'n8n-workflow';

import type { CallFailure } from '../../sandbox/server';
import { DEMO_CONTACT_IDS, DEMO_LOCATION_ID, DEMO_OTHER_LOCATION_ID } from '../../sandbox/server';
import { Assistable } from '../../nodes/Assistable/Assistable.node';
import { state } from '../../nodes/Assistable/shared/state';
import { expectIdle } from '../harness/idle';
import { useSandbox } from '../harness/sandbox-fixture';
import { runAssistable } from '../harness/workflow';

const KEY = 'asst_SECRET_call_key_5d4c3b';
const RESTRICTED = 'asst_SECRET_restricted_call_key';
const ASSISTANT = 'asst_9x8y7z';
const GHL_ADA = 'pQ4x7Ld2Rt9Wm3Kc8Nb1';
const GHL_GRACE = 'Zr8kW2mN5vB7cX1qL4sD';
const LOC = DEMO_LOCATION_ID;

const sandbox = useSandbox({
	keys: [
		{ key: KEY, locations: '*' },
		{ key: RESTRICTED, locations: [LOC] },
	],
});
afterEach(() => {
	state.useClock();
	expectIdle();
});
beforeEach(() => state.reset());

const CALL = { assistantId: ASSISTANT, ghlLocationId: LOC, ghlContactId: GHL_ADA };

function makeCall(
	parameters: IDataObject = {},
	{
		items = [{}],
		continueOnFail = false,
		apiKey = KEY,
	}: { items?: IDataObject[]; continueOnFail?: boolean; apiKey?: string } = {},
) {
	return runAssistable({
		items,
		parameters: { resource: 'call', operation: 'make', ...CALL, ...parameters },
		credentials: { apiKey, baseUrl: sandbox.url },
		onError: continueOnFail ? 'continueRegularOutput' : undefined,
	});
}

const calls = () => sandbox.calls().map((c) => `${c.assistant_id} → ${c.contact_id}`);
const jsonOf = (run: { items: Array<{ json: IDataObject }> }) => run.items.map((i) => i.json);

describe('a call is made', () => {
	it('sends the GHL IDs Assistable documents and outputs the call ID and the answer', async () => {
		const run = await makeCall();
		expect(run.status).toBe('success');
		expect(sandbox.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
			'POST /v2/ghl/make-call',
		]);
		expect(sandbox.requests[0].body).toEqual({
			assistant_id: ASSISTANT,
			location_id: LOC,
			contact_id: GHL_ADA,
		});
		expect(sandbox.requests[0].authorization).toBe(`Bearer ${KEY}`);
		const [call] = sandbox.calls();
		expect(calls()).toEqual([`${ASSISTANT} → ${GHL_ADA}`]);
		expect(jsonOf(run)).toEqual([
			{
				callId: call.call_id,
				skipped: false,
				assistantId: ASSISTANT,
				locationId: LOC,
				contactId: GHL_ADA,
				answer: {
					success: true,
					call_id: call.call_id,
					returned_an_error: false,
					error_message: null,
					error_code: null,
				},
			},
		]);
		expect(run.items[0].pairedItem).toEqual({ item: 0 });
		expect(run.serialized).not.toContain(KEY);
	});

	it('sends the Number Pool ID when set, and reads the IDs from the item (a GHL webhook)', async () => {
		const run = await makeCall(
			{
				ghlLocationId: '={{ $json.body.location.id }}',
				ghlContactId: '={{ $json.body.contact_id }}',
				numberPoolId: 'pool_42',
			},
			{ items: [{ body: { contact_id: GHL_GRACE, location: { id: LOC } } }] },
		);
		expect(run.status).toBe('success');
		expect(sandbox.requests[0].body).toEqual({
			assistant_id: ASSISTANT,
			location_id: LOC,
			contact_id: GHL_GRACE,
			number_pool_id: 'pool_42',
		});
		expect(sandbox.calls()[0]).toMatchObject({ contact_id: GHL_GRACE, number_pool_id: 'pool_42' });
		expect(jsonOf(run)[0]).toMatchObject({ contactId: GHL_GRACE, numberPoolId: 'pool_42' });
	});
});

describe('IDs are checked before any request', () => {
	it('an Assistable contact ID (UUID) as GHL Contact ID says which ID to use and where to find it', async () => {
		const run = await makeCall({ ghlContactId: DEMO_CONTACT_IDS.ada });
		expect(run.status).toBe('error');
		expect(run.error?.message).toBe(
			`GHL Contact ID "${DEMO_CONTACT_IDS.ada}" is an Assistable contact ID (a UUID), not a GoHighLevel contact ID`,
		);
		expect(run.error?.description).toMatch(/takes the GoHighLevel contact ID/);
		expect(run.error?.description).toMatch(/sends it in its webhook as contact_id/);
		expect(run.error?.description).toMatch(/contacts\/detail/);
		expect(sandbox.requests).toEqual([]);
	});

	it.each([
		[{ assistantId: '={{ "" }}' }, 'Assistant ID is empty'],
		[{ assistantId: 'asst 1/../x' }, 'Assistant ID "asst 1/../x" is not an Assistable ID'],
		[{ ghlLocationId: '={{ "" }}' }, 'Location ID (GHL) is empty'],
		[{ ghlLocationId: 'https://app.gohighlevel.com/x' }, 'is not a GoHighLevel location ID'],
		[{ ghlContactId: '={{ "  " }}' }, 'GHL Contact ID is empty'],
		[{ ghlContactId: 'ada@example.com' }, 'is not a GoHighLevel contact ID'],
		[{ numberPoolId: 'pool 1' }, 'Number Pool ID "pool 1" is not an Assistable ID'],
	])('%j: %s', async (parameters, message) => {
		const run = await makeCall(parameters);
		expect(run.error?.message).toContain(message);
		expect(run.error?.description).toBeTruthy();
		expect(sandbox.requests).toEqual([]);
	});

	it('with Continue On Fail, a bad item gets an error item and the others are called', async () => {
		const run = await makeCall(
			{ ghlContactId: '={{ $json.contact }}' },
			{
				items: [{ contact: GHL_ADA }, { contact: DEMO_CONTACT_IDS.grace }, { contact: GHL_GRACE }],
				continueOnFail: true,
			},
		);
		expect(run.status).toBe('success');
		expect(calls()).toEqual([`${ASSISTANT} → ${GHL_ADA}`, `${ASSISTANT} → ${GHL_GRACE}`]);
		const out = jsonOf(run);
		expect(run.items.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(out[1].error).toMatch(/is an Assistable contact ID \(a UUID\)/);
		expect([out[0].contactId, out[2].contactId]).toEqual([GHL_ADA, GHL_GRACE]);
	});
});

describe("Assistable's answers that say the call was not made", () => {
	const advice: Record<CallFailure, [string, RegExp]> = {
		wallet: ['wallet', /top it up/],
		dnc: ['dnc', /Do Not Call list or has Do Not Disturb/],
		'no-number': ['no_number', /link a number to the assistant/],
		'rate-limit': ['rate_limit', /again after a delay \(Assistable advises 5 minutes\)/],
		'invalid-destination': ['invalid_destination', /US and Canada only/],
		'invalid-assistant': ['invalid_assistant', /Check the Assistant ID/],
		'invalid-number-pool': ['invalid_number_pool', /Check the Number Pool ID/],
		'workspace-inactive': ['workspace_inactive', /workspace is inactive: reactivate/],
		banned: ['banned', /contact Assistable support/],
		'access-token': ['access_token', /reconnect GoHighLevel/],
	};
	const cases = (Object.keys(advice) as CallFailure[]).flatMap((failure) =>
		(['documented', 'seen'] as const).map((shape) => ({ failure, shape })),
	);

	it.each(cases)(
		'$failure ($shape answer): the item fails with the message, code and what to do',
		async ({ failure, shape }) => {
			sandbox.setBehaviour({ callFailure: failure, callFailureShape: shape });
			const [cause, hint] = advice[failure];
			const failed = await makeCall();
			expect(failed.status).toBe('error');
			const reported = await makeCall({}, { continueOnFail: true });
			// Not retried, nothing placed.
			expect(sandbox.requests).toHaveLength(2);
			expect(sandbox.calls()).toEqual([]);
			const [item] = jsonOf(reported);
			expect(item.error).toBe(failed.error?.message);
			expect(item.error).toMatch(/^Assistable did not place the call: /);
			if (shape === 'documented') expect(item.error).toMatch(/\(code ai_call_error_\w+\)$/);
			expect(item.description).toMatch(hint);
			expect(item).toMatchObject({ callPlaced: false, cause });
			if (failure === 'rate-limit') expect(item.retryAfterSeconds).toBe(300);
			else expect(item.retryAfterSeconds).toBeUndefined();
			expect(reported.items[0].pairedItem).toEqual({ item: 0 });
			expect(reported.serialized).not.toContain(KEY);
		},
	);

	it('a refused call is not remembered: the same call runs again once the cause is fixed', async () => {
		sandbox.setBehaviour({ callFailure: 'wallet' });
		expect((await makeCall()).status).toBe('error');
		sandbox.setBehaviour({ callFailure: undefined });
		const run = await makeCall();
		expect(run.status).toBe('success');
		expect(calls()).toHaveLength(1);
	});

	it("a location the key's sub-account cannot use is a 403 naming the fix", async () => {
		const run = await makeCall(
			{ ghlLocationId: DEMO_OTHER_LOCATION_ID },
			{ apiKey: RESTRICTED, continueOnFail: true },
		);
		expect(jsonOf(run)[0].error).toBe('Assistable refused access (403)');
		expect(jsonOf(run)[0].description).toMatch(/use a key of the location's sub-account/);
		expect(sandbox.calls()).toEqual([]);
	});
});

describe('the same call twice (Repeat Call Window, 10 minutes by default)', () => {
	it('two items of one execution: one call, the second says it was skipped, with the first call ID', async () => {
		const run = await makeCall({}, { items: [{}, {}] });
		expect(calls()).toEqual([`${ASSISTANT} → ${GHL_ADA}`]);
		const [first, second] = jsonOf(run);
		expect(first).toMatchObject({ callId: sandbox.calls()[0].call_id, skipped: false });
		expect(second).toEqual({
			callId: first.callId,
			skipped: true,
			skipReason: `Not called again: the same call (assistant ${ASSISTANT} calling GHL contact ${GHL_ADA}) was placed less than a minute ago, call ID ${first.callId}, within the Repeat Call Window of 10 minutes.`,
			firstCallAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
			assistantId: ASSISTANT,
			locationId: LOC,
			contactId: GHL_ADA,
		});
		expect(run.items.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
	});

	it('a later execution is skipped too; another contact, another assistant or another location is called', async () => {
		await makeCall();
		const again = await makeCall();
		expect(jsonOf(again)[0]).toMatchObject({ skipped: true });
		await makeCall({ ghlContactId: GHL_GRACE });
		await makeCall({ assistantId: 'asst_other' });
		await makeCall({ ghlLocationId: DEMO_OTHER_LOCATION_ID });
		expect(sandbox.calls()).toHaveLength(4);
	});

	it('after the window, or with the window at 0, the call is made again', async () => {
		let now = Date.now();
		state.useClock({ now: () => now, sleep: async () => undefined });
		await makeCall();
		now += 9 * 60_000;
		expect(jsonOf(await makeCall())[0].skipReason).toMatch(/placed 9 minutes ago/);
		now += 2 * 60_000;
		expect(jsonOf(await makeCall())[0].skipped).toBe(false);
		expect(jsonOf(await makeCall({ options: { repeatCallWindow: 0 } }))[0].skipped).toBe(false);
		now += 2 * 60_000;
		// The last call was 2 minutes ago.
		expect(jsonOf(await makeCall({ options: { repeatCallWindow: 5 } }))[0].skipReason).toMatch(
			/placed 2 minutes ago.*Window of 5 minutes/,
		);
		expect(jsonOf(await makeCall({ options: { repeatCallWindow: 1 } }))[0].skipped).toBe(false);
		expect(sandbox.calls()).toHaveLength(4);
	});

	it('after an ambiguous failure the same call is not made again in the window, and the user is told why', async () => {
		sandbox.injectFault({
			route: 'makeCall',
			fault: { kind: 'status', status: 502 },
			phase: 'after',
		});
		const first = await makeCall({}, { continueOnFail: true });
		expect(jsonOf(first)[0].error).toBe(
			'The call may or may not have been placed: Assistable had a server error (502)',
		);
		expect(jsonOf(first)[0].description).toMatch(/Not retried/);
		expect(jsonOf(first)[0].description).toMatch(/has no endpoint to look a call up/);
		expect(jsonOf(first)[0].description).toMatch(
			/For the next 10 minutes this node will not make this call again/,
		);
		expect(sandbox.calls()).toHaveLength(1); // it was placed; the answer was lost

		const second = await makeCall({}, { continueOnFail: true });
		expect(sandbox.requests).toHaveLength(1);
		expect(jsonOf(second)[0]).toMatchObject({
			error: `Not calling again: an earlier attempt at the same call (assistant ${ASSISTANT} calling GHL contact ${GHL_ADA}), less than a minute ago, may or may not have been placed`,
			description: expect.stringMatching(/Repeat Call Window option at 0/),
			skipped: true,
		});
		// The user checked: no call reached the contact; a deliberate re-run with the window at 0.
		const third = await makeCall({ options: { repeatCallWindow: 0 } });
		expect(third.status).toBe('success');
		expect(sandbox.calls()).toHaveLength(2);
	});
});

test('the subtitle map knows Make', () => {
	expect(new Assistable().description.subtitle).toContain('"make": "Make a call"');
});
