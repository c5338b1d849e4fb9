import type { IExecuteFunctions, INodeProperties, INodePropertyOptions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { MatchBy } from '../../shared/directory';
import type { ExecutionServices } from '../../shared/operation';
import { InputError, parseContactId, parseEmail, parseLocationId, parsePhone, quote } from '../../shared/validation';

/** How an item names its contact: by ID, or by email / phone within a location. */
export type Match =
	| { by: 'id'; contactId: string }
	| { by: MatchBy; locationId: string; value: string; onNoMatch: 'error' | 'skip' };

const BY_OPTIONS: Record<'id' | MatchBy, INodePropertyOptions> = {
	id: { name: 'ID', value: 'id', description: "The contact's ID (a UUID)" },
	email: { name: 'Email', value: 'email', description: 'The email address, within a location (case-insensitive)' },
	phone: { name: 'Phone', value: 'phone', description: 'The phone number, within a location (compared in E.164)' },
};

export const LOCATION_ID_FIELD: Omit<INodeProperties, 'displayOptions'> = {
	displayName: 'Location ID',
	name: 'locationId',
	type: 'string',
	required: true,
	default: '',
	placeholder: 'e.g. Qm7vTzR2kLp9XwN4bHs8',
	description: 'The Assistable location (sub-account) ID the contacts belong to',
};

/** Match By for operations that take an ID, an email or a phone; shown for `operation`. */
export function matchByIdEmailOrPhone(operation: string): INodeProperties {
	return {
		displayName: 'Match By',
		name: 'matchBy',
		type: 'options',
		description: 'How to find the contact',
		options: [BY_OPTIONS.email, BY_OPTIONS.id, BY_OPTIONS.phone],
		default: 'id',
		displayOptions: { show: { resource: ['contact'], operation: [operation] } },
	};
}

/** Match By for operations that look the contact up in a location. */
export function matchByEmailOrPhone(operation: string): INodeProperties {
	return {
		displayName: 'Match By',
		name: 'matchBy',
		type: 'options',
		description: 'How to find the contact',
		options: [BY_OPTIONS.email, BY_OPTIONS.phone],
		default: 'email',
		displayOptions: { show: { resource: ['contact'], operation: [operation] } },
	};
}

/** The parameters that find the contact once Match By is chosen. */
export function matchFields(operation: string, by: Array<'id' | MatchBy>, onNoMatch: boolean): INodeProperties[] {
	const show = (extra: Record<string, string[]> = {}) => ({
		show: { resource: ['contact'], operation: [operation], ...extra },
	});
	const lookups = by.filter((b): b is MatchBy => b !== 'id');
	const fields: INodeProperties[] = [];
	if (by.includes('id')) {
		fields.push({
			displayName: 'Contact ID',
			name: 'contactId',
			type: 'string',
			required: true,
			default: '',
			placeholder: 'e.g. 3f6c1e2a-9b7d-4c1e-8f2a-5d6b7c8e9f01',
			description: "The contact's ID (a UUID), usually mapped from the previous node. Not the location ID.",
			displayOptions: show({ matchBy: ['id'] }),
		});
	}
	fields.push(
		{ ...LOCATION_ID_FIELD, displayOptions: show({ matchBy: lookups }) },
		{
			displayName: 'Email to Match',
			name: 'matchEmail',
			type: 'string',
			required: true,
			default: '',
			placeholder: 'e.g. name@example.com',
			description: 'The email address of the contact to find (case-insensitive)',
			displayOptions: show({ matchBy: ['email'] }),
		},
		{
			displayName: 'Phone to Match',
			name: 'matchPhone',
			type: 'string',
			required: true,
			default: '',
			placeholder: 'e.g. +14155550101',
			description: 'The phone number of the contact to find, in E.164 (spaces, dashes and parentheses are removed)',
			displayOptions: show({ matchBy: ['phone'] }),
		},
	);
	if (onNoMatch) {
		fields.push({
			displayName: 'If No Match',
			name: 'onNoMatch',
			type: 'options',
			options: [
				{ name: 'Fail the Item', value: 'error', description: 'The item fails with a clear message' },
				{ name: 'Skip the Item', value: 'skip', description: 'The item produces no output' },
			],
			default: 'error',
			description: 'What to do when no contact has that email or phone',
			displayOptions: show({ matchBy: lookups }),
		});
	}
	return fields;
}

/** Reads and validates the match parameters of one item. */
export function readMatch(ctx: IExecuteFunctions, itemIndex: number, defaultBy: 'id' | MatchBy): Match {
	const by = ctx.getNodeParameter('matchBy', itemIndex, defaultBy) as 'id' | MatchBy;
	if (by === 'id') return { by, contactId: parseContactId(ctx.getNodeParameter('contactId', itemIndex)) };
	const locationId = parseLocationId(ctx.getNodeParameter('locationId', itemIndex, ''));
	const value =
		by === 'email'
			? parseEmail(ctx.getNodeParameter('matchEmail', itemIndex, ''), 'Email to Match')
			: parsePhone(ctx.getNodeParameter('matchPhone', itemIndex, ''), 'Phone to Match');
	if (value === undefined) {
		const label = by === 'email' ? 'Email to Match' : 'Phone to Match';
		throw new InputError(label, `${label} is empty`, `Map the ${by} from the previous node, or match by another field.`);
	}
	const onNoMatch = ctx.getNodeParameter('onNoMatch', itemIndex, 'error') as 'error' | 'skip';
	return { by, locationId, value, onNoMatch };
}

export function matchLocations(match: Match): string[] | undefined {
	return match.by === 'id' ? undefined : [match.locationId];
}

/**
 * The ID of the one contact the match names; undefined when none does and the item is to be skipped.
 * Several matches are an error listing them: never update a random one.
 */
export async function resolveMatch(
	ctx: IExecuteFunctions,
	services: ExecutionServices,
	match: Match,
	itemIndex: number,
	noneIsError = true,
): Promise<string | undefined> {
	if (match.by === 'id') return match.contactId;
	const ids = await services.directory.find(match.locationId, match.by, match.value, itemIndex);
	if (ids.length > 1) {
		throw new NodeOperationError(
			ctx.getNode(),
			`${ids.length} contacts in location ${quote(match.locationId)} have the ${match.by} ${quote(match.value)}: ${ids.join(', ')}`,
			{ itemIndex, description: 'No contact was changed. Match by ID instead, or by a value only one contact has.' },
		);
	}
	if (ids.length === 0 && noneIsError && match.onNoMatch === 'error') {
		throw new NodeOperationError(
			ctx.getNode(),
			`No contact in location ${quote(match.locationId)} has the ${match.by} ${quote(match.value)}`,
			{ itemIndex, description: 'Check the value and the Location ID, or set If No Match to Skip the Item.' },
		);
	}
	return ids[0];
}

/** The scheduling key of a lookup: the contact it resolves to, or the value a create would use. */
export function matchKey(match: Match, contactId: string | undefined): string {
	if (contactId) return contactId;
	return match.by === 'id' ? match.contactId : `new:${match.locationId}:${match.by}:${match.value.toLowerCase()}`;
}

/** An item's contact, resolved once the location lists are loaded (for Update and Get). */
export function contactTarget(ctx: IExecuteFunctions, match: Match, itemIndex: number) {
	let contactId: string | undefined;
	return {
		locations: matchLocations(match),
		/** The scheduling key: the contact, or a key of its own for an item that matched none. */
		key: async (services: ExecutionServices) => {
			contactId = await resolveMatch(ctx, services, match, itemIndex);
			return contactId ?? `unmatched#${itemIndex}`;
		},
		/** Undefined when no contact matched and the item is skipped. */
		contactId: () => contactId,
	};
}
