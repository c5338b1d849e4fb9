import type { IExecuteFunctions, INodeProperties, INodePropertyOptions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { Lookup } from './directory';
import type { ByValue, MatchBy } from './identity';
import { identityOf } from './identity';
import type { ContactServices } from './services';
import {
	InputError,
	parseEmail,
	parseLocationId,
	parsePhone,
	quote,
} from '../../shared/validation';
import { parseContactId } from './validation';
import { readDefaultCountry } from './fields';

/** How an item names its contact: by ID, or by email / phone within a location. */
export type Match = { by: 'id'; contactId: string } | (ByValue & { onNoMatch: 'error' | 'skip' });

export const LOCATION_ID_FIELD: INodeProperties = {
	displayName: 'Location ID',
	name: 'locationId',
	type: 'string',
	required: true,
	default: '',
	placeholder: 'e.g. Qm7vTzR2kLp9XwN4bHs8',
	description: 'The Assistable location (sub-account) ID the contacts belong to',
};

const show = (matchBy: string[]) => ({ show: { matchBy } });

const BY_EMAIL: INodePropertyOptions = {
	name: 'Email',
	value: 'email',
	description: 'The email address, within a location (case-insensitive)',
};
const BY_ID: INodePropertyOptions = {
	name: 'ID',
	value: 'id',
	description: "The contact's ID (a UUID)",
};
const BY_PHONE: INodePropertyOptions = {
	name: 'Phone',
	value: 'phone',
	description: 'The phone number, within a location (compared in E.164)',
};

const BY_VALUE_FIELDS: INodeProperties[] = [
	{ ...LOCATION_ID_FIELD, displayOptions: show(['email', 'phone']) },
	{
		displayName: 'Email to Match',
		name: 'matchEmail',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. name@example.com',
		description: 'The email address of the contact to find (case-insensitive)',
		displayOptions: show(['email']),
	},
	{
		displayName: 'Phone to Match',
		name: 'matchPhone',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. +14155550101',
		description:
			'The phone number of the contact to find, compared in E.164 (see the Default Country option for numbers without +)',
		displayOptions: show(['phone']),
	},
];

const matchBy = (options: INodePropertyOptions[], byDefault: string): INodeProperties => ({
	displayName: 'Match By',
	name: 'matchBy',
	type: 'options',
	description: 'How to find the contact',
	options,
	default: byDefault,
});

/** Match By ID, Email or Phone, with If No Match (Get, Update). */
export const MATCH_ANY_FIELDS: INodeProperties[] = [
	matchBy([BY_EMAIL, BY_ID, BY_PHONE], 'id'),
	{
		displayName: 'Contact ID',
		name: 'contactId',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. 3f6c1e2a-9b7d-4c1e-8f2a-5d6b7c8e9f01',
		description:
			"The contact's ID (a UUID), usually mapped from the previous node. Not the location ID.",
		displayOptions: show(['id']),
	},
	...BY_VALUE_FIELDS,
	{
		displayName: 'If No Match',
		name: 'onNoMatch',
		type: 'options',
		options: [
			{ name: 'Fail the Item', value: 'error', description: 'The item fails with a clear message' },
			{ name: 'Skip the Item', value: 'skip', description: 'The item produces no output' },
		],
		default: 'error',
		description: 'What to do when no contact has that email or phone',
		displayOptions: show(['email', 'phone']),
	},
];

/** Match By Email or Phone in a location (Create or Update). */
export const MATCH_BY_VALUE_FIELDS = [matchBy([BY_EMAIL, BY_PHONE], 'email'), ...BY_VALUE_FIELDS];

/** Reads and validates the match parameters of one item. */
export function readMatch(
	ctx: IExecuteFunctions,
	itemIndex: number,
	defaultBy: 'id' | MatchBy,
): Match {
	const by = ctx.getNodeParameter('matchBy', itemIndex, defaultBy) as 'id' | MatchBy;
	if (by === 'id')
		return { by, contactId: parseContactId(ctx.getNodeParameter('contactId', itemIndex)) };
	const locationId = parseLocationId(ctx.getNodeParameter('locationId', itemIndex, ''));
	const label = by === 'email' ? 'Email to Match' : 'Phone to Match';
	const given = ctx.getNodeParameter(by === 'email' ? 'matchEmail' : 'matchPhone', itemIndex, '');
	const value =
		by === 'email'
			? parseEmail(given, label)
			: parsePhone(given, label, readDefaultCountry(ctx, itemIndex));
	if (value === undefined) {
		throw new InputError(
			label,
			`${label} is empty`,
			`Map the ${by} from the previous node, or match by another field.`,
		);
	}
	const onNoMatch = ctx.getNodeParameter('onNoMatch', itemIndex, 'error') as 'error' | 'skip';
	return { by, locationId, value, onNoMatch };
}

export function matchLocations(match: Match): string[] | undefined {
	return match.by === 'id' ? undefined : [match.locationId];
}

/** The one contact the match names; undefined when none does and the item is to be skipped. */
export async function resolveMatch(
	ctx: IExecuteFunctions,
	services: ContactServices,
	match: Match,
	itemIndex: number,
): Promise<string | undefined> {
	if (match.by === 'id') return match.contactId;
	const { locationId, by, value } = match;
	const lookup = await services.directory.lookup(locationId, by, value, itemIndex);
	const id = oneMatch(ctx, match, lookup, itemIndex);
	if (id !== undefined || match.onNoMatch === 'skip') return id;
	const count = lookup.skipped;
	const unread = count
		? ` (${count} ${count === 1 ? 'entry' : 'entries'} of the location's list had an unexpected shape and ${count === 1 ? 'was' : 'were'} skipped)`
		: '';
	throw new NodeOperationError(
		ctx.getNode(),
		`No contact in location ${quote(locationId)} has the ${by} ${quote(value)}${unread}`,
		{
			itemIndex,
			description: 'Check the value and the Location ID, or set If No Match to Skip the Item.',
		},
	);
}

/**
 * The one contact a lookup found, undefined when none. Several are an error (never update a random
 * one); so is an unreadable entry with the value (creating could duplicate it).
 */
export function oneMatch(
	ctx: IExecuteFunctions,
	match: ByValue,
	{ ids, skippedSameValue }: Lookup,
	itemIndex: number,
): string | undefined {
	const where = `location ${quote(match.locationId)}`;
	const what = `the ${match.by} ${quote(match.value)}`;
	const fail = (message: string, description: string) =>
		new NodeOperationError(ctx.getNode(), message, { itemIndex, description });
	if (ids.length > 1) {
		throw fail(
			`${ids.length} contacts in ${where} have ${what}: ${ids.join(', ')}`,
			'No contact was changed. Match by ID instead, or by a value only one contact has.',
		);
	}
	if (skippedSameValue) {
		throw fail(
			`The contact in ${where} with ${what} has an unexpected shape in Assistable's list`,
			'Nothing was created or changed. Check that contact in Assistable (its tags or custom fields), or match by ID.',
		);
	}
	return ids[0];
}

/** The identities an item locks: the email / phone it matches on (none for a match by ID). */
export function matchIdentities(match: Match): string[] {
	const identity = match.by === 'id' ? undefined : identityOf(match.by, match.value);
	return identity ? [identity] : [];
}
