/** The sandbox honours the Assistable v2 contract (see the API notes) for auth, reading and creating contacts. */

import {
	DEMO_API_KEY,
	DEMO_CONTACT_IDS,
	DEMO_LOCATION_ID,
	DEMO_OTHER_LOCATION_ID,
} from '../../sandbox/server';
import {
	ADA,
	MARGARET,
	STAMP,
	UUID_V4,
	JSON_CT,
	sb,
	start,
	useSandboxPerTest,
	call,
} from './client';
useSandboxPerTest();

describe('auth', () => {
	it('answers 401 text/plain "Unauthorized" for a missing, wrong or non-Bearer key, and logs it', async () => {
		for (const auth of [null, 'Bearer nope', `Basic ${DEMO_API_KEY}`, DEMO_API_KEY]) {
			const r = await call('GET', `/contacts/${ADA}`, undefined, { auth });
			expect(r.status).toBe(401);
			expect(r.text).toBe('Unauthorized');
			expect(r.headers.get('content-type')).toMatch(/^text\/plain/);
		}
		expect(sb.requests.map((q) => [q.status, q.authorization])).toEqual([
			[401, undefined],
			[401, 'Bearer nope'],
			[401, `Basic ${DEMO_API_KEY}`],
			[401, DEMO_API_KEY],
		]);
	});

	it('checks auth before the route and before any state change, whatever the error style', async () => {
		sb.setBehaviour({ errorStyle: 'ok-false' });
		expect((await call('GET', '/nowhere', undefined, { auth: 'Bearer x' })).status).toBe(401);
		expect(
			(await call('PATCH', `/contacts/${ADA}`, { first_name: 'Eve' }, { auth: 'Bearer x' })).status,
		).toBe(401);
		expect(sb.getContact(ADA)!.first_name).toBe('Ada');
	});

	it('accepts a configured key with a location grant and rejects other keys', async () => {
		const s = await start({ keys: [{ key: 'asst_a', locations: [DEMO_LOCATION_ID] }] });
		expect(
			(await call('GET', `/contacts/${ADA}`, undefined, { base: s, auth: 'Bearer asst_a' })).status,
		).toBe(200);
		expect((await call('GET', `/contacts/${ADA}`, undefined, { base: s })).status).toBe(401);
	});
});

describe('GET /contacts/{id}', () => {
	it('returns the whole contact as JSON', async () => {
		const r = await call('GET', `/contacts/${ADA}`);
		expect(r.status).toBe(200);
		expect(r.headers.get('content-type')).toBe(JSON_CT);
		expect(r.json).toEqual({
			id: ADA,
			workspace_id: 'ws_sandbox',
			location_id: DEMO_LOCATION_ID,
			first_name: 'Ada',
			last_name: 'Lovelace',
			phone_number: '+15555550101',
			email: 'ada@example.com',
			tags: ['lead', 'newsletter'],
			meta: {},
			custom_fields: { plan: 'pro', score: 42 },
			attribution: {},
			integration: {},
			dnd: {},
			created_at: '2025-11-20T14:03:11.482913+00:00',
			updated_at: '2025-12-01T09:15:42.107356+00:00',
		});
		expect(sb.requests[0]).toMatchObject({
			route: 'get',
			params: { contactId: ADA },
			status: 200,
			method: 'GET',
		});
	});

	it('404s an unknown id, a non-UUID, and a location id used as a contact id', async () => {
		for (const id of ['00000000-0000-4000-8000-000000000000', 'not-a-uuid', DEMO_LOCATION_ID]) {
			const r = await call('GET', `/contacts/${id}`);
			expect([r.status, r.json]).toEqual([404, { message: 'Contact not found' }]);
		}
	});

	it('403s a contact in a location the key may not see', async () => {
		const s = await start({ keys: [{ key: 'k1', locations: [DEMO_LOCATION_ID] }] });
		const r = await call('GET', `/contacts/${MARGARET}`, undefined, { base: s, auth: 'Bearer k1' });
		expect(r.status).toBe(403);
		expect(r.json).toEqual({
			message: "Forbidden: this API key's sub-account cannot access this contact",
		});
	});

	it('ignores a query string on a known route', async () => {
		expect((await call('GET', `/contacts/${ADA}?x=1`)).status).toBe(200);
		expect(sb.requests[0]).toMatchObject({
			rawPath: `/v2/contacts/${ADA}?x=1`,
			path: `/v2/contacts/${ADA}`,
			route: 'get',
		});
	});
});

describe('GET /get-contacts/{location}', () => {
	it('returns a bare array of all contacts of that location, in insertion order', async () => {
		const r = await call('GET', `/get-contacts/${DEMO_LOCATION_ID}`);
		expect(r.status).toBe(200);
		expect(r.json.map((c: any) => c.id)).toEqual([
			ADA,
			DEMO_CONTACT_IDS.grace,
			DEMO_CONTACT_IDS.linus,
		]);
		expect(
			(await call('GET', `/get-contacts/${DEMO_OTHER_LOCATION_ID}`)).json.map((c: any) => c.id),
		).toEqual([MARGARET]);
	});

	it('returns [] for a visible location with no contacts and 403 for a hidden one', async () => {
		expect((await call('GET', '/get-contacts/EmptyLocation0000000')).json).toEqual([]);
		const s = await start({ keys: [{ key: 'k1', locations: [DEMO_LOCATION_ID] }] });
		const r = await call('GET', `/get-contacts/${DEMO_OTHER_LOCATION_ID}`, undefined, {
			base: s,
			auth: 'Bearer k1',
		});
		expect(r.status).toBe(403);
		expect(r.json.message).toMatch(/^Forbidden/);
	});
});

describe('POST /contacts/create-contact/{location}', () => {
	it('creates a contact with a new UUID v4, answers 201 by default, and stores it', async () => {
		const before = sb.listContacts().length;
		const r = await call('POST', `/contacts/create-contact/${DEMO_LOCATION_ID}`, {
			first_name: 'Alan',
			phone_number: '+15555550199',
			tags: ['new'],
			custom_fields: { a: 1 },
			dnd: { sms: true },
			id: 'forced-id',
			location_id: 'elsewhere',
		});
		expect(r.status).toBe(201);
		expect(r.json.id).toMatch(UUID_V4);
		expect(r.json).toMatchObject({
			workspace_id: 'ws_sandbox',
			location_id: DEMO_LOCATION_ID,
			first_name: 'Alan',
			last_name: null,
			phone_number: '+15555550199',
			email: null,
			tags: ['new'],
			custom_fields: { a: 1 },
			meta: {},
			dnd: { sms: true },
		});
		expect(r.json.created_at).toMatch(STAMP);
		expect(r.json.updated_at).toBe(r.json.created_at);
		expect(sb.getContact(r.json.id)).toEqual(r.json);
		expect(sb.listContacts().length).toBe(before + 1);
		expect(sb.requests[0]).toMatchObject({
			route: 'create',
			params: { locationId: DEMO_LOCATION_ID },
			status: 201,
		});
	});

	it('answers 200 when createStatus is 200', async () => {
		sb.setBehaviour({ createStatus: 200 });
		expect(
			(await call('POST', `/contacts/create-contact/${DEMO_LOCATION_ID}`, { first_name: 'B' }))
				.status,
		).toBe(200);
	});

	it('400s a body that is not a JSON object, and 403s a hidden location', async () => {
		const r = await call('POST', `/contacts/create-contact/${DEMO_LOCATION_ID}`, [1]);
		expect([r.status, r.json]).toEqual([400, { message: 'Body must be a JSON object' }]);
		const s = await start({ keys: [{ key: 'k1', locations: [DEMO_LOCATION_ID] }] });
		const f = await call(
			'POST',
			`/contacts/create-contact/${DEMO_OTHER_LOCATION_ID}`,
			{ first_name: 'X' },
			{ base: s, auth: 'Bearer k1' },
		);
		expect(f.status).toBe(403);
		expect(s.listContacts(DEMO_OTHER_LOCATION_ID).length).toBe(1);
	});
});
