/**
 * Property-based tests (fast-check), validation + merging: thousands of generated parameter sets and
 * "existing contact" states through parseContactChanges, needsCurrentContact, buildContactWrite and mergeTags.
 */

import fc from 'fast-check';
import type { IDataObject } from 'n8n-workflow';

import { parseContactChanges } from '../../../nodes/Assistable/resources/contact/fields';
import type {
	ContactChanges,
	MergeOptions,
} from '../../../nodes/Assistable/resources/contact/merge';
import {
	buildContactWrite,
	mergeTags,
	needsCurrentContact,
} from '../../../nodes/Assistable/resources/contact/merge';

import { E164, count, writeCountsAfterAll, validated } from './support';
import {
	COMMON_TAGS,
	contactFields,
	existingContact,
	mergeOptions,
	unique,
	isJsonValue,
	expectValidTagList,
	expectedFieldKeys,
} from './parameters';
writeCountsAfterAll('validation-merge');

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
});
