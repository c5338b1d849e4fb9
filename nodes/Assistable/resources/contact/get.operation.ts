import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { ItemPlan } from '../../shared/operation';
import { contactOutput, simplifyOption } from './output';
import { withRequestOptions } from '../../shared/request-options';
import { defaultCountryOption } from './fields';
import { matchByIdEmailOrPhone, matchFields, matchIdentities, matchLocations, readMatch, resolveMatch } from './match';
import { readContact } from './write';

export const description: INodeProperties[] = [
	matchByIdEmailOrPhone('get'),
	...matchFields('get', ['id', 'email', 'phone'], true),
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show: { resource: ['contact'], operation: ['get'] } },
		options: withRequestOptions([defaultCountryOption, simplifyOption]),
	},
];

export function plan(this: IExecuteFunctions, itemIndex: number): ItemPlan {
	const match = readMatch(this, itemIndex, 'id');
	const simplify = (this.getNodeParameter('options', itemIndex, {}) as IDataObject).simplify === true;
	let contactId: string | undefined;
	return {
		locations: matchLocations(match),
		identities: matchIdentities(match),
		target: async (services) => (contactId = await resolveMatch(this, services, match, itemIndex)),
		run: async (services, lease) => {
			if (!contactId || !lease) return { json: [] };
			const contact = structuredClone(await readContact(services, contactId, lease, itemIndex));
			return { json: [contactOutput(contact, simplify)] };
		},
	};
}
