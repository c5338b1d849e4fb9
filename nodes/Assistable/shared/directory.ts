import { phoneKey } from './phone';
import type { AssistableTransport } from './transport';
import { isContact } from './transport';
import type { Contact } from './types';

/** A location's contact IDs by lower-cased email and by E.164 phone; built from one list request. */
interface LocationIndex {
	byEmail: Map<string, Set<string>>;
	byPhone: Map<string, Set<string>>;
	/** The email and phone each contact is indexed under, to re-index it after a write. */
	keysOf: Map<string, { email?: string; phone?: string }>;
	/** Entries of the list that were not usable contacts (no id, mistyped tags or custom fields). */
	skipped: number;
	/** The email and phone keys those entries carry: such a value must not be treated as unused. */
	skippedKeys: Set<string>;
}

export type MatchBy = 'email' | 'phone';

export function emailKey(email: unknown): string | undefined {
	return typeof email === 'string' && email.trim() ? email.trim().toLowerCase() : undefined;
}

function add(map: Map<string, Set<string>>, key: string | undefined, id: string): void {
	if (!key) return;
	const ids = map.get(key) ?? new Set<string>();
	ids.add(id);
	map.set(key, ids);
}

/**
 * Lookups by email or phone, and Get Many's lists. Each location's list is requested once per execution,
 * however many items use it. The lookup index holds IDs only: the list itself is dropped once indexed.
 */
export class LocationDirectory {
	private readonly indexes = new Map<string, Promise<LocationIndex>>();
	/** Whole lists, kept only for Get Many (which outputs them). */
	private readonly lists = new Map<string, Promise<unknown[]>>();

	constructor(private readonly transport: AssistableTransport) {}

	/** Starts (or reuses) the index of a location. */
	private load(locationId: string, itemIndex: number): Promise<LocationIndex> {
		let loaded = this.indexes.get(locationId);
		if (!loaded) {
			loaded = this.transport.listContacts(locationId, itemIndex).then((entries) => {
				const index: LocationIndex = { byEmail: new Map(), byPhone: new Map(), keysOf: new Map(), skipped: 0, skippedKeys: new Set() };
				for (const entry of entries) {
					if (isContact(entry)) {
						this.indexInto(index, entry);
						continue;
					}
					index.skipped++;
					const odd = (typeof entry === 'object' && entry !== null ? entry : {}) as Record<string, unknown>;
					for (const key of [emailKey(odd.email), phoneKey(odd.phone_number)]) if (key) index.skippedKeys.add(key);
				}
				return index;
			});
			// The failure is kept for every item of this location, without an unhandled rejection.
			loaded.catch(() => undefined);
			this.indexes.set(locationId, loaded);
		}
		return loaded;
	}

	/** Loads the indexes of these locations, each once; failures surface on the items that use them. */
	async preload(locationIds: Iterable<{ locationId: string; itemIndex: number }>): Promise<void> {
		await Promise.allSettled([...locationIds].map(({ locationId, itemIndex }) => this.load(locationId, itemIndex)));
	}

	/** The location's list as the API returned it, every entry included (for Get Many; one request per location). */
	contacts(locationId: string, itemIndex: number): Promise<unknown[]> {
		let list = this.lists.get(locationId);
		if (!list) {
			list = this.transport.listContacts(locationId, itemIndex);
			list.catch(() => undefined);
			this.lists.set(locationId, list);
		}
		return list;
	}

	/** IDs of the location's contacts with that email or phone (in the list's order). */
	async find(locationId: string, by: MatchBy, value: string, itemIndex: number): Promise<string[]> {
		const index = await this.load(locationId, itemIndex);
		const key = by === 'email' ? emailKey(value) : phoneKey(value);
		return key ? [...((by === 'email' ? index.byEmail : index.byPhone).get(key) ?? [])] : [];
	}

	/**
	 * How many entries of the location's list were left out of the lookups for their shape, and whether one
	 * of them has this email or phone (then "no match" is not certain).
	 */
	async skipped(locationId: string, by: MatchBy, value: string, itemIndex: number): Promise<{ count: number; sameValue: boolean }> {
		const index = await this.load(locationId, itemIndex);
		const key = by === 'email' ? emailKey(value) : phoneKey(value);
		return { count: index.skipped, sameValue: key !== undefined && index.skippedKeys.has(key) };
	}

	/** Keeps the index true after this execution created or changed a contact of the location. */
	async record(locationId: string, contact: Contact): Promise<void> {
		const pending = this.indexes.get(locationId);
		if (!pending) return;
		const index = await pending;
		const old = index.keysOf.get(contact.id);
		if (old?.email) index.byEmail.get(old.email)?.delete(contact.id);
		if (old?.phone) index.byPhone.get(old.phone)?.delete(contact.id);
		this.indexInto(index, contact);
	}

	private indexInto(index: LocationIndex, contact: Contact): void {
		const email = emailKey(contact.email);
		const phone = phoneKey(contact.phone_number);
		add(index.byEmail, email, contact.id);
		add(index.byPhone, phone, contact.id);
		index.keysOf.set(contact.id, { email, phone });
	}
}
