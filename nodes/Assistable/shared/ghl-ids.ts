/**
 * GoHighLevel IDs of the GHL-safe endpoints (calls, chat completion, conversations). No mapping from
 * an Assistable contact UUID is documented, so a UUID where a GHL ID belongs fails before any request.
 */
import { InputError, isBlank, PLAIN_ID, quote, UUID } from './validation';

const WHERE_CONTACT =
	'A GoHighLevel workflow sends it in its webhook as contact_id ({{contact.id}}); in GoHighLevel it is the last part of the contact page URL (…/contacts/detail/<id>).';
const WHERE_LOCATION =
	'A GoHighLevel workflow sends it in its webhook as location.id ({{location.id}}); in GoHighLevel it is in the sub-account URL (…/location/<id>/…) and under Settings → Business Profile.';

function readGhlId(value: unknown, parameter: string, kind: string, where: string): string {
	if (isBlank(value)) {
		throw new InputError(
			parameter,
			`${parameter} is empty`,
			`Enter the GoHighLevel ${kind} ID. ${where}`,
		);
	}
	const id =
		typeof value === 'string' ? value.trim() : typeof value === 'number' ? String(value) : value;
	if (typeof id === 'string' && UUID.test(id)) {
		throw new InputError(
			parameter,
			`${parameter} ${quote(value)} is an Assistable ${kind === 'contact' ? 'contact ID' : 'ID'} (a UUID), not a GoHighLevel ${kind} ID`,
			`This endpoint takes the GoHighLevel ${kind} ID (about 20 letters and digits), not the Assistable contact ID (a UUID) that the Contact resource returns. ${where}`,
		);
	}
	if (typeof id !== 'string' || !PLAIN_ID.test(id)) {
		throw new InputError(
			parameter,
			`${parameter} ${quote(value)} is not a GoHighLevel ${kind} ID`,
			`GoHighLevel IDs are letters and digits, such as Qm7vTzR2kLp9XwN4bHs8. ${where}`,
		);
	}
	return id;
}

export function parseGhlContactId(value: unknown, parameter = 'GHL Contact ID'): string {
	return readGhlId(value, parameter, 'contact', WHERE_CONTACT);
}

export function parseGhlLocationId(value: unknown, parameter = 'Location ID (GHL)'): string {
	return readGhlId(value, parameter, 'location', WHERE_LOCATION);
}
