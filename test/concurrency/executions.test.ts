/**
 * Webhook bursts: many executions of the node at once in one process (n8n's regular mode, or one queue-mode
 * worker), each a workflow of its own run through n8n-core's WorkflowExecute, against the sandbox with latency.
 * What a user checks: the contact afterwards (every tag there, one contact per email), what each execution
 * reported, and that nothing is left held in the process when the burst is over.
 */
import { DEMO_CONTACT_IDS, DEMO_LOCATION_ID } from '../../sandbox/server';
import { contactId, contactSeed } from '../../bench/lib/workloads';
import { state } from '../../nodes/Assistable/shared/state';
import { MAX_LIMIT } from '../../nodes/Assistable/shared/limiter';
import { skippingClock } from '../harness/clock';
import { useExecutionSandbox } from './executions-support';

const LOC = DEMO_LOCATION_ID;
const { ada, grace } = DEMO_CONTACT_IDS;
const { sandbox, runner, execution, on, noKeyIn } = useExecutionSandbox();

describe.each([2, 10, 50])('%i executions at once', (n) => {
	it('each appending a different tag to one contact: every tag ends on it, every execution succeeds', async () => {
		const runs = await Promise.all(
			Array.from({ length: n }, (_, i) =>
				execution(
					'update',
					{ contactId: '={{ $json.contact_id }}', updateFields: { tags: '={{ $json.tag }}' } },
					{ contact_id: ada, tag: `t${i}` },
				),
			),
		);
		expect(runs.map((run) => run.status)).toEqual(runs.map(() => 'success'));
		const tags = sandbox.getContact(ada)!.tags;
		const lost = Array.from({ length: n }, (_, i) => `t${i}`).filter((tag) => !tags.includes(tag));
		expect(lost).toEqual([]);
		expect(tags.slice(0, 2)).toEqual(['lead', 'newsletter']);
		// Each execution's output is the contact as its own write left it (its tag is the last one).
		for (const [i, run] of runs.entries()) expect(run.items[0].json.tags).toContain(`t${i}`);
		noKeyIn(runs);
	});

	it('each a Create or Update of one new email: one contact, created once, updated by the others', async () => {
		const email = `burst-${n}@example.com`;
		const runs = await Promise.all(
			Array.from({ length: n }, (_, i) =>
				execution(
					'upsert',
					{
						locationId: LOC,
						matchEmail: '={{ $json.email }}',
						contactFields: { tags: '={{ $json.tag }}' },
					},
					{ email, tag: `t${i}` },
				),
			),
		);
		expect(runs.map((run) => run.status)).toEqual(runs.map(() => 'success'));
		const contacts = sandbox.listContacts(LOC).filter((c) => c.email === email);
		expect(contacts).toHaveLength(1);
		expect(on('create')).toHaveLength(1);
		const actions = runs.map((run) => run.items[0].json.action);
		expect(actions.filter((a) => a === 'created')).toHaveLength(1);
		expect(actions.filter((a) => a === 'updated')).toHaveLength(n - 1);
		expect([...contacts[0].tags].sort()).toEqual(
			Array.from({ length: n }, (_, i) => `t${i}`).sort(),
		);
		noKeyIn(runs);
	});
});

describe('one process, several executions', () => {
	it('writes to one contact keep arrival order across executions: a later replace is not undone', async () => {
		// The first execution appends; the second, started right after, replaces the whole list.
		const first = execution('update', { contactId: ada, updateFields: { tags: 'first' } });
		const second = execution('update', {
			contactId: ada,
			appendTags: false,
			updateFields: { tags: 'only' },
		});
		const runs = await Promise.all([first, second]);
		expect(runs.map((run) => run.status)).toEqual(['success', 'success']);
		expect(sandbox.getContact(ada)!.tags).toEqual(['only']);
		const patches = on('patch');
		expect(patches.map((p) => p.body)).toEqual([
			{ tags: ['lead', 'newsletter', 'first'] },
			{ tags: ['only'] },
		]);
	});

	it('unrelated contacts still run at the same time', async () => {
		const runs = await Promise.all(
			[ada, grace].map((id) =>
				execution('update', {
					contactId: id,
					appendTags: false,
					updateFields: { firstName: 'Same' },
				}),
			),
		);
		expect(runs.map((run) => run.status)).toEqual(['success', 'success']);
		const [a, b] = on('patch');
		// The second PATCH started before the first one was answered.
		expect(b.startedAt).toBeLessThan(a.endedAt);
	});

	it('Requests per Second holds for all executions with one API key together', async () => {
		const runs = await Promise.all(
			Array.from({ length: 8 }, () =>
				execution('getAll', { locationId: LOC, options: { requestsPerSecond: 10 } }),
			),
		);
		expect(runs.every((run) => run.status === 'success')).toBe(true);
		const starts = on('list')
			.map((r) => r.startedAt)
			.sort((a, b) => a - b);
		expect(starts).toHaveLength(8);
		// 8 requests at 10 per second from 8 executions: the first and the last are at least 0.7 s apart.
		expect(starts.at(-1)! - starts[0]).toBeGreaterThan(650);
	});

	it('Concurrency: Auto is one limit per API key for all executions: 6 bulk executions at once stay within 50 in flight together', async () => {
		sandbox.reset(contactSeed(600));
		sandbox.setBehaviour({ latencyMs: 20 });
		const runs = await Promise.all(
			Array.from({ length: 6 }, (_, e) =>
				runner(
					'update',
					{ contactId: '={{ $json.id }}', updateFields: { firstName: `Run ${e}` } },
					{ items: Array.from({ length: 100 }, (_, i) => ({ id: contactId(e * 100 + i) })) },
				),
			),
		);
		expect(runs.map((run) => run.status)).toEqual(runs.map(() => 'success'));
		expect(on('patch').filter((r) => r.status === 200)).toHaveLength(600);
		for (let i = 0; i < 600; i++)
			expect(sandbox.getContact(contactId(i))!.first_name).toBe(`Run ${Math.floor(i / 100)}`);
		// Each execution alone may grow to 50 (and would, against this API); together they share one limit.
		expect(sandbox.stats().maxInFlight).toBeLessThanOrEqual(MAX_LIMIT);
	});

	it('a 429 pauses every execution using the same API key', async () => {
		sandbox.injectFault({
			route: 'get',
			fault: { kind: 'status', status: 429, headers: { 'retry-after': '1' } },
		});
		const runs = await Promise.all(
			Array.from({ length: 6 }, () => execution('get', { contactId: ada })),
		);
		expect(runs.every((run) => run.status === 'success')).toBe(true);
		const gets = on('get');
		const limited = gets.find((r) => r.status === 429)!;
		const startedDuringPause = gets.filter(
			(r) => r.startedAt > limited.endedAt + 15 && r.startedAt < limited.endedAt + 900,
		);
		expect(startedDuringPause).toEqual([]);
	});

	it("a PATCH of one execution applied late does not undo the next execution's write of that contact", async () => {
		sandbox.setBehaviour({ latencyMs: 0 });
		// The first execution's PATCH is held 900 ms and then applied; that execution gave up at 300 ms and retried.
		sandbox.injectFault({ route: 'patch', fault: { kind: 'delay', ms: 900 } });
		const append = (tag: string) =>
			execution('update', {
				contactId: ada,
				updateFields: { tags: tag },
				options: { timeout: 300 },
			});
		const first = append('a');
		await new Promise((resolve) => setTimeout(resolve, 100));
		const runs = await Promise.all([first, append('b')]);
		expect(runs.map((run) => run.status)).toEqual(['success', 'success']);
		// Let the late PATCH land, then look.
		await new Promise((resolve) => setTimeout(resolve, 1000));
		expect(sandbox.getContact(ada)!.tags).toEqual(['lead', 'newsletter', 'a', 'b']);
	});

	it('a create whose answer was lost in one execution is not repeated by another one running with it', async () => {
		// The doubt window (5 s) only lets time pass: the create is in at once.
		const clock = skippingClock();
		state.useClock(clock);
		sandbox.setBehaviour({ latencyMs: 0 });
		sandbox.injectFault({ route: 'create', fault: { kind: 'drop' }, phase: 'after' });
		const email = 'lost.across@example.com';
		const upsert = (tag: string) =>
			execution(
				'upsert',
				{
					locationId: LOC,
					matchEmail: email,
					contactFields: { tags: tag },
					options: { timeout: 500 },
				},
				{},
				true,
			);
		// Started together, both look the email up in one list loaded before the create.
		const runs = await Promise.all([upsert('one'), upsert('two')]);
		const outcomes = runs.map((run) =>
			String(run.items[0].json.action ?? run.items[0].json.description),
		);
		expect(outcomes.filter((o) => /may or may not have been created/.test(o))).toHaveLength(1);
		expect(outcomes.filter((o) => o === 'updated')).toHaveLength(1);
		const contacts = sandbox.listContacts(LOC).filter((c) => c.email === email);
		expect(contacts).toHaveLength(1);
		expect([...contacts[0].tags].sort()).toEqual(['one', 'two']);
		expect(on('create')).toHaveLength(1);
		// The lookup after the lost answer waited out the doubt window (on the clock, not the wall).
		expect(clock.skippedMs()).toBeGreaterThanOrEqual(1000);
	});

	it('a cancelled execution leaves nothing held, and the next one for the contact goes through', async () => {
		// The first execution's PATCH hangs; the execution is cancelled while the second waits for the contact.
		sandbox.injectFault({ route: 'patch', fault: { kind: 'delay', ms: 1500 } });
		const controller = new AbortController();
		const cancelled = runner(
			'update',
			{
				contactId: ada,
				appendTags: false,
				updateFields: { firstName: 'Slow' },
				options: { timeout: 500 },
			},
			{ signal: controller.signal },
		);
		await new Promise((resolve) => setTimeout(resolve, 200));
		const next = execution('update', {
			contactId: ada,
			appendTags: false,
			updateFields: { lastName: 'Next' },
			options: { timeout: 500 },
		});
		await new Promise((resolve) => setTimeout(resolve, 100));
		controller.abort();
		const [first, second] = await Promise.all([cancelled, next]);
		expect(first.status).not.toBe('success');
		expect(second.status).toBe('success');
		expect(sandbox.getContact(ada)!.last_name).toBe('Next');
	});
});
