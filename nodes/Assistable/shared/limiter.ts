/**
 * Concurrency: Auto. One limiter per API key in the process, shared by all executions: how many
 * requests may be in flight, and (once the API has answered 429) how many may start per second.
 *
 * - In flight: a gradient rule as in Netflix's concurrency-limits (Gradient2Limit, with its RTT
 *   tolerance) and TCP Vegas: once per window of `limit` answers, the window's RTT over the floor
 *   RTT. Up to 1.25 (no queue) the limit doubles (as TCP slow start), up to 1.5 it grows by
 *   log10(limit), above 2.5 (requests queue at the API) it shrinks by 10 %; between, it holds. A
 *   drop (429, 502–504, timeout, reset) halves it, at most once per window (AIMD). Kept within
 *   1–50. No growth while the limit is not used (fewer than half of it in flight). The tolerance
 *   is wide because the RTT seen in n8n also holds n8n's own CPU time per answer.
 *   The floor RTT is the lowest window RTT of the last 30 windows, so a lasting change of the API's
 *   speed is followed.
 * - Per second: a 429 (with no Retry-After, or one above 0) says the API counts requests per
 *   window. The window is taken as the first of 1 s, 10 s, 60 s not shorter than the Retry-After
 *   (a window of 10 per second asks to wait under 1 s, one of 150 per 10 s up to 10 s), and the
 *   answers accepted in the last such window, per second, are paced at 90 %. Fewer than 5 of them
 *   say too little: the pace is halved instead (not below 1 per second). The 429s of requests
 *   sent before the pace last changed count once. Probed 5 % higher after every 10 s without a
 *   429, as TCP CUBIC probes past its last loss point, and forgotten after 60 s without one.
 */
const MIN_LIMIT = 1;
export const MAX_LIMIT = 50;
const INITIAL_LIMIT = 8;
const RATE_MARGIN = 0.9;
const PROBE_EVERY_MS = 10_000;
const PROBE_STEP = 1.05;
const FORGET_RATE_AFTER_MS = 60_000;
/** Fewer answers than this in the window say too little about the API's rate. */
const MIN_ANSWERS = 5;
/** Windows an API may count requests in. */
const RATE_WINDOWS_MS = [1_000, 10_000, 60_000];
/** Answer times kept (the last 60 s), at most this many. */
const MAX_ANSWER_TIMES = 10_000;
/** Kept this long after its last request: what was learnt serves the next burst of executions. */
const FORGET_AFTER_MS = 10 * 60_000;
const DEFAULT_RETRY_AFTER_MS = 1_000;
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
	/** When the answers of the last 60 s came (oldest first), to measure the rate an API accepts. */
	private readonly answeredAt: number[] = [];
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
		const sentAt = this.now();
		let released = false;
		return {
			release: (outcome) => {
				if (released) return;
				released = true;
				this.inFlight--;
				if (outcome) this.observe(outcome, sentAt);
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

	private observe(outcome: AttemptOutcome, sentAt: number): void {
		const now = this.now();
		this.lastUsed = now;
		this.window.outcomes++;
		if (outcome.kind === 'drop') {
			if (!this.window.dropped) {
				this.window.dropped = true;
				this.limit = Math.max(MIN_LIMIT, this.limit / 2);
			}
			// "Retry-After: 0" asks for no wait: that 429 says nothing about a rate.
			// A request sent before the pace last changed says nothing about the new pace: the 429s of
			// one burst count once.
			if (outcome.rateLimited && outcome.retryAfterMs !== 0 && sentAt >= this.lastRateChange)
				this.learnRate(outcome.retryAfterMs ?? DEFAULT_RETRY_AFTER_MS);
		} else {
			this.answeredAt.push(now);
			if (this.answeredAt.length > MAX_ANSWER_TIMES) this.answeredAt.shift();
			this.window.answers++;
			this.window.rttSum += outcome.rttMs;
		}
		this.closeWindowIfFull();
	}

	private learnRate(retryAfterMs: number): void {
		const now = this.now();
		this.last429 = now;
		const horizon = RATE_WINDOWS_MS[RATE_WINDOWS_MS.length - 1];
		while (this.answeredAt.length && this.answeredAt[0] < now - horizon) this.answeredAt.shift();
		const windowMs = RATE_WINDOWS_MS.find((w) => w >= retryAfterMs) ?? horizon;
		const count = this.answeredAt.filter((t) => t > now - windowMs).length;
		if (count >= MIN_ANSWERS) this.rate = (RATE_MARGIN * count * 1000) / windowMs;
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
		const ratio = rtt / Math.max(floor, 1e-3);
		if (ratio > 2.5) this.limit = Math.max(MIN_LIMIT, this.limit * 0.9);
		// Not using the limit: nothing learnt about a larger one.
		else if (maxInFlight * 2 < this.limit) return;
		else if (ratio <= 1.25) this.limit = Math.min(MAX_LIMIT, this.limit * 2);
		else if (ratio <= 1.5)
			this.limit = Math.min(MAX_LIMIT, this.limit + Math.log10(Math.max(10, this.limit)));
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
