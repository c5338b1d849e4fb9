import type { IDataObject } from 'n8n-workflow';

import { DEMO_CONTACT_IDS, DEMO_LOCATION_ID, DEMO_OTHER_LOCATION_ID } from '../../sandbox/server';
import { useSandbox } from '../harness/sandbox-fixture';
import { contactRunner } from '../harness/workflow';

const { ada, grace, linus, margaret } = DEMO_CONTACT_IDS;
const LOC = DEMO_LOCATION_ID;
const sandbox = useSandbox();
const run = contactRunner(sandbox);
const byRoute = (route: string) => sandbox.requests.filter((r) => r.route === route);

describe('Create', () => {
	it.each([201, 200] as const)(
		'creates the contact with the fields set (server answers %i)',
		async (status) => {
			sandbox.setBehaviour({ createStatus: status });
			const result = await run('create', {
				locationId: LOC,
				contactFields: {
					firstName: 'Katherine',
					email: 'kj@example.com',
					phoneNumber: '+1 757-555-0100',
					tags: 'nasa, nasa, math',
					customFields: { field: [{ key: 'orbits', value: '3' }] },
				},
			});
			expect(result.status).toBe('success');
			const [create] = byRoute('create');
			expect(create).toMatchObject({
				method: 'POST',
				path: `/v2/contacts/create-contact/${LOC}`,
				status,
			});
			expect(create.body).toEqual({
				first_name: 'Katherine',
				email: 'kj@example.com',
				phone_number: '+17575550100',
				tags: ['nasa', 'math'],
				custom_fields: { orbits: '3' },
			});
			const id = result.items[0].json.id as string;
			expect(sandbox.getContact(id)).toMatchObject({
				location_id: LOC,
				first_name: 'Katherine',
				tags: ['nasa', 'math'],
			});
		},
	);

	it('validates before sending', async () => {
		const result = await run('create', {
			locationId: LOC,
			contactFields: { phoneNumber: '757 555 0100' },
		});
		expect(result.error?.message).toMatch(
			/Phone Number "757 555 0100" is not a valid phone number/,
		);
		const empty = await run('create', { locationId: ' ', contactFields: { firstName: 'A' } });
		expect(empty.error?.message).toBe('Location ID is empty');
		const nothing = await run('create', { locationId: LOC, contactFields: {} });
		expect(nothing.error?.message).toBe('Nothing to create');
		expect(sandbox.requests).toHaveLength(0);
	});
});

// Version 1's output, { action, contact }, where a test reads it (upsert-output.test.ts covers 1.1's).
describe('Create or Update', () => {
	it('creates when nobody has the email, updates (appending tags) when someone does, and says which', async () => {
		const items = [
			{ email: 'new.person@example.com', tag: 'webinar' },
			{ email: 'ada@example.com', tag: 'webinar' },
		];
		const result = await run(
			'upsert',
			{
				locationId: LOC,
				matchEmail: '={{ $json.email }}',
				contactFields: { tags: '={{ $json.tag }}' },
			},
			{ items, typeVersion: 1 },
		);
		expect(result.status).toBe('success');
		expect(result.items.map((i) => i.json.action)).toEqual(['created', 'updated']);
		const created = result.items[0].json.contact as IDataObject;
		expect(sandbox.getContact(created.id as string)).toMatchObject({
			email: 'new.person@example.com',
			tags: ['webinar'],
			location_id: LOC,
		});
		expect(result.items[1].json.contact).toEqual(sandbox.getContact(ada));
		expect(sandbox.getContact(ada)!.tags).toEqual(['lead', 'newsletter', 'webinar']);
		// The lookup, then the duplicate check a moment after the create (another process may have created it too).
		expect(byRoute('list')).toHaveLength(2);
		expect(byRoute('list')[1].seq).toBeGreaterThan(byRoute('create')[0].seq);
	});

	it('the same new email twice in one run creates once, then updates the new contact', async () => {
		const items = [
			{ email: 'twice@example.com', tag: 'first' },
			{ email: 'Twice@Example.com', tag: 'second' },
		];
		const result = await run(
			'upsert',
			{
				locationId: LOC,
				matchEmail: '={{ $json.email }}',
				contactFields: { tags: '={{ $json.tag }}' },
			},
			{ items },
		);
		expect(result.items.map((i) => i.json.action)).toEqual(['created', 'updated']);
		expect(byRoute('create')).toHaveLength(1);
		const matches = sandbox
			.listContacts(LOC)
			.filter((c) => c.email?.toLowerCase() === 'twice@example.com');
		expect(matches).toHaveLength(1);
		expect(matches[0].tags).toEqual(['first', 'second']);
	});

	it('a match with nothing to change is returned as found, without a write', async () => {
		const result = await run(
			'upsert',
			{ locationId: LOC, matchEmail: 'grace@example.org', contactFields: {} },
			{ typeVersion: 1 },
		);
		expect(result.items[0].json).toEqual({ action: 'found', contact: sandbox.getContact(grace) });
		expect(sandbox.requests.map((r) => r.route)).toEqual(['list', 'get']);
	});

	it('matches by phone and sets the phone when creating', async () => {
		const result = await run('upsert', {
			locationId: LOC,
			matchBy: 'phone',
			matchPhone: '+1 (555) 010-9999',
			contactFields: { firstName: 'Phoebe' },
		});
		expect(result.items[0].json.action).toBe('created');
		expect(byRoute('create')[0].body).toEqual({
			phone_number: '+15550109999',
			first_name: 'Phoebe',
		});
	});
});

describe('Get', () => {
	it('gets by ID and by email', async () => {
		const byId = await run('get', { contactId: grace });
		expect(byId.items[0].json).toEqual(sandbox.getContact(grace));
		const byEmail = await run('get', {
			matchBy: 'email',
			locationId: LOC,
			matchEmail: 'grace@example.org',
			options: { simplify: true },
		});
		expect(byEmail.items[0].json).toMatchObject({ id: grace, email: 'grace@example.org' });
		expect(Object.keys(byEmail.items[0].json).length).toBeLessThanOrEqual(10);
	});

	it('a missing contact is a 404 error explaining contact vs location ID', async () => {
		const result = await run('get', { contactId: '11111111-2222-4333-8444-555555555555' });
		expect(result.error?.message).toBe('Contact not found (404)');
		expect(result.error?.description).toMatch(/location \(sub-account\) ID is not a contact ID/);
	});
});

describe('Get Many', () => {
	it('returns a location’s contacts with a limit, or all', async () => {
		const limited = await run('getAll', { locationId: LOC, limit: 2 });
		expect(limited.items.map((i) => i.json.id)).toEqual([ada, grace]);
		const all = await run('getAll', { locationId: LOC, returnAll: true });
		expect(all.items.map((i) => i.json.id)).toEqual([ada, grace, linus]);
		const other = await run('getAll', { locationId: DEMO_OTHER_LOCATION_ID, returnAll: true });
		expect(other.items.map((i) => i.json.id)).toEqual([margaret]);
	});

	it('filters on tag, email, phone and updated since', async () => {
		const ids = async (filters: IDataObject) =>
			(await run('getAll', { locationId: LOC, returnAll: true, filters })).items.map(
				(i) => i.json.id,
			);
		expect(await ids({ tags: 'lead' })).toEqual([ada]);
		expect(await ids({ tags: 'lead, customer' })).toEqual([]);
		expect(await ids({ email: 'GRACE@example.org' })).toEqual([grace]);
		expect(await ids({ phone: '+49 151 12345678' })).toEqual([linus]);
		expect(await ids({ updatedSince: '2025-11-25T00:00:00Z' })).toEqual([ada, linus]);
	});

	it('several input items share one list request and each output is paired to its item', async () => {
		const result = await run(
			'getAll',
			{ locationId: LOC, returnAll: true, filters: { tags: '={{ $json.tag }}' } },
			{ items: [{ tag: 'lead' }, { tag: 'customer' }] },
		);
		expect(byRoute('list')).toHaveLength(1);
		expect(result.items.map((i) => [i.json.id, i.pairedItem])).toEqual([
			[ada, { item: 0 }],
			[grace, { item: 1 }],
		]);
	});
});
