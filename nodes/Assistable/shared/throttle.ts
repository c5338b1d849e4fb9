/**
 * The pacing of one API key in this process, shared by every execution using the key: requests in
 * flight (Concurrency: Auto's limit), spacing (Requests per Second and the rate learnt from 429s)
 * and pauses (a 429's wait, a rate-limit reset). The request layer asks it once per attempt.
 */
import { sleep } from 'n8n-workflow';

import type { AttemptOutcome } from './limiter';
import { AimdLimit } from './limiter';
import type { Release } from './wait';
import { Slots } from './wait';

/** Kept this long after its last request: what was learnt serves the next burst of executions. */
const FORGET_AFTER_MS = 10 * 60_000;

/** Time as the node's waits see it (`state.clock`; tests pass a fake one). */
export interface Clock {
	now(): number;
	sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const realClock: Clock = {
	now: () => Date.now(),
	sleep: async (ms, signal) => await sleep(ms, signal),
};

/** What one attempt asks of the throttle. */
export interface PaceRequest {
	/** Concurrency: Auto: held to the key's limit in flight and to the rate learnt from 429s. */
	adaptive: boolean;
	/** Least time between request starts (Requests per Second); 0 for none. */
	minIntervalMs: number;
}

interface Permit {
	/** Gives the permit back; call once, with how the attempt ended (none if it never went out). */
	release(outcome?: AttemptOutcome): void;
}

export class Throttle {
	/** Concurrency: Auto's numbers for this key. */
	readonly auto: AimdLimit;
	/** Permits out or waited for (any request, Auto or not). */
	busy = 0;
	private lastUsed: number;
	/** Auto requests in flight, at most the limit. */
	private readonly inFlight: Slots;
	/** Requests start one after another through this gate, each when pause and spacing allow. */
	private readonly starts = new Slots(1);
	private pausedUntil = 0;
	private nextStart = 0;

	constructor(private readonly clock: Clock) {
		this.auto = new AimdLimit(() => clock.now());
		this.inFlight = new Slots(this.auto.limit);
		this.lastUsed = clock.now();
	}

	/** Waits until one more request may start (in arrival order). */
	async acquire(request: PaceRequest, signal?: AbortSignal): Promise<Permit> {
		this.lastUsed = this.clock.now();
		this.busy++;
		let slot: Release | undefined;
		let started = false;
		try {
			if (request.adaptive) slot = await this.inFlight.acquire(signal);
			await this.spaced(request, signal);
			started = true;
		} finally {
			if (!started) {
				slot?.();
				this.busy--;
			}
		}
		const seq = request.adaptive ? this.auto.onSend(this.inFlight.held) : 0;
		const sentAt = this.clock.now();
		let released = false;
		return {
			release: (outcome) => {
				if (released) return;
				released = true;
				this.busy--;
				const now = this.clock.now();
				this.lastUsed = now;
				// Every request of this key waits until then.
				if (outcome?.pauseMs) this.pausedUntil = Math.max(this.pausedUntil, now + outcome.pauseMs);
				if (!slot) return;
				if (outcome) this.auto.observe(outcome, seq, sentAt, this.inFlight.held - 1);
				this.inFlight.capacity = this.auto.limit;
				slot();
			},
		};
	}

	/** Whether it holds nothing worth keeping (nothing out, no pause, nothing learnt recently). */
	forgettable(now: number): boolean {
		return !this.busy && this.pausedUntil <= now && now - this.lastUsed > FORGET_AFTER_MS;
	}

	private async spaced(request: PaceRequest, signal?: AbortSignal): Promise<void> {
		const release = await this.starts.acquire(signal);
		try {
			for (;;) {
				const now = this.clock.now();
				const at = Math.max(this.pausedUntil, this.nextStart);
				if (at <= now) break;
				// A pause that grows meanwhile is waited out too.
				await this.clock.sleep(at - now, signal);
			}
			const learnt = request.adaptive ? this.auto.intervalMs() : 0;
			this.nextStart = this.clock.now() + Math.max(request.minIntervalMs, learnt);
		} finally {
			release();
		}
	}
}

/** The throttles of this process, one per API key scope; idle ones are forgotten after a while. */
export class Throttles {
	private readonly throttles = new Map<string, Throttle>();

	constructor(private readonly clock: Clock) {}

	for(key: string): Throttle {
		const now = this.clock.now();
		for (const [other, throttle] of this.throttles)
			if (throttle.forgettable(now)) this.throttles.delete(other);
		let throttle = this.throttles.get(key);
		if (!throttle) {
			throttle = new Throttle(this.clock);
			this.throttles.set(key, throttle);
		}
		return throttle;
	}

	/** Requests in flight or waiting, over all keys. */
	get busy(): number {
		let n = 0;
		for (const throttle of this.throttles.values()) n += throttle.busy;
		return n;
	}

	clear(): void {
		this.throttles.clear();
	}
}
