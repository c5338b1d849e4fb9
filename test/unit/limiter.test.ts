import { AdaptiveLimit, AdaptiveLimits, MAX_LIMIT } from '../../nodes/Assistable/shared/limiter';

/** A limiter on a hand-moved clock. */
function limiter() {
	const clock = { t: 1_000_000 };
	const limit = new AdaptiveLimit(() => clock.t);
	return { limit, clock };
}

/**
 * Rounds against a model API: each round fills the limit, and all answers come after `rttMs(n)` ms with n
 * in flight. Returns the limit after each round.
 */
async function rounds(
	l: AdaptiveLimit,
	clock: { t: number },
	count: number,
	rttMs: (inFlight: number) => number,
): Promise<number[]> {
	const seen: number[] = [];
	for (let i = 0; i < count; i++) {
		const n = Math.floor(l.limit);
		const permits = await Promise.all(Array.from({ length: n }, () => l.acquire()));
		clock.t += rttMs(n);
		for (const p of permits) p.release({ kind: 'answer' });
		seen.push(l.limit);
	}
	return seen;
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
/** An API with K workers: past K requests in flight each extra one adds `msPerExtra` to every answer. */
const capacity =
	(k: number, msPerExtra = 5) =>
	(n: number) =>
		20 + Math.max(0, n - k) * msPerExtra;

describe('Concurrency: Auto (AdaptiveLimit)', () => {
	it('doubles while throughput grows with it (an API that is not the bottleneck), up to 50, and stays there', async () => {
		const { limit, clock } = limiter();
		const seen = await rounds(limit, clock, 200, () => 20);
		expect(seen.slice(0, 12)).toContain(16);
		expect(seen.slice(0, 12)).toContain(32);
		expect(seen.slice(0, 12)).toContain(MAX_LIMIT);
		// Probes 20 % down now and then, and comes back: a smaller limit loses throughput here.
		expect(Math.min(...seen.slice(-100))).toBeGreaterThanOrEqual(MAX_LIMIT * 0.8);
		expect(mean(seen.slice(-100))).toBeGreaterThan(MAX_LIMIT * 0.95);
	});

	it('finds the knee of an API that slows down past its capacity (8 in flight) and stays near it', async () => {
		const { limit, clock } = limiter();
		const seen = await rounds(limit, clock, 300, capacity(8));
		expect(Math.max(...seen)).toBeGreaterThan(8); // it tried more
		expect(mean(seen.slice(-100))).toBeGreaterThanOrEqual(6);
		expect(mean(seen.slice(-100))).toBeLessThanOrEqual(11);
	});

	it("keeps growing when answers slow down but more in flight still pays (n8n's own CPU in the RTT)", async () => {
		const { limit, clock } = limiter();
		// RTT 2.25 × its floor at 50 in flight, throughput still rising with every request more.
		const seen = await rounds(limit, clock, 200, (n) => 20 + n * 0.5);
		expect(mean(seen.slice(-100))).toBeGreaterThan(40);
	});

	it('follows an API that gets slower: its throughput falls, and the limit comes down to its new knee', async () => {
		const { limit, clock } = limiter();
		const before = await rounds(limit, clock, 200, capacity(40));
		expect(mean(before.slice(-50))).toBeGreaterThan(30);
		const after = await rounds(limit, clock, 300, capacity(8));
		expect(mean(after.slice(-100))).toBeLessThanOrEqual(11);
	});

	it('halves on a 429, a 5xx overload or a timeout, once per window, never below 1', async () => {
		const { limit } = limiter();
		const before = limit.limit;
		const drop = async (times: number) => {
			for (let i = 0; i < times; i++) (await limit.acquire()).release({ kind: 'drop' });
		};
		await drop(3);
		expect(limit.limit).toBe(before / 2);
		// The rest of that window: 16 outcomes, as every window after slow start has at least.
		await drop(13);
		expect(limit.limit).toBe(before / 2);
		await drop(1);
		expect(limit.limit).toBe(before / 4);
		await drop(200);
		expect(limit.limit).toBe(1);
	});

	it('a drop while a step is being tried halves from where the limit is, and the step is dropped: no return to the old limit', async () => {
		const { limit, clock } = limiter();
		await rounds(limit, clock, 30, () => 20);
		expect(limit.limit).toBe(MAX_LIMIT);
		// Round by round until it tries a step down (50 → 40).
		for (let i = 0; i < 100 && limit.limit === MAX_LIMIT; i++)
			await rounds(limit, clock, 1, () => 20);
		expect(limit.limit).toBe(MAX_LIMIT * 0.8);
		(await limit.acquire()).release({ kind: 'drop' });
		expect(limit.limit).toBe(MAX_LIMIT * 0.4);
		// The step's window now runs at 20, slower than at 50: judging the step would put 50 back.
		const after = await rounds(limit, clock, 6, () => 20);
		expect(Math.max(...after)).toBe(MAX_LIMIT * 0.4);
	});

	it('learns nothing while the limit is not used (fewer than half of it in flight)', async () => {
		const { limit, clock } = limiter();
		const start = limit.limit;
		for (let i = 0; i < 100; i++) {
			const p = await limit.acquire();
			clock.t += 20;
			p.release({ kind: 'answer' });
		}
		expect(limit.limit).toBe(start);
	});

	it('lets at most `limit` requests through, the rest in arrival order, and a cancelled waiter leaves the queue', async () => {
		const { limit } = limiter();
		const held = await Promise.all(
			Array.from({ length: Math.floor(limit.limit) }, () => limit.acquire()),
		);
		const order: string[] = [];
		const abort = new AbortController();
		const first = limit.acquire().then((p) => (order.push('first'), p));
		const cancelled = limit.acquire(abort.signal);
		const second = limit.acquire().then((p) => (order.push('second'), p));
		await Promise.resolve();
		expect(order).toEqual([]);
		expect(limit.waiters).toBe(3);
		abort.abort();
		await expect(cancelled).rejects.toBeDefined();
		expect(limit.waiters).toBe(2);
		held[0].release({ kind: 'answer' });
		held[1].release(); // never sent: no sample
		(await first).release();
		(await second).release();
		expect(order).toEqual(['first', 'second']);
		for (const p of held.slice(2)) p.release();
		expect(limit.inFlight).toBe(0);
		expect(limit.waiters).toBe(0);
	});

	it('after a 429 asking to wait 1 s, paces at 95 % of what the API accepted in the last second, probes upward, forgets after 60 s', async () => {
		const { limit, clock } = limiter();
		expect(limit.intervalMs()).toBe(0);
		// 10 answers within 40 ms, then a 429 asking to wait 1 s: a window of 1 s holding 10.
		for (let i = 0; i < 10; i++) {
			const p = await limit.acquire();
			clock.t += 4;
			p.release({ kind: 'answer' });
		}
		const p = await limit.acquire();
		p.release({ kind: 'drop', rateLimited: true, retryAfterMs: 1000 });
		const rate = 0.95 * 10;
		expect(limit.rate).toBeCloseTo(rate, 5);
		expect(limit.intervalMs()).toBeCloseTo(1000 / rate, 5);
		clock.t += 10_000;
		expect(limit.intervalMs()).toBeCloseTo(1000 / (rate * 1.05), 5);
		clock.t += 50_000;
		expect(limit.intervalMs()).toBe(0);
	});

	it('the 429s of one burst (requests sent before the pace was learnt) count once', async () => {
		const { limit, clock } = limiter();
		const burst = await Promise.all(Array.from({ length: 8 }, () => limit.acquire()));
		clock.t += 10;
		for (const p of burst.slice(0, 6)) p.release({ kind: 'answer' });
		clock.t += 1;
		burst[6].release({ kind: 'drop', rateLimited: true, retryAfterMs: 1000 });
		const learnt = limit.rate;
		expect(learnt).toBeCloseTo(0.95 * 6, 5);
		burst[7].release({ kind: 'drop', rateLimited: true, retryAfterMs: 1000 });
		expect(limit.rate).toBe(learnt);
	});

	it('a 429 with Retry-After: 0 learns no rate (it asks for no wait), but still halves the limit', async () => {
		const { limit, clock } = limiter();
		for (let i = 0; i < 10; i++) {
			clock.t += 4;
			(await limit.acquire()).release({ kind: 'answer' });
		}
		const before = limit.limit;
		(await limit.acquire()).release({ kind: 'drop', rateLimited: true, retryAfterMs: 0 });
		expect(limit.rate).toBeUndefined();
		expect(limit.limit).toBe(before / 2);
	});

	it('a window with too few answers learns no rate, or halves the pace; Retry-After picks the window', async () => {
		const { limit, clock } = limiter();
		(await limit.acquire()).release({ kind: 'answer' });
		(await limit.acquire()).release({ kind: 'drop', rateLimited: true, retryAfterMs: 1000 });
		expect(limit.rate).toBeUndefined();
		for (let i = 0; i < 5; i++) {
			clock.t += 100;
			(await limit.acquire()).release({ kind: 'answer' });
		}
		(await limit.acquire()).release({ kind: 'drop', rateLimited: true, retryAfterMs: 1000 });
		expect(limit.rate).toBeCloseTo(0.95 * 6, 5);
		// 2 s later nothing was accepted in the last second: the pace is halved, never below 1 per second.
		clock.t += 2000;
		(await limit.acquire()).release({ kind: 'drop', rateLimited: true, retryAfterMs: 1000 });
		expect(limit.rate).toBeCloseTo(0.95 * 3, 5);
		for (let i = 0; i < 5; i++) {
			clock.t += 2000;
			(await limit.acquire()).release({ kind: 'drop', rateLimited: true, retryAfterMs: 1000 });
		}
		expect(limit.rate).toBe(1);
		// 150 accepted within 1.5 s, then "wait 9 s": a 10 s window (150 per 10 s), not 150 per second.
		for (let i = 0; i < 150; i++) {
			clock.t += 10;
			(await limit.acquire()).release({ kind: 'answer' });
		}
		(await limit.acquire()).release({ kind: 'drop', rateLimited: true, retryAfterMs: 9000 });
		expect(limit.rate).toBeCloseTo((0.95 * 150) / 10, 5);
	});
});

describe('AdaptiveLimits', () => {
	it('keeps one limiter per API key, shared, and reports requests in flight or waiting', async () => {
		const limits = new AdaptiveLimits();
		expect(limits.for('a')).toBe(limits.for('a'));
		expect(limits.for('a')).not.toBe(limits.for('b'));
		const p = await limits.for('a').acquire();
		expect(limits.busy).toBe(1);
		p.release();
		expect(limits.busy).toBe(0);
	});
});
