import type { CountryCode } from './phone';
import { phoneCountry, readPhone } from './phone';

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

const EMAIL = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;
/** An Assistable record ID (contacts): a UUID, never a GoHighLevel ID. */
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** A location or GoHighLevel ID: about 20 letters and digits, never a slash or a space. */
export const PLAIN_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** Shows a user's value in a message without flooding it. */
export function quote(value: unknown): string {
	const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
	return JSON.stringify(text.length > 60 ? `${text.slice(0, 57)}...` : text);
}

export function isBlank(value: unknown): boolean {
	return value === undefined || value === null || (typeof value === 'string' && !value.trim());
}

export function parseLocationId(value: unknown, parameter = 'Location ID'): string {
	if (isBlank(value)) {
		throw new InputError(
			parameter,
			`${parameter} is empty`,
			'Enter the Assistable location (sub-account) ID the contacts belong to.',
		);
	}
	const id = typeof value === 'string' ? value.trim() : value;
	if (typeof id !== 'string' || !PLAIN_ID.test(id)) {
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
	throw new InputError(
		parameter,
		`${parameter} must be text, not ${quote(value)}`,
		'Map a text value.',
	);
}

/** A phone number in E.164; one written without `+` needs the Default Country option. */
export function parsePhone(
	value: unknown,
	parameter = 'Phone Number',
	defaultCountry?: CountryCode,
): string | undefined {
	const text = parseText(value, parameter);
	if (text === undefined) return undefined;
	const reading = readPhone(text, defaultCountry);
	if (reading.ok) return reading.e164;
	const hints = {
		'not-a-number':
			'Use digits, spaces, dashes, dots or parentheses only, e.g. +14155550101 (no letters or extensions).',
		'needs-country':
			'Write it with + and the country code, e.g. +14155550101, or set the Default Country option (e.g. US) for numbers written without it.',
		impossible:
			'Check the number of digits for its country, e.g. +14155550101 or +44 20 7946 0958.',
	};
	throw new InputError(
		parameter,
		`${parameter} ${quote(value)} is not a valid phone number`,
		hints[reading.reason],
	);
}

/** The Default Country option: an ISO 3166 alpha-2 code such as US; undefined when not set. */
export function parseDefaultCountry(value: unknown): CountryCode | undefined {
	const parameter = 'Default Country';
	const text = parseText(value, parameter);
	if (text === undefined) return undefined;
	const country = phoneCountry(text);
	if (!country) {
		throw new InputError(
			parameter,
			`${parameter} ${quote(value)} is not a country code`,
			'Use a two-letter ISO 3166 code, e.g. US, GB or DE.',
		);
	}
	return country;
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
