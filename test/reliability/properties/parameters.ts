/** Generated node parameters and "existing contact" states for the validation and merging properties. */

import fc from 'fast-check';
import type { IDataObject } from 'n8n-workflow';

import type { Contact } from '../../../nodes/Assistable/resources/contact/types';

/** Tags people and APIs use, so that generated lists overlap. */
export const COMMON_TAGS = ['vip', 'lead', 'newsletter', 'VIP', 'cold-lead', 'a', 'b', 'ü', '🎉'];
const tagText = fc.oneof(
	{ weight: 3, arbitrary: fc.constantFrom(...COMMON_TAGS) },
	{ weight: 2, arbitrary: fc.string({ maxLength: 12 }) },
	{ weight: 1, arbitrary: fc.constantFrom('', ' ', ' vip ', '\tlead\n', 'a,b', ',,', '\u00a0') },
	{ weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 8 }) },
);
const tagsParameter = fc.oneof(
	{ weight: 1, arbitrary: fc.constantFrom(undefined, null, '', ' , ') },
	{ weight: 4, arbitrary: fc.array(tagText, { maxLength: 8 }).map((tags) => tags.join(',')) },
	{ weight: 2, arbitrary: fc.array(tagText, { maxLength: 8 }).map((tags) => tags.join(' , ')) },
	{ weight: 4, arbitrary: fc.array(tagText, { maxLength: 8 }) },
	{ weight: 1, arbitrary: fc.array(fc.anything(), { minLength: 1, maxLength: 4 }) },
	{ weight: 1, arbitrary: fc.anything() },
);

const PHONE_NOISE = [' ', '-', '.', '(', ')', '\u00a0', '/', '_', 'x', '+', '#', '\t'];
export const phoneParameter = fc.oneof(
	{
		weight: 4,
		arbitrary: fc
			.tuple(
				fc.constantFrom('+', '+', '+', '', '00', ' +', '(+'),
				fc.array(
					fc.oneof(
						{ weight: 4, arbitrary: fc.integer({ min: 0, max: 9 }).map(String) },
						{ weight: 1, arbitrary: fc.constantFrom(...PHONE_NOISE) },
					),
					{ maxLength: 22 },
				),
			)
			.map(([prefix, parts]) => prefix + parts.join('')),
	},
	{ weight: 1, arbitrary: fc.string() },
	{
		weight: 1,
		arbitrary: fc.constantFrom(
			undefined,
			null,
			'',
			'  ',
			'+',
			'+0123',
			'+1 (415) 555-0101',
			'+١٢٣',
			'+1\n555',
		),
	},
	{ weight: 1, arbitrary: fc.oneof(fc.integer(), fc.double(), fc.boolean(), fc.object()) },
);

const emailParameter = fc.oneof(
	{ weight: 3, arbitrary: fc.emailAddress() },
	{ weight: 1, arbitrary: fc.emailAddress().map((email) => `  ${email.toUpperCase()}\t`) },
	{ weight: 1, arbitrary: fc.string() },
	{
		weight: 1,
		arbitrary: fc.constantFrom(
			undefined,
			null,
			'',
			'a@b',
			'a@b.c',
			'@x.com',
			'a b@c.com',
			'a@b..com',
			'ada@example.com\n',
		),
	},
	{ weight: 1, arbitrary: fc.anything() },
);

const textParameter = fc.oneof(
	{ weight: 4, arbitrary: fc.string({ maxLength: 20 }) },
	{ weight: 1, arbitrary: fc.constantFrom(undefined, null, '', '  ', ' Ada ') },
	{
		weight: 1,
		arbitrary: fc.oneof(fc.integer(), fc.boolean(), fc.object(), fc.array(fc.string())),
	},
);

const fieldKey = fc.oneof(
	{ weight: 3, arbitrary: fc.constantFrom('plan', 'score', 'seats', 'ref', ' plan ', 'Plan') },
	{ weight: 2, arbitrary: fc.string({ maxLength: 10 }) },
	{
		weight: 1,
		arbitrary: fc.constantFrom(
			'',
			' ',
			'constructor',
			'toString',
			'hasOwnProperty',
			'valueOf',
			'a.b',
			'0',
		),
	},
	{
		weight: 1,
		arbitrary: fc.oneof(fc.integer(), fc.constant(undefined), fc.constant(null), fc.anything()),
	},
);
const fieldValue = fc.oneof(
	{ weight: 3, arbitrary: fc.string({ maxLength: 12 }) },
	{
		weight: 2,
		arbitrary: fc.constantFrom(
			'007',
			'3',
			'-1.5',
			'1e3',
			' true ',
			'false',
			'null',
			'12345678901234567890',
			'-0',
			'NaN',
			'Infinity',
		),
	},
	{
		weight: 2,
		arbitrary: fc.oneof(
			fc.integer(),
			fc.double(),
			fc.constantFrom(NaN, Infinity, -Infinity),
			fc.boolean(),
			fc.constant(null),
			fc.constant(undefined),
		),
	},
	{ weight: 1, arbitrary: fc.anything() },
);
const customFieldList = fc.oneof(
	fc.constantFrom(undefined, {}),
	fc.record({
		field: fc.array(fc.record({ key: fieldKey, value: fieldValue }, { requiredKeys: [] }), {
			maxLength: 5,
		}),
	}),
);
const customFieldJson = fc.oneof(
	{
		weight: 2,
		arbitrary: fc.constantFrom(
			undefined,
			'{}',
			'',
			' ',
			'[]',
			'[1]',
			'null',
			'"text"',
			'{"plan": ',
			'{"__proto__": "x"}',
		),
	},
	{
		weight: 3,
		arbitrary: fc.dictionary(
			fieldKey.filter((k): k is string => typeof k === 'string'),
			fieldValue,
			{ maxKeys: 4 },
		),
	},
	{
		weight: 3,
		arbitrary: fc
			.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 })
			.map((o) => JSON.stringify(o)),
	},
	{ weight: 1, arbitrary: fc.string() },
	{ weight: 1, arbitrary: fc.anything() },
);

export const contactFields = fc.record(
	{
		firstName: textParameter,
		lastName: textParameter,
		email: emailParameter,
		phoneNumber: phoneParameter,
		tags: tagsParameter,
		removeTags: tagsParameter,
		customFields: customFieldList,
		customFieldsJson: customFieldJson,
	},
	{ requiredKeys: [] },
);

/** A contact as the API returns it: tags are texts; custom field values are JSON scalars. */
const validTag = fc.oneof(
	{ weight: 3, arbitrary: fc.constantFrom(...COMMON_TAGS) },
	{
		weight: 1,
		arbitrary: fc
			.string({ minLength: 1, maxLength: 10 })
			.map((t) => t.trim())
			.filter((t) => t !== '' && !t.includes(',')),
	},
);
const scalar = fc.oneof(fc.string({ maxLength: 8 }), fc.integer(), fc.boolean(), fc.constant(null));
export const existingContact = fc.record(
	{
		id: fc.uuid({ version: 4 }),
		tags: fc.array(validTag, { maxLength: 8 }),
		custom_fields: fc.dictionary(
			fc.constantFrom('plan', 'score', 'seats', 'region', 'ref'),
			scalar,
			{ maxKeys: 4 },
		),
	},
	{ requiredKeys: ['id'] },
) as fc.Arbitrary<Contact>;

export const mergeOptions = fc.record({ appendTags: fc.boolean(), keepCustomFields: fc.boolean() });

export const unique = <T>(values: T[]) => [...new Set(values)];
/**
 * JSON values only: a number must survive JSON (NaN or Infinity would reach the API as null and wipe
 * the field), undefined would vanish from the body (or become null in a list).
 */
export const isJsonValue = (v: unknown): boolean =>
	v === null ||
	typeof v === 'string' ||
	typeof v === 'boolean' ||
	(typeof v === 'number' && Number.isFinite(v)) ||
	(Array.isArray(v) && v.every(isJsonValue)) ||
	(typeof v === 'object' &&
		Object.getPrototypeOf(v) === Object.prototype &&
		Object.values(v as object).every(isJsonValue));

export function expectValidTagList(tags: unknown): void {
	expect(Array.isArray(tags)).toBe(true);
	const list = tags as unknown[];
	for (const tag of list) {
		expect(typeof tag).toBe('string');
		expect(tag).toBe((tag as string).trim());
		expect(tag).not.toBe('');
	}
	expect(unique(list)).toEqual(list);
}

/** The values the user gave each custom field key (later entries win); keys given `undefined` are not given. */
export function givenFieldValues(fields: IDataObject): Map<string, unknown> {
	const given = new Map<string, unknown>();
	const json = fields.customFieldsJson === '{}' ? undefined : fields.customFieldsJson;
	if (json !== undefined && json !== null && !(typeof json === 'string' && json.trim() === '')) {
		const object = typeof json === 'string' ? JSON.parse(json) : json;
		for (const [key, value] of Object.entries(object as object))
			if (value !== undefined) given.set(key.trim(), value);
	}
	for (const entry of (
		fields.customFields as { field?: Array<{ key?: unknown; value?: unknown }> } | undefined
	)?.field ?? []) {
		if (entry.value !== undefined)
			given.set(typeof entry.key === 'string' ? entry.key.trim() : String(entry.key), entry.value);
	}
	return given;
}

/** The keys a user's custom fields name with a value, as parseCustomFields should keep them. */
export function expectedFieldKeys(fields: IDataObject): string[] {
	return [...givenFieldValues(fields).keys()];
}
