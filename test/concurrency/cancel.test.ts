/**
 * A cancelled execution stops waiting for its concurrency slots: its items still queued behind a slow one
 * never send a request, and leave the contacts they had queued for to the next execution.
 */
import { DEMO_CONTACT_IDS, demoSeed, startSandbox } from '../../sandbox/server';
import type { Sandbox } from '../../sandbox/server';
import { state } from '../../nodes/Assistable/shared/state';
import { expectIdle } from '../harness/idle';
import { runAssistable } from '../harness/workflow';

const KEY = 'asst_SECRET_cancel_key_9z8y7x';
const { ada, grace, linus } = DEMO_CONTACT_IDS;
let sandbox: Sandbox;

beforeAll(async () => {
	sandbox = await startSandbox({ seed: demoSeed(), keys: [{ key: KEY, locations: '*' }] });
});
afterAll(async () => sandbox.close());

/** Until nothing is held, waited on or in flight in the process (at most 20 s). */
async function idle(): Promise<void> {
	const quiet = () => Object.values(state.load()).every((n) => n === 0);
	for (let i = 0; i < 1000 && !quiet(); i++) await new Promise((r) => setTimeout(r, 20));
}

it('with Concurrency 1, the items waiting for the slot give up when the execution is cancelled', async () => {
	// The first item's request is slow; the other two wait for the execution's only slot.
	sandbox.injectFault({ route: 'patch', fault: { kind: 'delay', ms: 3000 } });
	const controller = new AbortController();
	const started = new Promise<void>((resolve) => {
		const poll = () =>
			sandbox.requests.some((r) => r.route === 'patch') ? resolve() : setTimeout(poll, 10);
		poll();
	});
	const run = runAssistable({
		items: [{ id: ada }, { id: grace }, { id: linus }],
		parameters: {
			resource: 'contact',
			operation: 'update',
			contactId: '={{ $json.id }}',
			appendTags: false,
			updateFields: { firstName: 'Cancelled' },
			options: { concurrency: 1, timeout: 10_000 },
		},
		credentials: { apiKey: KEY, baseUrl: sandbox.url },
		signal: controller.signal,
	});
	await started;
	controller.abort();
	const result = await run;
	expect(result.status).not.toBe('success');
	// Another execution writes Grace, whose contact the cancelled execution had queued for: it is not held
	// until the slow request ends.
	const next = await runAssistable({
		items: [{}],
		parameters: {
			resource: 'contact',
			operation: 'update',
			contactId: grace,
			appendTags: false,
			updateFields: { lastName: 'Next' },
		},
		credentials: { apiKey: KEY, baseUrl: sandbox.url },
	});
	expect(next.status).toBe('success');
	await idle();
	expectIdle();
	const patches = sandbox.requests.filter((r) => r.route === 'patch');
	expect(patches.map((r) => r.params.contactId)).toEqual([ada, grace]);
	expect(sandbox.getContact(grace)!.first_name).not.toBe('Cancelled');
	expect(sandbox.getContact(linus)!.first_name).not.toBe('Cancelled');
});
