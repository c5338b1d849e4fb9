/** The IDs Make Call takes: GoHighLevel's contact and location IDs, Assistable's assistant ID. */
import { InputError, isBlank, quote } from '../../shared/validation';

/** An Assistable contact ID (what Contact → Get / Create return): a UUID. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** GoHighLevel IDs are letters and digits (about 20); a little slack for other shapes. */
const GHL_ID = /^[A-Za-z0-9_-]{1,64}$/;
/** Assistant and number pool IDs: seen as asst_… and UUIDs; any letters, digits, _ and -. */
const ASSISTABLE_ID = /^[A-Za-z0-9_-]{1,128}$/;

const WHERE_GHL_CONTACT =
	'A GoHighLevel workflow webhook sends it as contact_id (e.g. {{ $json.body.contact_id }}); in GoHighLevel it is the last part of the contact page URL (…/contacts/detail/<ID>).';

function text(value: unknown, parameter: string): string | undefined {
	if (isBlank(value)) return undefined;
	if (typeof value === 'string' || typeof value === 'number') return String(value).trim();
	throw new InputError(
		parameter,
		`${parameter} must be text, not ${quote(value)}`,
		'Map a text value.',
	);
}

export function parseGhlContactId(value: unknown, parameter = 'GHL Contact ID'): string {
	const id = text(value, parameter);
	if (id === undefined)
		throw new InputError(
			parameter,
			`${parameter} is empty`,
			`Enter the contact's GoHighLevel ID. ${WHERE_GHL_CONTACT}`,
		);
	if (UUID.test(id)) {
		throw new InputError(
			parameter,
			`${parameter} ${quote(id)} is an Assistable contact ID (a UUID), not a GoHighLevel contact ID`,
			`Make Call takes the contact's GoHighLevel (GHL) ID, about 20 letters and digits such as pQ4x7Ld2Rt9Wm3Kc8Nb1. ${WHERE_GHL_CONTACT} Assistable documents no way to turn its own contact ID into the GHL one, so the GHL ID has to come from GoHighLevel.`,
		);
	}
	if (!GHL_ID.test(id)) {
		throw new InputError(
			parameter,
			`${parameter} ${quote(id)} is not a GoHighLevel contact ID`,
			`GoHighLevel contact IDs are letters and digits, such as pQ4x7Ld2Rt9Wm3Kc8Nb1. ${WHERE_GHL_CONTACT}`,
		);
	}
	return id;
}

export function parseGhlLocationId(value: unknown, parameter = 'Location ID (GHL)'): string {
	const id = text(value, parameter);
	const where =
		'It is the GoHighLevel sub-account (location) ID: a GHL workflow webhook sends it as location.id; in GoHighLevel it is in the sub-account URL (…/location/<ID>/…).';
	if (id === undefined) throw new InputError(parameter, `${parameter} is empty`, where);
	if (!GHL_ID.test(id) || UUID.test(id)) {
		throw new InputError(
			parameter,
			`${parameter} ${quote(id)} is not a GoHighLevel location ID`,
			`Location IDs are letters and digits, such as Qm7vTzR2kLp9XwN4bHs8. ${where}`,
		);
	}
	return id;
}

export function parseAssistableId(
	value: unknown,
	parameter: string,
	where: string,
	required: true,
): string;
export function parseAssistableId(
	value: unknown,
	parameter: string,
	where: string,
	required: false,
): string | undefined;
export function parseAssistableId(
	value: unknown,
	parameter: string,
	where: string,
	required: boolean,
): string | undefined {
	const id = text(value, parameter);
	if (id === undefined) {
		if (!required) return undefined;
		throw new InputError(parameter, `${parameter} is empty`, where);
	}
	if (!ASSISTABLE_ID.test(id))
		throw new InputError(parameter, `${parameter} ${quote(id)} is not an Assistable ID`, where);
	return id;
}
