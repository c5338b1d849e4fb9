/** The sandbox's fault injection and rate limit, used as a client would. */

import { DEMO_LOCATION_ID, Sandbox } from '../../sandbox/server';
import { AUTH, ADA, JSON_CT, sb, start, useSandboxPerTest, call } from './client';
useSandboxPerTest();

describe('fault injection', () => {
	it('status fault: answers the injected status/headers/body, does not touch state, then runs out', async () => {
		sb.injectFault({
			route: 'patch',
			fault: {
				kind: 'status',
				status: 429,
				headers: { 'retry-after': '2' },
				body: { message: 'slow down' },
			},
			times: 2,
		});
		const body = { first_name: 'Z' };
		const a = await call('GET', `/contacts/${ADA}`); // other route: untouched
		const b = await call('PATCH', `/contacts/${ADA}`, body);
		const c = await call('PATCH', `/contacts/${ADA}`, body);
		expect(a.status).toBe(200);
		expect([b.status, b.headers.get('retry-after'), b.json]).toEqual([
			429,
			'2',
			{ message: 'slow down' },
		]);
		expect(c.status).toBe(429);
		expect(sb.getContact(ADA)!.first_name).toBe('Ada');
		expect((await call('PATCH', `/contacts/${ADA}`, body)).status).toBe(200);
		expect(sb.requests.map((q) => q.fault)).toEqual([undefined, 'status', 'status', undefined]);
		sb.injectFault({ fault: { kind: 'status', status: 503 } });
		expect((await call('GET', `/contacts/${ADA}`)).json).toEqual({ message: 'Injected 503' });
	});

	it('phase "after": the change is applied, then the answer is replaced', async () => {
		sb.injectFault({ route: 'create', fault: { kind: 'status', status: 504 }, phase: 'after' });
		const r = await call('POST', `/contacts/create-contact/${DEMO_LOCATION_ID}`, {
			first_name: 'Ghost',
		});
		expect(r.status).toBe(504);
		expect(sb.listContacts(DEMO_LOCATION_ID).map((c) => c.first_name)).toContain('Ghost');
		sb.injectFault({ route: 'patch', fault: { kind: 'drop' }, phase: 'after' });
		await expect(call('PATCH', `/contacts/${ADA}`, { last_name: 'Lost' })).rejects.toThrow();
		expect(sb.getContact(ADA)!.last_name).toBe('Lost');
	});

	it('drop: destroys the socket, logged with status 0', async () => {
		sb.injectFault({ fault: { kind: 'drop' } });
		await expect(call('PATCH', `/contacts/${ADA}`, { last_name: 'X' })).rejects.toThrow();
		expect(sb.getContact(ADA)!.last_name).toBe('Lovelace');
		await new Promise((r) => setTimeout(r, 20));
		expect(sb.requests[0]).toMatchObject({ status: 0, fault: 'drop', route: 'patch' });
		expect(sb.requests[0].endedAt).toBeGreaterThanOrEqual(sb.requests[0].startedAt);
	});

	it('delay: waits, then answers normally; a client timeout leaves status 0', async () => {
		sb.injectFault({ fault: { kind: 'delay', ms: 150 } });
		const t0 = Date.now();
		expect((await call('GET', `/contacts/${ADA}`)).status).toBe(200);
		expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
		sb.injectFault({ fault: { kind: 'delay', ms: 300 } });
		const aborted = fetch(`${sb.url}/contacts/${ADA}`, {
			headers: { authorization: AUTH },
			signal: AbortSignal.timeout(50),
		});
		await expect(aborted).rejects.toThrow();
		await new Promise((r) => setTimeout(r, 350));
		expect(sb.requests[1]).toMatchObject({ status: 0, fault: 'delay' });
	});

	it('malformed, truncated, wrong-shape, ok-false and huge bodies', async () => {
		sb.injectFault({ fault: { kind: 'malformed' } });
		const m = await call('GET', `/contacts/${ADA}`);
		expect([m.status, m.json]).toEqual([200, undefined]);
		sb.injectFault({ fault: { kind: 'truncated' } });
		const t = await call('GET', `/contacts/${ADA}`);
		expect([t.status, t.headers.get('content-type'), t.json]).toEqual([200, JSON_CT, undefined]);
		expect(t.text.startsWith('{"id":')).toBe(true);
		sb.injectFault({ fault: { kind: 'wrong-shape' } });
		expect(Array.isArray((await call('GET', `/contacts/${ADA}`)).json)).toBe(true);
		sb.injectFault({ route: 'list', fault: { kind: 'wrong-shape' } });
		expect(Array.isArray((await call('GET', `/get-contacts/${DEMO_LOCATION_ID}`)).json)).toBe(
			false,
		);
		sb.injectFault({ fault: { kind: 'ok-false', error: 'boom' } });
		const o = await call('PATCH', `/contacts/${ADA}`, { first_name: 'Q' });
		expect([o.status, o.json]).toEqual([200, { ok: false, error: 'boom' }]);
		expect(sb.getContact(ADA)!.first_name).toBe('Ada');
		sb.injectFault({ fault: { kind: 'huge', bytes: 3_000_000 } });
		const h = await call('GET', `/contacts/${ADA}`);
		expect(Buffer.byteLength(h.text)).toBe(3_000_000);
		expect(h.json.id).toBe('huge');
		sb.injectFault({ fault: { kind: 'huge' } });
		expect(Buffer.byteLength((await call('GET', `/contacts/${ADA}`)).text)).toBe(20 * 1024 * 1024);
		expect(sb.requests.map((q) => q.fault)).toEqual([
			'malformed',
			'truncated',
			'wrong-shape',
			'wrong-shape',
			'ok-false',
			'huge',
			'huge',
		]);
	});

	it('rules apply in injection order; Infinity lasts; clearFaults removes them', async () => {
		sb.injectFault({ route: 'get', fault: { kind: 'status', status: 500 } });
		sb.injectFault({ fault: { kind: 'status', status: 502 }, times: Infinity });
		expect((await call('GET', `/contacts/${ADA}`)).status).toBe(500);
		for (let i = 0; i < 3; i++) expect((await call('GET', `/contacts/${ADA}`)).status).toBe(502);
		sb.clearFaults();
		expect((await call('GET', `/contacts/${ADA}`)).status).toBe(200);
	});

	it('rate: a deterministic share of requests, same seed same pattern', async () => {
		const pattern = async (s: Sandbox) => {
			s.injectFault({ fault: { kind: 'status', status: 503 }, rate: 0.3, seed: 42 });
			const out: number[] = [];
			for (let i = 0; i < 60; i++)
				out.push((await call('GET', `/contacts/${ADA}`, undefined, { base: s })).status);
			return out;
		};
		const a = await pattern(sb);
		const b = await pattern(await start());
		expect(a).toEqual(b);
		const failed = a.filter((x) => x === 503).length;
		expect(failed).toBeGreaterThan(6);
		expect(failed).toBeLessThan(36);
	});
});

describe('rate limit', () => {
	it('429s with Retry-After beyond the limit, per API key', async () => {
		const s = await start({
			keys: [
				{ key: 'a', locations: '*' },
				{ key: 'b', locations: '*' },
			],
			behaviour: { rateLimit: { limit: 3, windowMs: 1500 } },
		});
		const statuses: number[] = [];
		for (let i = 0; i < 4; i++)
			statuses.push(
				(await call('GET', `/contacts/${ADA}`, undefined, { base: s, auth: 'Bearer a' })).status,
			);
		expect(statuses).toEqual([200, 200, 200, 429]);
		const limited = await call('GET', `/contacts/${ADA}`, undefined, { base: s, auth: 'Bearer a' });
		expect(limited.json).toEqual({ message: 'Too many requests' });
		const retry = limited.headers.get('retry-after')!;
		expect(retry).toMatch(/^\d+$/);
		expect(Number(retry)).toBeGreaterThanOrEqual(1);
		expect(
			(await call('GET', `/contacts/${ADA}`, undefined, { base: s, auth: 'Bearer b' })).status,
		).toBe(200);
	});
});
