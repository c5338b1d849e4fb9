import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { withTagMode } from './merge';
import type { ItemPlan } from '../../shared/operation';
import { contactOutput, simplifyOption } from './output';
import { withRequestOptions } from '../../shared/request-options';
import { InputError, parseLocationId } from '../../shared/validation';
import { contactFieldOptions, defaultCountryOption, hasChanges, parseContactChanges, readDefaultCountry } from './fields';
import { LOCATION_ID_FIELD } from './match';
import { changeIdentities, createContact } from './write';

const showOnlyForCreate = { show: { resource: ['contact'], operation: ['create'] } };

export const description: INodeProperties[] = [
	{ ...LOCATION_ID_FIELD, displayOptions: showOnlyForCreate },
	{
		displayName: 'Contact Fields',
		name: 'contactFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		displayOptions: showOnlyForCreate,
		options: contactFieldOptions.filter((field) => field.name !== 'removeTags'),
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: showOnlyForCreate,
		options: withRequestOptions([defaultCountryOption, simplifyOption]),
	},
];

export function plan(this: IExecuteFunctions, itemIndex: number): ItemPlan {
	const locationId = parseLocationId(this.getNodeParameter('locationId', itemIndex, ''));
	const fields = this.getNodeParameter('contactFields', itemIndex, {}) as IDataObject;
	// A new contact has no tags: an empty list adds nothing.
	const changes = withTagMode(parseContactChanges(fields, readDefaultCountry(this, itemIndex)), true);
	if (!hasChanges(changes)) {
		throw new InputError('Contact Fields', 'Nothing to create', 'Add at least an Email, a Phone Number or a name under Contact Fields.');
	}
	const simplify = (this.getNodeParameter('options', itemIndex, {}) as IDataObject).simplify === true;
	return {
		// Later lookups of this email / phone (in any execution of this process) wait for this create.
		identities: changeIdentities(changes),
		heldIdentities: () => changeIdentities(changes),
		run: async (services) => ({ json: [contactOutput(await createContact(services, locationId, changes, itemIndex), simplify)] }),
	};
}
