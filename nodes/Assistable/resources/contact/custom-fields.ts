import { parseExactJson } from '../../shared/exact-json';
import type { CustomFieldValue } from './types';
import { InputError, quote } from '../../shared/validation';

const PARAMETER = 'Custom Fields';

/**
 * A custom field's value exactly as given: text stays text (`"94103"`, `"true"`); lists and objects
 * as JSON values; undefined when there is nothing to send (the key is omitted).
 */
export function customFieldValue(value: unknown, key: string): CustomFieldValue | undefined {
	const refuse = (what: string, hint: string): never => {
		throw new InputError(PARAMETER, `Custom field ${quote(key)} ${what}`, hint);
	};
	if (value === undefined) return undefined;
	if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
	if (typeof value === 'number') {
		return Number.isFinite(value)
			? value
			: refuse(`is ${value}, which cannot be sent`, 'Map a finite number, or text.');
	}
	if (typeof value === 'bigint') return value.toString();
	if (typeof value !== 'object')
		return refuse(
			`is a ${typeof value}, which cannot be sent`,
			'Map text, a number, true/false or null.',
		);
	// Dates (JavaScript or Luxon, e.g. {{ $now }}) are sent as their ISO text, as JSON would.
	const toJSON = (value as { toJSON?: unknown }).toJSON;
	if (typeof toJSON === 'function') return customFieldValue(toJSON.call(value), key);
	if (Array.isArray(value)) {
		return value.map((entry, index) => {
			const item = customFieldValue(entry, key);
			return item === undefined
				? refuse(
						`has no value at position ${index + 1} of its list`,
						'Remove the empty entry, or map null.',
					)
				: item;
		});
	}
	const object: Record<string, CustomFieldValue> = {};
	for (const [name, entry] of Object.entries(value)) {
		const item = customFieldValue(entry, key);
		if (item !== undefined) setKey(object, name, item);
	}
	return object;
}

/** defineProperty: a key such as "__proto__" stays a key instead of changing the prototype. */
function setKey(target: Record<string, CustomFieldValue>, key: string, value: CustomFieldValue) {
	Object.defineProperty(target, key, {
		value,
		enumerable: true,
		writable: true,
		configurable: true,
	});
}

/**
 * Custom fields from the UI list (`{ field: [{ key, value }] }`) and/or a JSON object (text, or an
 * object from an expression); the list wins on the same key. Undefined when nothing is set.
 */
export function parseCustomFields(
	list: unknown,
	json: unknown,
): Record<string, CustomFieldValue> | undefined {
	const result: Record<string, CustomFieldValue> = {};
	let seen = false;
	const add = (key: unknown, value: unknown, label: string) => {
		const name = typeof key === 'string' ? key.trim() : typeof key === 'number' ? String(key) : '';
		if (name === '') {
			throw new InputError(
				PARAMETER,
				`Custom field ${label} has an empty key`,
				`Fill in the Key of custom field ${label}, or remove that field.`,
			);
		}
		const typed = customFieldValue(value, name);
		if (typed === undefined) return;
		setKey(result, name, typed);
		seen = true;
	};
	const isBlankText = typeof json === 'string' && json.trim() === '';
	if (json !== undefined && json !== null && !isBlankText) {
		let object: unknown = json;
		let valid = true;
		try {
			if (typeof json === 'string') object = parseExactJson(json);
		} catch {
			valid = false;
		}
		if (!valid) {
			throw new InputError(
				`${PARAMETER} (JSON)`,
				`${PARAMETER} (JSON) is not valid JSON`,
				'Enter a JSON object like {"plan": "pro", "seats": 3}, or map one with an expression.',
			);
		}
		if (typeof object !== 'object' || object === null || Array.isArray(object)) {
			throw new InputError(
				`${PARAMETER} (JSON)`,
				`${PARAMETER} (JSON) must be an object of key/value pairs, not ${quote(object)}`,
				'Enter a JSON object like {"plan": "pro", "seats": 3}.',
			);
		}
		for (const [key, value] of Object.entries(object)) add(key, value, quote(key));
	}
	const entries = (list as { field?: Array<{ key?: unknown; value?: unknown }> })?.field ?? [];
	entries.forEach((entry, index) => add(entry.key, entry.value, `#${index + 1}`));
	return seen ? result : undefined;
}
