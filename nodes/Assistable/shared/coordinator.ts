/**
 * State shared by every execution of every Assistable node in this n8n process (n8n loads a
 * package's module once per process). Keys are dropped as soon as nothing holds or waits on them.
 */
import { sleep } from 'n8n-workflow';

import { AdaptiveLimits } from './limiter';

/** A key held by one holder; `release` hands it to the next waiter in arrival order. */
export interface Lease<T = unknown> {
	/** What the previous holder left for the next one (e.g. the contact as its write returned it). */
	data: T | undefined;
	release(): void;
}

interface Entry<T> {
	held: boolean;
	waiters: Array<{ grant: () => void }>;
	data: T | undefined;
}

function abortReason(signal: AbortSignal): unknown {
	return signal.reason ?? new Error('The execution was cancelled');
}

/**
 * FIFO locks by key. A waiter is registered when `acquire` is called, so call order is grant order.
 */
class KeyedLocks<T = unknown> {
	private readonly entries = new Map<string, Entry<T>>();

	acquire(key: string, signal?: AbortSignal): Promise<Lease<T>> {
		let entry = this.entries.get(key);
		if (!entry) {
			entry = { held: false, waiters: [], data: undefined };
			this.entries.set(key, entry);
		}
		const lease = this.leaseOf(key, entry);
		if (!entry.held) {
			entry.held = true;
			return Promise.resolve(lease);
		}
		const owner = entry;
		return new Promise<Lease<T>>((resolve, reject) => {
			const onAbort = () => {
				const at = owner.waiters.indexOf(waiter);
				if (at >= 0) owner.waiters.splice(at, 1);
				reject(abortReason(signal!));
			};
			const waiter = {
				grant: () => {
					signal?.removeEventListener('abort', onAbort);
					resolve(lease);
				},
			};
			if (signal?.aborted) return reject(abortReason(signal));
			signal?.addEventListener('abort', onAbort, { once: true });
			owner.waiters.push(waiter);
		});
	}

	/**
	 * Acquires several keys in one global order (sorted), so two holders never wait on each other.
	 * The result releases the keys `keep` does not name (all of them without `keep`); call it again
	 * for the rest.
	 */
	async acquireAll(
		keys: string[],
		signal?: AbortSignal,
	): Promise<(keep?: (key: string) => boolean) => void> {
		const leases = new Map<string, Lease<T>>();
		const release = (keep?: (key: string) => boolean) => {
			for (const [key, lease] of [...leases].reverse()) {
				if (keep?.(key)) continue;
				lease.release();
				leases.delete(key);
			}
		};
		let acquired = false;
		try {
			for (const key of [...new Set(keys)].sort()) leases.set(key, await this.acquire(key, signal));
			acquired = true;
		} finally {
			if (!acquired) release();
		}
		return release;
	}

	/** Keys held or waited on (for tests and diagnostics). */
	get size(): number {
		return this.entries.size;
	}

	private leaseOf(key: string, entry: Entry<T>): Lease<T> {
		let released = false;
		return {
			get data() {
				return entry.data;
			},
			set data(value) {
				entry.data = value;
			},
			release: () => {
				if (released) return;
				released = true;
				const next = entry.waiters.shift();
				if (next) next.grant();
				else this.entries.delete(key);
			},
		};
	}
}

/** Marks that expire: "this contact / identity is in doubt until t". Pruned on every write. */
class ExpiringMarks {
	private readonly until = new Map<string, number>();

	set(key: string, untilMs: number): void {
		this.prune();
		this.until.set(key, Math.max(untilMs, this.until.get(key) ?? 0));
	}

	/** The time the mark ends, if it is still on. */
	get(key: string): number | undefined {
		const until = this.until.get(key);
		if (until === undefined) return undefined;
		if (until <= Date.now()) {
			this.until.delete(key);
			return undefined;
		}
		return until;
	}

	private prune(): void {
		const now = Date.now();
		for (const [key, until] of this.until) if (until <= now) this.until.delete(key);
	}
}

/**
 * Client-side pacing per API key: a 429 pause and a requests-per-second spacing, for all
 * executions.
 */
class RateGates {
	private readonly gates = new Map<
		string,
		{ pausedUntil: number; nextSlot: number; waiting: number }
	>();

	/** Waits for this key's pause and spacing to allow one more request. */
	async pass(key: string, intervalMs: number, signal?: AbortSignal): Promise<void> {
		const gate = this.gates.get(key) ?? { pausedUntil: 0, nextSlot: 0, waiting: 0 };
		this.gates.set(key, gate);
		gate.waiting++;
		try {
			for (;;) {
				const now = Date.now();
				const at = Math.max(now, gate.pausedUntil, gate.nextSlot);
				if (at <= now) {
					gate.nextSlot = now + intervalMs;
					return;
				}
				await sleep(at - now, signal);
			}
		} finally {
			gate.waiting--;
			this.prune();
		}
	}

	/** A 429 pauses every request made with this key. */
	pause(key: string, untilMs: number): void {
		const gate = this.gates.get(key) ?? { pausedUntil: 0, nextSlot: 0, waiting: 0 };
		gate.pausedUntil = Math.max(gate.pausedUntil, untilMs);
		this.gates.set(key, gate);
	}

	get size(): number {
		this.prune();
		return this.gates.size;
	}

	private prune(): void {
		const now = Date.now();
		for (const [key, gate] of this.gates) {
			if (gate.waiting === 0 && gate.pausedUntil <= now && gate.nextSlot <= now)
				this.gates.delete(key);
		}
	}
}

/** Round-trip times seen per API scope, to size waits on what the API actually takes. */
class LatencyMeter {
	private readonly smoothed = new Map<string, number>();

	observe(scope: string, ms: number): void {
		const previous = this.smoothed.get(scope);
		this.smoothed.set(scope, previous === undefined ? ms : previous * 0.8 + ms * 0.2);
	}

	/** A typical round trip for this scope (0 before any request). */
	typical(scope: string): number {
		return this.smoothed.get(scope) ?? 0;
	}
}

/** The lock key of a record (e.g. a contact): the API (base URL) and the record's ID. */
export function recordLockKey(scope: string, recordId: string): string {
	return `${scope}|${recordId.toLowerCase()}`;
}

/** The one coordinator of this process. */
export const coordinator = {
	/** Writes of a record (and reads that must see them), by base URL + record ID. */
	records: new KeyedLocks(),
	/** Unique values (e.g. emails, phone numbers) being looked up, created or set, by base URL + value. */
	identities: new KeyedLocks<never>(),
	/** Records whose last write's outcome is unknown (it may still be applied). */
	doubtfulWrites: new ExpiringMarks(),
	/** Unique values whose create's outcome is unknown (the record may or may not exist). */
	doubtfulCreates: new ExpiringMarks(),
	gates: new RateGates(),
	latency: new LatencyMeter(),
	/** Concurrency: Auto, per API key. */
	limits: new AdaptiveLimits(),
};

/** How much the coordinator holds right now (tests check it is empty after the executions end). */
export function coordinatorLoad(): Record<string, number> {
	return {
		recordKeys: coordinator.records.size,
		identityKeys: coordinator.identities.size,
		rateGates: coordinator.gates.size,
		autoRequests: coordinator.limits.busy,
	};
}
