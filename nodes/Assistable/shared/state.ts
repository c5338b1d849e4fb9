/**
 * All state shared by the executions of this n8n process (n8n loads a package once per process). To
 * add a part: a field of `parts` with a `clear()`, and its count in `load()` if it holds anything.
 */
import type { RecentCall } from '../resources/call/guard';
import type { TagExpectation } from '../resources/contact/after-write';
import type { LocationList } from '../resources/contact/directory';
import type { Clock } from './throttle';
import { realClock, Throttles } from './throttle';
import { KeyedLocks } from './wait';

/** Values grouped by key; a key goes with its last value. */
class Groups<T> extends Map<string, Set<T>> {
	add(key: string, value: T): void {
		const group = this.get(key) ?? new Set<T>();
		this.set(key, group);
		group.add(value);
	}

	all(key: string): T[] {
		return [...(this.get(key) ?? [])];
	}

	remove(key: string, value: T): void {
		const group = this.get(key);
		group?.delete(value);
		if (group?.size === 0) this.delete(key);
	}
}

let currentClock: Clock = realClock;

/** The clock every wait and age of the node reads; `state.useClock` swaps what it reads (tests). */
export const clock: Clock = {
	now: () => currentClock.now(),
	sleep: async (ms, signal) => await currentClock.sleep(ms, signal),
};

/** Values that expire, at most `max` (the oldest go first); they outlive executions on purpose. */
class ExpiringRecords<T> {
	private readonly entries = new Map<string, { value: T; until: number }>();

	constructor(private readonly max: number) {}

	set(key: string, value: T, untilMs: number): void {
		const now = clock.now();
		for (const [old, { until }] of this.entries) if (until <= now) this.entries.delete(old);
		this.entries.delete(key); // re-inserted last: Map order is age order
		this.entries.set(key, { value, until: untilMs });
		for (const oldest of this.entries.keys()) {
			if (this.entries.size <= this.max) break;
			this.entries.delete(oldest);
		}
	}

	/** The value, if it has not expired. */
	get(key: string): T | undefined {
		const entry = this.entries.get(key);
		if (entry && entry.until > clock.now()) return entry.value;
		this.entries.delete(key);
		return undefined;
	}

	clear(): void {
		this.entries.clear();
	}
}

/** "This contact / identity is in doubt until t": a later mark never shortens an earlier one. */
class ExpiringMarks extends ExpiringRecords<number> {
	mark(key: string, untilMs: number): void {
		const until = Math.max(untilMs, this.get(key) ?? 0);
		this.set(key, until, until);
	}
}

/** The lock key of a record (e.g. a contact): the API (base URL) and the record's ID. */
export function recordLockKey(scope: string, recordId: string): string {
	return `${scope}|${recordId.toLowerCase()}`;
}

const parts = {
	/** Writes of a record (and reads that must see them), by base URL + record ID. */
	records: new KeyedLocks(),
	/** Unique values (e.g. emails, phone numbers) being looked up, created or set, by base URL + value. */
	identities: new KeyedLocks<never>(),
	/** Records whose last write's outcome is unknown (it may still be applied). */
	doubtfulWrites: new ExpiringMarks(Infinity),
	/** Unique values whose create's outcome is unknown (the record may or may not exist). */
	doubtfulCreates: new ExpiringMarks(Infinity),
	/** The pacing of each API key: requests in flight, spacing, pauses, Concurrency: Auto. */
	throttles: new Throttles(clock),
	/** Round trips per base URL, smoothed, and their mean deviation (as TCP keeps them, RFC 6298). */
	latency: new Map<string, { ms: number; spread: number }>(),
	/** Contacts: location lists in use, by base URL + location ID. */
	locationLists: new Groups<LocationList>(),
	/** Contacts: what this process's writes must leave on a contact until its re-checks are done. */
	tagExpectations: new Map<string, TagExpectation>(),
	/** Calls: calls made (or tried with an unknown outcome) recently, by base URL + assistant + contact. */
	recentCalls: new ExpiringRecords<RecentCall>(10_000),
	/** Conversations: message IDs this process stored, by base URL + conversation + message ID. */
	storedMessages: new ExpiringRecords<number>(10_000),
	/** Conversations: replies generated (or tried with an unknown outcome), by base URL + reply key. */
	replies: new ExpiringRecords<{ at: number; replied: boolean }>(10_000),
};

export const state = {
	...parts,
	/** What is held or waited on right now (tests check it is idle once the executions end). */
	load(): Record<string, number> {
		return {
			recordKeys: parts.records.size,
			identityKeys: parts.identities.size,
			requests: parts.throttles.busy,
			locationLists: parts.locationLists.size,
			tagExpectations: parts.tagExpectations.size,
		};
	},
	/** Makes every wait and age of the node read this clock (tests; none: real time again). */
	useClock(next?: Clock): void {
		currentClock = next ?? realClock;
	},
	/** Forgets everything (between tests; never while executions run). */
	reset(): void {
		for (const part of Object.values(parts)) part.clear();
	},
};
