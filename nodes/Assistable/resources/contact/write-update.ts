/**
 * Updating a contact while other executions write it too: under the contact's process-wide lease,
 * read (unless a state about one round trip old is at hand), merge, PATCH, verify; after a write
 * whose outcome is unknown, the next one waits for it to land and reads again.
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { clock, recordLockKey, state } from '../../shared/state';
import { StaleRequest } from '../../shared/transport';
import type { ItemOutcome } from '../../shared/operation';
import { noteTagWrite, tagCheckAfter } from './after-write';
import { getContact, updateContact } from './api';
import type { ContactChanges } from './merge';
import { buildContactWrite, needsCurrentContact, unappliedFields } from './merge';
import type { ContactLease, ContactServices } from './services';
import { maxStateAgeMs } from './timing';
import type { Contact, ContactWrite } from './types';
import type { UpdateSettings } from './update-options';

/** The contact as the lease holds it, if it is recent enough to merge onto. */
function recentState(services: ContactServices, lease: ContactLease): Contact | undefined {
	const known = lease.data;
	const maxAge = maxStateAgeMs(services.transport.typicalLatencyMs());
	return known && clock.now() - known.at <= maxAge ? known.contact : undefined;
}

/** The contact for a read: a GET, or with `reuseRecent` the state the previous holder just left. */
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
	lease.data = { contact, at: clock.now() };
	return contact;
}

/** A merge sent on a stale state is rebuilt at most this many times; then it goes out as it is. */
const MAX_REBUILDS = 3;

/**
 * Read (only when the merge needs it and no recent state is at hand), merge, PATCH. A merge whose
 * state got older than about one round trip before it was sent (a wait for a request slot, a retry's
 * backoff) is not sent: it is merged again onto a fresh read.
 */
async function writeContact(
	services: ContactServices,
	contactId: string,
	lease: ContactLease,
	changes: ContactChanges,
	settings: UpdateSettings,
	itemIndex: number,
): Promise<{ contact: Contact; write: ContactWrite }> {
	const { transport } = services;
	const key = recordLockKey(transport.scope, contactId);
	// Max Attempts counts every PATCH sent, across the merges a stale state made again.
	let attemptsBefore = 0;
	for (let build = 1; ; build++) {
		// An earlier write whose outcome is unknown may still land: let it, then start from a fresh read.
		const doubtEnds = state.doubtfulWrites.get(key);
		if (doubtEnds !== undefined) {
			await clock.sleep(Math.max(0, doubtEnds - clock.now()), transport.signal);
			lease.data = undefined;
		}
		let current = recentState(services, lease);
		if (!current && needsCurrentContact(changes, settings))
			current = await readContact(services, contactId, lease, itemIndex);
		const stateAt = current ? lease.data?.at : undefined;
		const write = buildContactWrite(changes, settings, current);
		const fresh = () =>
			stateAt === undefined ||
			build >= MAX_REBUILDS ||
			clock.now() - stateAt <= maxStateAgeMs(transport.typicalLatencyMs());
		// Until the write is answered the contact's state is unknown; a failed write leaves it so.
		lease.data = undefined;
		const markDoubt = () =>
			state.doubtfulWrites.mark(key, clock.now() + transport.landingWindowMs());
		const sent = await updateContact(
			transport,
			contactId,
			() => (fresh() ? write : undefined),
			itemIndex,
			{ onUnknownOutcome: markDoubt, attemptsBefore },
		).then(
			(contact) => ({ contact }),
			(error: unknown) => ({ error }),
		);
		if ('contact' in sent) {
			lease.data = { contact: sent.contact, at: clock.now() };
			return { contact: sent.contact, write };
		}
		if (!(sent.error instanceof StaleRequest)) throw sent.error;
		attemptsBefore = sent.error.attemptsMade;
	}
}

/**
 * An update item's run once its contact is known: write it, record it into the location lists in
 * use, verify it, and with Re-Check Tags (after a write of tags) the check that follows. `present`
 * makes the output items from a contact: the write's answer, or the one a re-apply left.
 */
export async function applyUpdate(
	ctx: IExecuteFunctions,
	services: ContactServices,
	contactId: string,
	lease: ContactLease,
	changes: ContactChanges,
	settings: UpdateSettings,
	locationId: string | undefined,
	itemIndex: number,
	present: (contact: Contact) => IDataObject[],
): Promise<ItemOutcome> {
	const { contact, write } = await writeContact(
		services,
		contactId,
		lease,
		changes,
		settings,
		itemIndex,
	);
	const location = typeof contact.location_id === 'string' ? contact.location_id : locationId;
	if (location) services.directory.record(location, contact);
	const tagsSent = write.tags !== undefined;
	if (tagsSent) noteTagWrite(services, contactId, changes, write, settings.appendTags);
	const missing = settings.verify ? unappliedFields(write, contact) : [];
	if (missing.length) {
		throw new NodeOperationError(ctx.getNode(), `Assistable did not apply: ${missing.join(', ')}`, {
			itemIndex,
			description:
				'The contact returned after the update does not show these fields as sent. Check the values, or turn off Verify Update if the API rewrites them on purpose.',
		});
	}
	if (!settings.recheckTags || !tagsSent) return { json: present(contact) };
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
