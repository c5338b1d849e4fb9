/** The contact endpoints of the v2 API. A create is not retry-safe: a repeat could add a contact. */
import { endpoint } from '../../shared/endpoint';

/** Largest answer accepted for one contact, and for a location's list (about 50 000 contacts). */
const MAX_CONTACT_BYTES = 5 * 1024 * 1024;
const MAX_LIST_BYTES = 50 * 1024 * 1024;

export const contactEndpoints = {
	get: endpoint('GET', '/contacts/{contactId}', true, MAX_CONTACT_BYTES),
	patch: endpoint('PATCH', '/contacts/{contactId}', true, MAX_CONTACT_BYTES),
	create: endpoint('POST', '/contacts/create-contact/{locationId}', false, MAX_CONTACT_BYTES),
	list: endpoint('GET', '/get-contacts/{locationId}', true, MAX_LIST_BYTES),
};
