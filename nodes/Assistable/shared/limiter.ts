/**
 * Concurrency: Auto. One per API key in the process (in its throttle), shared by all executions:
 * how many requests may be in flight, and (once the API has answered 429) how many may start per
 * second.
 *
 * - In flight: AIMD, as TCP's congestion window, with a delay rule (TCP Vegas, Netflix's
 *   concurrency-limits). The limit starts at 8 and doubles per round trip (a window of `limit`
 *   answers to requests sent after it last changed) until the first cut (slow start), then grows by
 *   1 per round trip. A drop (429, 502–504, timeout, reset) halves it, at most once per round trip:
 *   only a request sent after the last cut can cut again. Delay: a window's fastest round trip may
 *   exceed the fastest of the last 60 s by 25 %, times (in flight / in flight then)^0.75: n8n's CPU
 *   slows answers as in flight grows while throughput still rises; an API that queues slows them
 *   in proportion or worse. Two windows in a row above that cut the limit in proportion (at most
 *   halved). Kept within 1–50; it grows only while at least half of it was in flight during the
 *   window (an idle limit says nothing about the API).
 * - Per second: a 429 (with no Retry-After, or one above 0) says the API counts requests per
 *   window. The window is taken as the first of 1 s, 10 s, 60 s not shorter than the Retry-After,
 *   and the answers accepted in the last such window, per second, are paced at 95 %. Fewer than
 *   5 of them say too little: the pace is halved instead (not below 1 per second). The 429s of
 *   requests sent before the pace last changed count once. Probed 5 % higher after every 10 s
 *   without a 429, and forgotten after 60 s without one.
 */
const MIN_LIMIT = 1;
export const MAX_LIMIT = 50;
const INITIAL_LIMIT = 8;
const RATE_MARGIN = 0.95;
const RATE_PROBE_EVERY_MS = 10_000;
const RATE_PROBE_STEP = 1.05;
/** A learnt rate, and the fastest round trip, are forgotten this long after they were seen. */
const FORGET_AFTER_MS = 60_000;
/** Round trips may grow as (in flight)^0.75, and by 25 % more, before the limit is cut. */
const IN_FLIGHT_EXPONENT = 0.75;
const DELAY_TOLERANCE = 1.25;
/** Fewer answers than this in the window say too little about the API's rate. */
const MIN_ANSWERS = 5;
/** Windows an API may count requests in. */
const RATE_WINDOWS_MS = [1_000, 10_000, 60_000];
/** Answer times kept (the last 60 s), at most this many. */
const MAX_ANSWER_TIMES = 10_000;
const DEFAULT_RETRY_AFTER_MS = 1_000;

/** How an attempt ended, for the limiter. */
export type AttemptOutcome = (
	{ kind: 'answer' } | { kind: 'drop'; rateLimited?: boolean; retryAfterMs?: number }
) & {
	/** Every request of this API key waits this long (a 429's wait, or a rate-limit reset). */
	pauseMs?: number;
};

/**
 * The numbers of Concurrency: Auto for one API key: its limit on requests in flight and the rate
 * learnt from 429s. It does not wait: the key's throttle gates requests on them.
 */
export class AimdLimit {
	limit = INITIAL_LIMIT;
	/** Requests per second the API accepts, once a 429 has shown there is a cap. */
	rate: number | undefined;
	private slowStart = true;
	/** Requests sent so far; a drop cuts the limit only if its request was sent after the last cut. */
	private sent = 0;
	private sentAtLastCut = 0;
	/** A window counts answers to requests sent after the limit last changed. */
	private sentAtLastChange = 0;
	/** Whether the last window was slow (two in a row cut: one may be n8n starting an execution). */
	private slow = false;
	/** Per window: answers, most in flight, fastest round trip, in flight summed over answers. */
	private window = { answers: 0, maxInFlight: 0, rtt: Infinity, load: 0 };
	/** The fastest window round trip of the last 60 s, its mean in flight, and when it was. */
	private base = { rtt: Infinity, load: 1, at: 0 };
	/** When the answers of the last 60 s came (oldest first), to measure the rate an API accepts. */
	private readonly answeredAt: number[] = [];
	private lastRateChange = 0;
	private last429 = 0;

	constructor(private readonly now: () => number) {}

	/** A request goes out with `inFlight` in flight (itself included); its sequence number. */
	onSend(inFlight: number): number {
		this.window.maxInFlight = Math.max(this.window.maxInFlight, inFlight);
		return ++this.sent;
	}

	/** How request `seq`, sent at `sentAt`, ended; `inFlight`: requests still in flight. */
	observe(outcome: AttemptOutcome, seq: number, sentAt: number, inFlight: number): void {
		if (outcome.kind === 'drop') {
			if (seq > this.sentAtLastCut) this.cut(Math.floor(this.limit / 2), inFlight);
			// "Retry-After: 0" asks for no wait: that 429 says nothing about a rate. The 429s of
			// requests sent before the pace last changed say nothing about the new pace.
			if (outcome.rateLimited && outcome.retryAfterMs !== 0 && sentAt >= this.lastRateChange)
				this.learnRate(outcome.retryAfterMs ?? DEFAULT_RETRY_AFTER_MS);
			return;
		}
		const now = this.now();
		this.answeredAt.push(now);
		if (this.answeredAt.length > MAX_ANSWER_TIMES) this.answeredAt.shift();
		// Answers to requests sent before the limit last changed tell nothing about the new one.
		if (seq <= this.sentAtLastChange) return;
		const w = this.window;
		w.rtt = Math.min(w.rtt, now - sentAt);
		w.load += inFlight + 1;
		if (++w.answers < this.limit) return;
		if (w.maxInFlight * 2 < this.limit) return this.setLimit(this.limit, inFlight);
		const load = w.load / w.answers;
		if (w.rtt <= this.base.rtt || now - this.base.at > FORGET_AFTER_MS)
			this.base = { rtt: w.rtt, load, at: now };
		const b = this.base;
		const gradient =
			(DELAY_TOLERANCE * b.rtt * Math.max(1, load / b.load) ** IN_FLIGHT_EXPONENT) / w.rtt;
		const slow = gradient < 1;
		if (slow && this.slow) this.cut(Math.floor(this.limit * Math.max(0.5, gradient)), inFlight);
		else
			this.setLimit(slow ? this.limit : this.slowStart ? this.limit * 2 : this.limit + 1, inFlight);
		this.slow = slow;
	}

	/** Milliseconds between request starts the learnt rate asks for (0 when none); probes upward. */
	intervalMs(): number {
		if (this.rate === undefined) return 0;
		if (this.now() - this.last429 >= FORGET_AFTER_MS) {
			this.rate = undefined;
			return 0;
		}
		if (this.now() - this.lastRateChange >= RATE_PROBE_EVERY_MS) {
			this.rate *= RATE_PROBE_STEP;
			this.lastRateChange = this.now();
		}
		return 1000 / this.rate;
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

	private cut(limit: number, inFlight: number): void {
		this.sentAtLastCut = this.sent;
		this.slowStart = false;
		this.setLimit(limit, inFlight);
	}

	private setLimit(limit: number, inFlight: number): void {
		limit = Math.min(MAX_LIMIT, Math.max(MIN_LIMIT, limit));
		if (limit !== this.limit) this.sentAtLastChange = this.sent;
		this.limit = limit;
		this.window = { answers: 0, maxInFlight: inFlight, rtt: Infinity, load: 0 };
	}
}
