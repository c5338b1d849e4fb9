import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { displayFor, optionsCollection } from '../../shared/descriptions';
import type { ContactPlan } from './services';
import { InputError } from '../../shared/validation';
import { APPEND_TAGS_FIELD, contactFieldOptions, contactFields, hasChanges } from './fields';
import {
	MATCH_BY_VALUE_FIELDS,
	matchIdentities,
	matchLocations,
	oneMatch,
	readMatch,
} from './match';
import { readUpdate, updateOptions } from './update-options';
import { duplicateCheckAfter } from './after-write';
import { identitiesOf } from './identity';
import { createContact, lookupBeforeCreate } from './write-create';
import { readContact } from './patch';
import { applyUpdate } from './write-update';
import { contactOutput } from './output';
import type { Contact } from './types';

const scope = { resource: 'contact', operation: 'upsert' };

export const description: INodeProperties[] = [
	...displayFor(scope, [
		...MATCH_BY_VALUE_FIELDS,
		APPEND_TAGS_FIELD,
		contactFields(
			'Contact Fields',
			'contactFields',
			contactFieldOptions,
			'Fields to set on the contact, whether it is created or updated',
		),
	]),
	optionsCollection(scope, updateOptions),
];

export function plan(this: IExecuteFunctions, itemIndex: number): ContactPlan {
	const match = readMatch(this, itemIndex, 'email');
	if (match.by === 'id') {
		throw new InputError(
			'Match By',
			'Create or Update matches by Email or Phone',
			'Set Match By to Email or Phone; to update by ID use the Update operation.',
		);
	}
	const { changes, settings } = readUpdate(this, itemIndex, 'contactFields');
	// Node version 1 (saved workflows) outputs `{ action, contact }`; from 1.1 on the contact is the
	// item, with `action` next to its fields (the API's contact has no field of that name).
	const output = (action: 'created' | 'updated' | 'found', contact: Contact): IDataObject => {
		const json = contactOutput(contact, settings.simplify);
		return this.getNode().typeVersion < 1.1 ? { action, contact: json } : { ...json, action };
	};
	let contactId: string | undefined;
	return {
		locations: matchLocations(match),
		identities: [...matchIdentities(match), ...identitiesOf(changes.fields)],
		// A create holds its email / phone until it is in; an update holds only what it changes.
		heldIdentities: () => [
			...(contactId ? [] : matchIdentities(match)),
			...identitiesOf(changes.fields),
		],
		// Earlier items (of any execution of this process) with this email / phone are done: their
		// creates show.
		target: async (services) => {
			const lookup = await lookupBeforeCreate(services, match, itemIndex);
			return (contactId = oneMatch(this, match, lookup, itemIndex));
		},
		run: async (services, lease) => {
			if (!contactId || !lease) {
				const matchField =
					match.by === 'email' ? { email: match.value } : { phone_number: match.value };
				const fields = { ...changes, fields: { ...matchField, ...changes.fields } };
				const created = await createContact(services, match.locationId, fields, itemIndex);
				return {
					json: [output('created', created)],
					verify: duplicateCheckAfter(this, services, created, match, itemIndex),
				};
			}
			if (!hasChanges(changes)) {
				const found = await readContact(services, contactId, lease, itemIndex, true);
				return { json: [output('found', found)] };
			}
			const { locationId } = match;
			const present = (contact: Contact) => [output('updated', contact)];
			const update = { contactId, lease, changes, settings, locationId, itemIndex, present };
			return await applyUpdate(this, services, update);
		},
	};
}
