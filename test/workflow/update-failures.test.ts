import {
	DEMO_API_KEY,
	DEMO_CONTACT_IDS,
	DEMO_LOCATION_ID,
	demoSeed,
	startSandbox,
} from '../../sandbox/server';

import { useUpdateSandbox } from './update-support';

const { ada, grace } = DEMO_CONTACT_IDS;
const { sandbox, contact, run, patches } = useUpdateSandbox();

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
