import type { IDataObject } from 'n8n-workflow';

import type { Contact } from './types';

const SIMPLE_FIELDS = [
	'id',
	'first_name',
	'last_name',
	'email',
	'phone_number',
	'tags',
	'custom_fields',
	'location_id',
	'created_at',
	'updated_at',
] as const;

/** The contact, or its 10 most useful fields; a copy, so items never share objects with state. */
export function contactOutput(contact: Contact, simplify: boolean): IDataObject {
	if (!simplify) return structuredClone(contact) as IDataObject;
	const result: IDataObject = {};
	for (const field of SIMPLE_FIELDS) {
		if (field in contact)
			result[field] = structuredClone(contact[field]) as IDataObject[keyof IDataObject];
	}
	return result;
}
