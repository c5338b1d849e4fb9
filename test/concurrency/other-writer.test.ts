/**
 * Another writer the process cannot lock against (another process, or someone in the CRM) changing the
 * contact while an execution writes it: removed tags are re-applied, a duplicate is reported with every ID.
 */
import { DEMO_CONTACT_IDS, DEMO_LOCATION_ID } from '../../sandbox/server';
import { useExecutionSandbox } from './executions-support';

const LOC = DEMO_LOCATION_ID;
const { ada } = DEMO_CONTACT_IDS;
const { sandbox, execution, on } = useExecutionSandbox();

describe('across processes (another writer the process cannot lock against)', () => {
	it('tags another writer removed right after our write are re-applied, by default', async () => {
		let clobbered = false;
		sandbox.onRequest = (r) => {
			if (r.route === 'patch' && !clobbered) {
				clobbered = true;
				// Another process that read Ada before us writes its own list after ours.
				sandbox.updateContactDirect(ada, { tags: ['lead', 'newsletter', 'from-other-process'] });
			}
		};
		const result = await execution('update', { contactId: ada, updateFields: { tags: 'ours' } });
		expect(result.status).toBe('success');
		expect(sandbox.getContact(ada)!.tags).toEqual([
			'lead',
			'newsletter',
			'from-other-process',
			'ours',
		]);
	});

	it('a tag that keeps disappearing fails the item, saying so', async () => {
		sandbox.onRequest = (r) => {
			if (r.route === 'patch') sandbox.updateContactDirect(ada, { tags: ['lead'] });
		};
		const result = await execution(
			'update',
			{ contactId: ada, updateFields: { tags: 'ours' } },
			{},
			true,
		);
		expect(result.items[0].json.error).toBe(
			`Another writer kept changing the contact's tags (missing "ours")`,
		);
		expect(on('patch')).toHaveLength(4);
	});

	it('a duplicate another process created at the same time is reported with every ID, never hidden', async () => {
		let otherId: string | undefined;
		sandbox.onRequest = (r) => {
			if (r.route === 'create' && !otherId) {
				otherId = sandbox.addContact({
					location_id: LOC,
					email: 'race@example.com',
					tags: ['other'],
				}).id;
			}
		};
		const result = await execution(
			'upsert',
			{ locationId: LOC, matchEmail: 'race@example.com', contactFields: { tags: 'ours' } },
			{},
			true,
		);
		const ours = sandbox
			.listContacts(LOC)
			.find((c) => c.email === 'race@example.com' && c.id !== otherId)!;
		const json = result.items[0].json;
		expect(json.error).toMatch(
			new RegExp(
				`^2 contacts in location "${LOC}" now have the email "race@example.com": [0-9a-f-]{36}, [0-9a-f-]{36}$`,
			),
		);
		expect(json.error).toContain(otherId!);
		expect(json.error).toContain(ours.id);
		expect((json.contactIds as string[]).sort()).toEqual([otherId, ours.id].sort());
		expect(json.createdContactId).toBe(ours.id);
	});
});
