/**
 * Property-based tests (fast-check), validation: custom field text, phone normalisation, values the user did
 * not give, and parseContactId, over thousands of generated inputs.
 */

import fc from 'fast-check';
import type { IDataObject } from 'n8n-workflow';

import { parseContactChanges } from '../../../nodes/Assistable/resources/contact/fields';
import type { MergeOptions } from '../../../nodes/Assistable/resources/contact/merge';
import { buildContactWrite } from '../../../nodes/Assistable/resources/contact/merge';
import { parsePhoneNumberFromString } from 'libphonenumber-js/min';

import { parseCustomFields } from '../../../nodes/Assistable/resources/contact/custom-fields';
import { phoneCountry, readPhone } from '../../../nodes/Assistable/shared/phone';
import { parseContactId } from '../../../nodes/Assistable/resources/contact/validation';
import { E164, UUID_LOWER, count, writeCountsAfterAll, validated } from './support';
import {
	phoneParameter,
	contactFields,
	existingContact,
	mergeOptions,
	givenFieldValues,
} from './parameters';
writeCountsAfterAll('validation-fields');

describe('validation and merging (generated parameters)', () => {
	it('custom field text round-trips as text, from the list and from JSON text', () => {
		const numericLooking = fc.constantFrom(
			'94103',
			'02134',
			'1.10',
			'1e3',
			'-0',
			'true',
			'false',
			'null',
			'12345678901234567890',
			' 42 ',
			'0x1F',
			'NaN',
		);
		fc.assert(
			fc.property(fc.oneof(fc.string(), numericLooking), (text) => {
				count('customFieldText');
				expect(parseCustomFields({ field: [{ key: 'k', value: text }] }, undefined)).toEqual({
					k: text,
				});
				expect(parseCustomFields(undefined, JSON.stringify({ k: text }))).toEqual({ k: text });
				expect(typeof parseCustomFields(undefined, { k: text })!.k).toBe('string');
			}),
			{ numRuns: 2000 },
		);
	});

	it('phone normalisation: E.164, idempotent, and what libphonenumber-js reads', () => {
		const country = fc.constantFrom(undefined, 'US', 'GB', 'DE', 'FR', 'IN', 'BR', 'AU');
		fc.assert(
			fc.property(
				phoneParameter.filter((v): v is string => typeof v === 'string'),
				country,
				(text, code) => {
					count('phoneNormalisation');
					const defaultCountry = code === undefined ? undefined : phoneCountry(code);
					const reading = readPhone(text, defaultCountry);
					const library = /^[+\d\s\-.()/\u00a0]+$/.test(text.trim())
						? parsePhoneNumberFromString(text.trim(), { defaultCountry, extract: false })
						: undefined;
					if (reading.ok) {
						expect(reading.e164).toMatch(E164);
						expect(readPhone(reading.e164)).toEqual(reading);
						expect(readPhone(reading.e164, defaultCountry)).toEqual(reading);
						expect(library?.number).toBe(reading.e164);
						expect(library?.isPossible()).toBe(true);
					} else if (reading.reason === 'impossible') {
						// Refused: the library cannot read it, or its E.164 form would read back as another number.
						const readBack =
							library && parsePhoneNumberFromString(library.number, { extract: false })?.number;
						expect(
							library === undefined || !library.isPossible() || readBack !== library.number,
						).toBe(true);
					}
				},
			),
			{ numRuns: 4000 },
		);
	});

	it('no generated input sends "" for a value the user did not give', () => {
		fc.assert(
			fc.property(
				contactFields,
				mergeOptions,
				existingContact,
				(fields, options: MergeOptions, existing) => {
					count('noBlankUnlessGiven');
					const parsed = validated(() => parseContactChanges(fields as IDataObject));
					if (!parsed.ok) return;
					const body = buildContactWrite(parsed.value, options, existing);
					for (const key of ['first_name', 'last_name', 'email', 'phone_number'] as const)
						expect(body[key]).not.toBe('');
					for (const tag of body.tags ?? []) expect(tag).not.toBe('');
					const given = givenFieldValues(fields as IDataObject);
					for (const [key, value] of Object.entries(parsed.value.customFields ?? {})) {
						if (value === '') expect(given.get(key)).toBe('');
					}
				},
			),
			{ numRuns: 3000 },
		);
	});

	it('parseContactId: a lower-case UUID or an InputError, whatever the input', () => {
		const hostile = fc.oneof(
			{ weight: 2, arbitrary: fc.uuid({ version: 4 }) },
			{ weight: 1, arbitrary: fc.uuid().map((id) => `  ${id.toUpperCase()}\n`) },
			{
				weight: 1,
				arbitrary: fc.uuid().map((id) => `${id}/../../get-contacts/Qm7vTzR2kLp9XwN4bHs8`),
			},
			{ weight: 1, arbitrary: fc.uuid().map((id) => `${id}?x=1`) },
			{ weight: 2, arbitrary: fc.string() },
			{ weight: 1, arbitrary: fc.string({ unit: 'binary' }) },
			{
				weight: 1,
				arbitrary: fc.constantFrom(
					'',
					' ',
					'.',
					'..',
					'%2e%2e',
					'\u0000',
					'Qm7vTzR2kLp9XwN4bHs8',
					'{{ $json.id }}',
					'"; DROP TABLE contacts; --',
					'undefined',
					'null',
				),
			},
			{ weight: 1, arbitrary: fc.anything() },
		);
		fc.assert(
			fc.property(hostile, (value) => {
				count('parseContactId');
				const parsed = validated(() => parseContactId(value));
				if (parsed.ok) {
					expect(parsed.value).toMatch(UUID_LOWER);
					expect(typeof value === 'string' && parsed.value === value.trim().toLowerCase()).toBe(
						true,
					);
				}
			}),
			{ numRuns: 3000 },
		);
	});
});
