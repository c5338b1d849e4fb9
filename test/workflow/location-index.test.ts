/**
 * An execution looks an email up in a list requested after it started, never in one kept from an
 * earlier execution: it never acts on what changed behind it (another writer, the Assistable app).
 * What a user checks: the requests Assistable received, and the contacts afterwards.
 */
import type { IDataObject } from 'n8n-workflow';

import { DEMO_CONTACT_IDS, DEMO_LOCATION_ID } from '../../sandbox/server';
import { expectIdle } from '../harness/idle';
import { useSandbox } from '../harness/sandbox-fixture';
import { contactRunner } from '../harness/workflow';

const { ada, grace } = DEMO_CONTACT_IDS;
const LOC = DEMO_LOCATION_ID;
const sandbox = useSandbox();
afterEach(expectIdle);

/** One execution of one webhook-shaped item. */
const execution = contactRunner(sandbox, { onError: 'continueRegularOutput' });
const updateByEmail = (email: string, tag: string, extra: IDataObject = {}) =>
	execution('update', {
		locationId: LOC,
		matchBy: 'email',
		matchEmail: email,
		updateFields: { tags: tag },
		...extra,
	});
const upsertByEmail = (email: string, tag: string, typeVersion?: number) =>
	execution(
		'upsert',
		{ locationId: LOC, matchEmail: email, contactFields: { tags: tag } },
		{ typeVersion },
	);
const routes = () => sandbox.requests.map((r) => r.route);
const byRoute = (route: string) => sandbox.requests.filter((r) => r.route === route);
/** Requests before the first write: how the execution found its contact. */
const lookupRoutes = () => {
	const firstWrite = routes().findIndex((route) => route === 'patch' || route === 'create');
	return firstWrite < 0 ? routes() : routes().slice(0, firstWrite);
};

/** A first execution that downloads the location's list, then a clean request log. */
async function warmIndex(): Promise<void> {
	const first = await updateByEmail('grace@example.org', 'warm');
	expect(first.items[0].json.error).toBeUndefined();
	expect(byRoute('list')).toHaveLength(1);
	sandbox.clearRequests();
}

describe('after an earlier execution looked the location up', () => {
	it('the next execution requests the list again, then reads the contact it appends to', async () => {
		const first = await updateByEmail('ada@example.com', 'one');
		expect(first.items[0].json.error).toBeUndefined();
		expect(lookupRoutes()).toEqual(['list', 'get']);
		sandbox.clearRequests();

		const second = await updateByEmail('ada@example.com', 'two');
		expect(second.items[0].json.error).toBeUndefined();
		expect(lookupRoutes()).toEqual(['list', 'get']);
		expect(byRoute('get')[0].params.contactId).toBe(ada);
		expect(byRoute('patch').map((p) => p.body)).toEqual([
			{ tags: ['lead', 'newsletter', 'one', 'two'] },
		]);
		expect(sandbox.getContact(ada)!.tags).toEqual(['lead', 'newsletter', 'one', 'two']);
	});

	it('Create or Update of an existing email: a list, one GET before the PATCH', async () => {
		await warmIndex();
		const result = await upsertByEmail('ADA@example.com', 'form');
		expect(result.items[0].json.action).toBe('updated');
		expect(lookupRoutes()).toEqual(['list', 'get']);
		expect(byRoute('create')).toHaveLength(0);
		expect(sandbox.getContact(ada)!.tags).toEqual(['lead', 'newsletter', 'form']);
	});

	it('a contact whose email changed behind it is not updated: the list finds no match, and the item says so', async () => {
		await warmIndex();
		sandbox.updateContactDirect(ada, { email: 'ada.moved@example.com' });
		const result = await updateByEmail('ada@example.com', 'stale');
		expect(result.items[0].json.error).toBe(
			`No contact in location "${LOC}" has the email "ada@example.com"`,
		);
		expect(routes()).toEqual(['list']);
		expect(byRoute('patch')).toHaveLength(0);
		expect(sandbox.getContact(ada)!.tags).toEqual(['lead', 'newsletter']);
	});

	it('an email that moved to another contact behind it: Create or Update updates the contact that has it now', async () => {
		await warmIndex();
		sandbox.updateContactDirect(ada, { email: 'ada.moved@example.com' });
		const other = sandbox.addContact({ location_id: LOC, email: 'ada@example.com', tags: ['x'] });
		const result = await upsertByEmail('ada@example.com', 'form', 1); // 1: { action, contact }
		expect(result.items[0].json.action).toBe('updated');
		expect((result.items[0].json.contact as IDataObject).id).toBe(other.id);
		expect(lookupRoutes()).toEqual(['list', 'get']);
		expect(byRoute('create')).toHaveLength(0);
		expect(sandbox.getContact(other.id)!.tags).toEqual(['x', 'form']);
		expect(sandbox.getContact(ada)!.tags).toEqual(['lead', 'newsletter']);
	});

	it('a contact created behind it is found by Create or Update, not created twice', async () => {
		await warmIndex();
		const behind = sandbox.addContact({
			location_id: LOC,
			email: 'behind@example.com',
			tags: ['from-app'],
		});
		const result = await upsertByEmail('behind@example.com', 'form');
		expect(result.items[0].json.action).toBe('updated');
		expect(byRoute('list')).toHaveLength(1);
		expect(byRoute('create')).toHaveLength(0);
		const withEmail = sandbox.listContacts(LOC).filter((c) => c.email === 'behind@example.com');
		expect(withEmail.map((c) => [c.id, c.tags])).toEqual([[behind.id, ['from-app', 'form']]]);
	});

	it('a new email is created only after a list (then checked once more for a duplicate)', async () => {
		await warmIndex();
		const result = await upsertByEmail('brand.new@example.com', 'form');
		expect(result.items[0].json.action).toBe('created');
		expect(routes()).toEqual(['list', 'create', 'list']);
	});

	it('no match for Update with If No Match = Error is reported after one list', async () => {
		await warmIndex();
		const result = await updateByEmail('nobody@example.com', 'x');
		expect(result.items[0].json.error).toBe(
			`No contact in location "${LOC}" has the email "nobody@example.com"`,
		);
		expect(routes()).toEqual(['list']);
	});

	it('Update finds a contact created behind it', async () => {
		await warmIndex();
		const late = sandbox.addContact({ location_id: LOC, email: 'late@example.com', tags: [] });
		const result = await updateByEmail('late@example.com', 'found', { onNoMatch: 'skip' });
		expect(result.items).toHaveLength(1);
		expect(result.items[0].json.id).toBe(late.id);
		expect(sandbox.getContact(late.id)!.tags).toEqual(['found']);
	});

	it('two contacts with the email, one renamed since: the one left is updated', async () => {
		const twin = sandbox.addContact({ location_id: LOC, email: 'ada@example.com', tags: [] });
		await warmIndex();
		sandbox.updateContactDirect(twin.id, { email: 'twin.renamed@example.com' });
		const result = await updateByEmail('ada@example.com', 'one-left');
		expect(result.items[0].json.error).toBeUndefined();
		expect(lookupRoutes()).toEqual(['list', 'get']);
		expect(sandbox.getContact(ada)!.tags).toEqual(['lead', 'newsletter', 'one-left']);
		expect(sandbox.getContact(twin.id)!.tags).toEqual([]);
	});

	it('Get by email: a list, then the GET that is the answer', async () => {
		await warmIndex();
		const result = await execution('get', {
			locationId: LOC,
			matchBy: 'email',
			matchEmail: 'grace@example.org',
		});
		expect(result.items.map((item) => item.json)).toEqual([sandbox.getContact(grace)]);
		expect(routes()).toEqual(['list', 'get']);
	});

	it('a second contact given the email since: Update fails as ambiguous, naming both, and writes nothing', async () => {
		await warmIndex();
		const twin = sandbox.addContact({ location_id: LOC, email: 'ada@example.com', tags: [] });
		const result = await updateByEmail('ada@example.com', 'one');
		expect(result.items[0].json.error).toBe(
			`2 contacts in location "${LOC}" have the email "ada@example.com": ${ada}, ${twin.id}`,
		);
		expect(byRoute('patch')).toHaveLength(0);
	});

	it('a second contact given the email since: Create or Update fails as ambiguous and writes nothing', async () => {
		await warmIndex();
		sandbox.addContact({ location_id: LOC, email: 'ada@example.com', tags: [] });
		const result = await upsertByEmail('ada@example.com', 'form');
		expect(result.items[0].json.error).toContain('2 contacts');
		expect(byRoute('patch')).toHaveLength(0);
		expect(byRoute('create')).toHaveLength(0);
	});
});
