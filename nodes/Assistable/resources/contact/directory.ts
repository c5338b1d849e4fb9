/**
 * Email / phone lookups in a location. The API has no search: a lookup reads the location's whole
 * list, and only a list requested after the lookup's moment (by default, its execution's start)
 * decides, so whatever another system did before that moment is seen. Executions of one API key
 * share a download their moments allow; this process's writes are recorded into the lists in use.
 */
import { clock, state } from '../../shared/state';
import type { AssistableTransport } from '../../shared/transport';
import { isContact, listContacts } from './api';
import type { MatchBy } from './identity';
import { identitiesOf, identityOf } from './identity';
import type { Contact } from './types';

/** What a lookup of an email / phone found. */
export interface Lookup {
	ids: string[];
	/** Entries of the list with an unexpected shape (left out of the lookup). */
	skipped: number;
	/** Whether one of those carries this email / phone ("no match" is then not certain). */
	skippedSameValue: boolean;
}

/** A location's contact IDs by identity (`email:…`, `phone:…`): IDs only, not contacts. */
class IdentityIndex {
	private readonly ids = new Map<string, string[]>();
	private readonly identities = new Map<string, string[]>();
	private skipped = 0;
	private readonly skippedIdentities = new Set<string>();

	constructor(entries: unknown[]) {
		for (const entry of entries) {
			if (isContact(entry)) {
				this.put(entry);
				continue;
			}
			this.skipped++;
			for (const identity of identitiesOf((entry ?? {}) as Contact))
				this.skippedIdentities.add(identity);
		}
	}

	/** Indexes the contact as it is now. */
	put(contact: Contact): void {
		for (const identity of this.identities.get(contact.id) ?? []) {
			const rest = this.ids.get(identity)!.filter((id) => id !== contact.id);
			if (rest.length) this.ids.set(identity, rest);
			else this.ids.delete(identity);
		}
		const identities = identitiesOf(contact);
		for (const identity of identities)
			this.ids.set(identity, [...(this.ids.get(identity) ?? []), contact.id]);
		this.identities.set(contact.id, identities);
	}

	find(identity: string | undefined): Lookup {
		return {
			ids: [...((identity !== undefined && this.ids.get(identity)) || [])],
			skipped: this.skipped,
			skippedSameValue: identity !== undefined && this.skippedIdentities.has(identity),
		};
	}
}

/** One download of a location's list, shared by the executions whose lookups may use it. */
export interface LocationList {
	/** Base URL + location ID. */
	scope: string;
	keyScope: string;
	requestedAt: number;
	/** Executions holding it. */
	users: number;
	ready: Promise<IdentityIndex>;
	index?: IdentityIndex;
	failed?: boolean;
	/** This process's writes made while it was loading, applied once it is in. */
	pending: Contact[];
}

/** An execution's lookups, and for Get Many the list itself (once per location per execution). */
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
			ready: listContacts(this.transport, locationId, itemIndex).then((contacts) => {
				const index = new IdentityIndex(contacts);
				for (const contact of list.pending.splice(0)) index.put(contact);
				return (list.index = index);
			}),
		};
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
		const { keyScope } = this.transport;
		let list = own
			? undefined
			: state.locationLists
					.all(this.scopeOf(locationId))
					.reverse()
					.find((l) => l.keyScope === keyScope && !l.failed && l.requestedAt >= since);
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

	/** The contacts with that email / phone, in a list requested at or after `since`. */
	async lookup(
		locationId: string,
		by: MatchBy,
		value: string,
		itemIndex: number,
		since = this.startedAt,
	): Promise<Lookup> {
		return (await this.index(locationId, itemIndex, since)).find(identityOf(by, value));
	}

	/** The location's list as the API returned it, every entry included (Get Many). */
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
		for (const list of this.held)
			if (--list.users === 0) state.locationLists.remove(list.scope, list);
		this.held.clear();
		this.lists.clear();
		this.failures.clear();
	}
}
