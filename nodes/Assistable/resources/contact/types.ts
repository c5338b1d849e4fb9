/** The contact object every v2 contact endpoint returns. */
export interface Contact {
	id: string;
	location_id?: string;
	first_name?: string | null;
	last_name?: string | null;
	phone_number?: string | null;
	email?: string | null;
	tags?: string[];
	custom_fields?: Record<string, unknown>;
	/** Also workspace_id, meta, attribution, integration, dnd, created_at, updated_at. */
	[key: string]: unknown;
}

/** The writable fields, as the API names them. */
export interface ContactWrite {
	first_name?: string;
	last_name?: string;
	phone_number?: string;
	email?: string;
	tags?: string[];
	custom_fields?: Record<string, CustomFieldValue>;
}

/** A custom field's value: any JSON value (text, number, boolean, null, list, object). */
export type CustomFieldValue =
	string | number | boolean | null | CustomFieldValue[] | { [key: string]: CustomFieldValue };
