import { MAX_LIMIT } from '../../nodes/Assistable/shared/limiter';
import { throttles, AUTO } from './limiter-support';

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
