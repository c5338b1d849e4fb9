import { MAX_LIMIT } from '../../nodes/Assistable/shared/limiter';
import { limiter, rounds, mean, overloadRounds } from './limiter-support';

describe('Concurrency: Auto (AimdLimit)', () => {
	it('doubles while throughput grows with it (an API that is not the bottleneck), up to 50, and stays there', async () => {
		const { limit, clock } = limiter();
		const seen = await rounds(limit, clock, 200, () => 20);
		expect(seen.slice(0, 12)).toContain(16);
		expect(seen.slice(0, 12)).toContain(32);
		expect(seen.slice(0, 12)).toContain(MAX_LIMIT);
		// A flat round trip never looks like a queue: it stays at the maximum.
		expect(seen.slice(-100).every((l) => l === MAX_LIMIT)).toBe(true);
	});

	it('stays near the capacity of an API that answers 503 past 8 in flight, and never far above it', async () => {
		const { limit, clock } = limiter();
		const seen = await overloadRounds(limit, clock, 300, () => 8);
		expect(Math.max(...seen.slice(-100))).toBeLessThanOrEqual(9);
		expect(mean(seen.slice(-100))).toBeGreaterThanOrEqual(5);
	});

	it("keeps growing when answers slow down but more in flight still pays (n8n's own CPU in the RTT)", async () => {
		const { limit, clock } = limiter();
		// RTT 2.25 × its floor at 50 in flight, throughput still rising with every request more.
		const seen = await rounds(limit, clock, 200, (n) => 20 + n * 0.5);
		expect(mean(seen.slice(-100))).toBeGreaterThan(40);
	});

	it('settles near the knee of an API that never drops but slows down past 10 in flight (+5 ms each)', async () => {
		const { limit, clock } = limiter();
		const seen = await rounds(limit, clock, 300, (n) => 20 + 5 * Math.max(0, n - 10));
		expect(Math.max(...seen.slice(-100))).toBeLessThanOrEqual(15);
		expect(Math.min(...seen.slice(-100))).toBeGreaterThanOrEqual(8);
	});

	it('one slow round trip (n8n busy starting an execution) holds the limit; a second in a row cuts it', async () => {
		const { limit, clock } = limiter();
		await rounds(limit, clock, 50, () => 20);
		expect(await rounds(limit, clock, 1, () => 200)).toEqual([MAX_LIMIT]);
		await rounds(limit, clock, 1, () => 20);
		expect(await rounds(limit, clock, 2, () => 200)).toEqual([MAX_LIMIT, MAX_LIMIT / 2]);
	});

	it('a round trip that stays up does not pin the limit: the fastest one is forgotten after a minute', async () => {
		const { limit, clock } = limiter();
		await rounds(limit, clock, 50, () => 20);
		expect(limit.limit).toBe(MAX_LIMIT);
		// The API answers 3 times slower from now on, whatever the load: taken for a queue at first.
		const slower = await rounds(limit, clock, 1500, () => 60);
		expect(Math.min(...slower)).toBeLessThan(MAX_LIMIT / 2);
		expect(slower.at(-1)).toBe(MAX_LIMIT);
	});

	it('follows an API whose capacity falls (40, then 8 in flight): the limit comes down to it', async () => {
		const { limit, clock } = limiter();
		const before = await overloadRounds(limit, clock, 200, () => 40);
		expect(mean(before.slice(-50))).toBeGreaterThan(25);
		const after = await overloadRounds(limit, clock, 300, () => 8);
		expect(Math.max(...after.slice(-100))).toBeLessThanOrEqual(9);
	});

	it('halves on a 429, a 5xx overload or a timeout, once per round trip, never below 1', async () => {
		const { limit } = limiter();
		const before = limit.limit;
		/** A round trip whose requests are all dropped. */
		const dropRound = async () => {
			const permits = await Promise.all(
				Array.from({ length: Math.floor(limit.limit) }, () => limit.acquire()),
			);
			for (const p of permits) p.release({ kind: 'drop' });
		};
		await dropRound();
		expect(limit.limit).toBe(before / 2);
		await dropRound();
		expect(limit.limit).toBe(before / 4);
		for (let i = 0; i < 20; i++) await dropRound();
		expect(limit.limit).toBe(1);
	});

	it('after the first drop, grows by one per round trip (no more doubling), and answers to requests sent before a cut do not count', async () => {
		const { limit, clock } = limiter();
		const old = await Promise.all(Array.from({ length: 8 }, () => limit.acquire()));
		old[0].release({ kind: 'drop' });
		expect(limit.limit).toBe(4);
		for (const p of old.slice(1)) p.release({ kind: 'answer' });
		expect(limit.limit).toBe(4);
		expect(await rounds(limit, clock, 4, () => 20)).toEqual([5, 6, 7, 8]);
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

describe('Concurrency: Auto after a short outage', () => {
	it('a few drops in a row take the limit down, and healthy answers grow it back', async () => {
		const { limit, clock } = limiter();
		await rounds(limit, clock, 20, () => 20);
		const healthy = limit.limit;
		expect(healthy).toBeGreaterThanOrEqual(8);
		// An outage: every request is dropped (503s, timeouts) until the limit is at its floor.
		for (let i = 0; i < 200 && limit.limit > 1; i++) {
			const n = Math.floor(limit.limit);
			const permits = await Promise.all(Array.from({ length: n }, () => limit.acquire()));
			clock.t += 20;
			for (const p of permits) p.release({ kind: 'drop' });
		}
		expect(limit.limit).toBe(1);
		// The API is healthy again: within 50 round trips the limit is back to at least 8.
		const after = await rounds(limit, clock, 50, () => 20);
		expect(Math.max(...after)).toBeGreaterThanOrEqual(8);
	});
});
