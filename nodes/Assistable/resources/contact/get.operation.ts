import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { ContactPlan } from './services';
import { displayFor, optionsCollection, simplifyOption } from '../../shared/descriptions';
import { contactOutput } from './output';
import { defaultCountryOption } from './fields';
import {
	MATCH_BY_ID_EMAIL_OR_PHONE,
	matchFields,
	matchIdentities,
	matchLocations,
	readMatch,
	resolveMatch,
} from './match';
import type { Resolved } from './match';
import { adoptRead, readContact } from './write';

const scope = { resource: 'contact', operation: 'get' };

export const description: INodeProperties[] = [
	...displayFor(scope, [
		MATCH_BY_ID_EMAIL_OR_PHONE,
		...matchFields(['id', 'email', 'phone'], true),
	]),
	optionsCollection(scope, [defaultCountryOption, simplifyOption]),
];

export function plan(this: IExecuteFunctions, itemIndex: number): ContactPlan {
	const match = readMatch(this, itemIndex, 'id');
	const simplify =
		(this.getNodeParameter('options', itemIndex, {}) as IDataObject).simplify === true;
	let resolved: Resolved | undefined;
	return {
		locations: matchLocations(match),
		identities: matchIdentities(match),
		target: async (services) => {
			resolved = await resolveMatch(this, services, match, itemIndex);
			return resolved?.contactId;
		},
		run: async (services, lease) => {
			if (!resolved || !lease) return { json: [] };
			const { contactId, read } = resolved;
			// The GET that confirmed a match by email / phone is the answer, when nothing was written since.
			const reuse = adoptRead(services, contactId, lease, read);
			const contact = structuredClone(
				await readContact(services, contactId, lease, itemIndex, reuse),
			);
			return { json: [contactOutput(contact, simplify)] };
		},
	};
}
