import type { IDataObject } from 'n8n-workflow';

import { DEMO_API_KEY, DEMO_CONTACT_IDS, DEMO_LOCATION_ID } from '../../sandbox/server';
import { useSandbox } from '../harness/sandbox-fixture';
import { runContact } from '../harness/workflow';

const { ada, grace, linus } = DEMO_CONTACT_IDS;
const LOC = DEMO_LOCATION_ID;
const sandbox = useSandbox();

describe("Get Many's Updated Since, read in the workflow's time zone", () => {
	// Ada was updated at 2025-12-01T09:15:42Z: 01:15 in Los Angeles, 09:15 in UTC.
	const since = (value: string, timezone: string) =>
		runContact(
			sandbox,
			'getAll',
			{ locationId: LOC, returnAll: true, filters: { updatedSince: value } },
			{ settings: { timezone } },
		);

	it('reads a picked date without offset in the workflow time zone', async () => {
		expect((await since('2025-12-01T03:00:00', 'UTC')).items.map((i) => i.json.id)).toEqual([ada]);
		expect((await since('2025-12-01T03:00:00', 'America/Los_Angeles')).items).toEqual([]);
		expect(
			(await since('2025-12-01T01:00:00', 'America/Los_Angeles')).items.map((i) => i.json.id),
		).toEqual([ada]);
	});

	it('keeps an explicit offset', async () => {
		expect(
			(await since('2025-12-01T09:00:00Z', 'America/Los_Angeles')).items.map((i) => i.json.id),
		).toEqual([ada]);
		expect((await since('2025-12-01T11:00:00+01:00', 'UTC')).items.map((i) => i.json.id)).toEqual(
			[],
		);
	});
});

describe('a location list with entries of unexpected shape', () => {
	function listWithOddEntries() {
		const contacts = sandbox.listContacts(LOC) as unknown as IDataObject[];
		const odd = [
			{ ...contacts.find((c) => c.id === linus)!, custom_fields: [] },
			{ id: 'no-tags', email: 'odd@example.com', tags: 'not-a-list' },
			{ email: 'no-id@example.com' },
		];
		const list = [...contacts.filter((c) => c.id !== linus), ...odd];
		sandbox.injectFault({ route: 'list', fault: { kind: 'status', status: 200, body: list } });
		return list;
	}

	it('still finds the other contacts by email and by phone', async () => {
		listWithOddEntries();
		const result = await runContact(sandbox, 'update', {
			matchBy: 'email',
			locationId: LOC,
			matchEmail: 'grace@example.org',
			updateFields: { firstName: 'G' },
		});
		expect(result.status).toBe('success');
		expect(sandbox.getContact(grace)!.first_name).toBe('G');
		listWithOddEntries();
		const byPhone = await runContact(sandbox, 'get', {
			matchBy: 'phone',
			locationId: LOC,
			matchPhone: '+15555550101',
		});
		expect(byPhone.items.map((i) => i.json.id)).toEqual([ada]);
	});

	it('says how many entries were skipped when nothing matches', async () => {
		listWithOddEntries();
		const result = await runContact(sandbox, 'update', {
			matchBy: 'email',
			locationId: LOC,
			matchEmail: 'nobody@example.com',
			updateFields: { firstName: 'X' },
		});
		expect(result.error?.message).toBe(
			`No contact in location "${LOC}" has the email "nobody@example.com" (3 entries of the location's list had an unexpected shape and were skipped)`,
		);
	});

	it('never creates a duplicate of an entry it skipped: Create or Update with that email fails, nothing written', async () => {
		listWithOddEntries();
		const result = await runContact(sandbox, 'upsert', {
			locationId: LOC,
			matchEmail: 'ODD@example.com',
			contactFields: { firstName: 'Dup' },
		});
		expect(result.error?.message).toBe(
			`The contact in location "${LOC}" with the email "ODD@example.com" has an unexpected shape in Assistable's list`,
		);
		expect(sandbox.requests.map((r) => r.route)).toEqual(['list']);
	});

	it('a readable contact and an unreadable entry with the same email: no guess, nothing written', async () => {
		const list = listWithOddEntries();
		// Give the unreadable entry Ada's email: two contacts have it, one of them cannot be read.
		(list.find((entry) => entry.id === 'no-tags') as IDataObject).email = 'ADA@example.com';
		sandbox.clearFaults();
		sandbox.injectFault({ route: 'list', fault: { kind: 'status', status: 200, body: list } });
		const result = await runContact(sandbox, 'update', {
			matchBy: 'email',
			locationId: LOC,
			matchEmail: 'ada@example.com',
			updateFields: { tags: 'vip' },
		});
		expect(result.error?.message).toBe(
			`The contact in location "${LOC}" with the email "ada@example.com" has an unexpected shape in Assistable's list`,
		);
		expect(sandbox.requests.map((r) => r.route)).toEqual(['list']);
	});

	it('Get Many still returns them', async () => {
		const list = listWithOddEntries();
		const result = await runContact(sandbox, 'getAll', { locationId: LOC, returnAll: true });
		expect(result.status).toBe('success');
		expect(result.items.map((i) => i.json)).toEqual(list);
	});
});

describe('Create or Update output', () => {
	it('gives each item its own contact object', async () => {
		const items = [{ email: 'twice@example.com' }, { email: 'twice@example.com' }];
		const result = await runContact(
			sandbox,
			'upsert',
			{ locationId: LOC, matchEmail: '={{ $json.email }}' },
			{ items, typeVersion: 1 }, // version 1's output: { action, contact }
		);
		expect(result.items.map((i) => i.json.action)).toEqual(['created', 'found']);
		const [first, second] = result.items.map((i) => i.json.contact as IDataObject);
		expect(first).toEqual(second);
		expect(first).not.toBe(second);
		(first.tags as string[]).push('changed downstream');
		expect(second.tags).toEqual([]);
	});
});

describe('a Base URL with user info', () => {
	const password = 'pr0xy-s3cret-pass';

	it('is never shown whole in network errors or the stored execution', async () => {
		const closed = `http://proxyuser:${password}@127.0.0.1:1/v2`;
		const result = await runContact(
			sandbox,
			'update',
			{ contactId: ada, updateFields: { firstName: 'A' }, options: { maxAttempts: 1 } },
			{ baseUrl: closed },
		);
		expect(result.status).toBe('error');
		expect(result.error?.description).toContain('http://127.0.0.1:1/v2');
		expect(result.serialized).not.toContain(password);
		expect(result.serialized).not.toContain('proxyuser');
		expect(result.serialized).not.toContain(DEMO_API_KEY);
	});

	it('is not echoed from an API error body either', async () => {
		const url = sandbox.url.replace('http://', `http://proxyuser:${password}@`);
		sandbox.injectFault({
			route: 'patch',
			fault: { kind: 'status', status: 400, body: { message: `bad request to ${url}` } },
		});
		const result = await runContact(
			sandbox,
			'update',
			{ contactId: ada, updateFields: { firstName: 'A' } },
			{ baseUrl: url },
		);
		expect(result.error?.description).toContain(`bad request to ${sandbox.url}`);
		expect(result.serialized).not.toContain(password);
	});
});
