import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { ContactChanges } from '../../shared/merge';
import { buildContactWrite } from '../../shared/merge';
import type { ExecutionServices, ItemPlan } from '../../shared/operation';
import { contactOutput, simplifyOption } from '../../shared/output';
import { withRequestOptions } from '../../shared/request-options';
import type { Contact } from '../../shared/types';
import { InputError, parseLocationId } from '../../shared/validation';
import { contactFieldOptions, hasChanges, parseContactChanges } from './fields';
import { LOCATION_ID_FIELD } from './match';

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
		options: withRequestOptions([simplifyOption]),
	},
];

/** POST create-contact; the new contact is added to this execution's lookups of its location. */
export async function createContact(
	services: ExecutionServices,
	locationId: string,
	changes: ContactChanges,
	itemIndex: number,
): Promise<Contact> {
	const write = buildContactWrite({ ...changes, removeTags: undefined }, { appendTags: false, keepCustomFields: false }, undefined);
	const contact = await services.transport.createContact(locationId, write, itemIndex);
	services.contacts.set(contact);
	await services.directory.record(locationId, contact);
	return contact;
}

export function plan(this: IExecuteFunctions, itemIndex: number): ItemPlan {
	const locationId = parseLocationId(this.getNodeParameter('locationId', itemIndex, ''));
	const changes = parseContactChanges(this.getNodeParameter('contactFields', itemIndex, {}) as IDataObject);
	if (!hasChanges(changes)) {
		throw new InputError('Contact Fields', 'Nothing to create', 'Add at least an Email, a Phone Number or a name under Contact Fields.');
	}
	const simplify = (this.getNodeParameter('options', itemIndex, {}) as IDataObject).simplify === true;
	return {
		key: async () => `create#${itemIndex}`,
		run: async (services) => [contactOutput(await createContact(services, locationId, changes, itemIndex), simplify)],
	};
}
