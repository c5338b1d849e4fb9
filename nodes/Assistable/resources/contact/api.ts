/** The contact endpoints as calls: their 404 / 403 wording, and a check of each answer's shape. */
import type { AssistableTransport, RequestSpec } from '../../shared/transport';
import { contactEndpoints } from './endpoints';
import type { Contact, ContactWrite } from './types';
import { isObject } from '../../shared/success';

/** Hooks a caller may attach to a write. */
type WriteHooks = Pick<RequestSpec, 'onUnknownOutcome' | 'attemptsBefore'>;

const FORBIDDEN_HINT =
	"The API key's sub-account cannot see this contact: use a key of the contact's sub-account (location).";

/** Wording shared by the calls that name a location (its 404 may be a wrong location ID). */
function byLocation(locationId: string): Omit<RequestSpec, 'itemIndex'> {
	return {
		params: { locationId },
		subject: locationId,
		forbiddenHint: FORBIDDEN_HINT,
		notFound: { message: 'Assistable has no such route or location' },
	};
}

/** Wording shared by the calls that name a contact by its ID. */
function byContact(contactId: string): Omit<RequestSpec, 'itemIndex'> {
	return {
		params: { contactId },
		subject: contactId,
		forbiddenHint: FORBIDDEN_HINT,
		notFound: {
			message: 'Contact not found',
			hint: `No contact has the ID ${JSON.stringify(contactId)}. Use the contact's own ID (a UUID); a location (sub-account) ID is not a contact ID.`,
		},
	};
}

export async function getContact(
	transport: AssistableTransport,
	contactId: string,
	itemIndex: number,
): Promise<Contact> {
	const body = await transport.request(contactEndpoints.get, {
		...byContact(contactId),
		itemIndex,
	});
	return asContact(transport, body, itemIndex, contactId);
}

export async function updateContact(
	transport: AssistableTransport,
	contactId: string,
	write: ContactWrite | (() => ContactWrite | undefined),
	itemIndex: number,
	hooks: WriteHooks = {},
): Promise<Contact> {
	const body = await transport.request(contactEndpoints.patch, {
		...byContact(contactId),
		body: write,
		itemIndex,
		...hooks,
	});
	return asContact(transport, body, itemIndex, contactId);
}

export async function createContact(
	transport: AssistableTransport,
	locationId: string,
	write: ContactWrite,
	itemIndex: number,
	hooks: WriteHooks = {},
): Promise<Contact> {
	const body = await transport.request(contactEndpoints.create, {
		...byLocation(locationId),
		body: write,
		itemIndex,
		unconfirmedEffect: 'the contact may or may not have been created',
		...hooks,
	});
	return asContact(transport, body, itemIndex);
}

/** The list as the API sent it; each entry is checked where it is used (see isContact). */
export async function listContacts(
	transport: AssistableTransport,
	locationId: string,
	itemIndex: number,
): Promise<unknown[]> {
	const body = await transport.request(contactEndpoints.list, {
		...byLocation(locationId),
		itemIndex,
	});
	if (!Array.isArray(body)) {
		throw transport.unexpectedAnswer(
			itemIndex,
			'Assistable answered the contact list with an unexpected shape',
			'Expected a JSON array of contacts. Check the Base URL points at the v2 API.',
		);
	}
	return body;
}

/** The answer as a contact; with `expectedId`, it must be that contact. */
function asContact(
	transport: AssistableTransport,
	body: unknown,
	itemIndex: number,
	expectedId?: string,
): Contact {
	if (!isContact(body)) {
		throw transport.unexpectedAnswer(
			itemIndex,
			'Assistable answered with an unexpected shape instead of a contact',
			'Expected a JSON contact object with an id, text tags and an object of custom fields. Check the Base URL points at the v2 API.',
		);
	}
	if (expectedId !== undefined && body.id.toLowerCase() !== expectedId.toLowerCase()) {
		throw transport.unexpectedAnswer(
			itemIndex,
			`Assistable answered with another contact (${JSON.stringify(body.id)}) than the one asked for`,
			'Nothing was merged from that answer. Check the Base URL points at the v2 API.',
		);
	}
	return body;
}

/** A contact whose tags and custom fields can safely be merged into a write. */
export function isContact(value: unknown): value is Contact {
	if (!isObject(value) || typeof value.id !== 'string' || value.id === '') return false;
	const { tags, custom_fields: customFields } = value;
	const tagsOk =
		tags === undefined ||
		tags === null ||
		(Array.isArray(tags) && tags.every((tag) => typeof tag === 'string'));
	const fieldsOk = customFields === undefined || customFields === null || isObject(customFields);
	return tagsOk && fieldsOk;
}
