import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { withTagMode } from './merge';
import { displayFor, optionsCollection } from '../../shared/descriptions';
import type { ContactPlan } from './services';
import { InputError } from '../../shared/validation';
import {
	APPEND_TAGS_FIELD,
	contactFieldOptions,
	hasChanges,
	parseContactChanges,
	readDefaultCountry,
} from './fields';
import {
	MATCH_BY_EMAIL_OR_PHONE,
	matchFields,
	matchIdentities,
	matchLocations,
	readMatch,
	severalMatches,
	unreadableMatch,
} from './match';
import { readUpdateSettings, updateOptions } from './update-options';
import { duplicateCheckAfter } from './after-write';
import { changeIdentities } from './identity';
import { createContact, lookupBeforeCreate } from './write-create';
import { applyUpdate, readContact } from './write-update';
import { upsertOutput } from './upsert.output';

const scope = { resource: 'contact', operation: 'upsert' };

export const description: INodeProperties[] = [
	...displayFor(scope, [
		MATCH_BY_EMAIL_OR_PHONE,
		...matchFields(['email', 'phone'], false),
		APPEND_TAGS_FIELD,
		{
			displayName: 'Contact Fields',
			name: 'contactFields',
			type: 'collection',
			placeholder: 'Add Field',
			default: {},
			description: 'Fields to set on the contact, whether it is created or updated',
			options: contactFieldOptions,
		},
	]),
	optionsCollection(scope, updateOptions),
];

/**
 * Output: see upsert.output.ts (the contact with `action`; `{ action, contact }` in node version
 * 1).
 */
export function plan(this: IExecuteFunctions, itemIndex: number): ContactPlan {
	const match = readMatch(this, itemIndex, 'email');
	if (match.by === 'id') {
		throw new InputError(
			'Match By',
			'Create or Update matches by Email or Phone',
			'Set Match By to Email or Phone; to update by ID use the Update operation.',
		);
	}
	const appendTags = this.getNodeParameter('appendTags', itemIndex, true) as boolean;
	const fields = this.getNodeParameter('contactFields', itemIndex, {}) as IDataObject;
	const changes = withTagMode(
		parseContactChanges(fields, readDefaultCountry(this, itemIndex)),
		appendTags,
	);
	const settings = readUpdateSettings(this, itemIndex, appendTags);
	let contactId: string | undefined;
	return {
		locations: matchLocations(match),
		identities: [...matchIdentities(match), ...changeIdentities(changes)],
		// A create holds its email / phone until it is in; an update holds only what it changes.
		heldIdentities: () => [
			...(contactId ? [] : matchIdentities(match)),
			...changeIdentities(changes),
		],
		// Earlier items (of any execution of this process) with this email / phone are done: their
		// creates show.
		target: async (services) => {
			const lookup = await lookupBeforeCreate(
				services,
				match.locationId,
				match.by,
				match.value,
				itemIndex,
			);
			const { ids } = lookup;
			if (ids.length > 1) throw severalMatches(this, match, ids, itemIndex);
			unreadableMatch(this, match, lookup, itemIndex);
			return (contactId = ids[0]);
		},
		run: async (services, lease) => {
			if (!contactId || !lease) {
				const matchField =
					match.by === 'email' ? { email: match.value } : { phone_number: match.value };
				const fields = { ...changes, fields: { ...matchField, ...changes.fields } };
				const created = await createContact(services, match.locationId, fields, itemIndex);
				return {
					json: [upsertOutput(this, 'created', created, settings.simplify)],
					verify: duplicateCheckAfter(
						this,
						services,
						created,
						match.locationId,
						match.by,
						match.value,
						itemIndex,
					),
				};
			}
			if (!hasChanges(changes)) {
				const found = structuredClone(
					await readContact(services, contactId, lease, itemIndex, true),
				);
				return { json: [upsertOutput(this, 'found', found, settings.simplify)] };
			}
			return await applyUpdate(
				this,
				services,
				contactId,
				lease,
				changes,
				settings,
				match.locationId,
				itemIndex,
				(contact) => [upsertOutput(this, 'updated', contact, settings.simplify)],
			);
		},
	};
}
