/**
 * Writing a contact safely while other executions write it too: read-merge-write under the
 * contact's process-wide lease, waits after writes whose outcome is unknown, and the checks that
 * run after a write (tags still there; no duplicate created by another process).
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError, sleep } from 'n8n-workflow';

import { recordLockKey, state as coordinator } from '../../shared/state';
import type { MatchBy } from './identity';
import { identityOf } from './identity';
import type { ContactChanges, MergeOptions } from './merge';
import { buildContactWrite, mergeTags, needsCurrentContact, unappliedFields } from './merge';
import type { ItemOutcome } from '../../shared/operation';
import type { ContactLease, ContactServices } from './services';
import type { Lookup, ReadAhead } from './directory';
import type { Contact, ContactWrite } from './types';
import { quote } from '../../shared/validation';
import { createContact as createContactRequest, getContact, updateContact } from './api';

/** How many times a tag check re-applies tags another writer removed before failing the item. */
export const MAX_TAG_REAPPLY = 3;

export interface WriteSettings extends MergeOptions {
	verify: boolean;
	recheckTags: boolean;
}

const ms = {
	/** A merge builds on a state at most this old (or 2 round trips); older states are read again. */
	stateAgeFloor: 250,
	/**
	 * Checks re-read at least this long (or 4 round trips) after the write, jittered by up to half.
	 */
	checkDelayFloor: 100,
	checkDelayCap: 5_000,
	/**
	 * After a write whose outcome is unknown, the next write waits 2 request timeouts, within these
	 * bounds.
	 */
	doubtFloor: 1_000,
	doubtCap: 5_000,
};

function latency(services: ContactServices): number {
	return services.transport.typicalLatencyMs();
}

function checkDelayBase(services: ContactServices): number {
	return Math.min(ms.checkDelayCap, Math.max(ms.checkDelayFloor, 4 * latency(services)));
}

/** Jittered, so the checks of writers that collided do not collide again. */
function checkDelay(services: ContactServices): number {
	return Math.round(checkDelayBase(services) * (1 + Math.random() / 2));
}

function doubtWindow(services: ContactServices): number {
	return Math.min(ms.doubtCap, Math.max(ms.doubtFloor, 2 * services.transport.timeoutMs));
}

function contactKey(services: ContactServices, contactId: string): string {
	return recordLockKey(services.transport.scope, contactId);
}

/** Keeps this process's lookups of the contact's location true after a write. */
function recordWrite(services: ContactServices, contact: Contact, locationId?: string): void {
	const location =
		typeof contact.location_id === 'string' && contact.location_id
			? contact.location_id
			: locationId;
	if (location) services.directory.record(location, contact);
}

function createKey(services: ContactServices, locationId: string, identity: string): string {
	return `${services.transport.scope}|${locationId}|${identity}`;
}

/** The identities of the email / phone a write sets. */
export function changeIdentities(changes: ContactChanges): string[] {
	const set = [
		identityOf('email', changes.fields.email),
		identityOf('phone', changes.fields.phone_number),
	];
	return set.filter((identity): identity is string => identity !== undefined);
}

/** The contact as the lease holds it, if it is recent enough to merge onto. */
function recentState(services: ContactServices, lease: ContactLease): Contact | undefined {
	const known = lease.data;
	const maxAge = Math.max(ms.stateAgeFloor, 2 * latency(services));
	return known && Date.now() - known.at <= maxAge ? known.contact : undefined;
}

/**
 * This process's writes of each contact: how many are under way, and when the last one started or
 * ended. Kept while a read made before the contact's lease may still be handed to its holder.
 */
const writeActivity = new Map<string, { underWay: number; lastAt: number }>();
/** A read made before the lease is never handed on when older than this. */
const READ_AHEAD_HORIZON_MS = 30_000;

function pruneWriteActivity(): void {
	const cutoff = Date.now() - READ_AHEAD_HORIZON_MS;
	for (const [key, activity] of writeActivity)
		if (activity.underWay === 0 && activity.lastAt < cutoff) writeActivity.delete(key);
}

async function trackedWrite<T>(
	services: ContactServices,
	contactId: string,
	write: () => Promise<T>,
): Promise<T> {
	const key = contactKey(services, contactId);
	const activity = writeActivity.get(key) ?? { underWay: 0, lastAt: 0 };
	writeActivity.set(key, activity);
	activity.underWay++;
	activity.lastAt = Date.now();
	try {
		return await write();
	} finally {
		activity.underWay--;
		activity.lastAt = Date.now();
		pruneWriteActivity();
	}
}

/**
 * Hands a read made while looking the contact up (before its lease was held) to the lease, when no
 * write of this process started or ended since that GET was sent and the lease holds nothing newer:
 * the merge then builds on it (subject to the state-age rule) instead of reading again. Whether it
 * was handed on.
 */
export function adoptRead(
	services: ContactServices,
	contactId: string,
	lease: ContactLease,
	read: ReadAhead | undefined,
): boolean {
	if (!read || read.contact.id.toLowerCase() !== contactId.toLowerCase()) return false;
	pruneWriteActivity();
	if (Date.now() - read.sentAt > READ_AHEAD_HORIZON_MS) return false;
	const activity = writeActivity.get(contactKey(services, contactId));
	if (activity && (activity.underWay > 0 || activity.lastAt >= read.sentAt)) return false;
	if (lease.data && lease.data.at >= read.sentAt) return false;
	lease.data = { contact: read.contact, at: read.sentAt };
	return true;
}

/**
 * The contact for a read: a GET (or, with `reuseRecent`, the state the previous holder just left).
 */
export async function readContact(
	services: ContactServices,
	contactId: string,
	lease: ContactLease,
	itemIndex: number,
	reuseRecent = false,
): Promise<Contact> {
	const recent = reuseRecent ? recentState(services, lease) : undefined;
	if (recent) return recent;
	const contact = await getContact(services.transport, contactId, itemIndex);
	lease.data = { contact, at: Date.now() };
	return contact;
}

/**
 * Read (only when the merge needs it and no recent state is at hand), merge, PATCH, verify the
 * fields. A failed read sends no PATCH. Holds the contact's lease, so writes of this process never
 * interleave.
 */
async function writeContact(
	ctx: IExecuteFunctions,
	services: ContactServices,
	contactId: string,
	lease: ContactLease,
	changes: ContactChanges,
	settings: WriteSettings,
	itemIndex: number,
): Promise<{ contact: Contact; write: ContactWrite }> {
	const key = contactKey(services, contactId);
	// An earlier write whose outcome is unknown may still land: let it, then start from a fresh read.
	const doubtEnds = coordinator.doubtfulWrites.get(key);
	if (doubtEnds !== undefined) {
		await sleep(Math.max(0, doubtEnds - Date.now()), services.transport.signal);
		lease.data = undefined;
	}
	let current = recentState(services, lease);
	if (!current && needsCurrentContact(changes, settings)) {
		current = await getContact(services.transport, contactId, itemIndex);
		lease.data = { contact: current, at: Date.now() };
	}
	const write = buildContactWrite(changes, settings, current);
	// Until the write is answered the contact's state is unknown; a failed write leaves it so.
	lease.data = undefined;
	const contact = await trackedWrite(services, contactId, () =>
		updateContact(services.transport, contactId, write, itemIndex, {
			onUnknownOutcome: () =>
				coordinator.doubtfulWrites.set(key, Date.now() + doubtWindow(services)),
		}),
	);
	lease.data = { contact, at: Date.now() };
	if (settings.verify) {
		const missing = unappliedFields(write, contact);
		if (missing.length) {
			throw new NodeOperationError(
				ctx.getNode(),
				`Assistable did not apply: ${missing.join(', ')}`,
				{
					itemIndex,
					description:
						'The contact returned after the update does not show these fields as sent. Check the values, or turn off Verify Update if the API rewrites them on purpose.',
				},
			);
		}
	}
	return { contact, write };
}

/**
 * An update item's run once its contact is known: write it, record it into the lookups, and with
 * Re-Check Tags (after a write of tags) the check that follows. `present` makes the output items from
 * a contact: the write's answer, or the one a re-apply left.
 */
export async function applyUpdate(
	ctx: IExecuteFunctions,
	services: ContactServices,
	contactId: string,
	lease: ContactLease,
	changes: ContactChanges,
	settings: WriteSettings,
	locationId: string | undefined,
	itemIndex: number,
	present: (contact: Contact) => IDataObject[],
): Promise<ItemOutcome> {
	const { contact, write } = await writeContact(
		ctx,
		services,
		contactId,
		lease,
		changes,
		settings,
		itemIndex,
	);
	recordWrite(services, contact, locationId);
	if (!settings.recheckTags || write.tags === undefined) return { json: present(contact) };
	const check = tagCheckAfter(
		ctx,
		services,
		contactId,
		changes,
		write,
		settings.appendTags,
		itemIndex,
	);
	return {
		json: present(contact),
		verify: async () => {
			const reapplied = await check();
			return reapplied && present(reapplied);
		},
	};
}

/**
 * A request after a successful write failed: say that the write is in, and what was not checked.
 */
function afterWriteFailure(
	ctx: IExecuteFunctions,
	error: unknown,
	what: string,
	remedy: string,
	itemIndex: number,
): unknown {
	if (error instanceof NodeOperationError && error.context.checked) return error;
	const cause = error as { message?: string; description?: string | null };
	const failure = new NodeOperationError(
		ctx.getNode(),
		`${what}: ${cause.message ?? String(error)}`,
		{
			itemIndex,
			description: `${cause.description ? `${cause.description} ` : ''}Run the item again to be sure, or ${remedy}.`,
		},
	);
	return failure;
}

/**
 * Tags this process's writes of a contact must leave on it (and off it), until their checks are
 * done.
 */
interface TagExpectation {
	present: Set<string>;
	absent: Set<string>;
	/** Writes not yet checked, with their sequence number and time. */
	writes: Map<number, number>;
	/**
	 * Writes up to this sequence number were seen in place by a check made late enough after them.
	 */
	checkedThrough: number;
}

const expectations = new Map<string, TagExpectation>();
let writeSequence = 0;

/** How many contacts have tag checks pending in this process (tests check it drops to 0). */
export function pendingTagChecks(): number {
	return expectations.size;
}

/**
 * Registers what a write meant for the tags; returns the check to run once the lease is released.
 * Later writes of this process supersede earlier ones: a replaced list or a removal is not
 * re-added.
 */
function tagCheckAfter(
	ctx: IExecuteFunctions,
	services: ContactServices,
	contactId: string,
	changes: ContactChanges,
	write: ContactWrite,
	appendTags: boolean,
	itemIndex: number,
): () => Promise<Contact | undefined> {
	const key = contactKey(services, contactId);
	const expectation = expectations.get(key) ?? {
		present: new Set(),
		absent: new Set(),
		writes: new Map(),
		checkedThrough: 0,
	};
	expectations.set(key, expectation);
	if (!appendTags && changes.tags !== undefined) {
		expectation.present = new Set(write.tags);
		expectation.absent = new Set(changes.removeTags);
	} else {
		for (const tag of changes.tags ?? []) {
			expectation.present.add(tag);
			expectation.absent.delete(tag);
		}
		for (const tag of changes.removeTags ?? []) {
			expectation.absent.add(tag);
			expectation.present.delete(tag);
		}
	}
	const sequence = ++writeSequence;
	expectation.writes.set(sequence, Date.now());

	return async () => {
		try {
			return await checkTags(ctx, services, contactId, expectation, sequence, itemIndex).catch(
				(error: unknown) => {
					throw afterWriteFailure(
						ctx,
						error,
						'The update was applied, but re-checking its tags failed',
						'turn off Re-Check Tags After Write',
						itemIndex,
					);
				},
			);
		} finally {
			expectation.writes.delete(sequence);
			if (expectation.writes.size === 0 && expectations.get(key) === expectation)
				expectations.delete(key);
		}
	};
}

async function checkTags(
	ctx: IExecuteFunctions,
	services: ContactServices,
	contactId: string,
	expectation: TagExpectation,
	sequence: number,
	itemIndex: number,
): Promise<Contact | undefined> {
	/** The contact as this check's last re-apply left it. */
	let reapplied: Contact | undefined;
	for (let round = 0; ; round++) {
		await sleep(checkDelay(services), services.transport.signal);
		const result = await services.withRecord(contactId, async (lease: ContactLease) => {
			if (expectation.checkedThrough >= sequence) return 'kept';
			const readAt = Date.now();
			const latest = await getContact(services.transport, contactId, itemIndex);
			lease.data = { contact: latest, at: Date.now() };
			const have = latest.tags ?? [];
			const missing = [...expectation.present].filter((tag) => !have.includes(tag));
			const back = [...expectation.absent].filter((tag) => have.includes(tag));
			if (!missing.length && !back.length) {
				// Writes made a full check delay before this read are covered by it.
				const coveredUntil = readAt - checkDelayBase(services);
				for (const [seq, at] of expectation.writes) {
					if (at <= coveredUntil)
						expectation.checkedThrough = Math.max(expectation.checkedThrough, seq);
				}
				return 'kept';
			}
			if (round === MAX_TAG_REAPPLY) return { missing, back };
			const tags = mergeTags(have, missing, back, true);
			reapplied = await trackedWrite(services, contactId, () =>
				updateContact(services.transport, contactId, { tags }, itemIndex),
			);
			lease.data = { contact: reapplied, at: Date.now() };
			return 'reapplied';
		});
		if (result === 'kept') return reapplied;
		if (result === 'reapplied') continue;
		const parts = [
			result.missing.length ? `missing ${result.missing.map((tag) => quote(tag)).join(', ')}` : '',
			result.back.length ? `back on it: ${result.back.map((tag) => quote(tag)).join(', ')}` : '',
		].filter(Boolean);
		const error = new NodeOperationError(
			ctx.getNode(),
			`Another writer kept changing the contact's tags (${parts.join('; ')})`,
			{
				itemIndex,
				description: `Re-applied this item's tags ${MAX_TAG_REAPPLY} times and another writer (another n8n process or workflow, or Assistable itself) changed them again each time. Run the item again later.`,
			},
		);
		error.context.checked = true;
		throw error;
	}
}

/**
 * POST create-contact; the new contact is recorded into this process's lookups of its location. A
 * create whose outcome is unknown marks its email / phone, so later creates of them look again
 * first.
 */
export async function createContact(
	services: ContactServices,
	locationId: string,
	changes: ContactChanges,
	itemIndex: number,
): Promise<Contact> {
	const write = buildContactWrite(
		{ ...changes, removeTags: undefined },
		{ appendTags: false, keepCustomFields: false },
		undefined,
	);
	const contact = await createContactRequest(services.transport, locationId, write, itemIndex, {
		onUnknownOutcome: () => {
			const until = Date.now() + doubtWindow(services);
			for (const identity of changeIdentities(changes)) {
				coordinator.doubtfulCreates.set(createKey(services, locationId, identity), until);
			}
		},
	});
	services.directory.record(locationId, contact);
	return contact;
}

/**
 * The contacts with this email / phone, for a create-or-update decision (see
 * LocationDirectory.lookup). After a create whose outcome is unknown, waits for it to land and looks
 * in a list requested after that, so this process never creates the contact twice.
 */
export async function lookupBeforeCreate(
	services: ContactServices,
	locationId: string,
	by: MatchBy,
	value: string,
	itemIndex: number,
): Promise<Lookup> {
	const identity = identityOf(by, value);
	const doubtEnds = identity
		? coordinator.doubtfulCreates.get(createKey(services, locationId, identity))
		: undefined;
	if (doubtEnds === undefined)
		return await services.directory.lookup(locationId, by, value, itemIndex);
	await sleep(Math.max(0, doubtEnds - Date.now()), services.transport.signal);
	return await services.directory.lookup(locationId, by, value, itemIndex, doubtEnds);
}

/**
 * After a create: another process may have created the same contact at the same time (there is no
 * lock across processes). A list requested a little later shows it; the item then fails naming
 * every ID.
 */
export function duplicateCheckAfter(
	ctx: IExecuteFunctions,
	services: ContactServices,
	created: Contact,
	locationId: string,
	by: MatchBy,
	value: string,
	itemIndex: number,
): () => Promise<void> {
	const since = Date.now();
	return async () => {
		await sleep(checkDelay(services), services.transport.signal);
		const ids = await services.directory
			.findFresh(locationId, by, value, since, itemIndex)
			.catch((error: unknown) => {
				throw afterWriteFailure(
					ctx,
					error,
					`Contact ${created.id} was created, but checking for a duplicate failed`,
					'check Assistable for a second contact with this ' + by,
					itemIndex,
				);
			});
		if (!ids.includes(created.id)) ids.push(created.id);
		if (ids.length < 2) return;
		const error = new NodeOperationError(
			ctx.getNode(),
			`${ids.length} contacts in location ${quote(locationId)} now have the ${by} ${quote(value)}: ${ids.join(', ')}`,
			{
				itemIndex,
				description: `This item created ${created.id} while another writer (another n8n process or workflow) created the same contact. Nothing was merged; keep one in Assistable and delete the others.`,
			},
		);
		// Shown in the error item, so a workflow can route on it.
		error.context.output = { contactIds: ids, createdContactId: created.id };
		throw error;
	};
}
