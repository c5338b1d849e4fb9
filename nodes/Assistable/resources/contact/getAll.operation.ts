import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { emailKey, phoneKey } from '../../shared/directory';
import type { ItemPlan } from '../../shared/operation';
import { contactOutput, simplifyOption } from '../../shared/output';
import { withRequestOptions } from '../../shared/request-options';
import type { Contact } from '../../shared/types';
import { InputError, parseEmail, parseLocationId, parsePhone, parseTags, quote } from '../../shared/validation';
import { LOCATION_ID_FIELD } from './match';

const showOnlyForGetAll = { show: { resource: ['contact'], operation: ['getAll'] } };

export const description: INodeProperties[] = [
	{ ...LOCATION_ID_FIELD, displayOptions: showOnlyForGetAll },
	{
		displayName: 'Return All',
		name: 'returnAll',
		type: 'boolean',
		default: false,
		description: 'Whether to return all results or only up to a given limit',
		displayOptions: showOnlyForGetAll,
	},
	{
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 50,
		description: 'Max number of results to return',
		displayOptions: { show: { ...showOnlyForGetAll.show, returnAll: [false] } },
	},
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		displayOptions: showOnlyForGetAll,
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
				description: 'Only the contact with this phone number (E.164)',
			},
			{
				displayName: 'Updated Since',
				name: 'updatedSince',
				type: 'dateTime',
				default: '',
				description: 'Only contacts updated at or after this time',
			},
		],
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: showOnlyForGetAll,
		options: withRequestOptions([simplifyOption]),
	},
];

/** A contact filter built from validated parameters. */
function buildFilter(filters: IDataObject): (contact: Contact) => boolean {
	const email = emailKey(parseEmail(filters.email));
	const phone = parsePhone(filters.phone, 'Phone');
	const tags = parseTags(filters.tags, 'Has Tags') ?? [];
	let since: number | undefined;
	if (filters.updatedSince !== undefined && filters.updatedSince !== '') {
		since = Date.parse(String(filters.updatedSince));
		if (Number.isNaN(since)) {
			throw new InputError('Updated Since', `Updated Since ${quote(filters.updatedSince)} is not a date`, 'Pick a date, or map an ISO 8601 date such as 2025-12-01T00:00:00Z.');
		}
	}
	return (contact) =>
		(email === undefined || emailKey(contact.email) === email) &&
		(phone === undefined || phoneKey(contact.phone_number) === phone) &&
		tags.every((tag) => contact.tags?.includes(tag)) &&
		(since === undefined || Date.parse(String(contact.updated_at)) >= since);
}

export function plan(this: IExecuteFunctions, itemIndex: number): ItemPlan {
	const locationId = parseLocationId(this.getNodeParameter('locationId', itemIndex, ''));
	const returnAll = this.getNodeParameter('returnAll', itemIndex, false) as boolean;
	const limit = returnAll ? Infinity : Math.max(1, this.getNodeParameter('limit', itemIndex, 50) as number);
	const matches = buildFilter(this.getNodeParameter('filters', itemIndex, {}) as IDataObject);
	const simplify = (this.getNodeParameter('options', itemIndex, {}) as IDataObject).simplify === true;
	return {
		locations: [locationId],
		key: async () => `list#${itemIndex}`,
		run: async ({ directory }) => {
			const result: IDataObject[] = [];
			for (const contact of await directory.contacts(locationId, itemIndex)) {
				if (result.length >= limit) break;
				// A copy per output item: items of one list must not share objects.
				if (matches(contact)) result.push(contactOutput(structuredClone(contact), simplify));
			}
			return result;
		},
	};
}
