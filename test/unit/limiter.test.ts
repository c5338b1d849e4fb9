import type { AttemptOutcome } from '../../nodes/Assistable/shared/limiter';
import { AimdLimit, MAX_LIMIT } from '../../nodes/Assistable/shared/limiter';
import { Throttles } from '../../nodes/Assistable/shared/throttle';

/**
 * Concurrency: Auto's numbers on a hand-moved clock. `acquire` sends a request (the throttle gates on
 * `limit`; the rounds below send exactly that many).
 */
function limiter() {
	const clock = { t: 1_000_000 };
	const auto = new AimdLimit(() => clock.t);
	let inFlight = 0;
	const limit = {
		get limit() {
			return auto.limit;
		},
		get rate() {
			return auto.rate;
		},
		intervalMs: () => auto.intervalMs(),
		async acquire() {
			const seq = auto.onSend(++inFlight);
			const sentAt = clock.t;
			return {
				release(outcome?: AttemptOutcome) {
					inFlight--;
					if (outcome) auto.observe(outcome, seq, sentAt, inFlight);
				},
			};
		},
	};
	return { limit, clock };
}
type Limiter = ReturnType<typeof limiter>['limit'];

/** Throttles on a fake clock: a sleep moves the clock. */
function throttles() {
	const clock = {
		t: 1_000_000,
		now: () => clock.t,
		sleep: async (ms: number) => {
			clock.t += ms;
		},
	};
	return { throttles: new Throttles(clock), clock };
}
const AUTO = { adaptive: true, minIntervalMs: 0 };

/**
 * Rounds against a model API: each round fills the limit, and all answers come after `rttMs(n)` ms with n
 * in flight. Returns the limit after each round.
 */
async function rounds(
	l: Limiter,
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

/**
 * Rounds against an API that answers 503 to every request past its capacity (`capacity` in flight).
 * Returns the limit after each round.
 */
async function overloadRounds(
	l: Limiter,
	clock: { t: number },
	count: number,
	capacity: () => number,
): Promise<number[]> {
	const seen: number[] = [];
	for (let i = 0; i < count; i++) {
		const n = Math.floor(l.limit);
		const permits = await Promise.all(Array.from({ length: n }, () => l.acquire()));
		clock.t += 20;
		permits.forEach((p, k) => p.release(k < capacity() ? { kind: 'answer' } : { kind: 'drop' }));
		seen.push(l.limit);
	}
	return seen;
}

describe('Concurrency: Auto (AimdLimit)', () => {
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

describe('the throttle of an API key', () => {
	it('is one per API key, shared by everyone using the key, and reports requests in flight or waiting', async () => {
		const { throttles: all } = throttles();
		expect(all.for('a')).toBe(all.for('a'));
		expect(all.for('a')).not.toBe(all.for('b'));
		const p = await all.for('a').acquire(AUTO);
		expect(all.busy).toBe(1);
		p.release();
		expect(all.busy).toBe(0);
	});

	it('lets at most `limit` Auto requests through, the rest in arrival order, and a cancelled waiter leaves the queue', async () => {
		const { throttles: all } = throttles();
		const throttle = all.for('a');
		const limit = throttle.auto.limit;
		const held = await Promise.all(Array.from({ length: limit }, () => throttle.acquire(AUTO)));
		const order: string[] = [];
		const abort = new AbortController();
		// Another execution of the same key queues behind this one's requests.
		const first = all
			.for('a')
			.acquire(AUTO)
			.then((p) => (order.push('first'), p));
		const cancelled = throttle.acquire(AUTO, abort.signal);
		const second = throttle.acquire(AUTO).then((p) => (order.push('second'), p));
		await Promise.resolve();
		expect(order).toEqual([]);
		expect(all.busy).toBe(limit + 3);
		abort.abort(new Error('cancelled'));
		await expect(cancelled).rejects.toThrow('cancelled');
		expect(all.busy).toBe(limit + 2);
		held[0].release({ kind: 'answer' });
		held[1].release(); // never sent: no sample
		(await first).release();
		(await second).release();
		expect(order).toEqual(['first', 'second']);
		for (const p of held.slice(2)) p.release();
		expect(all.busy).toBe(0);
	});

	it('holds requests of a fixed Concurrency to no Auto limit, but to the pauses and spacing of the key', async () => {
		const { throttles: all, clock } = throttles();
		const throttle = all.for('a');
		const fixed = { adaptive: false, minIntervalMs: 0 };
		const permits = await Promise.all(
			Array.from({ length: MAX_LIMIT + 5 }, () => throttle.acquire(fixed)),
		);
		for (const p of permits) p.release({ kind: 'drop' });
		expect(throttle.auto.limit).toBe(8); // their drops do not move Auto's limit
		const start = clock.t;
		(await throttle.acquire(AUTO)).release({
			kind: 'drop',
			rateLimited: true,
			retryAfterMs: 2000,
			pauseMs: 2000,
		});
		(await throttle.acquire(fixed)).release();
		expect(clock.t).toBe(start + 2000);
	});

	it('spaces request starts by Requests per Second, and after a 429 by the learnt rate, for everyone of the key', async () => {
		const { throttles: all, clock } = throttles();
		const start = clock.t;
		for (let i = 0; i < 3; i++)
			(await all.for('a').acquire({ adaptive: false, minIntervalMs: 100 })).release();
		expect(clock.t).toBe(start + 200);
		// Another key is not held back.
		(await all.for('b').acquire({ adaptive: false, minIntervalMs: 100 })).release();
		expect(clock.t).toBe(start + 200);
		// Auto requests of a key that answered 429 are spaced by the rate it accepted (10 in the last second).
		const limited = all.for('c');
		for (let i = 0; i < 10; i++) (await limited.acquire(AUTO)).release({ kind: 'answer' });
		(await limited.acquire(AUTO)).release({ kind: 'drop', rateLimited: true, retryAfterMs: 1000 });
		const before = clock.t;
		for (let i = 0; i < 3; i++) (await limited.acquire(AUTO)).release({ kind: 'answer' });
		expect(clock.t - before).toBeCloseTo((2 * 1000) / (0.95 * 10), 5);
	});

	it('a 429 with Retry-After pauses every request of the key until then, also those already waiting', async () => {
		const { throttles: all, clock } = throttles();
		const throttle = all.for('a');
		const start = clock.t;
		const first = await throttle.acquire(AUTO);
		first.release({ kind: 'drop', rateLimited: true, retryAfterMs: 1500, pauseMs: 1500 });
		const started: number[] = [];
		await Promise.all(
			Array.from({ length: 3 }, () =>
				throttle.acquire(AUTO).then((p) => {
					started.push(clock.t);
					p.release({ kind: 'answer' });
				}),
			),
		);
		expect(Math.min(...started)).toBeGreaterThanOrEqual(start + 1500);
		expect(all.busy).toBe(0);
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
