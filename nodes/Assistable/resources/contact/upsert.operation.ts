import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { ItemPlan } from '../../shared/operation';
import { InputError } from '../../shared/validation';
import { createContact } from './create.operation';
import { appendTagsField, contactFieldOptions, hasChanges, parseContactChanges } from './fields';
import { matchByEmailOrPhone, matchFields, matchKey, matchLocations, readMatch, resolveMatch } from './match';
import { applyUpdate, readUpdateSettings, updateOptionFields } from './update.operation';
import { upsertOutput } from './upsert.output';

const showOnlyForUpsert = { show: { resource: ['contact'], operation: ['upsert'] } };

export const description: INodeProperties[] = [
	matchByEmailOrPhone('upsert'),
	...matchFields('upsert', ['email', 'phone'], false),
	appendTagsField('upsert'),
	{
		displayName: 'Contact Fields',
		name: 'contactFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		description: 'Fields to set on the contact, whether it is created or updated',
		displayOptions: showOnlyForUpsert,
		options: contactFieldOptions,
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: showOnlyForUpsert,
		options: updateOptionFields,
	},
];

/** Output: see upsert.output.ts (the contact with `action`; `{ action, contact }` in node version 1). */
export function plan(this: IExecuteFunctions, itemIndex: number): ItemPlan {
	const match = readMatch(this, itemIndex, 'email');
	if (match.by === 'id') {
		throw new InputError('Match By', 'Create or Update matches by Email or Phone', 'Set Match By to Email or Phone; to update by ID use the Update operation.');
	}
	const appendTags = this.getNodeParameter('appendTags', itemIndex, true) as boolean;
	const changes = parseContactChanges(this.getNodeParameter('contactFields', itemIndex, {}) as IDataObject);
	const settings = readUpdateSettings(this, itemIndex, appendTags);
	let contactId: string | undefined;
	return {
		locations: matchLocations(match),
		key: async (services) => {
			contactId = await resolveMatch(this, services, match, itemIndex, false);
			return matchKey(match, contactId);
		},
		run: async (services) => {
			// An earlier item of this execution may have created the contact since the key was computed.
			const id = contactId ?? (await resolveMatch(this, services, match, itemIndex, false));
			if (!id) {
				const matchField = match.by === 'email' ? { email: match.value } : { phone_number: match.value };
				const created = await createContact(services, match.locationId, { ...changes, fields: { ...matchField, ...changes.fields } }, itemIndex);
				return [upsertOutput(this, 'created', created, settings.simplify)];
			}
			if (!hasChanges(changes)) {
				const found = services.contacts.get(id) ?? (await services.transport.getContact(id, itemIndex));
				return [upsertOutput(this, 'found', found, settings.simplify)];
			}
			const updated = await applyUpdate(this, services, id, changes, settings, itemIndex);
			await services.directory.record(match.locationId, updated);
			return [upsertOutput(this, 'updated', updated, settings.simplify)];
		},
	};
}
