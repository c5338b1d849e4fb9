/**
 * Concurrency: Auto. One per API key in the process (in its throttle), shared by all executions:
 * how many requests may be in flight, and (once the API has answered 429) how many may start per
 * second.
 *
 * - In flight: AIMD, as TCP's congestion window. The limit starts at 8 and doubles per round trip
 *   (a window of `limit` answers) until the first drop (slow start), then grows by 1 per round
 *   trip. A drop (429, 502–504, timeout, reset) halves it, at most once per round trip: only a
 *   request sent after the last cut can cut again. Kept within 1–50; it grows only while at least
 *   half of it was in flight during the window (an idle limit says nothing about the API).
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
const FORGET_RATE_AFTER_MS = 60_000;
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
	private window = { answers: 0, maxInFlight: 0 };
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
			if (seq > this.sentAtLastCut) {
				this.sentAtLastCut = this.sent;
				this.slowStart = false;
				this.setLimit(Math.floor(this.limit / 2), inFlight);
			}
			// "Retry-After: 0" asks for no wait: that 429 says nothing about a rate. The 429s of
			// requests sent before the pace last changed say nothing about the new pace.
			if (outcome.rateLimited && outcome.retryAfterMs !== 0 && sentAt >= this.lastRateChange)
				this.learnRate(outcome.retryAfterMs ?? DEFAULT_RETRY_AFTER_MS);
			return;
		}
		this.answeredAt.push(this.now());
		if (this.answeredAt.length > MAX_ANSWER_TIMES) this.answeredAt.shift();
		// Answers to requests sent before the last cut still belong to the round trip that was cut.
		if (seq <= this.sentAtLastCut) return;
		const w = this.window;
		if (++w.answers < this.limit) return;
		const used = w.maxInFlight * 2 >= this.limit;
		this.setLimit(used ? (this.slowStart ? this.limit * 2 : this.limit + 1) : this.limit, inFlight);
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

	private setLimit(limit: number, inFlight: number): void {
		this.limit = Math.min(MAX_LIMIT, Math.max(MIN_LIMIT, limit));
		this.window = { answers: 0, maxInFlight: inFlight };
	}
}
