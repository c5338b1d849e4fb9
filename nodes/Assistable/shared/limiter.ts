/**
 * Concurrency: Auto. One limiter per API key in the process, shared by all executions: how many
 * requests may be in flight, and (once the API has answered 429) how many may start per second.
 *
 * - In flight: hill climbing on throughput, as the .NET thread pool does (Hellerstein et al.,
 *   "Optimizing concurrency levels in the .NET ThreadPool", 2008), with TCP's slow start and AIMD.
 *   Per window of answers (twice `limit`, at least 16) the throughput is measured over the time
 *   requests were in flight. The limit starts at 8 and doubles while throughput does not fall
 *   (slow start); then, every 4 windows, it tries 25 % up or 20 % down (first down after slow start
 *   overshot), keeping a step up only if it paid 5 % and a step down if it lost under 5 %. The first
 *   window after a change (after slow start) settles and is not measured. By Little's law
 *   (throughput = in flight / RTT) this is the gradient rule of Netflix's concurrency-limits and
 *   TCP Vegas judged by its effect: latency rising at the API (its queue) makes a larger limit lose
 *   and a smaller one win, while latency from n8n's own CPU (more in flight still pays) does not
 *   shrink it. A held limit whose throughput falls by 30 % tries down at once. A drop (429,
 *   502–504, timeout, reset) halves the limit, at most once per window (AIMD). Kept within 1–50;
 *   nothing is learnt while fewer than half of it are in flight.
 * - Per second: a 429 (with no Retry-After, or one above 0) says the API counts requests per
 *   window. The window is taken as the first of 1 s, 10 s, 60 s not shorter than the Retry-After
 *   (a window of 10 per second asks to wait under 1 s, one of 150 per 10 s up to 10 s), and the
 *   answers accepted in the last such window, per second, are paced at 95 %. Fewer than 5 of them
 *   say too little: the pace is halved instead (not below 1 per second). The 429s of requests
 *   sent before the pace last changed count once. Probed 5 % higher after every 10 s without a
 *   429, as TCP CUBIC probes past its last loss point, and forgotten after 60 s without one.
 */
const MIN_LIMIT = 1;
export const MAX_LIMIT = 50;
const INITIAL_LIMIT = 8;
/** A window holds twice `limit` answers, and at least this many. */
const MIN_WINDOW = 16;
/** A larger limit is kept only if it raises throughput this much; a smaller one if it loses less. */
const MIN_GAIN = 0.05;
const PROBE_UP = 1.25;
const PROBE_DOWN = 0.8;
const HOLD_WINDOWS = 4;
/** A held limit whose throughput falls below this share of what it was probes down at once. */
const SLUMP = 0.7;
const RATE_MARGIN = 0.95;
const RATE_PROBE_EVERY_MS = 10_000;
const RATE_PROBE_STEP = 1.05;
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

/** How an attempt ended, for the limiter. */
export type AttemptOutcome =
	{ kind: 'answer' } | { kind: 'drop'; rateLimited?: boolean; retryAfterMs?: number };

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
	private window = { outcomes: 0, answers: 0, busyMs: 0, maxInFlight: 0, dropped: false };
	/** Since when requests are in flight (while any are). */
	private busySince = 0;
	/** Throughput (answers per second) at the current limit, once measured; any change clears it. */
	private heldRate: number | undefined;
	/** The step being tried: where it came from and the throughput there. */
	private probe: { from: number; up: boolean; rate: number } | undefined;
	private slowStart = true;
	private settling = false;
	private holdLeft = 0;
	private probeDownNext = false;
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
		} else if (!this.inFlight++) {
			this.busySince = this.now();
		}
		this.window.maxInFlight = Math.max(this.window.maxInFlight, this.inFlight);
		const sentAt = this.now();
		let released = false;
		return {
			release: (outcome) => {
				if (released) return;
				released = true;
				this.inFlight--;
				if (!this.inFlight) this.window.busyMs += this.now() - this.busySince;
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
		if (this.now() - this.lastRateChange >= RATE_PROBE_EVERY_MS) {
			this.rate *= RATE_PROBE_STEP;
			this.lastRateChange = this.now();
		}
		return 1000 / this.rate;
	}

	private grant(): void {
		while (this.waiting.length && this.inFlight < Math.floor(this.limit)) {
			if (!this.inFlight++) this.busySince = this.now();
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
				// A step being tried is abandoned: judging it would restore the limit it came from.
				this.probe = undefined;
				this.slowStart = false;
				this.holdLeft = HOLD_WINDOWS;
				this.heldRate = undefined;
				this.setLimit(this.limit / 2);
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
		if (w.outcomes < Math.max(MIN_WINDOW, 2 * Math.floor(this.limit))) return;
		const busyMs = w.busyMs + (this.inFlight ? this.now() - this.busySince : 0);
		if (this.inFlight) this.busySince = this.now();
		// Not using the limit: nothing learnt about it.
		const used = w.maxInFlight * 2 >= this.limit;
		if (!w.dropped && w.answers > 0 && busyMs > 0 && used) this.climb((w.answers * 1000) / busyMs);
		this.window = {
			outcomes: 0,
			answers: 0,
			busyMs: 0,
			maxInFlight: this.inFlight,
			dropped: false,
		};
	}

	/** One hill-climbing step on this window's throughput (answers per second). */
	private climb(rate: number): void {
		if (this.settling) {
			this.settling = false;
			return;
		}
		const probe = this.probe;
		if (probe) {
			this.probe = undefined;
			// Slow start goes on while throughput does not fall (as TCP's until a loss).
			const gain = this.slowStart ? 0 : probe.up ? MIN_GAIN : -MIN_GAIN;
			const kept = rate >= probe.rate * (1 + gain);
			// Up pays: go on at once. Down serves as well: hold it a while, then try up again.
			// Neither: back, hold, then try the other way.
			this.probeDownNext = !kept && probe.up;
			if (kept && probe.up) {
				this.heldRate = rate;
				return;
			}
			// Slow start overshot: the best limit may be below the last one too, so look there at once.
			this.holdLeft = this.slowStart ? 0 : HOLD_WINDOWS;
			this.slowStart = false;
			if (kept) this.heldRate = rate;
			else this.setLimit(probe.from);
			return;
		}
		const held = this.heldRate;
		if (held !== undefined && rate < held * SLUMP) {
			// The API got slower: a smaller limit may serve as well.
			this.holdLeft = 0;
			this.probeDownNext = true;
		}
		// Averaged with the last window, except in slow start, whose first window at a limit is still ramping up.
		this.heldRate = held !== undefined && !this.slowStart ? (held + rate) / 2 : rate;
		if (this.holdLeft > 0) {
			this.holdLeft--;
			return;
		}
		this.step(!this.probeDownNext);
	}

	/** Tries a step up or down from the limit held. */
	private step(up: boolean): void {
		const from = this.limit;
		const rate = this.heldRate!;
		this.setLimit(up ? from * (this.slowStart ? 2 : PROBE_UP) : from * PROBE_DOWN);
		if (this.limit === from) {
			// At a bound: hold, then try the other way.
			this.slowStart = false;
			this.holdLeft = HOLD_WINDOWS;
			this.probeDownNext = up;
			return;
		}
		this.probe = { from, up, rate };
	}

	private setLimit(limit: number): void {
		const next = Math.min(MAX_LIMIT, Math.max(MIN_LIMIT, limit));
		if (next !== this.limit) {
			this.settling = !this.slowStart;
			this.heldRate = undefined;
		}
		this.limit = next;
		this.grant();
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
