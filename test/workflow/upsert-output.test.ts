/**
 * Create or Update's output by node version. New nodes (1.1, the default) output the contact itself with an
 * `action` field, like every other operation, so `$json.id` works; saved version-1 workflows keep
 * `{ action, contact }` (operations.test.ts covers version 1's behaviour in full).
 */
import type { IDataObject } from 'n8n-workflow';

import { DEMO_CONTACT_IDS, DEMO_LOCATION_ID } from '../../sandbox/server';
import { Assistable } from '../../nodes/Assistable/Assistable.node';
import { useSandbox } from '../harness/sandbox-fixture';
import { runContact } from '../harness/workflow';

const { ada, grace } = DEMO_CONTACT_IDS;
const LOC = DEMO_LOCATION_ID;
const sandbox = useSandbox();

const upsert = (typeVersion: number, parameters: IDataObject, items?: IDataObject[]) =>
	runContact(sandbox, 'upsert', { locationId: LOC, ...parameters }, { items, typeVersion });

test('a new Assistable node is version 1.1; version 1 stays loadable for saved workflows', () => {
	const { version, defaultVersion } = new Assistable().description;
	expect(version).toEqual([1, 1.1]);
	expect(defaultVersion).toBe(1.1);
});

describe('version 1.1: the contact is the item, with action next to its fields', () => {
	test('created and updated', async () => {
		const items = [
			{ email: 'new.person@example.com', tag: 'webinar' },
			{ email: 'ada@example.com', tag: 'webinar' },
		];
		const result = await upsert(
			1.1,
			{ matchEmail: '={{ $json.email }}', contactFields: { tags: '={{ $json.tag }}' } },
			items,
		);
		expect(result.status).toBe('success');
		const [created, updated] = result.items.map((i) => i.json);
		const createdId = created.id as string;
		expect(created).toEqual({ ...sandbox.getContact(createdId), action: 'created' });
		expect(sandbox.getContact(createdId)).toMatchObject({
			email: 'new.person@example.com',
			tags: ['webinar'],
		});
		expect(updated).toEqual({ ...sandbox.getContact(ada), action: 'updated' });
		expect(updated.tags).toEqual(['lead', 'newsletter', 'webinar']);
		expect(result.items.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
	});

	test('found, simplified: the 10 simple fields plus action', async () => {
		const result = await upsert(1.1, {
			matchEmail: 'grace@example.org',
			contactFields: {},
			options: { simplify: true },
		});
		const json = result.items[0].json;
		expect(json).toMatchObject({ id: grace, email: 'grace@example.org', action: 'found' });
		expect(json.contact).toBeUndefined();
		expect(Object.keys(json).length).toBeLessThanOrEqual(11);
		expect(sandbox.requests.map((r) => r.method)).toEqual(['GET', 'GET']);
	});
});

test('version 1 (saved workflows) keeps { action, contact }', async () => {
	const result = await upsert(1, { matchEmail: 'grace@example.org', contactFields: {} });
	expect(result.items[0].json).toEqual({ action: 'found', contact: sandbox.getContact(grace) });
});
