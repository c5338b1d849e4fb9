/** The update step: write, record into the location lists in use, verify, then the tag re-check. */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { ItemOutcome } from '../../shared/operation';
import { noteTagWrite, tagCheckAfter } from './after-write';
import type { ContactChanges } from './merge';
import { unappliedFields } from './merge';
import { writeContact } from './patch';
import type { ContactLease, ContactServices } from './services';
import type { Contact } from './types';
import type { UpdateSettings } from './update-options';

/** An update item once its contact is known; `present` makes its output items from a contact. */
export interface ContactUpdate {
	contactId: string;
	lease: ContactLease;
	changes: ContactChanges;
	settings: UpdateSettings;
	locationId: string | undefined;
	itemIndex: number;
	present: (contact: Contact) => IDataObject[];
}

export async function applyUpdate(
	ctx: IExecuteFunctions,
	services: ContactServices,
	update: ContactUpdate,
): Promise<ItemOutcome> {
	const { contactId, lease, changes, settings, locationId, itemIndex, present } = update;
	const written = await writeContact(services, contactId, lease, changes, settings, itemIndex);
	const { contact, write } = written;
	const location = typeof contact.location_id === 'string' ? contact.location_id : locationId;
	if (location) services.directory.record(location, contact);
	const tagsSent = write.tags !== undefined;
	if (tagsSent) noteTagWrite(services, update, write);
	const missing = settings.verify ? unappliedFields(write, contact) : [];
	if (missing.length) {
		throw new NodeOperationError(ctx.getNode(), `Assistable did not apply: ${missing.join(', ')}`, {
			itemIndex,
			description:
				'The contact returned after the update does not show these fields as sent. Check the values, or turn off Verify Update if the API rewrites them on purpose.',
		});
	}
	if (!settings.recheckTags || !tagsSent) return { json: present(contact) };
	const check = tagCheckAfter(ctx, services, update, write);
	return {
		json: present(contact),
		verify: async () => {
			const reapplied = await check();
			return reapplied && present(reapplied);
		},
	};
}
