/**
 * Concurrency: Auto. One limiter per API key in the process, shared by all executions: how many
 * requests may be in flight, and (once the API has answered 429) how many may start per second.
 *
 * - In flight: TCP Vegas's delay rule as Netflix's concurrency-limits applies it to requests
 *   (VegasLimit): once per window of `limit` answers, queue = limit × (1 − floor RTT / window
 *   RTT). With no queue at all it doubles (as TCP slow start), below alpha it grows by log10(limit),
 *   above beta it shrinks by as much; a drop (429, 502–504, timeout, reset) halves it, at most once
 *   per window (AIMD). Kept within 1–50. No growth while the limit is not used (fewer than half of
 *   it in flight).
 *   The floor RTT is the lowest window RTT of the last 30 windows, so a lasting change of the API's
 *   speed is followed.
 * - Per second: after a 429 (with no Retry-After, or one above 0) that ends an episode of at least 5 answers (since the last 429 or a
 *   pause of 1 s), the rate the API accepted in it, answers / (their span + Retry-After), paced at
 *   90 %; a 429 after fewer answers halves the pace (not below 1 per second). Probed 5 % higher
 *   after every 10 s without a 429, as TCP CUBIC probes past its last loss point, and forgotten
 *   after 60 s without one.
 */
const MIN_LIMIT = 1;
export const MAX_LIMIT = 50;
const INITIAL_LIMIT = 8;
const RATE_MARGIN = 0.9;
const PROBE_EVERY_MS = 10_000;
const PROBE_STEP = 1.05;
const FORGET_RATE_AFTER_MS = 60_000;
/** Fewer answers than this before a 429 say too little about the API's rate. */
const MIN_EPISODE = 5;
/** Kept this long after its last request: what was learnt serves the next burst of executions. */
const FORGET_AFTER_MS = 10 * 60_000;
const DEFAULT_RETRY_AFTER_MS = 1_000;
/** A pause this long between answers starts a new rate episode. */
const EPISODE_GAP_MS = 1_000;
const FLOOR_WINDOWS = 30;

/** How an attempt ended, for the limiter. */
export type AttemptOutcome =
	| { kind: 'answer'; rttMs: number }
	| { kind: 'drop'; rateLimited?: boolean; retryAfterMs?: number };

export interface Permit {
	/** Gives the permit back; call once, with how the attempt ended (none if it never went out). */
	release(outcome?: AttemptOutcome): void;
}

export class AdaptiveLimit {
	limit = INITIAL_LIMIT;
	inFlight = 0;
	/** Requests per second the API accepts, once a 429 has shown there is a cap. */
	rate: number | undefined;
	lastUsed: number;
	private readonly waiting: Array<() => void> = [];
	/** Average RTT of each of the last windows; the lowest is the floor. */
	private readonly windowRtts: number[] = [];
	private window = { outcomes: 0, answers: 0, rttSum: 0, maxInFlight: 0, dropped: false };
	private accepted = { count: 0, since: 0, last: 0 };
	private lastRateChange = 0;
	private last429 = 0;

	constructor(private readonly now: () => number = Date.now) {
		this.lastUsed = now();
	}

	get waiters(): number {
		return this.waiting.length;
	}

	/** Waits (FIFO) until one more request may be in flight. */
	async acquire(signal?: AbortSignal): Promise<Permit> {
		this.lastUsed = this.now();
		if (this.inFlight >= Math.floor(this.limit) || this.waiting.length) {
			await new Promise<void>((resolve, reject) => {
				const grant = () => {
					signal?.removeEventListener('abort', cancel);
					resolve();
				};
				const cancel = () => {
					const at = this.waiting.indexOf(grant);
					if (at >= 0) this.waiting.splice(at, 1);
					reject(signal?.reason ?? new Error('Cancelled'));
				};
				if (signal?.aborted) return cancel();
				signal?.addEventListener('abort', cancel, { once: true });
				this.waiting.push(grant);
			});
		} else {
			this.inFlight++;
		}
		this.window.maxInFlight = Math.max(this.window.maxInFlight, this.inFlight);
		let released = false;
		return {
			release: (outcome) => {
				if (released) return;
				released = true;
				this.inFlight--;
				if (outcome) this.observe(outcome);
				this.grant();
			},
		};
	}

	/** Milliseconds between request starts the learnt rate asks for (0 when none); probes upward. */
	intervalMs(): number {
		if (this.rate === undefined) return 0;
		if (this.now() - this.last429 >= FORGET_RATE_AFTER_MS) {
			this.rate = undefined;
			return 0;
		}
		if (this.now() - this.lastRateChange >= PROBE_EVERY_MS) {
			this.rate *= PROBE_STEP;
			this.lastRateChange = this.now();
		}
		return 1000 / this.rate;
	}

	private grant(): void {
		while (this.waiting.length && this.inFlight < Math.floor(this.limit)) {
			this.inFlight++;
			this.waiting.shift()!();
		}
	}

	private observe(outcome: AttemptOutcome): void {
		const now = this.now();
		this.lastUsed = now;
		this.window.outcomes++;
		if (outcome.kind === 'drop') {
			if (!this.window.dropped) {
				this.window.dropped = true;
				this.limit = Math.max(MIN_LIMIT, this.limit / 2);
			}
			// "Retry-After: 0" asks for no wait: that 429 says nothing about a rate.
			if (outcome.rateLimited && outcome.retryAfterMs !== 0)
				this.learnRate(outcome.retryAfterMs ?? DEFAULT_RETRY_AFTER_MS);
		} else {
			if (this.accepted.count === 0 || now - this.accepted.last >= EPISODE_GAP_MS)
				this.accepted = { count: 0, since: now, last: now };
			this.accepted.count++;
			this.accepted.last = now;
			this.window.answers++;
			this.window.rttSum += outcome.rttMs;
		}
		this.closeWindowIfFull();
	}

	private learnRate(retryAfterMs: number): void {
		const now = this.now();
		const { count, since } = this.accepted;
		this.last429 = now;
		this.accepted = { count: 0, since: 0, last: 0 };
		if (count >= MIN_EPISODE)
			this.rate = Math.max(0.1, (RATE_MARGIN * count * 1000) / (now - since + retryAfterMs));
		else if (this.rate !== undefined) this.rate = Math.max(1, this.rate / 2);
		else return;
		this.lastRateChange = now;
	}

	private closeWindowIfFull(): void {
		const w = this.window;
		if (w.outcomes < Math.max(1, Math.floor(this.limit))) return;
		if (!w.dropped && w.answers > 0) this.adjust(w.rttSum / w.answers, w.maxInFlight);
		this.window = {
			outcomes: 0,
			answers: 0,
			rttSum: 0,
			maxInFlight: this.inFlight,
			dropped: false,
		};
	}

	private adjust(rtt: number, maxInFlight: number): void {
		this.windowRtts.push(rtt);
		if (this.windowRtts.length > FLOOR_WINDOWS) this.windowRtts.shift();
		const floor = Math.min(...this.windowRtts);
		const queue = this.limit * (1 - floor / Math.max(rtt, 1e-3));
		const log = Math.log10(Math.max(10, this.limit));
		const alpha = 3 * log;
		const beta = 6 * log;
		if (queue > beta) this.limit = Math.max(MIN_LIMIT, this.limit - log);
		// Not using the limit: nothing learnt about a larger one.
		else if (maxInFlight * 2 < this.limit) return;
		else if (queue <= log) this.limit = Math.min(MAX_LIMIT, this.limit * 2);
		else if (queue < alpha) this.limit = Math.min(MAX_LIMIT, this.limit + log);
	}
}

/** The limiters of this process, one per API key scope; idle ones are forgotten after a while. */
export class AdaptiveLimits {
	private readonly limits = new Map<string, AdaptiveLimit>();

	constructor(private readonly now: () => number = Date.now) {}

	for(key: string): AdaptiveLimit {
		this.prune();
		let limit = this.limits.get(key);
		if (!limit) {
			limit = new AdaptiveLimit(this.now);
			this.limits.set(key, limit);
		}
		return limit;
	}

	/** Requests in flight or waiting, over all keys (tests check it returns to 0). */
	get busy(): number {
		let n = 0;
		for (const limit of this.limits.values()) n += limit.inFlight + limit.waiters;
		return n;
	}

	private prune(): void {
		const now = this.now();
		for (const [key, limit] of this.limits)
			if (!limit.inFlight && !limit.waiters && now - limit.lastUsed > FORGET_AFTER_MS)
				this.limits.delete(key);
	}
}
