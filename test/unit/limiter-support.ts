/** Concurrency: Auto (AimdLimit) and the throttle of an API key on a hand-moved clock, for the limiter tests. */
import type { AttemptOutcome } from '../../nodes/Assistable/shared/limiter';
import { AimdLimit } from '../../nodes/Assistable/shared/limiter';
import { Throttles } from '../../nodes/Assistable/shared/throttle';
/**
 * Concurrency: Auto's numbers on a hand-moved clock. `acquire` sends a request (the throttle gates on
 * `limit`; the rounds below send exactly that many).
 */
export function limiter() {
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
export function throttles() {
	const clock = {
		t: 1_000_000,
		now: () => clock.t,
		sleep: async (ms: number) => {
			clock.t += ms;
		},
	};
	return { throttles: new Throttles(clock), clock };
}
export const AUTO = { adaptive: true, minIntervalMs: 0 };

/**
 * Rounds against a model API: each round fills the limit, and all answers come after `rttMs(n)` ms with n
 * in flight. Returns the limit after each round.
 */
export async function rounds(
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

export const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/**
 * Rounds against an API that answers 503 to every request past its capacity (`capacity` in flight).
 * Returns the limit after each round.
 */
export async function overloadRounds(
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
