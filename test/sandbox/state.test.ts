/** The sandbox's latency, concurrency, stats, request log and direct state API. */

import { DEMO_LOCATION_ID, DEMO_OTHER_LOCATION_ID } from '../../sandbox/server';
import { AUTH, ADA, MARGARET, UUID_V4, sb, start, useSandboxPerTest, call, raw } from './client';
useSandboxPerTest();

describe('latency, concurrency and stats', () => {
	it('holds a thousand concurrent requests open and counts them', async () => {
		const s = await start({ behaviour: { latencyMs: 400 } });
		const t0 = Date.now();
		const all = await Promise.all(
			Array.from({ length: 1000 }, () => raw(s, 'GET', `/v2/contacts/${ADA}`)),
		);
		expect(all.every((r) => r.status === 200)).toBe(true);
		expect(Date.now() - t0).toBeGreaterThanOrEqual(390);
		expect(s.stats()).toEqual({
			total: 1000,
			maxInFlight: expect.any(Number),
			byRoute: { get: 1000 },
		});
		expect(s.stats().maxInFlight).toBeGreaterThan(200);
		expect(s.requests.map((q) => q.seq)).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1));
		s.clearRequests();
		expect([s.requests.length, s.stats().total]).toEqual([0, 0]);
	});
});

describe('request log', () => {
	it('records raw path, lower-cased headers, parsed or raw body, status and timings', async () => {
		const log = sb.requests;
		await call('PATCH', `/contacts/${ADA}?trace=1`, { tags: ['x'] });
		await call('POST', `/contacts/create-contact/${DEMO_LOCATION_ID}`, undefined, {
			rawBody: 'oops',
		});
		expect(log).toBe(sb.requests);
		expect(log[0]).toMatchObject({
			seq: 1,
			method: 'PATCH',
			rawPath: `/v2/contacts/${ADA}?trace=1`,
			path: `/v2/contacts/${ADA}`,
			route: 'patch',
			params: { contactId: ADA },
			authorization: AUTH,
			body: { tags: ['x'] },
			status: 200,
		});
		expect(log[0].headers['content-type']).toBe('application/json');
		expect(log[0].headers.authorization).toBe(AUTH);
		expect(log[1]).toMatchObject({ seq: 2, body: 'oops', status: 400 });
		for (const q of log) expect(q.endedAt).toBeGreaterThanOrEqual(q.startedAt);
	});
});

describe('direct state API', () => {
	it('copies, adds, updates like a concurrent writer, and resets', async () => {
		const copy = sb.getContact(ADA)!;
		copy.tags.push('mutated');
		expect(sb.getContact(ADA)!.tags).toEqual(['lead', 'newsletter']);
		const added = sb.addContact({ first_name: 'Added', location_id: DEMO_OTHER_LOCATION_ID });
		expect(added).toMatchObject({
			id: expect.stringMatching(UUID_V4),
			last_name: null,
			tags: [],
			custom_fields: {},
		});
		expect(sb.listContacts(DEMO_OTHER_LOCATION_ID).map((c) => c.id)).toEqual([MARGARET, added.id]);
		expect(() => sb.addContact({ id: ADA })).toThrow();
		const old = sb.getContact(ADA)!.updated_at;
		const upd = sb.updateContactDirect(ADA, { tags: ['server-side'] });
		expect(upd.updated_at > old).toBe(true);
		expect((await call('GET', `/contacts/${ADA}`)).json.tags).toEqual(['server-side']);
		expect(() => sb.updateContactDirect('nope', {})).toThrow();

		sb.setBehaviour({ createStatus: 200 });
		sb.injectFault({ fault: { kind: 'status', status: 500 } });
		sb.reset();
		expect(sb.requests).toEqual([]);
		expect(sb.listContacts().length).toBe(4);
		expect(sb.getContact(ADA)!.tags).toEqual(['lead', 'newsletter']);
		expect((await call('POST', `/contacts/create-contact/${DEMO_LOCATION_ID}`, {})).status).toBe(
			201,
		); // no fault, default behaviour
		sb.reset([{ first_name: 'Solo' }]);
		expect(sb.listContacts().map((c) => [c.first_name, c.location_id])).toEqual([
			['Solo', DEMO_LOCATION_ID],
		]);
	});

	it('close() ends promptly even with a request still held open', async () => {
		const s = await start({ behaviour: { latencyMs: 60_000 } });
		const pending = fetch(`${s.url}/contacts/${ADA}`, { headers: { authorization: AUTH } }).catch(
			(e: Error) => e,
		);
		await new Promise((r) => setTimeout(r, 50));
		const t0 = Date.now();
		await s.close();
		expect(Date.now() - t0).toBeLessThan(1000);
		expect(String(await pending)).toMatch(/fetch failed/);
		expect(s.stats().total).toBe(1);
	});
});
