import { phoneKey } from '../../shared/phone';
import type { AssistableTransport } from '../../shared/transport';
import { isContact, listContacts } from './api';
import type { MatchBy } from './identity';
import { emailKey } from './identity';
import type { Contact } from './types';

/**
 * A location's contact IDs by lower-cased email and by E.164 phone: IDs only, not copies of
 * contacts.
 */
class IdentityIndex {
	private readonly ids = {
		email: new Map<string, Set<string>>(),
		phone: new Map<string, Set<string>>(),
	};
	/** The email and phone each contact is indexed under, to re-index it after a write. */
	private readonly keysOf = new Map<string, { email?: string; phone?: string }>();
	/** Entries of the list that were not usable contacts (no id, mistyped tags or custom fields). */
	skipped = 0;
	/** The email and phone keys those entries carry: such a value must not be treated as unused. */
	private readonly skippedKeys = new Set<string>();

	constructor(entries: unknown[]) {
		for (const entry of entries) {
			if (isContact(entry)) {
				this.put(entry);
				continue;
			}
			this.skipped++;
			const odd = (typeof entry === 'object' && entry !== null ? entry : {}) as Record<
				string,
				unknown
			>;
			for (const key of [emailKey(odd.email), phoneKey(odd.phone_number)])
				if (key) this.skippedKeys.add(key);
		}
	}

	/** Whether an entry of unexpected shape carries this email / phone. */
	skippedHas(by: MatchBy, value: string): boolean {
		const key = by === 'email' ? emailKey(value) : phoneKey(value);
		return key !== undefined && this.skippedKeys.has(key);
	}

	put(contact: Contact): void {
		if (typeof contact?.id !== 'string') return;
		const old = this.keysOf.get(contact.id);
		if (old?.email) this.ids.email.get(old.email)?.delete(contact.id);
		if (old?.phone) this.ids.phone.get(old.phone)?.delete(contact.id);
		const keys = { email: emailKey(contact.email), phone: phoneKey(contact.phone_number) };
		for (const by of ['email', 'phone'] as const) {
			const key = keys[by];
			if (!key) continue;
			const set = this.ids[by].get(key) ?? new Set<string>();
			set.add(contact.id);
			this.ids[by].set(key, set);
		}
		this.keysOf.set(contact.id, keys);
	}

	find(by: MatchBy, value: string): string[] {
		const key = by === 'email' ? emailKey(value) : phoneKey(value);
		return key ? [...(this.ids[by].get(key) ?? [])] : [];
	}
}

/**
 * One load of a location's index, shared by the executions of this process using the same API key.
 */
interface LiveIndex {
	keyScope: string;
	startedAt: number;
	users: number;
	/** The directory (execution) whose request loads it. */
	loader: LocationDirectory;
	ready: Promise<IdentityIndex>;
	index?: IdentityIndex;
	/** This process's writes made while the list was loading, applied once it is in. */
	pending: Contact[];
}

/**
 * An index started this recently is reused by a new execution instead of loading the list again.
 */
const REUSE_WITHIN_MS = 2_000;

/**
 * Process-wide: the live indexes of each location (by base URL + location). Every create or change
 * made by any execution of the process is recorded into all of them, so a lookup sees this
 * process's writes.
 */
const liveIndexes = new Map<string, Set<LiveIndex>>();
/**
 * Process-wide: list loads made for freshness checks, shared by checks that start while one is
 * under way.
 */
const freshLoads = new Map<
	string,
	{ startedAt: number; users: number; ready: Promise<IdentityIndex> }
>();

function releaseLive(scope: string, live: LiveIndex): void {
	live.users--;
	if (live.users > 0) return;
	const set = liveIndexes.get(scope);
	set?.delete(live);
	if (set && set.size === 0) liveIndexes.delete(scope);
}

/** How many location indexes and fresh loads this process holds (tests check it drops to 0). */
export function directoryLoad(): { liveIndexes: number; freshLoads: number } {
	let count = 0;
	for (const set of liveIndexes.values()) count += set.size;
	return { liveIndexes: count, freshLoads: freshLoads.size };
}

/**
 * An execution's view of locations: email / phone lookups through the process-wide indexes, and,
 * for Get Many, the contact list itself (requested once per location per execution, kept only for
 * this execution).
 */
export class LocationDirectory {
	private readonly used = new Map<string, Promise<LiveIndex>>();
	private readonly lists = new Map<string, Promise<unknown[]>>();
	private released = false;

	constructor(private readonly transport: AssistableTransport) {}

	private scopeOf(locationId: string): string {
		return `${this.transport.scope}|${locationId}`;
	}

	/** Joins a recent load of the location's index made with the same API key, or starts one. */
	private join(locationId: string, itemIndex: number, reuse = true): Promise<LiveIndex> {
		const joinedBefore = this.used.get(locationId);
		if (joinedBefore) return joinedBefore;
		const scope = this.scopeOf(locationId);
		const keyScope = this.transport.keyScope;
		const set = liveIndexes.get(scope) ?? new Set<LiveIndex>();
		liveIndexes.set(scope, set);
		const recent = (candidate: LiveIndex) =>
			candidate.keyScope === keyScope && Date.now() - candidate.startedAt < REUSE_WITHIN_MS;
		let live = reuse ? [...set].find(recent) : undefined;
		if (!live) {
			const created: LiveIndex = {
				keyScope,
				startedAt: Date.now(),
				users: 0,
				loader: this,
				pending: [],
				ready: undefined as never,
			};
			created.ready = listContacts(this.transport, locationId, itemIndex).then((contacts) => {
				const index = new IdentityIndex(contacts);
				for (const contact of created.pending.splice(0)) index.put(contact);
				created.index = index;
				return index;
			});
			set.add(created);
			live = created;
		}
		live.users++;
		const chosen = live;
		const joined = chosen.ready.then(
			() => chosen,
			async (error) => {
				releaseLive(scope, chosen);
				if (chosen.loader === this) throw error;
				// Another execution's failed (e.g. cancelled) load is not this one's answer: load once
				// more.
				this.used.delete(locationId);
				return await this.join(locationId, itemIndex, false);
			},
		);
		joined.catch(() => undefined);
		this.used.set(locationId, joined);
		return joined;
	}

	/**
	 * Loads the indexes of these locations, each once; failures surface on the items that use them.
	 */
	async preload(locations: Iterable<{ locationId: string; itemIndex: number }>): Promise<void> {
		await Promise.allSettled(
			[...locations].map(({ locationId, itemIndex }) => this.join(locationId, itemIndex)),
		);
	}

	/**
	 * IDs of the location's contacts with that email or phone, as of the list plus this process's
	 * writes.
	 */
	async find(locationId: string, by: MatchBy, value: string, itemIndex: number): Promise<string[]> {
		const live = await this.join(locationId, itemIndex);
		return (await live.ready).find(by, value);
	}

	/**
	 * How many entries of the location's list were left out of the lookups for their shape, and
	 * whether one of them has this email or phone (then "no match" is not certain).
	 */
	async skipped(
		locationId: string,
		by: MatchBy,
		value: string,
		itemIndex: number,
	): Promise<{ count: number; sameValue: boolean }> {
		const live = await this.join(locationId, itemIndex);
		const index = await live.ready;
		return { count: index.skipped, sameValue: index.skippedHas(by, value) };
	}

	/** The same, from a list requested after `since` (shared with other checks needing the same). */
	async findFresh(
		locationId: string,
		by: MatchBy,
		value: string,
		since: number,
		itemIndex: number,
	): Promise<string[]> {
		const scope = `${this.transport.keyScope}|${locationId}`;
		let load = freshLoads.get(scope);
		if (!load || load.startedAt < since) {
			const started = {
				startedAt: Date.now(),
				users: 0,
				ready: listContacts(this.transport, locationId, itemIndex).then(
					(contacts) => new IdentityIndex(contacts),
				),
			};
			started.ready.catch(() => undefined);
			freshLoads.set(scope, started);
			load = started;
		}
		const used = load;
		used.users++;
		try {
			return (await used.ready).find(by, value);
		} finally {
			used.users--;
			if (used.users === 0 && freshLoads.get(scope) === used) freshLoads.delete(scope);
		}
	}

	/**
	 * The location's list as the API returned it, every entry included (for Get Many; one request per
	 * location).
	 */
	contacts(locationId: string, itemIndex: number): Promise<unknown[]> {
		let list = this.lists.get(locationId);
		if (!list) {
			list = listContacts(this.transport, locationId, itemIndex);
			list.catch(() => undefined);
			this.lists.set(locationId, list);
		}
		return list;
	}

	/** Records a contact this process created or changed into every live index of its location. */
	record(locationId: string, contact: Contact): void {
		for (const live of liveIndexes.get(this.scopeOf(locationId)) ?? []) {
			if (live.index) live.index.put(contact);
			else live.pending.push(contact);
		}
	}

	/** Hands back this execution's share of the indexes and drops its lists. */
	release(): void {
		if (this.released) return;
		this.released = true;
		for (const [locationId, joined] of this.used) {
			void joined.then(
				(live) => releaseLive(this.scopeOf(locationId), live),
				() => undefined,
			);
		}
		this.used.clear();
		this.lists.clear();
	}
}
