/**
 * A contact's read and PATCH under its process-wide lease. A merge builds on a state at most about
 * one round trip old (Assistable writes tags itself); after a write whose outcome is unknown, the
 * next one waits for it to land and reads again.
 */
import { clock, recordLockKey, state } from '../../shared/state';
import { StaleRequest } from '../../shared/transport';
import { getContact, updateContact } from './api';
import type { ContactChanges, MergeOptions } from './merge';
import { buildContactWrite, needsCurrentContact } from './merge';
import type { ContactLease, ContactServices } from './services';
import { maxStateAgeMs } from './timing';
import type { Contact, ContactWrite } from './types';

/** The contact as the lease holds it, if it is recent enough to merge onto. */
function recentState({ transport }: ContactServices, lease: ContactLease): Contact | undefined {
	const known = lease.data;
	return known && clock.now() - known.at <= maxStateAgeMs(transport.typicalLatencyMs())
		? known.contact
		: undefined;
}

/** The contact: a GET, or with `reuseRecent` the state the previous holder just left. */
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

/** Read (only when needed), merge, PATCH; a merge whose state got too old on the way is rebuilt. */
export async function writeContact(
	services: ContactServices,
	contactId: string,
	lease: ContactLease,
	changes: ContactChanges,
	options: MergeOptions,
	itemIndex: number,
): Promise<{ contact: Contact; write: ContactWrite }> {
	const { transport } = services;
	const key = recordLockKey(transport.scope, contactId);
	// Max Attempts counts every PATCH sent, across rebuilds.
	let attemptsBefore = 0;
	for (let build = 1; ; build++) {
		const doubtEnds = state.doubtfulWrites.get(key);
		if (doubtEnds !== undefined) {
			await clock.sleep(Math.max(0, doubtEnds - clock.now()), transport.signal);
			lease.data = undefined;
		}
		let current = recentState(services, lease);
		if (!current && needsCurrentContact(changes, options))
			current = await readContact(services, contactId, lease, itemIndex);
		const stateAt = current ? lease.data?.at : undefined;
		const write = buildContactWrite(changes, options, current);
		const fresh = () =>
			stateAt === undefined ||
			build >= MAX_REBUILDS ||
			clock.now() - stateAt <= maxStateAgeMs(transport.typicalLatencyMs());
		// Until the write is answered the contact's state is unknown; a failed write leaves it so.
		lease.data = undefined;
		const sent = await updateContact(
			transport,
			contactId,
			() => (fresh() ? write : undefined),
			itemIndex,
			{
				attemptsBefore,
				onUnknownOutcome: () =>
					state.doubtfulWrites.mark(key, clock.now() + transport.landingWindowMs()),
			},
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
