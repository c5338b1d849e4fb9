import type { CountryCode } from 'libphonenumber-js/min';
import { isSupportedCountry, parsePhoneNumberFromString } from 'libphonenumber-js/min';

/**
 * The one place that reads phone numbers: libphonenumber-js (bundled into dist at build time). Used
 * for the fields sent, Match By phone, the location index, Get Many's filter and Verify Update.
 */

/** Characters people write in a phone number; anything else (letters, "ext.") is refused. */
const PHONE_CHARACTERS = /^[+\d\s\-.()/\u00a0]+$/;

export type PhoneReading =
	| { ok: true; e164: string }
	| { ok: false; reason: 'not-a-number' | 'needs-country' | 'impossible' };

/**
 * A number in E.164 (`+442079460958`) from what a person wrote (`+44 (0)20 7946 0958`,
 * `757-555-0199` with the default country US). The number must have a possible length for its
 * country; whether it is assigned is not checked (fictional 555 numbers pass).
 */
export function readPhone(text: string, defaultCountry?: CountryCode): PhoneReading {
	const trimmed = text.trim();
	if (!PHONE_CHARACTERS.test(trimmed) || !/\d/.test(trimmed))
		return { ok: false, reason: 'not-a-number' };
	if (!trimmed.startsWith('+') && !defaultCountry) return { ok: false, reason: 'needs-country' };
	const parsed = parsePhoneNumberFromString(trimmed, { defaultCountry, extract: false });
	if (!parsed || !parsed.isPossible()) return { ok: false, reason: 'impossible' };
	// A number whose E.164 form reads back as another number (e.g. zeros after the country code) is
	// not one the API could store and match reliably.
	if (parsePhoneNumberFromString(parsed.number, { extract: false })?.number !== parsed.number)
		return { ok: false, reason: 'impossible' };
	return { ok: true, e164: parsed.number };
}

/**
 * E.164 of a stored phone (the API stores E.164; formatted values are read too); undefined if
 * unreadable.
 */
export function phoneKey(phone: unknown): string | undefined {
	if (typeof phone !== 'string') return undefined;
	const reading = readPhone(phone);
	return reading.ok ? reading.e164 : undefined;
}

/** Whether two stored or sent phone values are the same number. */
export function samePhone(a: unknown, b: unknown): boolean {
	const key = phoneKey(a);
	return key !== undefined && key === phoneKey(b);
}

/** An ISO 3166-1 alpha-2 code the phone library knows, upper-cased; undefined otherwise. */
export function phoneCountry(code: string): CountryCode | undefined {
	const upper = code.trim().toUpperCase();
	return /^[A-Z]{2}$/.test(upper) && isSupportedCountry(upper) ? upper : undefined;
}

export type { CountryCode };
