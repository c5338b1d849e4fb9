import type { IDataObject } from 'n8n-workflow';
import {
	DEMO_API_KEY,
	DEMO_CONTACT_IDS,
	DEMO_LOCATION_ID,
	demoSeed,
	startSandbox,
} from '../../sandbox/server';
import { useSandbox } from '../harness/sandbox-fixture';
import { contactRunner } from '../harness/workflow';

const { ada, grace, linus } = DEMO_CONTACT_IDS;
const sandbox = useSandbox();
const contact = contactRunner(sandbox);
/** Contact → Update with these parameters. */
const run = (parameters: object, items?: IDataObject[], onError?: 'continueRegularOutput') =>
	contact('update', parameters as IDataObject, { items, onError });

const patches = () => sandbox.requests.filter((r) => r.method === 'PATCH');
const reads = () => sandbox.requests.filter((r) => r.route === 'get');
/** Reads made for a merge: before the contact's first PATCH (later ones are the tag check's). */
const mergeReads = () =>
	reads().filter(
		(r) => !patches().some((p) => p.params.contactId === r.params.contactId && p.seq < r.seq),
	);

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

describe('bad input fails before any request', () => {
	const cases: Array<[string, Record<string, unknown>, RegExp, RegExp]> = [
		[
			'empty contact ID',
			{ contactId: '  ', updateFields: { firstName: 'x' } },
			/Contact ID is empty/,
			/contact_id/,
		],
		[
			'a location ID as contact ID',
			{ contactId: DEMO_LOCATION_ID, updateFields: { firstName: 'x' } },
			/Contact ID .* is not an Assistable contact ID/,
			/location .*ID is not a contact ID/,
		],
		[
			'nothing to update',
			{ contactId: ada, updateFields: { firstName: '' } },
			/Nothing to update/,
			/Update Fields/,
		],
		[
			'a phone without country code',
			{ contactId: ada, updateFields: { phoneNumber: '555-0101' } },
			/Phone Number "555-0101" is not a valid phone number/,
			/\+14155550101.*Default Country/,
		],
		[
			'a phone with letters',
			{ contactId: ada, updateFields: { phoneNumber: '+1 555 CALL NOW' } },
			/Phone Number .* is not a valid phone number/,
			/no letters/,
		],
		[
			'a country code alone',
			{ contactId: ada, updateFields: { phoneNumber: '+1' } },
			/Phone Number "\+1" is not a valid phone number/,
			/number of digits/,
		],
		[
			'an invalid email',
			{ contactId: ada, updateFields: { email: 'ada@' } },
			/Email "ada@" is not a valid email address/,
			/name@example.com/,
		],
		[
			'a custom field with an empty key',
			{ contactId: ada, updateFields: { customFields: { field: [{ key: ' ', value: '1' }] } } },
			/Custom field #1 has an empty key/,
			/Key of custom field #1/,
		],
		[
			'tags that are an object',
			{ contactId: ada, updateFields: { tags: '={{ { a: 1 } }}' } },
			/Tags must be a comma-separated text or a list of texts/,
			/vip, webinar/,
		],
		[
			'tags that are booleans',
			{ contactId: ada, updateFields: { removeTags: '={{ [true] }}' } },
			/Remove Tags must be/,
			/map a list/,
		],
		[
			'custom fields JSON that is not an object',
			{ contactId: ada, updateFields: { customFieldsJson: '[1]' } },
			/Custom Fields \(JSON\) must be an object/,
			/JSON object/,
		],
	];

	it.each(cases)('%s', async (_name, parameters, message, hint) => {
		const result = await run(parameters);
		expect(result.status).toBe('error');
		expect(result.error?.message).toMatch(message);
		expect(result.error?.description).toMatch(hint);
		expect(result.error?.context?.itemIndex).toBe(0);
		expect(sandbox.requests).toHaveLength(0);
	});

	it('a bad item later in the input stops the run before any request is sent', async () => {
		const result = await run({ contactId: '={{ $json.id }}', updateFields: { firstName: 'New' } }, [
			{ id: ada },
			{ id: grace },
			{ id: 'nope' },
		]);
		expect(result.status).toBe('error');
		expect(result.error?.context?.itemIndex).toBe(2);
		expect(sandbox.requests).toHaveLength(0);
		expect(sandbox.getContact(ada)!.first_name).toBe('Ada');
	});
});

describe('API failures', () => {
	it('404 explains contact ID vs location ID; Continue On Fail gives an error item and the other items go through', async () => {
		const missing = '11111111-2222-4333-8444-555555555555';
		const result = await run(
			{ contactId: '={{ $json.id }}', updateFields: { tags: 'x' } },
			[{ id: ada }, { id: missing }, { id: grace }],
			'continueRegularOutput',
		);
		expect(result.status).toBe('success');
		expect(result.items).toHaveLength(3);
		expect(result.items[1].json.error).toMatch(/Contact not found \(404\)/);
		expect(result.items[1].json.description).toMatch(
			/location \(sub-account\) ID is not a contact ID/,
		);
		expect(result.items[1].pairedItem).toEqual({ item: 1 });
		expect(sandbox.getContact(ada)!.tags).toContain('x');
		expect(sandbox.getContact(grace)!.tags).toContain('x');
		// The failed read of the missing contact was not followed by a write.
		expect(patches().map((r) => r.params.contactId)).toEqual(expect.not.arrayContaining([missing]));
	});

	it('a failed read of the existing tags is never followed by a PATCH', async () => {
		sandbox.injectFault({ route: 'get', fault: { kind: 'status', status: 500 }, times: Infinity });
		const before = sandbox.getContact(ada)!;
		const result = await run({
			contactId: ada,
			updateFields: { tags: 'vip' },
			options: { maxAttempts: 2 },
		});

		expect(result.status).toBe('error');
		expect(result.error?.message).toMatch(/server error \(500\) \(gave up after 2 attempts\)/);
		expect(result.error?.context?.itemIndex).toBe(0);
		expect(patches()).toHaveLength(0);
		expect(sandbox.getContact(ada)).toEqual(before);
	});

	it('Verify Update fails the item, naming the fields, when the returned contact does not show them', async () => {
		// An API that answers 200 with the contact as it was, ignoring the name and the tags sent.
		const unchanged = sandbox.getContact(ada)!;
		sandbox.injectFault({
			route: 'patch',
			fault: { kind: 'status', status: 200, body: unchanged },
			times: 2,
		});
		const parameters = {
			contactId: ada,
			updateFields: { firstName: 'Augusta', tags: 'vip', email: 'ADA@example.com' },
		};

		const verified = await run(parameters);
		expect(verified.status).toBe('error');
		expect(verified.error?.message).toBe('Assistable did not apply: First Name, Tags');
		expect(verified.error?.description).toMatch(/Verify Update/);

		// Re-Check Tags off too: it would read the contact again and re-apply the tag.
		const unverified = await run({
			...parameters,
			options: { verifyUpdate: false, recheckTags: false },
		});
		expect(unverified.status).toBe('success');
		expect(unverified.items[0].json).toEqual(unchanged);
	});

	it('a 200 with ok:false is a failure with the API reason', async () => {
		sandbox.setBehaviour({ errorStyle: 'ok-false' });
		const result = await run({
			contactId: '11111111-2222-4333-8444-555555555555',
			appendTags: false,
			updateFields: { tags: 'x' },
		});
		expect(result.status).toBe('error');
		expect(result.error?.message).toMatch(/Assistable reported an error: Contact not found/);
	});

	it('a redirect is not followed: the key goes nowhere else and the item names where it pointed', async () => {
		const redirectTo = `${sandbox.url}/contacts/${grace}`;
		sandbox.injectFault({
			route: 'patch',
			fault: { kind: 'status', status: 307, headers: { location: redirectTo } },
		});
		const result = await run({ contactId: ada, updateFields: { firstName: 'x' } });
		expect(result.status).toBe('error');
		expect(result.error?.message).toMatch(/Assistable answered with a redirect \(307\)/);
		expect(result.error?.description).toContain(`redirect to ${redirectTo}`);
		expect(result.error?.description).toMatch(/Redirects are not followed/);
		expect(sandbox.requests.map((r) => [r.method, r.params.contactId])).toEqual([['PATCH', ada]]);
		expect(sandbox.getContact(grace)!.first_name).not.toBe('x');
	});

	it('401 points at the credential and never shows the key', async () => {
		const result = await contact(
			'update',
			{ contactId: ada, updateFields: { firstName: 'x' } },
			{ apiKey: 'asst_wrong_key_123456' },
		);
		expect(result.status).toBe('error');
		expect(result.error?.message).toMatch(/rejected the API key \(401\)/);
		expect(result.error?.description).toMatch(/API key in the Assistable API credential/);
		expect(result.serialized).not.toContain('asst_wrong_key_123456');
	});

	it('403 points at the key sub-account', async () => {
		const restricted = await startSandbox({
			seed: demoSeed(),
			keys: [{ key: DEMO_API_KEY, locations: ['elsewhere'] }],
		});
		try {
			const result = await contact(
				'update',
				{ contactId: ada, updateFields: { firstName: 'x' } },
				{ baseUrl: restricted.url },
			);
			expect(result.error?.message).toMatch(/refused access \(403\)/);
			expect(result.error?.description).toMatch(/sub-account/);
		} finally {
			await restricted.close();
		}
	});

	it('refuses a plain-http base URL that is not loopback before sending the key', async () => {
		const result = await contact(
			'update',
			{ contactId: ada, updateFields: { firstName: 'x' } },
			{ baseUrl: 'http://api.assistable.example/v2' },
		);
		expect(result.status).toBe('error');
		expect(result.error?.message).toMatch(/Base URL must use https/);
	});

	it('encodes the contact ID as one path segment', async () => {
		const result = await run(
			{ contactId: '={{ $json.id }}', updateFields: { firstName: 'x' } },
			[{ id: `${ada}/../../get-contacts/${DEMO_LOCATION_ID}` }],
			'continueRegularOutput',
		);
		expect(result.items[0].json.error).toMatch(/not an Assistable contact ID/);
		expect(sandbox.requests).toHaveLength(0);
	});
});
