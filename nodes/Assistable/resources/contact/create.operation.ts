import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { ContactPlan } from './services';
import { displayFor, optionsCollection, simplifyOption } from '../../shared/descriptions';
import { contactOutput } from './output';
import { InputError, parseLocationId } from '../../shared/validation';
import {
	contactFieldOptions,
	contactFields,
	defaultCountryOption,
	hasChanges,
	readChanges,
	readOptions,
} from './fields';
import { LOCATION_ID_FIELD } from './match';
import { identitiesOf } from './identity';
import { createContact } from './write-create';

const scope = { resource: 'contact', operation: 'create' };

export const description: INodeProperties[] = [
	...displayFor(scope, [
		LOCATION_ID_FIELD,
		contactFields(
			'Contact Fields',
			'contactFields',
			contactFieldOptions.filter((field) => field.name !== 'removeTags'),
		),
	]),
	optionsCollection(scope, [defaultCountryOption, simplifyOption]),
];

export function plan(this: IExecuteFunctions, itemIndex: number): ContactPlan {
	const locationId = parseLocationId(this.getNodeParameter('locationId', itemIndex, ''));
	// A new contact has no tags: an empty list adds nothing.
	const changes = readChanges(this, itemIndex, 'contactFields', true);
	if (!hasChanges(changes)) {
		throw new InputError(
			'Contact Fields',
			'Nothing to create',
			'Add at least an Email, a Phone Number or a name under Contact Fields.',
		);
	}
	const simplify = readOptions(this, itemIndex).simplify === true;
	return {
		// Later lookups of this email / phone (in any execution of this process) wait for this create.
		identities: identitiesOf(changes.fields),
		heldIdentities: () => identitiesOf(changes.fields),
		run: async (services) => ({
			json: [
				contactOutput(await createContact(services, locationId, changes, itemIndex), simplify),
			],
		}),
	};
}
