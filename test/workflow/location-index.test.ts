/**
 * The location index outlives an execution: the next webhook-shaped execution looks its email up
 * without downloading the location's list again, yet never acts on what changed behind it (another
 * writer, the Assistable app). What a user checks: the requests Assistable received, and the
 * contacts afterwards.
 */
import type { IDataObject } from 'n8n-workflow';

import { DEMO_CONTACT_IDS, DEMO_LOCATION_ID } from '../../sandbox/server';
import {
	directoryLoad,
	expireLocationIndexes,
} from '../../nodes/Assistable/resources/contact/directory';
import { useSandbox } from '../harness/sandbox-fixture';
import { contactRunner } from '../harness/workflow';

const { ada, grace } = DEMO_CONTACT_IDS;
const LOC = DEMO_LOCATION_ID;
const sandbox = useSandbox();
afterEach(() => expect(directoryLoad()).toEqual({ indexesInUse: 0, listsLoading: 0 }));

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

/** A first execution that loads the location's index, then a clean request log. */
async function warmIndex(): Promise<void> {
	const first = await updateByEmail('grace@example.org', 'warm');
	expect(first.items[0].json.error).toBeUndefined();
	expect(byRoute('list')).toHaveLength(1);
	sandbox.clearRequests();
}

describe('an index kept from an earlier execution', () => {
	it('serves the next execution without a list: one GET confirms the contact and is the state the tags are appended to', async () => {
		const first = await updateByEmail('ada@example.com', 'one');
		expect(first.items[0].json.error).toBeUndefined();
		expect(lookupRoutes()).toEqual(['list', 'get']);
		sandbox.clearRequests();

		const second = await updateByEmail('ada@example.com', 'two');
		expect(second.items[0].json.error).toBeUndefined();
		expect(byRoute('list')).toHaveLength(0);
		expect(lookupRoutes()).toEqual(['get']);
		expect(byRoute('get')[0].params.contactId).toBe(ada);
		expect(byRoute('patch').map((p) => p.body)).toEqual([
			{ tags: ['lead', 'newsletter', 'one', 'two'] },
		]);
		expect(sandbox.getContact(ada)!.tags).toEqual(['lead', 'newsletter', 'one', 'two']);
	});

	it('Create or Update of an existing email: no list, one GET before the PATCH', async () => {
		await warmIndex();
		const result = await upsertByEmail('ADA@example.com', 'form');
		expect(result.items[0].json.action).toBe('updated');
		expect(lookupRoutes()).toEqual(['get']);
		expect(byRoute('create')).toHaveLength(0);
		expect(sandbox.getContact(ada)!.tags).toEqual(['lead', 'newsletter', 'form']);
	});

	it('a contact whose email changed behind it is not updated: a fresh list finds no match, and the item says so', async () => {
		await warmIndex();
		sandbox.updateContactDirect(ada, { email: 'ada.moved@example.com' });
		const result = await updateByEmail('ada@example.com', 'stale');
		expect(result.items[0].json.error).toBe(
			`No contact in location "${LOC}" has the email "ada@example.com"`,
		);
		// The GET shows the change; the list requested after it is the answer.
		expect(routes()).toEqual(['get', 'list']);
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
		expect(lookupRoutes()).toEqual(['get', 'list', 'get']);
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

	it('a new email is created only after a fresh list (then checked once more for a duplicate)', async () => {
		await warmIndex();
		const result = await upsertByEmail('brand.new@example.com', 'form');
		expect(result.items[0].json.action).toBe('created');
		expect(routes()).toEqual(['list', 'create', 'list']);
	});

	it('no match for Update with If No Match = Error is only reported after a fresh list', async () => {
		await warmIndex();
		const result = await updateByEmail('nobody@example.com', 'x');
		expect(result.items[0].json.error).toBe(
			`No contact in location "${LOC}" has the email "nobody@example.com"`,
		);
		expect(routes()).toEqual(['list']);
	});

	it('Update finds a contact created behind it, where the kept index has no match', async () => {
		await warmIndex();
		const late = sandbox.addContact({ location_id: LOC, email: 'late@example.com', tags: [] });
		const result = await updateByEmail('late@example.com', 'found', { onNoMatch: 'skip' });
		expect(result.items).toHaveLength(1);
		expect(result.items[0].json.id).toBe(late.id);
		expect(sandbox.getContact(late.id)!.tags).toEqual(['found']);
	});

	it('several matches in it are checked in a fresh list before the item fails', async () => {
		const twin = sandbox.addContact({ location_id: LOC, email: 'ada@example.com', tags: [] });
		await warmIndex();
		sandbox.updateContactDirect(twin.id, { email: 'twin.renamed@example.com' });
		const result = await updateByEmail('ada@example.com', 'one-left');
		expect(result.items[0].json.error).toBeUndefined();
		expect(lookupRoutes()).toEqual(['list', 'get']);
		expect(sandbox.getContact(ada)!.tags).toEqual(['lead', 'newsletter', 'one-left']);
		expect(sandbox.getContact(twin.id)!.tags).toEqual([]);
	});

	it('Get by email answers with the confirming GET', async () => {
		await warmIndex();
		const result = await execution('get', {
			locationId: LOC,
			matchBy: 'email',
			matchEmail: 'grace@example.org',
		});
		expect(result.items.map((item) => item.json)).toEqual([sandbox.getContact(grace)]);
		expect(routes()).toEqual(['get']);
	});

	it('once it is older than the bound, the next execution requests the list again', async () => {
		await warmIndex();
		expireLocationIndexes(sandbox.url);
		const result = await updateByEmail('ada@example.com', 'later');
		expect(result.items[0].json.error).toBeUndefined();
		// A fresh list needs no confirming GET: the one GET is the read the tags are appended to.
		expect(lookupRoutes()).toEqual(['list', 'get']);
	});
});
