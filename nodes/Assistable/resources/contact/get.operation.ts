import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { ItemPlan } from '../../shared/operation';
import { contactOutput, simplifyOption } from '../../shared/output';
import { withRequestOptions } from '../../shared/request-options';
import { contactTarget, matchByIdEmailOrPhone, matchFields, readMatch } from './match';

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
		options: withRequestOptions([simplifyOption]),
	},
];

export function plan(this: IExecuteFunctions, itemIndex: number): ItemPlan {
	const match = readMatch(this, itemIndex, 'id');
	const simplify = (this.getNodeParameter('options', itemIndex, {}) as IDataObject).simplify === true;
	const target = contactTarget(this, match, itemIndex);
	return {
		locations: target.locations,
		key: target.key,
		run: async ({ transport, contacts }) => {
			const contactId = target.contactId();
			if (!contactId) return [];
			const contact = contacts.get(contactId) ?? (await transport.getContact(contactId, itemIndex));
			return [contactOutput(contact, simplify)];
		},
	};
}
