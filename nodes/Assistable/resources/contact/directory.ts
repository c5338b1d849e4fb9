/**
 * Email / phone lookups in a location. The API has no search: a lookup reads the location's whole
 * list. Only a list requested after the lookup's moment (by default, when its execution started)
 * decides what a lookup finds, so a contact another system created or changed before that moment is
 * always seen; lists are never kept for later executions. Executions of one API key whose lookups
 * can use the same list (they started before it was requested) share its download, and every write
 * of this process is recorded into the lists of its location that are in use.
 */
import { phoneKey } from '../../shared/phone';
import type { AssistableTransport } from '../../shared/transport';
import { isContact, listContacts } from './api';
import type { MatchBy } from './identity';
import { emailKey } from './identity';
import { clock, state } from '../../shared/state';
import type { Contact } from './types';

function keyOf(by: MatchBy, value: unknown): string | undefined {
	return by === 'email' ? emailKey(value) : phoneKey(value);
}

/** A location's contact IDs by lower-cased email and by E.164 phone (IDs only, not contacts). */
class IdentityIndex {
	private readonly ids = { email: new Map<string, string[]>(), phone: new Map<string, string[]>() };
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
			const odd = (typeof entry === 'object' && entry !== null ? entry : {}) as Contact;
			for (const key of [emailKey(odd.email), phoneKey(odd.phone_number)])
				if (key) this.skippedKeys.add(key);
		}
	}

	/** Indexes the contact as it is now (a contact seen with no ID is left out). */
	put(contact: Contact): void {
		if (typeof contact?.id !== 'string') return;
		this.drop(contact.id);
		const keys = { email: emailKey(contact.email), phone: phoneKey(contact.phone_number) };
		for (const by of ['email', 'phone'] as const) {
			const key = keys[by];
			if (!key) continue;
			const held = this.ids[by].get(key) ?? [];
			if (!held.includes(contact.id)) this.ids[by].set(key, [...held, contact.id]);
		}
		this.keysOf.set(contact.id, keys);
	}

	private drop(contactId: string): void {
		const old = this.keysOf.get(contactId);
		for (const by of ['email', 'phone'] as const) {
			const key = old?.[by];
			if (key === undefined) continue;
			const rest = (this.ids[by].get(key) ?? []).filter((id) => id !== contactId);
			if (rest.length) this.ids[by].set(key, rest);
			else this.ids[by].delete(key);
		}
		this.keysOf.delete(contactId);
	}

	find(by: MatchBy, value: string): Lookup {
		const key = keyOf(by, value);
		return {
			ids: [...((key !== undefined && this.ids[by].get(key)) || [])],
			skipped: this.skipped,
			skippedSameValue: key !== undefined && this.skippedKeys.has(key),
		};
	}
}

/** One download of a location's list, shared by the executions whose lookups may use it. */
export interface LocationList {
	/** Base URL + location ID. */
	scope: string;
	keyScope: string;
	/** When it was requested (ms since epoch). */
	requestedAt: number;
	/** Executions holding it. */
	users: number;
	ready: Promise<IdentityIndex>;
	index?: IdentityIndex;
	failed?: boolean;
	/** This process's writes made while it was loading, applied once it is in. */
	pending: Contact[];
}

/** What a lookup of an email / phone in a location found. */
export interface Lookup {
	/** The contacts with that email / phone. */
	ids: string[];
	/** How many entries of the list had an unexpected shape (left out of the lookup). */
	skipped: number;
	/** Whether one of those entries carries this email / phone (then "no match" is not certain). */
	skippedSameValue: boolean;
}

/**
 * An execution's view of locations: lookups in lists requested since it started (or since a given
 * moment), and, for Get Many, the contact list itself (once per location per execution).
 */
export class LocationDirectory {
	private readonly startedAt = clock.now();
	/** The lists this execution holds, released when it is over. */
	private readonly held = new Set<LocationList>();
	private readonly lists = new Map<string, Promise<unknown[]>>();
	/** This execution's failed list load per location: its other items fail with it. */
	private readonly failures = new Map<string, unknown>();

	constructor(private readonly transport: AssistableTransport) {}

	private scopeOf(locationId: string): string {
		return `${this.transport.scope}|${locationId}`;
	}

	private load(locationId: string, itemIndex: number): LocationList {
		const list: LocationList = {
			scope: this.scopeOf(locationId),
			keyScope: this.transport.keyScope,
			requestedAt: clock.now(),
			users: 0,
			pending: [],
			ready: undefined as never,
		};
		list.ready = listContacts(this.transport, locationId, itemIndex).then((contacts) => {
			const index = new IdentityIndex(contacts);
			for (const contact of list.pending.splice(0)) index.put(contact);
			list.index = index;
			return index;
		});
		list.ready.catch(() => {
			list.failed = true;
			list.pending = [];
		});
		state.locationLists.add(list.scope, list);
		return list;
	}

	/** The newest list of the location requested at or after `since`, else a new one; held. */
	private async index(
		locationId: string,
		itemIndex: number,
		since: number,
		own = false,
	): Promise<IdentityIndex> {
		const scope = this.scopeOf(locationId);
		let list = own
			? undefined
			: state.locationLists
					.all(scope)
					.reverse()
					.find(
						(l) => l.keyScope === this.transport.keyScope && !l.failed && l.requestedAt >= since,
					);
		if (!list && this.failures.has(locationId)) throw this.failures.get(locationId);
		const mine = !list;
		list ??= this.load(locationId, itemIndex);
		if (!this.held.has(list)) {
			this.held.add(list);
			list.users++;
		}
		const index = await list.ready.then(
			(ready) => ready,
			(error: unknown) => {
				// Another execution's failed (e.g. cancelled) load is not this one's answer: load once more.
				if (!mine) return undefined;
				this.failures.set(locationId, error);
				throw error;
			},
		);
		return index ?? (await this.index(locationId, itemIndex, since, true));
	}

	/** Requests these locations' lists (each once) before any item runs; failures show on items. */
	async preload(locations: Iterable<{ locationId: string; itemIndex: number }>): Promise<void> {
		const first = new Map<string, number>();
		for (const { locationId, itemIndex } of locations)
			if (!first.has(locationId)) first.set(locationId, itemIndex);
		await Promise.allSettled(
			[...first].map(([locationId, itemIndex]) =>
				this.index(locationId, itemIndex, this.startedAt),
			),
		);
	}

	/**
	 * The contacts of the location with that email / phone, in a list requested at or after `since`
	 * (default: when this execution started), with this process's writes since recorded into it.
	 */
	async lookup(
		locationId: string,
		by: MatchBy,
		value: string,
		itemIndex: number,
		since = this.startedAt,
	): Promise<Lookup> {
		return (await this.index(locationId, itemIndex, since)).find(by, value);
	}

	/**
	 * The location's list as the API returned it, every entry included (for Get Many; one request per
	 * location and execution).
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

	/** Records a contact this process created or changed into every list of its location in use. */
	record(locationId: string, contact: Contact): void {
		for (const list of state.locationLists.all(this.scopeOf(locationId))) {
			if (list.index) list.index.put(contact);
			else if (!list.failed) list.pending.push(contact);
		}
	}

	/** Hands back the lists this execution held; a list nobody holds is dropped. */
	release(): void {
		for (const list of this.held) {
			if (--list.users === 0) state.locationLists.remove(list.scope, list);
		}
		this.held.clear();
		this.lists.clear();
		this.failures.clear();
	}
}
