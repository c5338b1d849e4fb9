import { DEMO_API_KEY, DEMO_CONTACT_IDS } from '../../sandbox/server';

import { useUpdateSandbox } from './update-support';

const { ada, grace, linus } = DEMO_CONTACT_IDS;
const { sandbox, run, patches, reads, mergeReads } = useUpdateSandbox();

describe('Contact → Update', () => {
	it('sends only the fields set, with the Bearer key, and outputs the updated contact', async () => {
		const before = sandbox.getContact(ada)!;
		const result = await run({
			contactId: ada,
			updateFields: { firstName: ' Augusta ', phoneNumber: '+1 (555) 555-0199' },
		});

		expect(result.status).toBe('success');
		expect(sandbox.requests).toHaveLength(1);
		const [patch] = sandbox.requests;
		expect(patch).toMatchObject({
			method: 'PATCH',
			path: `/v2/contacts/${ada}`,
			authorization: `Bearer ${DEMO_API_KEY}`,
		});
		expect(patch.body).toEqual({ first_name: 'Augusta', phone_number: '+15555550199' });

		const after = sandbox.getContact(ada)!;
		expect(after).toMatchObject({
			first_name: 'Augusta',
			phone_number: '+15555550199',
			last_name: 'Lovelace',
			tags: before.tags,
		});
		expect(after.updated_at > before.updated_at).toBe(true);
		expect(result.items).toHaveLength(1);
		expect(result.items[0].json).toEqual(after);
		expect(result.items[0].pairedItem).toEqual({ item: 0 });
	});

	it('appends tags to the existing ones by default: one read, one PATCH with the merged list, one check', async () => {
		const result = await run({
			contactId: ada,
			updateFields: { tags: 'vip, newsletter , ,webinar' },
		});

		expect(result.status).toBe('success');
		// The last GET is Re-Check Tags (on by default): the tags are still there shortly after the write.
		expect(sandbox.requests.map((r) => r.method)).toEqual(['GET', 'PATCH', 'GET']);
		expect(patches()[0].body).toEqual({ tags: ['lead', 'newsletter', 'vip', 'webinar'] });
		expect(sandbox.getContact(ada)!.tags).toEqual(['lead', 'newsletter', 'vip', 'webinar']);
	});

	it('replaces the tag list without reading when Append Tags is off', async () => {
		await run({ contactId: ada, appendTags: false, updateFields: { tags: 'webinar, webinar' } });

		// No read for the merge; the GET after the PATCH is Re-Check Tags.
		expect(sandbox.requests.map((r) => r.method)).toEqual(['PATCH', 'GET']);
		expect(sandbox.getContact(ada)!.tags).toEqual(['webinar']);
	});

	it('removes tags, keeping the others in order', async () => {
		await run({ contactId: ada, updateFields: { tags: 'vip', removeTags: 'lead' } });
		expect(sandbox.getContact(ada)!.tags).toEqual(['newsletter', 'vip']);

		await run({ contactId: ada, appendTags: false, updateFields: { removeTags: ['newsletter'] } });
		expect(sandbox.getContact(ada)!.tags).toEqual(['vip']);
	});

	it('accepts tags as an array from an expression on the previous node', async () => {
		const result = await run(
			{
				contactId: '={{ $json.body.contact_id }}',
				updateFields: { tags: '={{ $json.body.interests }}', email: '={{ $json.body.email }}' },
			},
			[
				{
					body: {
						contact_id: grace,
						interests: ['webinar', 'pricing'],
						email: 'grace.h@example.org',
					},
				},
			],
		);
		expect(result.status).toBe('success');
		expect(sandbox.getContact(grace)).toMatchObject({
			tags: ['customer', 'webinar', 'pricing'],
			email: 'grace.h@example.org',
		});
	});

	describe.each(['merge', 'replace'] as const)('custom fields when the server %ss them', (mode) => {
		beforeEach(() => sandbox.setBehaviour({ customFields: mode }));

		it('keeps existing custom fields by default; typed text stays text, expression values keep their type', async () => {
			const field = (key: string, value: string) => ({ key, value });
			await run({
				contactId: ada,
				updateFields: {
					customFields: {
						field: [
							field('seats', '={{ 3 }}'),
							field('trial', '={{ true }}'),
							field('ref', '007'),
							field('zip', '94103'),
							field('flag', 'true'),
						],
					},
				},
			});
			expect(reads()).toHaveLength(1);
			const expected = {
				plan: 'pro',
				score: 42,
				seats: 3,
				trial: true,
				ref: '007',
				zip: '94103',
				flag: 'true',
			};
			expect(patches()[0].body).toEqual({ custom_fields: expected });
			expect(sandbox.getContact(ada)!.custom_fields).toEqual(expected);
		});

		it('sends only the given custom fields when Keep Existing Custom Fields is off', async () => {
			await run(
				{
					contactId: ada,
					updateFields: { customFieldsJson: '={{ $json.custom }}' },
					options: { keepCustomFields: false },
				},
				[{ custom: { plan: 'enterprise', cancelled: null } }],
			);
			expect(reads()).toHaveLength(0);
			expect(patches()[0].body).toEqual({ custom_fields: { plan: 'enterprise', cancelled: null } });
			const expected =
				mode === 'merge'
					? { plan: 'enterprise', score: 42, cancelled: null }
					: { plan: 'enterprise', cancelled: null };
			expect(sandbox.getContact(ada)!.custom_fields).toEqual(expected);
		});
	});

	it('processes several items, one output per input item, paired in order', async () => {
		const items = [
			{ id: ada, tag: 'a1' },
			{ id: grace, tag: 'g1' },
			{ id: ada, tag: 'a2' },
			{ id: linus, tag: 'l1' },
		];
		const result = await run(
			{ contactId: '={{ $json.id }}', updateFields: { tags: '={{ $json.tag }}' } },
			items,
		);

		expect(result.status).toBe('success');
		expect(result.items.map((i) => [i.json.id, i.pairedItem])).toEqual(
			items.map((item, index) => [item.id, { item: index }]),
		);
		expect(sandbox.getContact(ada)!.tags).toEqual(['lead', 'newsletter', 'a1', 'a2']);
		expect(sandbox.getContact(grace)!.tags).toEqual(['customer', 'g1']);
		expect(sandbox.getContact(linus)!.tags).toEqual(['l1']);
		// One read per distinct contact; the second Ada item merges onto the first one's PATCH response.
		expect(
			mergeReads()
				.map((r) => r.params.contactId)
				.sort(),
		).toEqual([ada, grace, linus].sort());
		expect(patches()).toHaveLength(4);
	});

	it('Simplify returns at most 10 fields', async () => {
		const result = await run({
			contactId: ada,
			updateFields: { lastName: 'King' },
			options: { simplify: true },
		});
		const keys = Object.keys(result.items[0].json);
		expect(keys.length).toBeLessThanOrEqual(10);
		expect(result.items[0].json).toMatchObject({
			id: ada,
			last_name: 'King',
			tags: ['lead', 'newsletter'],
		});
		expect(keys).not.toContain('workspace_id');
	});
});
