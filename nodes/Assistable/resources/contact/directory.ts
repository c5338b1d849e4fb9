import { NodeApiError } from 'n8n-workflow';

import { phoneKey } from '../../shared/phone';
import type { AssistableTransport } from '../../shared/transport';
import { getContact, isContact, listContacts } from './api';
import type { MatchBy } from './identity';
import { emailKey } from './identity';
import type { Contact } from './types';

/**
 * A location's index is used for this long after its list was requested; a lookup after that
 * requests the list again.
 */
const INDEX_TTL_MS = 60_000;
/** Contacts kept in indexes no execution is using; beyond this the oldest indexes are dropped. */
const MAX_IDLE_CONTACTS = 200_000;

function keyOf(by: MatchBy, value: unknown): string | undefined {
	return by === 'email' ? emailKey(value) : phoneKey(value);
}

/**
 * A location's contact IDs by lower-cased email and by E.164 phone: IDs only, not copies of
 * contacts.
 */
class IdentityIndex {
	/** Key -> ID, or IDs when several contacts share the key (rare; a list only then). */
	private readonly ids = {
		email: new Map<string, string | string[]>(),
		phone: new Map<string, string | string[]>(),
	};
	/** The email and phone each contact is indexed under, to re-index it after a write. */
	private readonly keysOf = new Map<string, { email?: string; phone?: string }>();
	/** Contacts this process wrote or read after the list, and when (their entry is that recent). */
	private readonly seenAt = new Map<string, number>();
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

	get size(): number {
		return this.keysOf.size;
	}

	/** Whether an entry of unexpected shape carries this email / phone. */
	skippedHas(by: MatchBy, value: string): boolean {
		const key = keyOf(by, value);
		return key !== undefined && this.skippedKeys.has(key);
	}

	/** Indexes the contact as it is now; `seenAt`: when this process saw it so (after the list). */
	put(contact: Contact, seenAt?: number): void {
		if (typeof contact?.id !== 'string') return;
		this.drop(contact.id);
		const keys = { email: emailKey(contact.email), phone: phoneKey(contact.phone_number) };
		for (const by of ['email', 'phone'] as const) {
			const key = keys[by];
			if (!key) continue;
			const held = this.ids[by].get(key);
			if (held === undefined) this.ids[by].set(key, contact.id);
			else if (typeof held === 'string') {
				if (held !== contact.id) this.ids[by].set(key, [held, contact.id]);
			} else if (!held.includes(contact.id)) held.push(contact.id);
		}
		this.keysOf.set(contact.id, keys);
		if (seenAt !== undefined) this.seenAt.set(contact.id, seenAt);
	}

	/** Removes a contact (e.g. one the API no longer has). */
	drop(contactId: string, seenAt?: number): void {
		const old = this.keysOf.get(contactId);
		if (seenAt !== undefined) this.seenAt.set(contactId, seenAt);
		if (!old) return;
		for (const by of ['email', 'phone'] as const) {
			const key = old[by];
			const held = key === undefined ? undefined : this.ids[by].get(key);
			if (held === undefined) continue;
			const rest = typeof held === 'string' ? [] : held.filter((id) => id !== contactId);
			if (typeof held === 'string' && held !== contactId) continue;
			if (rest.length === 0) this.ids[by].delete(key!);
			else this.ids[by].set(key!, rest.length === 1 ? rest[0] : rest);
		}
		this.keysOf.delete(contactId);
	}

	find(by: MatchBy, value: string): string[] {
		const key = keyOf(by, value);
		const held = key === undefined ? undefined : this.ids[by].get(key);
		return held === undefined ? [] : typeof held === 'string' ? [held] : [...held];
	}

	/** When this process last wrote or read the contact after the list, if it did. */
	seen(contactId: string): number | undefined {
		return this.seenAt.get(contactId);
	}
}

/**
 * One load of a location's index, shared by the executions of this process using the same API key
 * until a newer one is loaded or it is INDEX_TTL_MS old.
 */
interface LocationIndex {
	keyScope: string;
	/** When its list was requested (ms since epoch). */
	requestedAt: number;
	/** Lookups under way on it, plus executions holding it as their latest. */
	users: number;
	/** The directory (execution) whose request loads it. */
	loader: LocationDirectory;
	ready: Promise<IdentityIndex>;
	index?: IdentityIndex;
	failed?: boolean;
	/** This process's writes and reads made while the list was loading, applied once it is in. */
	pending: Array<{ contact?: Contact; contactId: string; at: number }>;
}

/**
 * Process-wide: the indexes of each location (by base URL + location), across executions. Every
 * create or change made by any execution of the process is recorded into all of them, so a lookup
 * sees this process's writes.
 */
const indexes = new Map<string, Set<LocationIndex>>();

/** Drops indexes nobody uses that are too old, superseded by a newer one, failed, or too many. */
function prune(now = Date.now()): void {
	const idle: Array<{ set: Set<LocationIndex>; entry: LocationIndex }> = [];
	for (const [scope, set] of indexes) {
		for (const entry of set) {
			if (entry.users > 0) continue;
			const superseded = [...set].some(
				(other) =>
					other !== entry &&
					other.keyScope === entry.keyScope &&
					other.index !== undefined &&
					other.requestedAt > entry.requestedAt,
			);
			if (entry.failed || superseded || now - entry.requestedAt >= INDEX_TTL_MS) set.delete(entry);
			else if (entry.index) idle.push({ set, entry });
		}
		if (set.size === 0) indexes.delete(scope);
	}
	let kept = idle.reduce((sum, { entry }) => sum + entry.index!.size, 0);
	idle.sort((a, b) => a.entry.requestedAt - b.entry.requestedAt);
	for (const { set, entry } of idle) {
		if (kept <= MAX_IDLE_CONTACTS) break;
		kept -= entry.index!.size;
		set.delete(entry);
	}
	for (const [scope, set] of indexes) if (set.size === 0) indexes.delete(scope);
}

/**
 * How much of the directory executions are using right now (tests check it drops to 0 once they
 * are over): indexes in use, and list loads under way.
 */
export function directoryLoad(): { indexesInUse: number; listsLoading: number } {
	let inUse = 0;
	let loading = 0;
	for (const set of indexes.values()) {
		for (const entry of set) {
			if (entry.users > 0) inUse++;
			if (!entry.index && !entry.failed) loading++;
		}
	}
	return { indexesInUse: inUse, listsLoading: loading };
}

function ofBaseUrl(baseUrl: string | undefined): (scope: string) => boolean {
	const prefix = baseUrl === undefined ? undefined : `${baseUrl.trim().replace(/\/+$/, '')}|`;
	return (scope) => prefix === undefined || scope.startsWith(prefix);
}

/**
 * Forgets the indexes of this API (base URL; all without one) that no execution is using, as a
 * newly started process would not have them. For tests whose API's data is replaced between runs.
 */
export function forgetLocationIndexes(baseUrl?: string): void {
	const matches = ofBaseUrl(baseUrl);
	for (const [scope, set] of indexes) {
		if (!matches(scope)) continue;
		for (const entry of set) if (entry.users === 0) set.delete(entry);
		if (set.size === 0) indexes.delete(scope);
	}
}

/** Ages the indexes of this API (all without one) past INDEX_TTL_MS, as if that time had passed. */
export function expireLocationIndexes(baseUrl?: string): void {
	const matches = ofBaseUrl(baseUrl);
	for (const [scope, set] of indexes) {
		if (!matches(scope)) continue;
		for (const entry of set) entry.requestedAt -= INDEX_TTL_MS;
	}
	prune();
}

/** A contact read while looking it up (before its lease was held), and when that GET was sent. */
export interface ReadAhead {
	contact: Contact;
	sentAt: number;
}

/** What a lookup of an email / phone in a location found. */
export interface Lookup {
	/** The contacts with that email / phone. */
	ids: string[];
	/** How many entries of the list used had an unexpected shape (left out of the lookup). */
	skipped: number;
	/** Whether one of those entries carries this email / phone (then "no match" is not certain). */
	skippedSameValue: boolean;
	/** The one contact found, as the GET confirming it returned it. */
	read?: ReadAhead;
}

/**
 * An execution's view of locations: email / phone lookups through the process-wide indexes, and,
 * for Get Many, the contact list itself (requested once per location per execution, kept only for
 * this execution).
 *
 * An index is fresh for a lookup when its list was requested at or after the lookup's `since` (by
 * default, when this execution started). A lookup in an index that is not fresh is trusted only
 * for one contact this process wrote or read since then, or one a GET confirms still has the email
 * / phone in the location; anything else (no match, several, a contact that changed or is gone) is
 * looked up again in a list requested since then, shared with other lookups needing the same.
 */
export class LocationDirectory {
	private readonly startedAt = Date.now();
	/** The index each location's last lookup used, held until the execution is over. */
	private readonly held = new Map<string, LocationIndex>();
	private readonly lists = new Map<string, Promise<unknown[]>>();
	/** This execution's failed list load per location: its other items fail with it, not ask again. */
	private readonly failures = new Map<string, unknown>();
	private released = false;

	constructor(private readonly transport: AssistableTransport) {}

	private scopeOf(locationId: string): string {
		return `${this.transport.scope}|${locationId}`;
	}

	private load(locationId: string, itemIndex: number): LocationIndex {
		const scope = this.scopeOf(locationId);
		const entry: LocationIndex = {
			keyScope: this.transport.keyScope,
			requestedAt: Date.now(),
			users: 0,
			loader: this,
			pending: [],
			ready: undefined as never,
		};
		entry.ready = listContacts(this.transport, locationId, itemIndex).then(
			(contacts) => {
				const index = new IdentityIndex(contacts);
				// What this process saw before the list was requested is in the list already.
				for (const { contact, contactId, at } of entry.pending.splice(0)) {
					if (at < entry.requestedAt) continue;
					if (contact) index.put(contact, at);
					else index.drop(contactId, at);
				}
				entry.index = index;
				return index;
			},
			(error: unknown) => {
				entry.failed = true;
				entry.pending = [];
				indexes.get(scope)?.delete(entry);
				throw error;
			},
		);
		entry.ready.catch(() => undefined);
		const set = indexes.get(scope) ?? new Set<LocationIndex>();
		indexes.set(scope, set);
		set.add(entry);
		return entry;
	}

	/**
	 * Runs `use` on the newest index of the location loaded with this API key whose list was
	 * requested at or after `since` (default: one within INDEX_TTL_MS), loading one if there is none.
	 */
	private async withIndex<T>(
		locationId: string,
		itemIndex: number,
		since: number | undefined,
		use: (index: IdentityIndex, entry: LocationIndex) => T,
		ownLoad = false,
	): Promise<T> {
		prune();
		const floor = Math.max(since ?? -Infinity, Date.now() - INDEX_TTL_MS);
		let entry: LocationIndex | undefined;
		if (!ownLoad) {
			for (const candidate of indexes.get(this.scopeOf(locationId)) ?? []) {
				if (candidate.keyScope !== this.transport.keyScope || candidate.failed) continue;
				if (candidate.requestedAt < floor) continue;
				if (!entry || candidate.requestedAt > entry.requestedAt) entry = candidate;
			}
		}
		if (!entry && this.failures.has(locationId)) throw this.failures.get(locationId);
		entry ??= this.load(locationId, itemIndex);
		entry.users++;
		this.hold(locationId, entry);
		const chosen = entry;
		const index = await chosen.ready
			.then(
				(ready) => ready,
				(error: unknown) => {
					// Another execution's failed (e.g. cancelled) load is not this one's answer: load once more.
					if (chosen.loader !== this && !ownLoad) return undefined;
					this.failures.set(locationId, error);
					throw error;
				},
			)
			.finally(() => chosen.users--);
		if (!index) return await this.withIndex(locationId, itemIndex, since, use, true);
		return use(index, chosen);
	}

	private hold(locationId: string, entry: LocationIndex): void {
		if (this.released) return;
		const before = this.held.get(locationId);
		if (before === entry) return;
		if (before) before.users--;
		entry.users++;
		this.held.set(locationId, entry);
	}

	/**
	 * Makes sure these locations have an index (a recent one, or a new load), each once; failures
	 * surface on the items that use them.
	 */
	async preload(locations: Iterable<{ locationId: string; itemIndex: number }>): Promise<void> {
		const first = new Map<string, number>();
		for (const { locationId, itemIndex } of locations)
			if (!first.has(locationId)) first.set(locationId, itemIndex);
		await Promise.allSettled(
			[...first].map(([locationId, itemIndex]) =>
				this.withIndex(locationId, itemIndex, undefined, () => undefined),
			),
		);
	}

	/**
	 * The contacts of the location with that email / phone, as of a list requested since `since`
	 * (default: this execution's start) plus this process's writes, or confirmed by a GET (see the
	 * class comment).
	 */
	async lookup(
		locationId: string,
		by: MatchBy,
		value: string,
		itemIndex: number,
		since = this.startedAt,
	): Promise<Lookup> {
		const recent = await this.withIndex(locationId, itemIndex, undefined, (index, entry) => ({
			ids: index.find(by, value),
			skipped: index.skipped,
			skippedSameValue: index.skippedHas(by, value),
			fresh: entry.requestedAt >= since,
			seen: (id: string) => index.seen(id),
		}));
		const { fresh, seen, ...found } = recent;
		if (fresh) return found;
		let freshSince = since;
		if (found.ids.length === 1 && !found.skippedSameValue) {
			const id = found.ids[0];
			if ((seen(id) ?? -Infinity) >= since) return found;
			const confirmed = await this.confirm(locationId, by, value, id, itemIndex);
			if (confirmed.read) return { ...found, read: confirmed.read };
			// A list requested after this answer shows the change.
			freshSince = Math.max(since, confirmed.answeredAt);
		}
		return await this.withIndex(locationId, itemIndex, freshSince, (index) => ({
			ids: index.find(by, value),
			skipped: index.skipped,
			skippedSameValue: index.skippedHas(by, value),
		}));
	}

	/**
	 * GETs the contact an older index found: it must still be in the location with that email /
	 * phone. What it shows is put into the location's indexes.
	 */
	private async confirm(
		locationId: string,
		by: MatchBy,
		value: string,
		contactId: string,
		itemIndex: number,
	): Promise<{ read?: ReadAhead; answeredAt: number }> {
		const sentAt = Date.now();
		const contact = await getContact(this.transport, contactId, itemIndex).then(
			(answer) => answer,
			(error: unknown) => {
				// Deleted, or moved out of what this API key sees: not the contact being looked for.
				if (error instanceof NodeApiError && ['404', '403'].includes(error.httpCode ?? ''))
					return undefined;
				throw error;
			},
		);
		if (!contact) {
			this.note(locationId, contactId, undefined, sentAt);
			return { answeredAt: Date.now() };
		}
		const answeredAt = Date.now();
		const inLocation = contact.location_id === locationId;
		this.note(locationId, contactId, inLocation ? contact : undefined, sentAt);
		const still = inLocation && keyOf(by, contact[by === 'email' ? 'email' : 'phone_number']);
		return still === keyOf(by, value) ? { read: { contact, sentAt }, answeredAt } : { answeredAt };
	}

	/** The same, from a list requested after `since` (shared with other lookups needing the same). */
	async findFresh(
		locationId: string,
		by: MatchBy,
		value: string,
		since: number,
		itemIndex: number,
	): Promise<string[]> {
		return await this.withIndex(locationId, itemIndex, since, (index) => index.find(by, value));
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

	/** Records a contact this process created or changed into every index of its location. */
	record(locationId: string, contact: Contact): void {
		this.note(locationId, contact.id, contact, Date.now());
	}

	/** Puts a contact as seen at `at` (or its removal) into every index of the location. */
	private note(
		locationId: string,
		contactId: string,
		contact: Contact | undefined,
		at: number,
	): void {
		for (const entry of indexes.get(this.scopeOf(locationId)) ?? []) {
			if (entry.index) {
				if (contact) entry.index.put(contact, at);
				else entry.index.drop(contactId, at);
			} else if (!entry.failed) entry.pending.push({ contact, contactId, at });
		}
	}

	/** Hands back the indexes this execution held and drops its lists. */
	release(): void {
		if (this.released) return;
		this.released = true;
		for (const entry of this.held.values()) entry.users--;
		this.held.clear();
		this.lists.clear();
		this.failures.clear();
		prune();
	}
}
