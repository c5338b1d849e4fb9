/** The sandbox's rate limit (v3 notes: N requests per window per sub-account, 429 + Retry-After) and capacity model. */
import * as http from 'node:http';
import {
	DEMO_CONTACT_IDS,
	Sandbox,
	SandboxOptions,
	demoSeed,
	startSandbox,
} from '../../sandbox/server';

const ADA = DEMO_CONTACT_IDS.ada;
const open: Sandbox[] = [];
async function start(options: SandboxOptions = {}): Promise<Sandbox> {
	const s = await startSandbox({
		seed: demoSeed(),
		keys: [
			{ key: 'a', locations: '*' },
			{ key: 'b', locations: '*' },
		],
		...options,
	});
	open.push(s);
	return s;
}
afterEach(async () => {
	await Promise.all(open.splice(0).map((s) => s.close()));
});

interface Answer {
	status: number;
	headers: http.IncomingHttpHeaders;
	json: any;
}
/** GET one contact on a connection of its own (agent: false), so concurrent calls really are concurrent. */
function get(s: Sandbox, key: string): Promise<Answer> {
	return new Promise((resolve, reject) => {
		const req = http.request(
			{
				host: '127.0.0.1',
				port: s.port,
				path: `/v2/contacts/${ADA}`,
				agent: false,
				headers: { authorization: `Bearer ${key}` },
			},
			(res) => {
				let text = '';
				res.setEncoding('utf8');
				res.on('data', (d) => (text += d));
				res.on('end', () =>
					resolve({ status: res.statusCode ?? 0, headers: res.headers, json: JSON.parse(text) }),
				);
			},
		);
		req.on('error', reject);
		req.end();
	});
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('rate limit', () => {
	it('answers 429 with Retry-After in seconds after the limit, per API key, without X-RateLimit headers', async () => {
		const s = await start({ behaviour: { rateLimit: { limit: 150, windowMs: 10_000 } } });
		const first = await Promise.all(Array.from({ length: 150 }, () => get(s, 'a')));
		expect(first.map((r) => r.status)).toEqual(Array(150).fill(200));
		const limited = await get(s, 'a');
		expect(limited.status).toBe(429);
		expect(limited.json).toEqual({ message: 'Too many requests' });
		expect(limited.headers['retry-after']).toMatch(/^\d+$/);
		expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
		expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(10);
		expect((await get(s, 'b')).status).toBe(200); // another key has a window of its own
		for (const r of [...first, limited])
			expect(Object.keys(r.headers).filter((h) => h.startsWith('x-ratelimit'))).toEqual([]);
		expect(s.requests.map((r) => r.status).filter((x) => x === 429)).toHaveLength(1);
	});

	it('does not count a request answered 429 against the window', async () => {
		const windowMs = 1000;
		const s = await start({ behaviour: { rateLimit: { limit: 2, windowMs } } });
		expect([(await get(s, 'a')).status, (await get(s, 'a')).status]).toEqual([200, 200]);
		const admittedBy = Date.now(); // the sandbox counted both before this
		await sleep(windowMs / 2);
		const refused = await Promise.all([get(s, 'a'), get(s, 'a'), get(s, 'a')]);
		expect(refused.map((r) => r.status)).toEqual([429, 429, 429]);
		// The two admitted requests have left the window; the refused ones would still be in it if counted.
		await sleep(Math.max(0, admittedBy + windowMs + 100 - Date.now()));
		expect((await get(s, 'a')).status).toBe(200);
	});

	it('sends X-RateLimit-Limit / Remaining / Reset only when switched on', async () => {
		const s = await start({ behaviour: { rateLimit: { limit: 2, windowMs: 10_000 } } });
		expect((await get(s, 'a')).headers['x-ratelimit-limit']).toBeUndefined();
		s.setBehaviour({ rateLimitHeaders: true });
		const ok = await get(s, 'a');
		const refused = await get(s, 'a');
		expect([ok.status, refused.status]).toEqual([200, 429]);
		expect(ok.headers).toMatchObject({ 'x-ratelimit-limit': '2', 'x-ratelimit-remaining': '0' });
		expect(refused.headers).toMatchObject({
			'x-ratelimit-limit': '2',
			'x-ratelimit-remaining': '0',
			'retry-after': refused.headers['x-ratelimit-reset'],
		});
		expect(Number(ok.headers['x-ratelimit-reset'])).toBeGreaterThanOrEqual(1);
		expect(Number(ok.headers['x-ratelimit-reset'])).toBeLessThanOrEqual(10);
	});
});

describe('capacity', () => {
	it('adds msPerExtra per request in flight beyond K, recorded as queuedMs and served that late', async () => {
		const s = await start({
			behaviour: { latencyMs: 300, capacity: { inFlight: 1, msPerExtra: 200 } },
		});
		const answers = await Promise.all(Array.from({ length: 4 }, () => get(s, 'a')));
		expect(answers.map((r) => r.status)).toEqual([200, 200, 200, 200]);
		const log = [...s.requests].sort((x, y) => x.inFlightAtArrival - y.inFlightAtArrival);
		// all four arrive while the first (300 ms) is still in flight
		expect(log.map((r) => r.inFlightAtArrival)).toEqual([1, 2, 3, 4]);
		expect(log.map((r) => r.queuedMs)).toEqual([0, 200, 400, 600]);
		for (const r of log)
			expect(r.endedAt - r.startedAt).toBeGreaterThanOrEqual(300 + r.queuedMs - 5);
	});

	it('is switched on and off with setBehaviour and adds nothing up to K', async () => {
		const s = await start({ behaviour: { latencyMs: 300 } });
		await Promise.all(Array.from({ length: 3 }, () => get(s, 'a')));
		expect(s.requests.map((r) => r.queuedMs)).toEqual([0, 0, 0]);
		expect(s.requests.map((r) => r.inFlightAtArrival).sort()).toEqual([1, 2, 3]);

		s.clearRequests();
		s.setBehaviour({ capacity: { inFlight: 3, msPerExtra: 50 } });
		await Promise.all(Array.from({ length: 5 }, () => get(s, 'a')));
		expect(s.requests.map((r) => [r.inFlightAtArrival, r.queuedMs]).sort()).toEqual([
			[1, 0],
			[2, 0],
			[3, 0],
			[4, 50],
			[5, 100],
		]);

		s.clearRequests();
		s.setBehaviour({ capacity: undefined });
		await Promise.all(Array.from({ length: 5 }, () => get(s, 'a')));
		expect(s.requests.map((r) => r.queuedMs)).toEqual([0, 0, 0, 0, 0]);
	});
});
