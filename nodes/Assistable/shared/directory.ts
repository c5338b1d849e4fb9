import type { AssistableTransport } from './transport';
import type { Contact } from './types';
import { compactPhone } from './validation';

/** A location's contact IDs by lower-cased email and by E.164 phone; built from one list request. */
interface LocationIndex {
	byEmail: Map<string, Set<string>>;
	byPhone: Map<string, Set<string>>;
	/** The email and phone each contact is indexed under, to re-index it after a write. */
	keysOf: Map<string, { email?: string; phone?: string }>;
}

export type MatchBy = 'email' | 'phone';

export function emailKey(email: unknown): string | undefined {
	return typeof email === 'string' && email.trim() ? email.trim().toLowerCase() : undefined;
}

export function phoneKey(phone: unknown): string | undefined {
	if (typeof phone !== 'string') return undefined;
	return compactPhone(phone) || undefined;
}

function add(map: Map<string, Set<string>>, key: string | undefined, id: string): void {
	if (!key) return;
	const ids = map.get(key) ?? new Set<string>();
	ids.add(id);
	map.set(key, ids);
}

/**
 * A location's contacts and lookups by email or phone. Each location's list is requested once per
 * execution, however many items use it; the index holds IDs, not copies of the contacts.
 */
export class LocationDirectory {
	private readonly locations = new Map<string, Promise<{ contacts: Contact[]; index: LocationIndex }>>();

	constructor(private readonly transport: AssistableTransport) {}

	/** Starts (or reuses) the list request of a location. */
	private load(locationId: string, itemIndex: number) {
		let loaded = this.locations.get(locationId);
		if (!loaded) {
			loaded = this.transport.listContacts(locationId, itemIndex).then((contacts) => {
				const index: LocationIndex = { byEmail: new Map(), byPhone: new Map(), keysOf: new Map() };
				for (const contact of contacts) this.indexInto(index, contact);
				return { contacts, index };
			});
			// The failure is kept for every item of this location, without an unhandled rejection.
			loaded.catch(() => undefined);
			this.locations.set(locationId, loaded);
		}
		return loaded;
	}

	/** Loads the lists of these locations, each once; failures surface on the items that use them. */
	async preload(locationIds: Iterable<{ locationId: string; itemIndex: number }>): Promise<void> {
		await Promise.allSettled([...locationIds].map(({ locationId, itemIndex }) => this.load(locationId, itemIndex)));
	}

	/** The location's contacts as listed at the start of this execution (one request per location). */
	async contacts(locationId: string, itemIndex: number): Promise<Contact[]> {
		return (await this.load(locationId, itemIndex)).contacts;
	}

	/** IDs of the location's contacts with that email or phone (in the list's order). */
	async find(locationId: string, by: MatchBy, value: string, itemIndex: number): Promise<string[]> {
		const { index } = await this.load(locationId, itemIndex);
		const key = by === 'email' ? emailKey(value) : phoneKey(value);
		return key ? [...((by === 'email' ? index.byEmail : index.byPhone).get(key) ?? [])] : [];
	}

	/** Keeps the index true after this execution created or changed a contact of the location. */
	async record(locationId: string, contact: Contact): Promise<void> {
		const pending = this.locations.get(locationId);
		if (!pending) return;
		const { index } = await pending;
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
