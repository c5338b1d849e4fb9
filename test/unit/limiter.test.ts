import { AdaptiveLimit, AdaptiveLimits, MAX_LIMIT } from '../../nodes/Assistable/shared/limiter';

/** A limiter on a hand-moved clock. */
function limiter() {
	const clock = { t: 1_000_000 };
	const limit = new AdaptiveLimit(() => clock.t);
	return { limit, clock };
}

/** Fills the limit, then answers every request with this RTT: one window of answers. */
async function window(l: AdaptiveLimit, rttMs: number): Promise<void> {
	const permits = await Promise.all(Array.from({ length: Math.floor(l.limit) }, () => l.acquire()));
	for (const p of permits) p.release({ kind: 'answer', rttMs });
}

describe('Concurrency: Auto (AdaptiveLimit)', () => {
	it('grows while answers stay as fast as the fastest seen, up to 50', async () => {
		const { limit } = limiter();
		const seen = [limit.limit];
		for (let i = 0; i < 6; i++) {
			await window(limit, 20);
			seen.push(limit.limit);
		}
		expect(seen[0]).toBeLessThan(seen[1]);
		expect(seen[1]).toBeLessThan(seen[2]);
		expect(Math.max(...seen)).toBe(MAX_LIMIT);
		expect(seen.at(-1)).toBe(MAX_LIMIT);
	});

	it('shrinks when answers slow down above their floor (requests queue at the API)', async () => {
		const { limit } = limiter();
		for (let i = 0; i < 3; i++) await window(limit, 20);
		const high = limit.limit;
		for (let i = 0; i < 5; i++) await window(limit, 60);
		expect(limit.limit).toBeLessThan(high);
		const low = limit.limit;
		// Latency back at the floor: it grows again.
		for (let i = 0; i < 3; i++) await window(limit, 20);
		expect(limit.limit).toBeGreaterThan(low);
	});

	it('follows a lasting slowdown of the API: after 30 windows the slower RTT is the new floor', async () => {
		const { limit } = limiter();
		for (let i = 0; i < 3; i++) await window(limit, 2);
		for (let i = 0; i < 30; i++) await window(limit, 20);
		const settled = limit.limit;
		for (let i = 0; i < 3; i++) await window(limit, 20);
		expect(limit.limit).toBeGreaterThan(settled);
	});

	it('grows slowly, then holds, as answers slow down within the tolerance (a small queue is the target)', async () => {
		const { limit } = limiter();
		await window(limit, 20);
		const before = limit.limit;
		await window(limit, 28); // 1.4 × the floor: + log10(limit)
		expect(limit.limit).toBeGreaterThan(before);
		expect(limit.limit).toBeLessThan(before * 2);
		const grown = limit.limit;
		await window(limit, 40); // 2 × the floor: holds
		expect(limit.limit).toBe(grown);
	});

	it('halves on a 429, a 5xx overload or a timeout, once per window, never below 1', async () => {
		const { limit } = limiter();
		await window(limit, 20);
		const before = limit.limit;
		const permits = await Promise.all([limit.acquire(), limit.acquire(), limit.acquire()]);
		for (const p of permits) p.release({ kind: 'drop' });
		expect(limit.limit).toBe(before / 2);
		for (let i = 0; i < 20; i++) {
			const p = await limit.acquire();
			p.release({ kind: 'drop' });
		}
		expect(limit.limit).toBe(1);
	});

	it('does not grow while the limit is not used', async () => {
		const { limit } = limiter();
		const start = limit.limit;
		for (let i = 0; i < 50; i++) {
			const p = await limit.acquire();
			p.release({ kind: 'answer', rttMs: 20 });
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
		held[0].release({ kind: 'answer', rttMs: 20 });
		held[1].release(); // never sent: no sample
		(await first).release();
		(await second).release();
		expect(order).toEqual(['first', 'second']);
		for (const p of held.slice(2)) p.release();
		expect(limit.inFlight).toBe(0);
		expect(limit.waiters).toBe(0);
	});

	it('after a 429 asking to wait 1 s, paces at 90 % of what the API accepted in the last second, probes upward, forgets after 60 s', async () => {
		const { limit, clock } = limiter();
		expect(limit.intervalMs()).toBe(0);
		// 10 answers within 40 ms, then a 429 asking to wait 1 s: a window of 1 s holding 10.
		for (let i = 0; i < 10; i++) {
			const p = await limit.acquire();
			clock.t += 4;
			p.release({ kind: 'answer', rttMs: 20 });
		}
		const p = await limit.acquire();
		p.release({ kind: 'drop', rateLimited: true, retryAfterMs: 1000 });
		const rate = 0.9 * 10;
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
		for (const p of burst.slice(0, 6)) p.release({ kind: 'answer', rttMs: 10 });
		clock.t += 1;
		burst[6].release({ kind: 'drop', rateLimited: true, retryAfterMs: 1000 });
		const learnt = limit.rate;
		expect(learnt).toBeCloseTo(0.9 * 6, 5);
		burst[7].release({ kind: 'drop', rateLimited: true, retryAfterMs: 1000 });
		expect(limit.rate).toBe(learnt);
	});

	it('a 429 with Retry-After: 0 learns no rate (it asks for no wait), but still halves the limit', async () => {
		const { limit, clock } = limiter();
		for (let i = 0; i < 10; i++) {
			clock.t += 4;
			(await limit.acquire()).release({ kind: 'answer', rttMs: 20 });
		}
		const before = limit.limit;
		(await limit.acquire()).release({ kind: 'drop', rateLimited: true, retryAfterMs: 0 });
		expect(limit.rate).toBeUndefined();
		expect(limit.limit).toBe(before / 2);
	});

	it('a window with too few answers learns no rate, or halves the pace; Retry-After picks the window', async () => {
		const { limit, clock } = limiter();
		(await limit.acquire()).release({ kind: 'answer', rttMs: 20 });
		(await limit.acquire()).release({ kind: 'drop', rateLimited: true, retryAfterMs: 1000 });
		expect(limit.rate).toBeUndefined();
		for (let i = 0; i < 5; i++) {
			clock.t += 100;
			(await limit.acquire()).release({ kind: 'answer', rttMs: 20 });
		}
		(await limit.acquire()).release({ kind: 'drop', rateLimited: true, retryAfterMs: 1000 });
		expect(limit.rate).toBeCloseTo(0.9 * 6, 5);
		// 2 s later nothing was accepted in the last second: the pace is halved, never below 1 per second.
		clock.t += 2000;
		(await limit.acquire()).release({ kind: 'drop', rateLimited: true, retryAfterMs: 1000 });
		expect(limit.rate).toBeCloseTo(0.9 * 3, 5);
		for (let i = 0; i < 5; i++) {
			clock.t += 2000;
			(await limit.acquire()).release({ kind: 'drop', rateLimited: true, retryAfterMs: 1000 });
		}
		expect(limit.rate).toBe(1);
		// 150 accepted within 1.5 s, then "wait 9 s": a 10 s window (150 per 10 s), not 150 per second.
		for (let i = 0; i < 150; i++) {
			clock.t += 10;
			(await limit.acquire()).release({ kind: 'answer', rttMs: 20 });
		}
		(await limit.acquire()).release({ kind: 'drop', rateLimited: true, retryAfterMs: 9000 });
		expect(limit.rate).toBeCloseTo((0.9 * 150) / 10, 5);
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
