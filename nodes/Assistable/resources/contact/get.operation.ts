import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { ContactPlan } from './services';
import { displayFor, optionsCollection, simplifyOption } from '../../shared/descriptions';
import { contactOutput } from './output';
import { defaultCountryOption, readOptions } from './fields';
import {
	MATCH_ANY_FIELDS,
	matchIdentities,
	matchLocations,
	readMatch,
	resolveMatch,
} from './match';
import { readContact } from './patch';

const scope = { resource: 'contact', operation: 'get' };

export const description: INodeProperties[] = [
	...displayFor(scope, [...MATCH_ANY_FIELDS]),
	optionsCollection(scope, [defaultCountryOption, simplifyOption]),
];

export function plan(this: IExecuteFunctions, itemIndex: number): ContactPlan {
	const match = readMatch(this, itemIndex, 'id');
	const simplify = readOptions(this, itemIndex).simplify === true;
	let contactId: string | undefined;
	return {
		locations: matchLocations(match),
		identities: matchIdentities(match),
		target: async (services) => (contactId = await resolveMatch(this, services, match, itemIndex)),
		run: async (services, lease) => {
			if (!contactId || !lease) return { json: [] };
			const contact = await readContact(services, contactId, lease, itemIndex);
			return { json: [contactOutput(contact, simplify)] };
		},
	};
}
