/**
 * Property-based tests (fast-check):
 *  1. validation + merging: thousands of generated parameter sets and "existing contact" states through
 *     parseContactChanges, parseContactId, needsCurrentContact, buildContactWrite and mergeTags;
 *  2. API responses: generated bodies and statuses (random JSON, text, arrays, objects without id,
 *     ok:false, nested garbage) served by a tiny local HTTP server to the node, run as an n8n workflow.
 * The number of generated inputs goes to test-artifacts/properties-summary.json.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

import fc from 'fast-check';
import type { IDataObject } from 'n8n-workflow';

import { parseContactChanges } from '../../nodes/Assistable/resources/contact/fields';
import type { ContactChanges, MergeOptions } from '../../nodes/Assistable/resources/contact/merge';
import {
	buildContactWrite,
	mergeTags,
	needsCurrentContact,
} from '../../nodes/Assistable/resources/contact/merge';
import type { Contact } from '../../nodes/Assistable/resources/contact/types';
import { parsePhoneNumberFromString } from 'libphonenumber-js/min';

import { parseCustomFields } from '../../nodes/Assistable/resources/contact/custom-fields';
import { phoneCountry, readPhone } from '../../nodes/Assistable/shared/phone';
import { InputError } from '../../nodes/Assistable/shared/validation';
import { parseContactId } from '../../nodes/Assistable/resources/contact/validation';
import type { AssistableRun } from '../harness/workflow';
import { runAssistable } from '../harness/workflow';
import { writeArtifact } from './matrix-support';

const E164 = /^\+[1-9]\d{0,14}$/;
const UUID_LOWER = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const counts: Record<string, number> = {};
const count = (name: string) => (counts[name] = (counts[name] ?? 0) + 1);

afterAll(() => {
	writeArtifact('properties-summary.json', {
		generatedInputs: Object.values(counts).reduce((a, b) => a + b, 0),
		byProperty: counts,
	});
});

/** Runs `fn`; an InputError (bad input, explained) is an accepted outcome, anything else fails. */
function validated<T>(fn: () => T): { ok: true; value: T } | { ok: false; error: InputError } {
	try {
		return { ok: true, value: fn() };
	} catch (error) {
		if (!(error instanceof InputError)) throw error;
		expect(typeof error.message).toBe('string');
		expect(error.message.length).toBeGreaterThan(0);
		expect(typeof error.hint).toBe('string');
		return { ok: false, error };
	}
}

// =====================================================================================================
// 1. validation + merging
// =====================================================================================================

/** Tags people and APIs use, so that generated lists overlap. */
const COMMON_TAGS = ['vip', 'lead', 'newsletter', 'VIP', 'cold-lead', 'a', 'b', 'ü', '🎉'];
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
const phoneParameter = fc.oneof(
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

const contactFields = fc.record(
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
const existingContact = fc.record(
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

const mergeOptions = fc.record({ appendTags: fc.boolean(), keepCustomFields: fc.boolean() });

const unique = <T>(values: T[]) => [...new Set(values)];
/**
 * JSON values only: a number must survive JSON (NaN or Infinity would reach the API as null and wipe
 * the field), undefined would vanish from the body (or become null in a list).
 */
const isJsonValue = (v: unknown): boolean =>
	v === null ||
	typeof v === 'string' ||
	typeof v === 'boolean' ||
	(typeof v === 'number' && Number.isFinite(v)) ||
	(Array.isArray(v) && v.every(isJsonValue)) ||
	(typeof v === 'object' &&
		Object.getPrototypeOf(v) === Object.prototype &&
		Object.values(v as object).every(isJsonValue));

function expectValidTagList(tags: unknown): void {
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
function givenFieldValues(fields: IDataObject): Map<string, unknown> {
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
function expectedFieldKeys(fields: IDataObject): string[] {
	return [...givenFieldValues(fields).keys()];
}

describe('validation and merging (generated parameters)', () => {
	it('parseContactChanges: only InputError, and everything it returns is valid', () => {
		fc.assert(
			fc.property(contactFields, (fields) => {
				count('parseContactChanges');
				const parsed = validated(() => parseContactChanges(fields as IDataObject));
				if (!parsed.ok) return;
				const changes = parsed.value;
				for (const [key, value] of Object.entries(changes.fields)) {
					expect(['first_name', 'last_name', 'email', 'phone_number']).toContain(key);
					expect(typeof value).toBe('string');
					expect(value).toBe((value as string).trim());
				}
				if (changes.fields.phone_number !== undefined)
					expect(changes.fields.phone_number).toMatch(E164);
				if (changes.fields.email !== undefined)
					expect(changes.fields.email).toMatch(/^[^\s@]+@[^\s@]+$/);
				if (changes.tags !== undefined) expectValidTagList(changes.tags);
				if (changes.removeTags !== undefined) expectValidTagList(changes.removeTags);
				if (changes.customFields !== undefined) {
					for (const [key, value] of Object.entries(changes.customFields)) {
						expect(key).toBe(key.trim());
						expect(key).not.toBe('');
						expect(isJsonValue(value)).toBe(true);
					}
					// Every field the user named is sent: none silently dropped.
					expect(Object.keys(changes.customFields).sort()).toEqual(
						expectedFieldKeys(fields as IDataObject).sort(),
					);
				}
			}),
			{ numRuns: 4000 },
		);
	});

	it('buildContactWrite: valid bodies, existing tags kept in order, custom fields kept, no read skipped that matters', () => {
		fc.assert(
			fc.property(
				contactFields,
				mergeOptions,
				existingContact,
				(fields, options: MergeOptions, existing) => {
					count('buildContactWrite');
					const parsed = validated(() => parseContactChanges(fields as IDataObject));
					if (!parsed.ok) return;
					const changes: ContactChanges = parsed.value;
					const needs = needsCurrentContact(changes, options);
					const body = buildContactWrite(changes, options, needs ? existing : undefined);

					// Without a read the body must be what it would be with one.
					if (!needs) expect(buildContactWrite(changes, options, existing)).toEqual(body);

					if (body.phone_number !== undefined) expect(body.phone_number).toMatch(E164);
					if (body.tags !== undefined) expectValidTagList(body.tags);
					if (body.custom_fields !== undefined) {
						for (const value of Object.values(body.custom_fields))
							expect(isJsonValue(value)).toBe(true);
					}

					// Tags compare as an API may store them: trimmed, in any case.
					const key = (tag: string) => tag.trim().toLowerCase();
					const uniqueByKey = (tags: string[]) =>
						tags.filter((tag, i) => tags.findIndex((other) => key(other) === key(tag)) === i);
					const had = unique(existing.tags ?? []);
					const removed = (changes.removeTags ?? []).map(key);
					const added = changes.tags ?? [];
					if (changes.tags !== undefined || changes.removeTags !== undefined) {
						const kept = had.filter((tag) => !removed.includes(key(tag)));
						const fresh = uniqueByKey(added).filter(
							(tag) => !had.some((have) => key(have) === key(tag)) && !removed.includes(key(tag)),
						);
						if (options.appendTags || changes.tags === undefined) {
							// Every existing tag not removed, in its order, then the new ones in the order given.
							expect(body.tags).toEqual([...kept, ...fresh]);
						} else {
							expect(body.tags).toEqual(
								uniqueByKey(added).filter((tag) => !removed.includes(key(tag))),
							);
						}
						for (const tag of body.tags ?? []) expect(removed).not.toContain(key(tag));
					} else {
						expect(body.tags).toBeUndefined();
					}

					if (changes.customFields !== undefined) {
						const expected = options.keepCustomFields
							? { ...existing.custom_fields, ...changes.customFields }
							: { ...changes.customFields };
						expect(body.custom_fields).toEqual(expected);
					} else {
						expect(body.custom_fields).toBeUndefined();
					}
				},
			),
			{ numRuns: 4000 },
		);
	});

	it('mergeTags: unique in any case, nothing removed comes back in any case, with append every existing tag not removed stays first, in order', () => {
		const anyTags = fc.array(
			fc.oneof(
				fc.constantFrom(...COMMON_TAGS, ...COMMON_TAGS.map((tag) => tag.toUpperCase())),
				fc.string({ maxLength: 6 }),
			),
			{ maxLength: 10 },
		);
		/** A tag as an API may store it: trimmed, lower-cased. */
		const key = (tag: string) => tag.trim().toLowerCase();
		const uniqueByKey = (tags: string[]) =>
			tags.filter((tag, i) => tags.findIndex((other) => key(other) === key(tag)) === i);
		fc.assert(
			fc.property(
				anyTags,
				fc.option(anyTags, { nil: undefined }),
				fc.option(anyTags, { nil: undefined }),
				fc.boolean(),
				(existing, add, remove, append) => {
					count('mergeTags');
					const merged = mergeTags(existing, add, remove, append);
					const removed = new Set((remove ?? []).map(key));
					expect(unique(merged)).toEqual(merged);
					for (const tag of merged) expect(removed.has(key(tag))).toBe(false);
					if (append || add === undefined) {
						// Existing tags stay as they are (an API that keeps case apart has both).
						const kept = unique(existing).filter((tag) => !removed.has(key(tag)));
						expect(merged.slice(0, kept.length)).toEqual(kept);
						const have = new Set(existing.map(key));
						expect(merged.slice(kept.length)).toEqual(
							uniqueByKey(add ?? []).filter((tag) => !have.has(key(tag)) && !removed.has(key(tag))),
						);
					} else {
						expect(merged).toEqual(uniqueByKey(add).filter((tag) => !removed.has(key(tag))));
					}
				},
			),
			{ numRuns: 3000 },
		);
	});

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

// =====================================================================================================
// 2. API responses through the real transport
// =====================================================================================================

const KEY = 'asst_SECRET_props_key_4d3c2b1a';
const TARGET = '3f6c2a1e-8b4d-4c7a-9e21-5d0b7f4a9c13';
const LOCATION = 'Qm7vTzR2kLp9XwN4bHs8';
/** What in a message means the node crashed on the answer instead of explaining it. */
const CRASH =
	/TypeError|ReferenceError|RangeError|Cannot read propert|Cannot convert|is not a function|is not iterable|Unexpected token|Unexpected end of JSON|in JSON at position/;

interface Reply {
	status: number;
	body: string;
	headers?: Record<string, string>;
}

interface Exchange {
	method: string;
	path: string;
	body: unknown;
	reply: Reply;
	/** Whether the answer came from the generated queue (false: the well-formed fallback). */
	generated: boolean;
}

/** Answers each request with the next generated reply; once they run out, with a well-formed one. */
class ScriptedApi {
	private server!: http.Server;
	url = '';
	queue: Reply[] = [];
	log: Exchange[] = [];

	async start(): Promise<void> {
		this.server = http.createServer((req, res) => {
			const chunks: Buffer[] = [];
			req.on('data', (chunk: Buffer) => chunks.push(chunk));
			req.on('end', () => {
				const text = Buffer.concat(chunks).toString('utf8');
				let body: unknown;
				try {
					body = text ? JSON.parse(text) : undefined;
				} catch {
					body = text;
				}
				const path = (req.url ?? '').replace(/^\/v2/, '');
				const next = this.queue.shift();
				const reply = next ?? this.fallback(req.method ?? '', path, body);
				this.log.push({
					method: req.method ?? '',
					path,
					body,
					reply,
					generated: next !== undefined,
				});
				res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
				res.end(reply.body);
			});
		});
		await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
		this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v2`;
	}

	reset(replies: Reply[]): void {
		this.queue = [...replies];
		this.log = [];
	}

	private fallback(method: string, path: string, body: unknown): Reply {
		const id = decodeURIComponent(path.split('/')[2] ?? TARGET);
		const contact = {
			id,
			location_id: LOCATION,
			email: 'ada@example.com',
			tags: ['lead'],
			custom_fields: { plan: 'pro' },
		};
		if (path.startsWith('/get-contacts/'))
			return { status: 200, body: JSON.stringify([{ ...contact, id: TARGET }]) };
		if (method === 'PATCH')
			return { status: 200, body: JSON.stringify({ ...contact, ...(body as object) }) };
		if (method === 'POST')
			return {
				status: 201,
				body: JSON.stringify({
					...contact,
					id: '11111111-2222-4333-8444-555555555555',
					...(body as object),
				}),
			};
		return { status: 200, body: JSON.stringify(contact) };
	}

	close(): Promise<void> {
		return new Promise((resolve) => this.server.close(() => resolve()));
	}
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
	typeof v === 'object' && v !== null && !Array.isArray(v);
function parseBody(reply: Reply): unknown {
	try {
		return reply.body === '' ? undefined : JSON.parse(reply.body);
	} catch {
		return undefined;
	}
}

/**
 * A read the node may merge a write onto: a 2xx JSON object, not ok:false, the requested contact's
 * id, and the part merged usable: tags a list of texts, or custom_fields an object (either may be
 * absent or null).
 */
function usableContact(reply: Reply, id: string, merges: Scenario['merges']): boolean {
	const body = parseBody(reply);
	if (reply.status < 200 || reply.status > 299 || !isPlainObject(body) || body.ok === false)
		return false;
	if (typeof body.id !== 'string' || body.id.toLowerCase() !== id) return false;
	const tagsOk =
		body.tags === undefined ||
		body.tags === null ||
		(Array.isArray(body.tags) && body.tags.every((t) => typeof t === 'string'));
	const fieldsOk =
		body.custom_fields === undefined ||
		body.custom_fields === null ||
		isPlainObject(body.custom_fields);
	return (merges !== 'tags' || tagsOk) && (merges !== 'custom_fields' || fieldsOk);
}

/**
 * A list the node may act on: a JSON array. Entries of unexpected shape are skipped for matching, so only an
 * entry that carries the matched email, without being a usable contact, makes "no match" uncertain.
 */
function usableList(reply: Reply, matchEmail: string | undefined): boolean {
	const body = parseBody(reply);
	if (!(reply.status >= 200 && reply.status <= 299 && Array.isArray(body))) return false;
	const odd = (c: unknown) =>
		!(
			isPlainObject(c) &&
			typeof c.id === 'string' &&
			c.id !== '' &&
			(c.tags == null || (Array.isArray(c.tags) && c.tags.every((t) => typeof t === 'string'))) &&
			(c.custom_fields == null || isPlainObject(c.custom_fields))
		);
	const sameEmail = (c: unknown) =>
		isPlainObject(c) &&
		typeof c.email === 'string' &&
		c.email.trim().toLowerCase() === matchEmail?.toLowerCase();
	return !body.some((c) => odd(c) && sameEmail(c));
}

/** Contact-shaped bodies with every field possibly of the wrong type (undefined: left out). */
const contactLike = fc.record(
	{
		id: fc.oneof(
			{ weight: 6, arbitrary: fc.constant(TARGET) },
			{ weight: 1, arbitrary: fc.uuid({ version: 4 }) },
			{ weight: 1, arbitrary: fc.constantFrom('', 0, null, undefined, TARGET.toUpperCase()) },
		),
		email: fc.oneof(
			fc.constant('ada@example.com'),
			fc.constant(null),
			fc.constant(undefined),
			fc.anything(),
		),
		tags: fc.oneof(
			{
				weight: 3,
				arbitrary: fc.array(fc.constantFrom('lead', 'newsletter', 'vip', 'customer'), {
					maxLength: 4,
				}),
			},
			{ weight: 1, arbitrary: fc.constantFrom(undefined, null) },
			{
				weight: 3,
				arbitrary: fc.oneof(
					fc.string({ maxLength: 8 }),
					fc.integer(),
					fc.object({ maxDepth: 1 }),
					fc.array(fc.anything(), { minLength: 1, maxLength: 3 }),
				),
			},
		),
		custom_fields: fc.oneof(
			{
				weight: 3,
				arbitrary: fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 1 }), {
					maxKeys: 3,
				}),
			},
			{ weight: 1, arbitrary: fc.constantFrom(undefined, null) },
			{
				weight: 3,
				arbitrary: fc.oneof(
					fc.string({ maxLength: 6 }),
					fc.integer(),
					fc.array(fc.jsonValue({ maxDepth: 1 }), { minLength: 1, maxLength: 3 }),
				),
			},
		),
		ok: fc.constantFrom(undefined, undefined, true, false),
		first_name: fc.oneof(fc.string({ maxLength: 8 }), fc.constant(null), fc.anything()),
	},
	{ requiredKeys: ['id', 'tags', 'custom_fields', 'ok'] },
);

const replyBody = fc.oneof(
	{ weight: 5, arbitrary: contactLike.map((c) => JSON.stringify(c)) },
	{
		weight: 2,
		arbitrary: fc.array(contactLike, { maxLength: 3 }).map((list) => JSON.stringify(list)),
	},
	{ weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)) },
	{ weight: 1, arbitrary: fc.string({ maxLength: 40 }) },
	{
		weight: 1,
		arbitrary: fc.constantFrom(
			'',
			'<html>oops</html>',
			'Unauthorized',
			'null',
			'[]',
			'{}',
			'{"id":',
			`Bearer ${KEY}`,
		),
	},
	{
		weight: 1,
		arbitrary: fc
			.record({
				ok: fc.constant(false),
				error: fc.oneof(fc.jsonValue({ maxDepth: 1 }), fc.constant(`bad key ${KEY}`)),
			})
			.map((v) => JSON.stringify(v)),
	},
	{
		weight: 1,
		arbitrary: fc
			.record({ message: fc.oneof(fc.string(), fc.constant(`Bearer ${KEY} rejected`)) })
			.map((v) => JSON.stringify(v)),
	},
	{
		weight: 1,
		arbitrary: fc
			.jsonValue({ maxDepth: 2 })
			.map((v) =>
				JSON.stringify({ id: TARGET, nested: { deeper: [v, { tags: v }] }, tags: [[v]] }),
			),
	},
);
const anyStatus = fc.constantFrom(
	200,
	200,
	200,
	200,
	201,
	204,
	400,
	401,
	403,
	404,
	409,
	422,
	429,
	503,
);
const reply: fc.Arbitrary<Reply> = fc
	.oneof(
		// Mostly answers that look right at first sight, where wrong field types hide best.
		{
			weight: 5,
			arbitrary: fc.tuple(
				fc.constant(200),
				contactLike.map((c) => JSON.stringify(c)),
			),
		},
		{
			weight: 2,
			arbitrary: fc.tuple(
				fc.constant(200),
				fc.array(contactLike, { maxLength: 3 }).map((list) => JSON.stringify(list)),
			),
		},
		{ weight: 3, arbitrary: fc.tuple(anyStatus, replyBody) },
	)
	.map(([status, body]) => ({
		status,
		body,
		headers: status === 429 || status === 503 ? { 'retry-after': '0' } : undefined,
	}));

interface Scenario {
	name: string;
	parameters: IDataObject;
	/** What a write merges from the contact it read first. */
	merges?: 'tags' | 'custom_fields';
	/** Tags the write removes on purpose. */
	removes?: string[];
}
const mergingScenarios: Scenario[] = [
	{
		name: 'update by id, append tags',
		merges: 'tags',
		parameters: { operation: 'update', contactId: TARGET, updateFields: { tags: 'vip' } },
	},
	{
		name: 'update by id, keep custom fields',
		merges: 'custom_fields',
		parameters: {
			operation: 'update',
			contactId: TARGET,
			updateFields: { customFields: { field: [{ key: 'seats', value: '3' }] } },
		},
	},
	{
		name: 'update by email',
		merges: 'tags',
		removes: ['newsletter'],
		parameters: {
			operation: 'update',
			matchBy: 'email',
			locationId: LOCATION,
			matchEmail: 'ada@example.com',
			updateFields: { tags: 'vip', removeTags: 'newsletter' },
		},
	},
	{
		name: 'upsert by email',
		merges: 'tags',
		parameters: {
			operation: 'upsert',
			matchBy: 'email',
			locationId: LOCATION,
			matchEmail: 'ada@example.com',
			contactFields: { tags: 'vip' },
		},
	},
];
const otherScenarios: Scenario[] = [
	{ name: 'get by id', parameters: { operation: 'get', contactId: TARGET } },
	{ name: 'get many', parameters: { operation: 'getAll', locationId: LOCATION, returnAll: true } },
	{
		name: 'create',
		parameters: {
			operation: 'create',
			locationId: LOCATION,
			contactFields: { email: 'new@example.com', tags: 'vip' },
		},
	},
];
const scenarios = [...mergingScenarios, ...otherScenarios];

const exchange = fc.record({
	scenario: fc.oneof(
		{ weight: 3, arbitrary: fc.constantFrom(...mergingScenarios) },
		{ weight: 1, arbitrary: fc.constantFrom(...otherScenarios) },
	),
	replies: fc.array(reply, { minLength: 1, maxLength: 4 }),
	continueOnFail: fc.boolean(),
});

const api = new ScriptedApi();
beforeAll(() => api.start());
afterAll(() => api.close());

async function runScenario({
	scenario,
	replies,
	continueOnFail,
}: {
	scenario: Scenario;
	replies: Reply[];
	continueOnFail: boolean;
}): Promise<AssistableRun> {
	api.reset(replies);
	return runAssistable({
		items: [{}],
		parameters: {
			resource: 'contact',
			...scenario.parameters,
			options: { maxAttempts: 2, timeout: 5000 },
		},
		credentials: { apiKey: KEY, baseUrl: api.url },
		onError: continueOnFail ? 'continueRegularOutput' : undefined,
	});
}

function messagesOf(result: AssistableRun): string[] {
	const texts: string[] = [];
	if (result.error)
		texts.push(String(result.error.message ?? ''), String(result.error.description ?? ''));
	for (const item of result.items) {
		if ('error' in item.json)
			texts.push(String(item.json.error), String(item.json.description ?? ''));
	}
	return texts;
}

describe('API responses (generated bodies through the real transport)', () => {
	const RUNS = 200;

	it('never crashes: the run ends in success or a readable error', async () => {
		await fc.assert(
			fc.asyncProperty(exchange, async (input) => {
				count('responses: readable outcome');
				const result = await runScenario(input);
				expect(['success', 'error']).toContain(result.status);
				if (result.status === 'error') {
					expect(typeof result.error?.message).toBe('string');
					expect(String(result.error?.message).length).toBeGreaterThan(0);
				}
				for (const item of result.items) {
					if ('error' in item.json) expect(typeof item.json.error).toBe('string');
				}
				for (const text of messagesOf(result)) expect(text).not.toMatch(CRASH);
			}),
			{ numRuns: RUNS },
		);
	});

	it('no write after an unusable read, and a write after a read keeps the tags it read', async () => {
		await fc.assert(
			fc.asyncProperty(exchange, async (input) => {
				count('responses: no write after unusable read');
				await runScenario(input);
				let lastRead: { ok: boolean; tags: string[] } | undefined;
				let listOk: boolean | undefined;
				for (const entry of api.log) {
					if (entry.method === 'GET' && entry.path.startsWith('/get-contacts/')) {
						listOk = usableList(
							entry.reply,
							input.scenario.parameters.matchEmail as string | undefined,
						);
					} else if (entry.method === 'GET') {
						const body = parseBody(entry.reply) as { tags?: unknown } | undefined;
						const ok = usableContact(
							entry.reply,
							decodeURIComponent(entry.path.split('/')[2] ?? '').toLowerCase(),
							input.scenario.merges,
						);
						lastRead = { ok, tags: ok && Array.isArray(body?.tags) ? (body.tags as string[]) : [] };
					} else {
						// A write: whatever it depends on was read successfully.
						if (listOk !== undefined)
							expect({ write: `${entry.method} ${entry.path}`, afterUsableList: listOk }).toEqual({
								write: `${entry.method} ${entry.path}`,
								afterUsableList: true,
							});
						// Every scenario here merges onto the contact's current state, so it reads first.
						if (entry.method === 'PATCH') expect(lastRead).toBeDefined();
						if (entry.method === 'PATCH' && lastRead) {
							expect({
								write: `PATCH after ${lastRead.ok ? 'a usable' : 'an unusable'} read`,
							}).toEqual({ write: 'PATCH after a usable read' });
							if (input.scenario.merges === 'tags') {
								const sent = (entry.body as { tags?: unknown }).tags;
								expect(
									Array.isArray(sent) && (sent as unknown[]).every((t) => typeof t === 'string'),
								).toBe(true);
								const removed = input.scenario.removes ?? [];
								for (const tag of lastRead.tags.filter((t) => !removed.includes(t)))
									expect(sent).toContain(tag);
							}
						}
					}
				}
			}),
			{ numRuns: RUNS },
		);
	});

	it('the API key never shows, not even cut short in a quoted answer', async () => {
		// Answers that quote the key at every position around the 200-character cut of quoted text.
		const quoting = fc
			.tuple(
				fc.integer({ min: 150, max: 210 }),
				fc.constantFrom(200, 400, 404, 422),
				fc.constantFrom('text', 'message', 'ok-false'),
				fc.constantFrom(...scenarios),
			)
			.map(([pad, status, style, scenario]) => {
				const text = `${'x'.repeat(pad)} ${KEY} tail`;
				const body =
					style === 'text'
						? text
						: style === 'message'
							? JSON.stringify({ message: text })
							: JSON.stringify({ ok: false, error: text });
				return { scenario, replies: [{ status, body }], continueOnFail: true };
			});
		const fragments = Array.from({ length: KEY.length - 11 }, (_, i) => KEY.slice(0, 12 + i));
		await fc.assert(
			fc.asyncProperty(fc.oneof(quoting, exchange), async (input) => {
				count('responses: key never shown');
				const result = await runScenario(input);
				const leaked = fragments.filter((fragment) => result.serialized.includes(fragment));
				expect(leaked).toEqual([]);
			}),
			{ numRuns: RUNS },
		);
	});
});

describe('answers the properties found mishandled (one example each)', () => {
	const OTHER = '00000000-0000-4000-8000-000000000000';
	const tagsUpdate = { tags: 'vip' };
	const fieldsUpdate = { customFields: { field: [{ key: 'seats', value: '3' }] } };
	const cases: Array<[string, object, IDataObject]> = [
		['tags as text', { id: TARGET, tags: 'lead,newsletter' }, tagsUpdate],
		['tags as a number', { id: TARGET, tags: 5 }, tagsUpdate],
		['tags as an object', { id: TARGET, tags: { lead: true } }, tagsUpdate],
		['tags with entries that are not text', { id: TARGET, tags: [['lead'], 1] }, tagsUpdate],
		['custom_fields as text', { id: TARGET, custom_fields: 'abc' }, fieldsUpdate],
		['custom_fields as a list', { id: TARGET, custom_fields: [1, 2] }, fieldsUpdate],
		['custom_fields as a number', { id: TARGET, custom_fields: 7 }, fieldsUpdate],
		['another contact (a different id)', { id: OTHER, tags: ['someone-else'] }, tagsUpdate],
	];

	it.each(cases)(
		'a read of the contact answering %s is not merged into a PATCH, and the error says why',
		async (_name, answer, updateFields) => {
			count('examples');
			api.reset([{ status: 200, body: JSON.stringify(answer) }]);
			const result = await runAssistable({
				items: [{}],
				parameters: {
					resource: 'contact',
					operation: 'update',
					contactId: TARGET,
					updateFields: updateFields as never,
					options: { maxAttempts: 1 },
				},
				credentials: { apiKey: KEY, baseUrl: api.url },
				onError: 'continueRegularOutput',
			});
			expect(api.log.map((e) => e.method)).toEqual(['GET']);
			expect(result.items).toHaveLength(1);
			expect(result.items[0].json.error).toEqual(expect.any(String));
			for (const text of messagesOf(result)) expect(text).not.toMatch(CRASH);
		},
	);

	it.each(['text', 'message', 'ok-false'])(
		'the API key quoted just before the 200-character cut of a %s answer is not shown, even in part',
		async (style) => {
			count('examples');
			const text = `${'x'.repeat(170)} ${KEY} tail`;
			const body =
				style === 'text'
					? text
					: style === 'message'
						? JSON.stringify({ message: text })
						: JSON.stringify({ ok: false, error: text });
			api.reset([{ status: style === 'message' ? 400 : 200, body }]);
			const result = await runAssistable({
				items: [{}],
				parameters: {
					resource: 'contact',
					operation: 'get',
					contactId: TARGET,
					options: { maxAttempts: 1 },
				},
				credentials: { apiKey: KEY, baseUrl: api.url },
				onError: 'continueRegularOutput',
			});
			expect(result.items[0].json.error).toEqual(expect.any(String));
			expect(result.serialized).not.toContain(KEY.slice(0, 12));
		},
	);

	it.each([
		['JSON', { customFieldsJson: '{"__proto__": "x", "plan": "pro"}' }],
		[
			'list',
			{
				customFields: {
					field: [
						{ key: '__proto__', value: 'x' },
						{ key: 'plan', value: 'pro' },
					],
				},
			},
		],
	])(
		'a custom field named __proto__ (%s) is sent or refused, never silently dropped',
		(_form, fields) => {
			count('examples');
			const parsed = validated(() => parseContactChanges(fields as IDataObject));
			if (!parsed.ok) return;
			const sent = parsed.value.customFields!;
			expect(Object.keys(sent).sort()).toEqual(['__proto__', 'plan']);
			expect(Object.getOwnPropertyDescriptor(sent, '__proto__')?.value).toBe('x');
			expect(JSON.parse(JSON.stringify(sent))).toEqual({ ['__proto__']: 'x', plan: 'pro' });
		},
	);

	it.each([NaN, Infinity, -Infinity])(
		'a custom field value of %s is refused or sent as text, never as null',
		(value) => {
			count('examples');
			for (const fields of [
				{ customFieldsJson: { score: value } },
				{ customFields: { field: [{ key: 'score', value }] } },
			]) {
				const parsed = validated(() => parseContactChanges(fields as unknown as IDataObject));
				if (!parsed.ok) continue;
				expect(isJsonValue(parsed.value.customFields?.score)).toBe(true);
			}
		},
	);
});
