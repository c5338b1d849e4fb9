import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { parseCustomFields } from './custom-fields';
import type { ContactChanges } from './merge';
import { withTagMode } from './merge';
import type { CountryCode } from '../../shared/phone';
import { parseDefaultCountry, parseEmail, parsePhone, parseText } from '../../shared/validation';
import { parseTags } from './validation';

/** Options entry of every operation that reads a phone number. */
export const defaultCountryOption: INodeProperties = {
	displayName: 'Default Country',
	name: 'defaultCountry',
	type: 'string',
	default: '',
	placeholder: 'e.g. US',
	description:
		'Two-letter country code (ISO 3166) for phone numbers written without + and a country code, e.g. 757-555-0199 with US. Numbers starting with + keep their own country.',
};

/** The item's Default Country option; undefined when not set. */
export function readDefaultCountry(ctx: IExecuteFunctions, itemIndex: number) {
	return parseDefaultCountry(readOptions(ctx, itemIndex).defaultCountry);
}

/** The item's Options collection. */
export function readOptions(ctx: IExecuteFunctions, itemIndex: number): IDataObject {
	return ctx.getNodeParameter('options', itemIndex, {}) as IDataObject;
}

/** Append Tags, for the operations that update a contact (Update, Create or Update). */
export const APPEND_TAGS_FIELD: INodeProperties = {
	displayName: 'Append Tags',
	name: 'appendTags',
	type: 'boolean',
	default: true,
	description:
		"Whether to keep the contact's existing tags and add these to them (reads the contact first). Off replaces the whole tag list.",
};

/** The contact fields a user can set; shared by Update, Create and Create or Update. */
export const contactFieldOptions: INodeProperties[] = [
	{
		displayName: 'Custom Fields',
		name: 'customFields',
		type: 'fixedCollection',
		placeholder: 'Add Custom Field',
		default: {},
		typeOptions: { multipleValues: true },
		description:
			'Custom data points to set. What you type is sent as text; an expression that gives a number, true/false, null, a list or an object sends that value.',
		options: [
			{
				displayName: 'Field',
				name: 'field',
				values: [
					{
						displayName: 'Key',
						name: 'key',
						type: 'string',
						default: '',
						placeholder: 'e.g. plan',
					},
					{
						displayName: 'Value',
						name: 'value',
						type: 'string',
						default: '',
						placeholder: 'e.g. pro',
					},
				],
			},
		],
	},
	{
		displayName: 'Custom Fields (JSON)',
		name: 'customFieldsJson',
		type: 'json',
		default: '{}',
		description:
			'Custom fields as one JSON object, e.g. mapped from a previous node. Each value is sent as given ("94103" stays text); keys without a value are left out. Entries under Custom Fields win on the same key.',
	},
	{
		displayName: 'Email',
		name: 'email',
		type: 'string',
		placeholder: 'e.g. name@example.com',
		default: '',
	},
	{ displayName: 'First Name', name: 'firstName', type: 'string', default: '' },
	{ displayName: 'Last Name', name: 'lastName', type: 'string', default: '' },
	{
		displayName: 'Phone Number',
		name: 'phoneNumber',
		type: 'string',
		placeholder: 'e.g. +14155550101',
		default: '',
		description:
			'Sent in E.164 (+442079460958). Write it with + and the country code, or set the Default Country option for numbers without it.',
	},
	{
		displayName: 'Remove Tags',
		name: 'removeTags',
		type: 'string',
		placeholder: 'e.g. cold-lead',
		default: '',
		description: 'Tags to take off the contact: comma-separated, or an array from an expression',
	},
	{
		displayName: 'Tags',
		name: 'tags',
		type: 'string',
		placeholder: 'e.g. vip, webinar',
		default: '',
		description:
			'Comma-separated, or a list from an expression. With Append Tags off, an empty list (e.g. {{ [] }}) removes all tags.',
	},
];

/** The collection of contact fields an operation sets (Contact Fields, or Update's Update Fields). */
export function contactFields(
	displayName: string,
	name: 'contactFields' | 'updateFields',
	options: INodeProperties[],
	description?: string,
): INodeProperties {
	return {
		displayName,
		name,
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		...(description ? { description } : {}),
		options,
	};
}

/** The item's contact fields collection, validated, as the tag mode reads it (see withTagMode). */
export function readChanges(
	ctx: IExecuteFunctions,
	itemIndex: number,
	collection: 'contactFields' | 'updateFields',
	appendTags: boolean,
): ContactChanges {
	const fields = ctx.getNodeParameter(collection, itemIndex, {}) as IDataObject;
	return withTagMode(parseContactChanges(fields, readDefaultCountry(ctx, itemIndex)), appendTags);
}

/** Validated changes from an Update Fields / Contact Fields collection. */
export function parseContactChanges(fields: IDataObject, defaultCountry?: CountryCode) {
	const changes: ContactChanges = { fields: {} };
	const firstName = parseText(fields.firstName, 'First Name');
	const lastName = parseText(fields.lastName, 'Last Name');
	const email = parseEmail(fields.email);
	const phone = parsePhone(fields.phoneNumber, 'Phone Number', defaultCountry);
	if (firstName !== undefined) changes.fields.first_name = firstName;
	if (lastName !== undefined) changes.fields.last_name = lastName;
	if (email !== undefined) changes.fields.email = email;
	if (phone !== undefined) changes.fields.phone_number = phone;
	changes.tags = parseTags(fields.tags, 'Tags');
	changes.removeTags = parseTags(fields.removeTags, 'Remove Tags');
	changes.customFields = parseCustomFields(fields.customFields, fields.customFieldsJson);
	return changes;
}

export function hasChanges(changes: ContactChanges): boolean {
	return (
		Object.keys(changes.fields).length > 0 ||
		changes.tags !== undefined ||
		changes.removeTags !== undefined ||
		changes.customFields !== undefined
	);
}
