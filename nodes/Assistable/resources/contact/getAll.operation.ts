import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { emailKey } from './identity';
import type { ContactPlan } from './services';
import { displayFor, optionsCollection, simplifyOption } from '../../shared/descriptions';
import { contactOutput } from './output';
import type { Contact } from './types';
import { phoneKey } from '../../shared/phone';
import { parseEmail, parseLocationId, parsePhone } from '../../shared/validation';
import { parseTags, parseUpdatedSince } from './validation';
import { defaultCountryOption, readDefaultCountry, readOptions } from './fields';
import { LOCATION_ID_FIELD } from './match';
import { isObject } from '../../shared/success';

const scope = { resource: 'contact', operation: 'getAll' };

export const description: INodeProperties[] = [
	...displayFor(scope, [
		LOCATION_ID_FIELD,
		{
			displayName: 'Return All',
			name: 'returnAll',
			type: 'boolean',
			default: false,
			description: 'Whether to return all results or only up to a given limit',
		},
		{
			displayName: 'Limit',
			name: 'limit',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 50,
			description: 'Max number of results to return',
			displayOptions: { show: { returnAll: [false] } },
		},
		{
			displayName: 'Filters',
			name: 'filters',
			type: 'collection',
			placeholder: 'Add Filter',
			default: {},
			options: [
				{
					displayName: 'Email',
					name: 'email',
					type: 'string',
					placeholder: 'e.g. name@example.com',
					default: '',
					description: 'Only the contact with this email (case-insensitive)',
				},
				{
					displayName: 'Has Tags',
					name: 'tags',
					type: 'string',
					placeholder: 'e.g. vip, webinar',
					default: '',
					description: 'Only contacts that have all of these tags (comma-separated)',
				},
				{
					displayName: 'Phone',
					name: 'phone',
					type: 'string',
					placeholder: 'e.g. +14155550101',
					default: '',
					description:
						'Only contacts with this phone number, compared in E.164 (see the Default Country option)',
				},
				{
					displayName: 'Updated Since',
					name: 'updatedSince',
					type: 'dateTime',
					default: '',
					description:
						"Only contacts updated at or after this time, read in the workflow's time zone unless it has an offset (e.g. 2025-12-01T00:00:00Z)",
				},
			],
		},
	]),
	optionsCollection(scope, [defaultCountryOption, simplifyOption]),
];

export function plan(this: IExecuteFunctions, itemIndex: number): ContactPlan {
	const locationId = parseLocationId(this.getNodeParameter('locationId', itemIndex, ''));
	const returnAll = this.getNodeParameter('returnAll', itemIndex, false) as boolean;
	const limit = returnAll
		? Infinity
		: Math.max(1, this.getNodeParameter('limit', itemIndex, 50) as number);
	const filters = this.getNodeParameter('filters', itemIndex, {}) as IDataObject;
	const defaultCountry = readDefaultCountry(this, itemIndex);
	const email = emailKey(parseEmail(filters.email));
	const phone = parsePhone(filters.phone, 'Phone', defaultCountry);
	const tags = parseTags(filters.tags, 'Has Tags') ?? [];
	const since = parseUpdatedSince(filters.updatedSince, this.getTimezone());
	// Entries of any shape are tested without failing.
	const matches = (entry: Record<string, unknown>) =>
		(email === undefined || emailKey(entry.email) === email) &&
		(phone === undefined || phoneKey(entry.phone_number) === phone) &&
		tags.every((tag) => Array.isArray(entry.tags) && (entry.tags as unknown[]).includes(tag)) &&
		(since === undefined || Date.parse(String(entry.updated_at)) >= since);
	const simplify = readOptions(this, itemIndex).simplify === true;
	return {
		// No lookup index: the list itself is requested (once per location per execution) when run.
		run: async ({ directory }) => {
			const result: IDataObject[] = [];
			for (const entry of await directory.contacts(locationId, itemIndex)) {
				if (result.length >= limit) break;
				// Every object of the list is output, whatever its shape; only non-objects cannot be items.
				if (!isObject(entry) || !matches(entry)) continue;
				result.push(contactOutput(entry as Contact, simplify));
			}
			return { json: result };
		},
	};
}
