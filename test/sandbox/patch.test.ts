/** The sandbox honours the Assistable v2 contract (see the API notes) for PATCH /contacts/{id} and the ok-false error style. */

import { DEMO_LOCATION_ID } from '../../sandbox/server';
import { ADA, MARGARET, STAMP, sb, start, useSandboxPerTest, call } from './client';
useSandboxPerTest();

describe('PATCH /contacts/{id}', () => {
	it('changes only the fields sent and answers the whole updated contact', async () => {
		const before = sb.getContact(ADA)!;
		const r = await call('PATCH', `/contacts/${ADA}`, { last_name: 'King' });
		expect(r.status).toBe(200);
		expect(r.json).toEqual({ ...before, last_name: 'King', updated_at: r.json.updated_at });
		expect(sb.getContact(ADA)).toEqual(r.json);
		expect(sb.requests[0]).toMatchObject({
			route: 'patch',
			body: { last_name: 'King' },
			status: 200,
		});
	});

	it('replaces the whole tag list, stored as sent (no dedupe)', async () => {
		await call('PATCH', `/contacts/${ADA}`, { tags: ['b', 'b', 'c'] });
		expect(sb.getContact(ADA)!.tags).toEqual(['b', 'b', 'c']);
		await call('PATCH', `/contacts/${ADA}`, { tags: [] });
		expect(sb.getContact(ADA)!.tags).toEqual([]);
	});

	it('merges custom_fields key by key by default, replaces them when configured', async () => {
		await call('PATCH', `/contacts/${ADA}`, { custom_fields: { score: 7, color: 'red' } });
		expect(sb.getContact(ADA)!.custom_fields).toEqual({ plan: 'pro', score: 7, color: 'red' });
		sb.setBehaviour({ customFields: 'replace' });
		await call('PATCH', `/contacts/${ADA}`, { custom_fields: { only: true } });
		expect(sb.getContact(ADA)!.custom_fields).toEqual({ only: true });
	});

	it('stores null as null and does not validate phone or email', async () => {
		const r = await call('PATCH', `/contacts/${ADA}`, {
			email: null,
			phone_number: '0123 not e164',
		});
		expect(r.status).toBe(200);
		expect(sb.getContact(ADA)).toMatchObject({ email: null, phone_number: '0123 not e164' });
	});

	it('refreshes updated_at (same format, strictly later) on every PATCH, even back to back', async () => {
		const created = sb.getContact(ADA)!.created_at;
		const stamps = [sb.getContact(ADA)!.updated_at];
		const answers = await Promise.all(
			Array.from({ length: 20 }, () => call('PATCH', `/contacts/${ADA}`, {})),
		);
		for (const a of answers) stamps.push(a.json.updated_at);
		stamps.sort();
		for (const st of stamps) expect(st).toMatch(STAMP);
		expect(new Set(stamps).size).toBe(stamps.length);
		expect(stamps[0]).toBe('2025-12-01T09:15:42.107356+00:00');
		expect(sb.getContact(ADA)!.updated_at).toBe(stamps[stamps.length - 1]);
		expect(sb.getContact(ADA)!.created_at).toBe(created);
	});

	it('400s non-object bodies and badly typed fields without touching state', async () => {
		const before = sb.getContact(ADA);
		const bad: [string | undefined, string][] = [
			['[1,2]', 'Body must be a JSON object'],
			['"x"', 'Body must be a JSON object'],
			['not json', 'Body must be a JSON object'],
			[undefined, 'Body must be a JSON object'],
			['{"tags":"a"}', 'tags must be an array of strings'],
			['{"tags":[1]}', 'tags must be an array of strings'],
			['{"custom_fields":[]}', 'custom_fields must be an object'],
			['{"first_name":5}', 'first_name must be a string or null'],
		];
		for (const [rawBody, message] of bad) {
			const r = await call('PATCH', `/contacts/${ADA}`, undefined, { rawBody });
			expect([r.status, r.json]).toEqual([400, { message }]);
		}
		expect(sb.getContact(ADA)).toEqual(before);
		expect(sb.requests.map((q) => q.body)).toEqual([
			[1, 2],
			'x',
			'not json',
			undefined,
			{ tags: 'a' },
			{ tags: [1] },
			{ custom_fields: [] },
			{ first_name: 5 },
		]);
	});

	it('ignores unknown fields by default (id cannot change), rejects them when configured', async () => {
		const r = await call('PATCH', `/contacts/${ADA}`, {
			id: 'x',
			location_id: 'y',
			nickname: 'z',
			first_name: 'A',
		});
		expect(r.status).toBe(200);
		expect(r.json).toMatchObject({ id: ADA, location_id: DEMO_LOCATION_ID, first_name: 'A' });
		expect(r.json.nickname).toBeUndefined();
		sb.setBehaviour({ unknownFields: 'reject' });
		const f = await call('PATCH', `/contacts/${ADA}`, { nickname: 'z', first_name: 'B' });
		expect([f.status, f.json]).toEqual([400, { message: 'Unknown field: nickname' }]);
		expect(sb.getContact(ADA)!.first_name).toBe('A');
	});

	it('accepts and replaces meta, attribution, integration and dnd', async () => {
		sb.updateContactDirect(ADA, { meta: { a: 1, b: 2 } });
		await call('PATCH', `/contacts/${ADA}`, { meta: { c: 3 }, dnd: { all: true } });
		expect(sb.getContact(ADA)).toMatchObject({ meta: { c: 3 }, dnd: { all: true } });
	});

	it('404s a location id and 403s a hidden contact, without changing anything', async () => {
		expect((await call('PATCH', `/contacts/${DEMO_LOCATION_ID}`, { first_name: 'X' })).status).toBe(
			404,
		);
		const s = await start({ keys: [{ key: 'k1', locations: [DEMO_LOCATION_ID] }] });
		expect(
			(
				await call(
					'PATCH',
					`/contacts/${MARGARET}`,
					{ first_name: 'X' },
					{ base: s, auth: 'Bearer k1' },
				)
			).status,
		).toBe(403);
		expect(s.getContact(MARGARET)!.first_name).toBe('Margaret');
	});
});

describe('error style ok-false', () => {
	it('answers business errors as HTTP 200 {ok:false,error}', async () => {
		const s = await start({
			keys: [{ key: 'k1', locations: [DEMO_LOCATION_ID] }],
			behaviour: { errorStyle: 'ok-false' },
		});
		const opts = { base: s, auth: 'Bearer k1' };
		expect((await call('GET', '/contacts/nope', undefined, opts)).json).toEqual({
			ok: false,
			error: 'Contact not found',
		});
		const forbidden = await call('PATCH', `/contacts/${MARGARET}`, { first_name: 'X' }, opts);
		expect(forbidden.status).toBe(200);
		expect(forbidden.json).toEqual({
			ok: false,
			error: "Forbidden: this API key's sub-account cannot access this contact",
		});
		const invalid = await call('PATCH', `/contacts/${ADA}`, { tags: 'x' }, opts);
		expect([invalid.status, invalid.json]).toEqual([
			200,
			{ ok: false, error: 'tags must be an array of strings' },
		]);
		// an unknown route stays a real 404
		expect((await call('GET', '/contacts', undefined, opts)).status).toBe(404);
	});
});
