import { DEMO_CONTACT_IDS, DEMO_LOCATION_ID } from '../../sandbox/server';
import { useSandbox } from '../harness/sandbox-fixture';
import { contactRunner } from '../harness/workflow';

const { ada, grace } = DEMO_CONTACT_IDS;
const LOC = DEMO_LOCATION_ID;
const sandbox = useSandbox();
const run = contactRunner(sandbox);
const byRoute = (route: string) => sandbox.requests.filter((r) => r.route === route);

describe('Update matched by email or phone', () => {
	it('finds the contact by email, case-insensitively, and appends tags', async () => {
		const result = await run('update', {
			matchBy: 'email',
			locationId: LOC,
			matchEmail: 'ADA@Example.com',
			updateFields: { tags: 'webinar' },
		});
		expect(result.status).toBe('success');
		// The last GET is Re-Check Tags (on by default).
		expect(sandbox.requests.map((r) => `${r.method} ${r.route}`)).toEqual([
			'GET list',
			'GET get',
			'PATCH patch',
			'GET get',
		]);
		expect(byRoute('patch')[0].params.contactId).toBe(ada);
		expect(sandbox.getContact(ada)!.tags).toEqual(['lead', 'newsletter', 'webinar']);
	});

	it('finds the contact by the normalised E.164 phone', async () => {
		await run('update', {
			matchBy: 'phone',
			locationId: LOC,
			matchPhone: '+44 7700 900-123',
			updateFields: { firstName: 'Amazing Grace' },
		});
		expect(sandbox.getContact(grace)!.first_name).toBe('Amazing Grace');
	});

	it('many items share one list request per location', async () => {
		const items = [
			{ email: 'ada@example.com', tag: 'one' },
			{ email: 'grace@example.org', tag: 'two' },
			{ email: 'ada@example.com', tag: 'three' },
			{ email: 'GRACE@example.org', tag: 'four' },
		];
		const result = await run(
			'update',
			{
				matchBy: 'email',
				locationId: LOC,
				matchEmail: '={{ $json.email }}',
				updateFields: { tags: '={{ $json.tag }}' },
			},
			{ items },
		);
		expect(result.status).toBe('success');
		expect(byRoute('list')).toHaveLength(1);
		// One read per contact before its first write; the later items merge onto the previous PATCH response.
		const firstPatch = (id: string) => byRoute('patch').find((p) => p.params.contactId === id)!.seq;
		expect(byRoute('get').filter((r) => r.seq < firstPatch(r.params.contactId))).toHaveLength(2);
		expect(byRoute('patch')).toHaveLength(4);
		expect(sandbox.getContact(ada)!.tags).toEqual(['lead', 'newsletter', 'one', 'three']);
		expect(sandbox.getContact(grace)!.tags).toEqual(['customer', 'two', 'four']);
		expect(result.items.map((i) => i.pairedItem)).toEqual([0, 1, 2, 3].map((item) => ({ item })));
	});

	it('no match is a clear per-item error by default, and can skip the item instead', async () => {
		const failing = await run('update', {
			matchBy: 'email',
			locationId: LOC,
			matchEmail: 'nobody@example.com',
			updateFields: { firstName: 'X' },
		});
		expect(failing.status).toBe('error');
		expect(failing.error?.message).toBe(
			`No contact in location "${LOC}" has the email "nobody@example.com"`,
		);
		expect(failing.error?.description).toMatch(/Skip the Item/);
		expect(byRoute('patch')).toHaveLength(0);

		const skipping = await run(
			'update',
			{
				matchBy: 'email',
				locationId: LOC,
				matchEmail: '={{ $json.email }}',
				onNoMatch: 'skip',
				updateFields: { firstName: 'X' },
			},
			{ items: [{ email: 'nobody@example.com' }, { email: 'ada@example.com' }] },
		);
		expect(skipping.status).toBe('success');
		expect(skipping.items).toHaveLength(1);
		expect(skipping.items[0]).toMatchObject({
			json: { id: ada, first_name: 'X' },
			pairedItem: { item: 1 },
		});
	});

	it('several matches are an error listing their IDs, and nothing is updated', async () => {
		const twin = sandbox.addContact({
			location_id: LOC,
			email: 'Ada@example.com',
			first_name: 'Twin',
		});
		const result = await run('update', {
			matchBy: 'email',
			locationId: LOC,
			matchEmail: 'ada@example.com',
			updateFields: { firstName: 'X' },
		});
		expect(result.status).toBe('error');
		expect(result.error?.message).toBe(
			`2 contacts in location "${LOC}" have the email "ada@example.com": ${ada}, ${twin.id}`,
		);
		expect(byRoute('patch')).toHaveLength(0);
	});

	it('a failed list request fails the items that needed it and writes nothing', async () => {
		sandbox.injectFault({ route: 'list', fault: { kind: 'status', status: 500 }, times: Infinity });
		const result = await run(
			'update',
			{
				matchBy: 'email',
				locationId: LOC,
				matchEmail: '={{ $json.email }}',
				updateFields: { firstName: 'X' },
				options: { maxAttempts: 1 },
			},
			{
				items: [{ email: 'ada@example.com' }, { email: 'grace@example.org' }],
				onError: 'continueRegularOutput',
			},
		);
		expect(result.items.map((i) => i.json.error)).toEqual([
			expect.stringMatching(/server error \(500\)/),
			expect.stringMatching(/server error \(500\)/),
		]);
		expect(byRoute('list')).toHaveLength(1);
		expect(byRoute('patch')).toHaveLength(0);
	});
});
