/**
 * Creating a contact at most once in this process: a create whose outcome is unknown marks its
 * email / phone; a later lookup of them waits for it to land and reads a list requested after that.
 */
import { clock, state } from '../../shared/state';
import { createContact as createContactRequest } from './api';
import type { Lookup } from './directory';
import type { ByValue } from './identity';
import { identitiesOf, identityOf } from './identity';
import type { ContactChanges } from './merge';
import { buildContactWrite } from './merge';
import type { ContactServices } from './services';
import type { Contact } from './types';

const createKey = (services: ContactServices, locationId: string, identity: string) =>
	`${services.transport.scope}|${locationId}|${identity}`;

/** POST create-contact; the new contact is recorded into the location lists in use. */
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
			const until = clock.now() + services.transport.landingWindowMs();
			for (const identity of identitiesOf(changes.fields))
				state.doubtfulCreates.mark(createKey(services, locationId, identity), until);
		},
	});
	services.directory.record(locationId, contact);
	return contact;
}

/** The contacts with this email / phone, for a create-or-update decision. */
export async function lookupBeforeCreate(
	services: ContactServices,
	{ locationId, by, value }: ByValue,
	itemIndex: number,
): Promise<Lookup> {
	const identity = identityOf(by, value);
	const doubtEnds = identity
		? state.doubtfulCreates.get(createKey(services, locationId, identity))
		: undefined;
	if (doubtEnds === undefined)
		return await services.directory.lookup(locationId, by, value, itemIndex);
	await clock.sleep(Math.max(0, doubtEnds - clock.now()), services.transport.signal);
	return await services.directory.lookup(locationId, by, value, itemIndex, doubtEnds);
}
