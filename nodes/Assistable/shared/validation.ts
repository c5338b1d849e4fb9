import type { CustomFieldValue } from './types';

/** Bad input, found before any request: names the parameter (display name) and how to fix it. */
export class InputError extends Error {
	constructor(
		readonly parameter: string,
		message: string,
		readonly hint: string,
	) {
		super(message);
		this.name = 'InputError';
	}
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const E164 = /^\+[1-9]\d{0,14}$/;
const EMAIL = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;
/** Separators people write inside phone numbers; removed before the E.164 check. */
const PHONE_PUNCTUATION = /[\s\-.()\u00a0]/g;

/** Shows a user's value in a message without flooding it. */
export function quote(value: unknown): string {
	const text = typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
	return JSON.stringify(text.length > 60 ? `${text.slice(0, 57)}...` : text);
}

function isBlank(value: unknown): boolean {
	return value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
}

export function parseContactId(value: unknown, parameter = 'Contact ID'): string {
	if (isBlank(value)) {
		throw new InputError(
			parameter,
			`${parameter} is empty`,
			'Map the contact ID from the previous node, e.g. {{ $json.contact_id }}.',
		);
	}
	const id = typeof value === 'string' ? value.trim() : value;
	if (typeof id !== 'string' || !UUID.test(id)) {
		throw new InputError(
			parameter,
			`${parameter} ${quote(value)} is not an Assistable contact ID`,
			'Contact IDs are UUIDs such as 3f6c1e2a-9b7d-4c1e-8f2a-5d6b7c8e9f01. A location (sub-account) ID is not a contact ID.',
		);
	}
	return id.toLowerCase();
}

const LOCATION_ID = /^[A-Za-z0-9_-]{1,64}$/;

export function parseLocationId(value: unknown, parameter = 'Location ID'): string {
	if (isBlank(value)) {
		throw new InputError(
			parameter,
			`${parameter} is empty`,
			'Enter the Assistable location (sub-account) ID the contacts belong to.',
		);
	}
	const id = typeof value === 'string' ? value.trim() : value;
	if (typeof id !== 'string' || !LOCATION_ID.test(id)) {
		throw new InputError(
			parameter,
			`${parameter} ${quote(value)} is not a location ID`,
			'Location (sub-account) IDs are letters and digits, such as Qm7vTzR2kLp9XwN4bHs8. A contact ID or a URL does not belong here.',
		);
	}
	return id;
}

/** Trims a text field; undefined when not set. */
export function parseText(value: unknown, parameter: string): string | undefined {
	if (isBlank(value)) return undefined;
	if (typeof value === 'string') return value.trim();
	if (typeof value === 'number' || typeof value === 'boolean') return String(value);
	throw new InputError(parameter, `${parameter} must be text, not ${quote(value)}`, 'Map a text value.');
}

/** E.164 (`+` and 1 to 15 digits). Spaces, dashes, dots and parentheses around a `+` number are removed. */
export function parsePhone(value: unknown, parameter = 'Phone Number'): string | undefined {
	const text = parseText(value, parameter);
	if (text === undefined) return undefined;
	const compact = compactPhone(text);
	if (!E164.test(compact)) {
		throw new InputError(
			parameter,
			`${parameter} ${quote(value)} is not in E.164 format`,
			'Write it as + and the country code, then the number, up to 15 digits, e.g. +14155550101.',
		);
	}
	return compact;
}

/** A phone number without the separators people write inside it. */
export function compactPhone(phone: string): string {
	return phone.replace(PHONE_PUNCTUATION, '');
}

export function parseEmail(value: unknown, parameter = 'Email'): string | undefined {
	const text = parseText(value, parameter);
	if (text === undefined) return undefined;
	if (!EMAIL.test(text)) {
		throw new InputError(
			parameter,
			`${parameter} ${quote(value)} is not a valid email address`,
			'Use an address like name@example.com.',
		);
	}
	return text;
}

/** A comma-separated string or an array of strings: trimmed, empties dropped, de-duplicated in order. */
export function parseTags(value: unknown, parameter = 'Tags'): string[] | undefined {
	if (value === undefined || value === null) return undefined;
	let parts: string[];
	if (typeof value === 'string') {
		parts = value.split(',');
	} else if (Array.isArray(value) && value.every((tag) => typeof tag === 'string')) {
		parts = value as string[];
	} else {
		throw new InputError(
			parameter,
			`${parameter} must be a comma-separated text or a list of texts, not ${quote(value)}`,
			'Write tags like "vip, webinar", or map an array of strings, e.g. {{ ["vip", "webinar"] }}.',
		);
	}
	const tags = uniqueTags(parts.map((tag) => tag.trim()).filter((tag) => tag !== ''));
	return tags.length ? tags : undefined;
}

export function uniqueTags(tags: string[]): string[] {
	return [...new Set(tags)];
}

/** A value as the API should get it: JSON numbers, booleans and null as such, anything else as text. */
export function customFieldValue(value: unknown): CustomFieldValue {
	if (value === null || typeof value === 'number' || typeof value === 'boolean') return value;
	if (typeof value === 'string') {
		const trimmed = value.trim();
		if (/^(-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?|true|false|null)$/.test(trimmed)) {
			const parsed = JSON.parse(trimmed) as CustomFieldValue;
			// Integers a JavaScript number cannot hold exactly (long IDs) stay text.
			const exact = typeof parsed !== 'number' || !/^-?\d+$/.test(trimmed) || Number.isSafeInteger(parsed);
			if (exact) return parsed;
		}
		return value;
	}
	if (value === undefined) return '';
	return JSON.stringify(value);
}

const INVALID_JSON = Symbol('invalid JSON');

function parseJson(text: string): unknown {
	try {
		return JSON.parse(text);
	} catch {
		return INVALID_JSON;
	}
}

interface CustomFieldEntry {
	key?: unknown;
	value?: unknown;
}

/**
 * Custom fields from the UI list (`{ field: [{ key, value }] }`) and/or a JSON object
 * (an object, or JSON text, from an expression). Later entries win.
 */
export function parseCustomFields(
	list: unknown,
	json: unknown,
	parameter = 'Custom Fields',
): Record<string, CustomFieldValue> | undefined {
	const result: Record<string, CustomFieldValue> = {};
	let seen = false;
	if (!isBlank(json)) {
		const object = typeof json === 'string' ? parseJson(json) : json;
		if (object === INVALID_JSON) {
			throw new InputError(
				`${parameter} (JSON)`,
				`${parameter} (JSON) is not valid JSON`,
				'Enter a JSON object like {"plan": "pro", "seats": 3}, or map one with an expression.',
			);
		}
		if (typeof object !== 'object' || object === null || Array.isArray(object)) {
			throw new InputError(
				`${parameter} (JSON)`,
				`${parameter} (JSON) must be an object of key/value pairs, not ${quote(object)}`,
				'Enter a JSON object like {"plan": "pro", "seats": 3}.',
			);
		}
		for (const [key, value] of Object.entries(object)) {
			addField(result, key, value, parameter, key);
			seen = true;
		}
	}
	const entries = (list as { field?: CustomFieldEntry[] } | undefined)?.field ?? [];
	entries.forEach((entry, index) => {
		addField(result, entry.key, entry.value, parameter, `#${index + 1}`);
		seen = true;
	});
	return seen ? result : undefined;
}

function addField(
	target: Record<string, CustomFieldValue>,
	key: unknown,
	value: unknown,
	parameter: string,
	label: string,
): void {
	const name = typeof key === 'string' ? key.trim() : typeof key === 'number' ? String(key) : '';
	if (name === '') {
		throw new InputError(
			parameter,
			`Custom field ${label} has an empty key`,
			`Fill in the Key of custom field ${label}, or remove that field.`,
		);
	}
	const typed = customFieldValue(value);
	if (typeof typed === 'number' && !Number.isFinite(typed)) {
		throw new InputError(
			parameter,
			`Custom field ${quote(name)} is ${typed}, which cannot be sent`,
			'Map a finite number, or text.',
		);
	}
	// defineProperty: a key such as "__proto__" stays a key instead of changing the object's prototype.
	Object.defineProperty(target, name, { value: typed, enumerable: true, writable: true, configurable: true });
}
