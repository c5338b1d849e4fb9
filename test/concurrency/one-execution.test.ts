/**
 * Several items of one execution writing the same contacts, against the sandbox with latency: a late PATCH,
 * a lost create answer and an email an earlier item just set (the burst tests are in executions.test.ts).
 */
import type { IDataObject } from 'n8n-workflow';

import { DEMO_CONTACT_IDS, DEMO_LOCATION_ID } from '../../sandbox/server';
import { state } from '../../nodes/Assistable/shared/state';
import { skippingClock } from '../harness/clock';
import { onError, useExecutionSandbox } from './executions-support';

const LOC = DEMO_LOCATION_ID;
const { ada } = DEMO_CONTACT_IDS;
const { sandbox, runner, on } = useExecutionSandbox();

describe('inside one execution', () => {
	const run = (
		operation: string,
		parameters: IDataObject,
		items: IDataObject[],
		continueOnFail = true,
		timeout = 15_000,
	) =>
		runner(
			operation,
			{
				...parameters,
				options: { timeout, maxAttempts: 3, ...(parameters.options as IDataObject) },
			},
			{ items, onError: onError(continueOnFail) },
		);

	it('a PATCH that timed out but is applied late does not put an older tag list back over the next item', async () => {
		sandbox.setBehaviour({ latencyMs: 0 });
		// The first PATCH is held 900 ms and then applied; the client gave up at 300 ms and retried.
		sandbox.injectFault({ route: 'patch', fault: { kind: 'delay', ms: 900 } });
		const result = await run(
			'update',
			{ contactId: ada, updateFields: { tags: '={{ $json.tag }}' } },
			[{ tag: 'a' }, { tag: 'b' }],
			true,
			300,
		);
		expect(result.items.map((i) => i.json.error)).toEqual([undefined, undefined]);
		// Let the late PATCH land, then look.
		await new Promise((resolve) => setTimeout(resolve, 1000));
		expect(sandbox.getContact(ada)!.tags).toEqual(['lead', 'newsletter', 'a', 'b']);
	});

	it('a create whose answer was lost is not repeated by the next item with the same email', async () => {
		// The doubt window (5 s) only lets time pass: the create is in at once.
		const clock = skippingClock();
		state.useClock(clock);
		sandbox.setBehaviour({ latencyMs: 0 });
		sandbox.injectFault({ route: 'create', fault: { kind: 'drop' }, phase: 'after' });
		const email = 'lost.answer@example.com';
		const items = [
			{ email, tag: 'one' },
			{ email, tag: 'two' },
		];
		const result = await run(
			'upsert',
			{
				locationId: LOC,
				matchEmail: '={{ $json.email }}',
				contactFields: { tags: '={{ $json.tag }}' },
			},
			items,
		);
		expect(result.items[0].json.description).toMatch(/may or may not have been created/);
		expect(result.items[1].json.action).toBe('updated');
		const contacts = sandbox.listContacts(LOC).filter((c) => c.email === email);
		expect(contacts).toHaveLength(1);
		expect(contacts[0].tags).toEqual(['one', 'two']);
		expect(on('create')).toHaveLength(1);
		// The lookup after the lost answer waited out the doubt window (on the clock, not the wall).
		expect(clock.skippedMs()).toBeGreaterThanOrEqual(1000);
	});

	it('an item matching by email sees the email an earlier item just set (Update)', async () => {
		const items = [
			{ op: 'set', tag: 'x' },
			{ op: 'match', tag: 'y' },
		];
		const setEmail = await run(
			'update',
			{
				matchBy: '={{ $json.op === "set" ? "id" : "email" }}',
				contactId: ada,
				locationId: LOC,
				matchEmail: 'ada.new@example.com',
				matchPhone: '+14155550000',
				updateFields: {
					email: '={{ $json.op === "set" ? "ada.new@example.com" : undefined }}',
					tags: '={{ $json.tag }}',
				},
			},
			items,
			false,
		);
		expect(setEmail.status).toBe('success');
		expect(sandbox.getContact(ada)).toMatchObject({
			email: 'ada.new@example.com',
			tags: ['lead', 'newsletter', 'x', 'y'],
		});
	});

	it('Create or Update by an email an earlier item just gave a contact updates that contact, no duplicate', async () => {
		const first = run(
			'update',
			{ contactId: ada, appendTags: false, updateFields: { email: 'moved@example.com' } },
			[{}],
		);
		const second = run(
			'upsert',
			{ locationId: LOC, matchEmail: 'moved@example.com', contactFields: { tags: 'moved' } },
			[{}],
		);
		const [a, b] = await Promise.all([first, second]);
		expect(a.items[0].json.email).toBe('moved@example.com');
		expect(b.items[0].json.action).toBe('updated');
		expect(
			sandbox
				.listContacts(LOC)
				.filter((c) => c.email === 'moved@example.com')
				.map((c) => c.id),
		).toEqual([ada]);
	});
});
