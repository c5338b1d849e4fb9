import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { ItemPlan } from '../../shared/operation';
import { contactOutput } from '../../shared/output';
import { requestOptionFields } from '../../shared/request-options';
import { matchByOptions, matchFields, matchKey, matchLocations, readMatch, resolveMatch } from './match';

export const description: INodeProperties[] = [
	{
		displayName: 'Match By',
		name: 'matchBy',
		type: 'options',
		options: matchByOptions(['id', 'email', 'phone']),
		default: 'id',
		description: 'How to find the contact',
		displayOptions: { show: { resource: ['contact'], operation: ['get'] } },
	},
	...matchFields('get', ['id', 'email', 'phone'], true),
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show: { resource: ['contact'], operation: ['get'] } },
		options: [
			{
				displayName: 'Simplify',
				name: 'simplify',
				type: 'boolean',
				default: false,
				description: 'Whether to return a simplified version of the response instead of the raw data',
			},
			...requestOptionFields,
		],
	},
];

export function plan(this: IExecuteFunctions, itemIndex: number): ItemPlan {
	const match = readMatch(this, itemIndex, 'id');
	const simplify = (this.getNodeParameter('options', itemIndex, {}) as IDataObject).simplify === true;
	let contactId: string | undefined;
	return {
		locations: matchLocations(match),
		key: async (services) => {
			contactId = await resolveMatch(this, services, match, itemIndex);
			return matchKey(match, contactId) + (contactId ? '' : `#${itemIndex}`);
		},
		run: async ({ transport, contacts }) => {
			if (!contactId) return [];
			const contact = contacts.get(contactId) ?? (await transport.getContact(contactId, itemIndex));
			return [contactOutput(contact, simplify)];
		},
	};
}
