/**
 * What the contact resource keeps for the whole n8n process (every execution of every Assistable
 * node shares it): the location lists in use, and the tags this process's writes must leave on each
 * contact until their re-checks are done. Entries go as soon as nothing uses them.
 */
import type { LocationList } from './directory';
import type { TagExpectation } from './after-write';

/** Values grouped by key; a key goes with its last value. */
class Groups<T> {
	private readonly groups = new Map<string, Set<T>>();

	add(key: string, value: T): void {
		const group = this.groups.get(key) ?? new Set<T>();
		this.groups.set(key, group);
		group.add(value);
	}

	all(key: string): T[] {
		return [...(this.groups.get(key) ?? [])];
	}

	/** The last added value of the key that passes `test`. */
	newest(key: string, test: (value: T) => boolean): T | undefined {
		return this.all(key).reverse().find(test);
	}

	remove(key: string, value: T): void {
		const group = this.groups.get(key);
		group?.delete(value);
		if (group?.size === 0) this.groups.delete(key);
	}

	get size(): number {
		return this.groups.size;
	}
}

export const contactState = {
	/** Location lists in use, by base URL + location ID. */
	locationLists: new Groups<LocationList>(),
	/** Tag expectations of contacts with re-checks pending, by base URL + contact ID. */
	tagExpectations: new Map<string, TagExpectation>(),
	/** Entries held now (0 once no execution runs). */
	load(): { locationLists: number; tagExpectations: number } {
		return { locationLists: this.locationLists.size, tagExpectations: this.tagExpectations.size };
	},
};
