import type { IDataObject, INodeProperties } from 'n8n-workflow';

import type { ContactChanges } from '../../shared/merge';
import { parseCustomFields, parseEmail, parsePhone, parseTags, parseText } from '../../shared/validation';

/** Append Tags, for the operations that update a contact (Update, Create or Update). */
export function appendTagsField(operation: string): INodeProperties {
	return {
		displayName: 'Append Tags',
		name: 'appendTags',
		type: 'boolean',
		default: true,
		description:
			"Whether to keep the contact's existing tags and add these to them (reads the contact first). Off replaces the whole tag list.",
		displayOptions: { show: { resource: ['contact'], operation: [operation] } },
	};
}

/** The contact fields a user can set; shared by Update, Create and Create or Update. */
export const contactFieldOptions: INodeProperties[] = [
	{
		displayName: 'Custom Fields',
		name: 'customFields',
		type: 'fixedCollection',
		placeholder: 'Add Custom Field',
		default: {},
		typeOptions: { multipleValues: true },
		description: 'Custom data points to set. Numbers, true/false and null are sent as such, anything else as text.',
		options: [
			{
				displayName: 'Field',
				name: 'field',
				values: [
					{ displayName: 'Key', name: 'key', type: 'string', default: '', placeholder: 'e.g. plan' },
					{ displayName: 'Value', name: 'value', type: 'string', default: '', placeholder: 'e.g. pro' },
				],
			},
		],
	},
	{
		displayName: 'Custom Fields (JSON)',
		name: 'customFieldsJson',
		type: 'json',
		default: '{}',
		description: 'Custom fields as one JSON object, e.g. mapped from a previous node. Entries under Custom Fields win on the same key.',
	},
	{
		displayName: 'Email',
		name: 'email',
		type: 'string',
		placeholder: 'e.g. name@example.com',
		default: '',
	},
	{
		displayName: 'First Name',
		name: 'firstName',
		type: 'string',
		default: '',
	},
	{
		displayName: 'Last Name',
		name: 'lastName',
		type: 'string',
		default: '',
	},
	{
		displayName: 'Phone Number',
		name: 'phoneNumber',
		type: 'string',
		placeholder: 'e.g. +14155550101',
		default: '',
		description: 'In E.164 format: + and the country code. Spaces, dashes, dots and parentheses are removed.',
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
		description: 'Comma-separated, or an array from an expression. See Append Tags for how they combine with existing tags.',
	},
];

/** Validated changes from an Update Fields / Contact Fields collection. */
export function parseContactChanges(fields: IDataObject): ContactChanges {
	const changes: ContactChanges = { fields: {} };
	const firstName = parseText(fields.firstName, 'First Name');
	const lastName = parseText(fields.lastName, 'Last Name');
	const email = parseEmail(fields.email);
	const phone = parsePhone(fields.phoneNumber);
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
