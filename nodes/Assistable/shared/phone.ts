/** The one place that reads phone numbers: libphonenumber-js, bundled into dist at build time. */
import type { CountryCode } from 'libphonenumber-js/min';
import { isSupportedCountry, parsePhoneNumberFromString } from 'libphonenumber-js/min';

/** Characters people write in a phone number; anything else (letters, "ext.") is refused. */
const PHONE_CHARACTERS = /^[+\d\s\-.()/\u00a0]+$/;

export type PhoneReading =
	| { ok: true; e164: string }
	| { ok: false; reason: 'not-a-number' | 'needs-country' | 'impossible' };

/**
 * E.164 from what a person wrote (`757-555-0199` needs a default country). The length must be
 * possible for the country; whether the number is assigned is not checked.
 */
export function readPhone(text: string, defaultCountry?: CountryCode): PhoneReading {
	const trimmed = text.trim();
	if (!PHONE_CHARACTERS.test(trimmed) || !/\d/.test(trimmed))
		return { ok: false, reason: 'not-a-number' };
	if (!trimmed.startsWith('+') && !defaultCountry) return { ok: false, reason: 'needs-country' };
	const parsed = parsePhoneNumberFromString(trimmed, { defaultCountry, extract: false });
	if (!parsed || !parsed.isPossible()) return { ok: false, reason: 'impossible' };
	// An E.164 form that reads back as another number (e.g. zeros after the country code) could not
	// be stored and matched reliably.
	if (parsePhoneNumberFromString(parsed.number, { extract: false })?.number !== parsed.number)
		return { ok: false, reason: 'impossible' };
	return { ok: true, e164: parsed.number };
}

/** E.164 of a stored phone (formatted values are read too); undefined if unreadable. */
export function phoneKey(phone: unknown): string | undefined {
	if (typeof phone !== 'string') return undefined;
	const reading = readPhone(phone);
	return reading.ok ? reading.e164 : undefined;
}

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
