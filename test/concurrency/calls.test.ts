/**
 * Make Call from many executions at once in one process (n8n's regular mode, or one queue-mode worker):
 * the same call is placed once, different contacts are all called, and nothing stays held afterwards.
 */
import { DEMO_LOCATION_ID } from '../../sandbox/server';
import { state } from '../../nodes/Assistable/shared/state';
import { expectIdle } from '../harness/idle';
import { useSandbox } from '../harness/sandbox-fixture';
import { runAssistable } from '../harness/workflow';

const KEY = 'asst_SECRET_call_burst_key_2b1a';
const sandbox = useSandbox({ keys: [{ key: KEY, locations: '*' }], behaviour: { latencyMs: 20 } });
beforeEach(() => state.reset());
afterEach(() => expectIdle());

const execution = (contact: string, continueOnFail = false) =>
	runAssistable({
		items: [{ body: { contact_id: contact, location: { id: DEMO_LOCATION_ID } } }],
		parameters: {
			resource: 'call',
			operation: 'make',
			assistantId: 'asst_burst',
			ghlLocationId: '={{ $json.body.location.id }}',
			ghlContactId: '={{ $json.body.contact_id }}',
		},
		credentials: { apiKey: KEY, baseUrl: sandbox.url },
		onError: continueOnFail ? 'continueRegularOutput' : undefined,
	});

const N = 10;

it(`${N} executions making the same call at once place one call; the others say they were skipped, with its ID`, async () => {
	const runs = await Promise.all(Array.from({ length: N }, () => execution('GhlSameContact01')));
	expect(runs.map((r) => r.status)).toEqual(runs.map(() => 'success'));
	expect(sandbox.calls()).toHaveLength(1);
	expect(sandbox.requests).toHaveLength(1);
	const callId = sandbox.calls()[0].call_id;
	const outputs = runs.map((r) => r.items[0].json);
	expect(outputs.filter((o) => o.skipped === false)).toEqual([expect.objectContaining({ callId })]);
	const skipped = outputs.filter((o) => o.skipped === true);
	expect(skipped).toHaveLength(N - 1);
	for (const o of skipped)
		expect(o).toMatchObject({ callId, skipReason: expect.stringContaining(callId) });
	for (const r of runs) expect(r.serialized).not.toContain(KEY);
});

it(`${N} executions calling ${N} different contacts at once place ${N} calls`, async () => {
	const contacts = Array.from({ length: N }, (_, i) => `GhlContact${String(i).padStart(2, '0')}`);
	const runs = await Promise.all(contacts.map((c) => execution(c)));
	expect(runs.map((r) => r.status)).toEqual(runs.map(() => 'success'));
	expect(
		sandbox
			.calls()
			.map((c) => c.contact_id)
			.sort(),
	).toEqual(contacts);
	expect(runs.map((r) => r.items[0].json.contactId)).toEqual(contacts);
	// Nothing held them back from each other: they were in flight together.
	expect(Math.max(...sandbox.requests.map((r) => r.inFlightAtArrival))).toBeGreaterThan(1);
});

it(`${N} executions of the same call while the first one's answer is lost: at most one call, every other execution is told why`, async () => {
	sandbox.injectFault({ route: 'makeCall', fault: { kind: 'drop' }, phase: 'after' });
	const runs = await Promise.all(
		Array.from({ length: N }, () => execution('GhlSameContact02', true)),
	);
	expect(sandbox.calls()).toHaveLength(1);
	expect(sandbox.requests).toHaveLength(1);
	const errors = runs.map((r) => String(r.items[0].json.error));
	expect(
		errors.filter((e) => e.startsWith('The call may or may not have been placed')),
	).toHaveLength(1);
	expect(errors.filter((e) => e.startsWith('Not calling again'))).toHaveLength(N - 1);
});
