import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { displayFor, optionsCollection } from '../../shared/descriptions';
import type { ContactPlan } from './services';
import { contactOutput } from './output';
import { InputError } from '../../shared/validation';
import { APPEND_TAGS_FIELD, contactFieldOptions, contactFields, hasChanges } from './fields';
import {
	MATCH_ANY_FIELDS,
	matchIdentities,
	matchLocations,
	readMatch,
	resolveMatch,
} from './match';
import { readUpdate, updateOptions } from './update-options';
import { identitiesOf } from './identity';
import { applyUpdate } from './write-update';
import type { Contact } from './types';

const scope = { resource: 'contact', operation: 'update' };

export const description: INodeProperties[] = [
	...displayFor(scope, [
		...MATCH_ANY_FIELDS,
		APPEND_TAGS_FIELD,
		contactFields('Update Fields', 'updateFields', contactFieldOptions),
	]),
	optionsCollection(scope, updateOptions),
];

export function plan(this: IExecuteFunctions, itemIndex: number): ContactPlan {
	const match = readMatch(this, itemIndex, 'id');
	const { changes, settings } = readUpdate(this, itemIndex, 'updateFields');
	if (!hasChanges(changes)) {
		throw new InputError(
			'Update Fields',
			'Nothing to update',
			'Add at least one field under Update Fields, or check that the mapped values are not empty.',
		);
	}
	let contactId: string | undefined;
	return {
		locations: matchLocations(match),
		identities: [...matchIdentities(match), ...identitiesOf(changes.fields)],
		heldIdentities: () => identitiesOf(changes.fields),
		target: async (services) => (contactId = await resolveMatch(this, services, match, itemIndex)),
		run: async (services, lease) => {
			// No lease: no contact matched and the item is skipped.
			if (!contactId || !lease) return { json: [] };
			const locationId = match.by === 'id' ? undefined : match.locationId;
			const present = (contact: Contact) => [contactOutput(contact, settings.simplify)];
			const update = { contactId, lease, changes, settings, locationId, itemIndex, present };
			return await applyUpdate(this, services, update);
		},
	};
}
