/**
 * The wait primitive under every lock and queue of the node: FIFO slots whose waiters honour an
 * AbortSignal, and keyed locks on them that drop a key once nothing holds or waits on it.
 */

function abortReason(signal: AbortSignal): unknown {
	return signal.reason ?? new Error('The execution was cancelled');
}

/** Gives a slot back; calling it again does nothing. */
export type Release = () => void;

/** At most `capacity` holders at once; the others wait in call order. */
export class Slots {
	held = 0;
	private readonly queue: Array<() => void> = [];

	/** `capacity` may change at any time (call `grant` after raising it). */
	constructor(public capacity: number) {}

	get waiting(): number {
		return this.queue.length;
	}

	/** Waits for a slot; an abort takes the waiter out of the queue and rejects with its reason. */
	acquire(signal?: AbortSignal): Promise<Release> {
		if (signal?.aborted) return Promise.reject(abortReason(signal));
		if (!this.queue.length && this.held < this.capacity) {
			this.held++;
			return Promise.resolve(this.releaser());
		}
		return new Promise<Release>((resolve, reject) => {
			const grant = () => {
				signal?.removeEventListener('abort', cancel);
				resolve(this.releaser());
			};
			const cancel = () => {
				const at = this.queue.indexOf(grant);
				if (at >= 0) this.queue.splice(at, 1);
				reject(abortReason(signal!));
				// A waiter that left may have been all that held back the ones behind it.
				this.grant();
			};
			signal?.addEventListener('abort', cancel, { once: true });
			this.queue.push(grant);
		});
	}

	async run<T>(work: () => Promise<T>, signal?: AbortSignal): Promise<T> {
		const release = await this.acquire(signal);
		try {
			return await work();
		} finally {
			release();
		}
	}

	/** Hands free slots to waiters, in call order. */
	grant(): void {
		while (this.queue.length && this.held < this.capacity) {
			this.held++;
			this.queue.shift()!();
		}
	}

	private releaser(): Release {
		let released = false;
		return () => {
			if (released) return;
			released = true;
			this.held--;
			this.grant();
		};
	}
}

/** A key held by one holder; `release` hands it to the next waiter. */
export interface Lease<T = unknown> {
	/** What the previous holder left for the next one (e.g. the contact as its write returned it). */
	data: T | undefined;
	release(): void;
}

/** Releases the keys `keep` does not name (all without `keep`); call it again for the rest. */
type ReleaseAll = (keep?: (key: string) => boolean) => void;

/** FIFO locks by key: call order is grant order. */
export class KeyedLocks<T = unknown> {
	private readonly entries = new Map<string, { slots: Slots; data: T | undefined }>();

	async acquire(key: string, signal?: AbortSignal): Promise<Lease<T>> {
		const entry = this.entries.get(key) ?? { slots: new Slots(1), data: undefined };
		this.entries.set(key, entry);
		let release: Release | undefined;
		try {
			release = await entry.slots.acquire(signal);
		} finally {
			if (!release) this.dropIfIdle(key, entry);
		}
		const granted = release;
		return {
			get data() {
				return entry.data;
			},
			set data(value) {
				entry.data = value;
			},
			release: () => {
				granted();
				this.dropIfIdle(key, entry);
			},
		};
	}

	/** Acquires the keys in one global (sorted) order, so two holders never wait on each other. */
	async acquireAll(keys: string[], signal?: AbortSignal): Promise<ReleaseAll> {
		const leases = new Map<string, Lease<T>>();
		const release: ReleaseAll = (keep) => {
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

	/** Keys held or waited on. */
	get size(): number {
		return this.entries.size;
	}

	clear(): void {
		this.entries.clear();
	}

	private dropIfIdle(key: string, entry: { slots: Slots }): void {
		if (!entry.slots.held && !entry.slots.waiting && this.entries.get(key) === entry)
			this.entries.delete(key);
	}
}
