/** The benchmark's contacts and items (bench/run.ts, bench/defaults-cost.ts). */
import type { IDataObject } from 'n8n-workflow';

import type { Contact } from '../../sandbox/server';
import { DEMO_LOCATION_ID } from '../../sandbox/server';

export type WorkloadKind = 'A' | 'B';

/** Tag every seeded contact starts with; an append must keep it. */
export const EXISTING_TAG = 'existing';
/** Items per contact in workload B. */
const ITEMS_PER_CONTACT = 5;

export const contactId = (i: number): string =>
	`b3c0a000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`;

export function contactSeed(count: number): Partial<Contact>[] {
	return Array.from({ length: count }, (_, i) => ({
		id: contactId(i),
		location_id: DEMO_LOCATION_ID,
		first_name: `Contact ${i}`,
		last_name: 'Bench',
		tags: [EXISTING_TAG],
	}));
}

export interface Workload {
	kind: WorkloadKind;
	/** What the webhook would emit, one per update. */
	items: IDataObject[];
	contacts: number;
	/** Per contact: the first name it must end with (A) or the tags it must have (B). */
	expected: Map<string, { firstName?: string; tags: string[] }>;
}

/** A: n plain updates (first name) on n distinct contacts. */
function workloadA(n: number): Workload {
	const items: IDataObject[] = [];
	const expected = new Map<string, { firstName?: string; tags: string[] }>();
	for (let i = 0; i < n; i++) {
		const id = contactId(i);
		items.push({ contactId: id, firstName: `Updated ${i}` });
		expected.set(id, { firstName: `Updated ${i}`, tags: [EXISTING_TAG] });
	}
	return { kind: 'A', items, contacts: n, expected };
}

/**
 * B: n append-tag updates on n/5 contacts, 5 items per contact, each adding its own tag. Items arrive
 * interleaved (contact 0, 1, ..., k-1, 0, 1, ...), as events for many contacts would.
 */
function workloadB(n: number): Workload {
	const contacts = Math.max(1, Math.floor(n / ITEMS_PER_CONTACT));
	const items: IDataObject[] = [];
	const expected = new Map<string, { firstName?: string; tags: string[] }>();
	for (let i = 0; i < contacts * ITEMS_PER_CONTACT; i++) {
		const c = i % contacts;
		const round = Math.floor(i / contacts);
		const id = contactId(c);
		const tag = `event-${round}`;
		items.push({ contactId: id, tag });
		const entry = expected.get(id) ?? { tags: [EXISTING_TAG] };
		entry.tags.push(tag);
		expected.set(id, entry);
	}
	return { kind: 'B', items, contacts, expected };
}

export const workload = (kind: WorkloadKind, n: number): Workload =>
	kind === 'A' ? workloadA(n) : workloadB(n);

interface ContactState {
	first_name: string | null;
	tags: string[];
}

export interface Check {
	/** Expected tags missing from the contacts at the end. */
	tagsLost: number;
	tagsExpected: number;
	/** Contacts whose first name is not the expected one (A). */
	namesWrong: number;
}

/** Compares the sandbox's final state with what the workload should have produced. */
export function check(w: Workload, state: Record<string, ContactState>): Check {
	let tagsLost = 0,
		tagsExpected = 0,
		namesWrong = 0;
	for (const [id, want] of w.expected) {
		const got = state[id];
		const have = new Set(got?.tags ?? []);
		tagsExpected += want.tags.length;
		for (const tag of want.tags) if (!have.has(tag)) tagsLost++;
		if (want.firstName !== undefined && got?.first_name !== want.firstName) namesWrong++;
	}
	return { tagsLost, tagsExpected, namesWrong };
}
