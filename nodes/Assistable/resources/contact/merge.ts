import type { Contact, ContactWrite, CustomFieldValue } from './types';
import { samePhone } from '../../shared/phone';
import { emailKey } from './identity';
import { tagKey, uniqueTags } from './validation';

/** What the user asked to change, validated, before any request. */
export interface ContactChanges {
	fields: Omit<ContactWrite, 'tags' | 'custom_fields'>;
	tags?: string[];
	removeTags?: string[];
	customFields?: Record<string, CustomFieldValue>;
}

export interface MergeOptions {
	appendTags: boolean;
	keepCustomFields: boolean;
}

/** Empty tag lists dropped, except Tags with Append Tags off (it clears the contact's tags). */
export function withTagMode(changes: ContactChanges, appendTags: boolean): ContactChanges {
	const tags = appendTags && changes.tags?.length === 0 ? undefined : changes.tags;
	const removeTags = changes.removeTags?.length === 0 ? undefined : changes.removeTags;
	return { ...changes, tags, removeTags };
}

/** Whether the body can only be built from the contact's current state. */
export function needsCurrentContact(changes: ContactChanges, options: MergeOptions): boolean {
	const tagsNeedState =
		(changes.tags !== undefined || changes.removeTags !== undefined) &&
		(options.appendTags || changes.tags === undefined);
	return tagsNeedState || (changes.customFields !== undefined && options.keepCustomFields);
}

/** Existing tags then new ones, no repeats or removed ones (any case); `append` off: replace. */
export function mergeTags(
	existing: string[],
	add: string[] | undefined,
	remove: string[] | undefined,
	append: boolean,
): string[] {
	const base = append || add === undefined ? uniqueTags(existing, false) : [];
	const removed = new Set((remove ?? []).map(tagKey));
	const merged = base.filter((tag) => !removed.has(tagKey(tag)));
	for (const tag of add ?? []) {
		const key = tagKey(tag);
		if (!removed.has(key) && !merged.some((have) => tagKey(have) === key)) merged.push(tag);
	}
	return merged;
}

/** The PATCH body: only what the user set, merged onto `current` where the options ask for it. */
export function buildContactWrite(
	changes: ContactChanges,
	options: MergeOptions,
	current: Contact | undefined,
): ContactWrite {
	const body: ContactWrite = { ...changes.fields };
	if (changes.tags !== undefined || changes.removeTags !== undefined) {
		const { tags, removeTags } = changes;
		body.tags = mergeTags(current?.tags ?? [], tags, removeTags, options.appendTags);
	}
	if (changes.customFields !== undefined) {
		body.custom_fields =
			options.keepCustomFields && current
				? {
						...(current.custom_fields as Record<string, CustomFieldValue> | undefined),
						...changes.customFields,
					}
				: { ...changes.customFields };
	}
	return body;
}

const FIELD_LABELS: Record<keyof ContactWrite, string> = {
	first_name: 'First Name',
	last_name: 'Last Name',
	phone_number: 'Phone Number',
	email: 'Email',
	tags: 'Tags',
	custom_fields: 'Custom Fields',
};

/** Labels of the fields sent that the returned contact does not show. */
export function unappliedFields(sent: ContactWrite, contact: Contact): string[] {
	const missing: string[] = [];
	for (const key of Object.keys(sent) as Array<keyof ContactWrite>) {
		const value = sent[key];
		const actual = contact[key];
		let applied: boolean;
		if (key === 'tags') {
			// Compared the way an API may store tags (trimmed, any case).
			const got = new Set((Array.isArray(actual) ? (actual as string[]) : []).map(tagKey));
			const want = new Set((value as string[]).map(tagKey));
			applied = [...want].every((tag) => got.has(tag)) && got.size === want.size;
		} else if (key === 'custom_fields') {
			const got = (actual ?? {}) as Record<string, unknown>;
			applied = Object.entries(value as Record<string, unknown>).every(([name, v]) =>
				sameJson(got[name], v),
			);
		} else if (key === 'email') {
			// Compared the way addresses are matched: an API that lower-cases stored emails applied it.
			applied = emailKey(actual) === emailKey(value);
		} else if (key === 'phone_number') {
			// Compared in E.164: an API that stores the number formatted applied it.
			applied = samePhone(actual, value);
		} else {
			applied = actual === value;
		}
		if (!applied) missing.push(FIELD_LABELS[key]);
	}
	return missing;
}

/** Equal JSON values, whatever the order of object keys. */
function sameJson(a: unknown, b: unknown): boolean {
	if (a === b) return true;
	if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
	if (Array.isArray(a) !== Array.isArray(b)) return false;
	const keysA = Object.keys(a);
	const keysB = Object.keys(b);
	if (keysA.length !== keysB.length) return false;
	const recordA = a as Record<string, unknown>;
	const recordB = b as Record<string, unknown>;
	return keysA.every(
		(key) =>
			Object.prototype.hasOwnProperty.call(recordB, key) && sameJson(recordA[key], recordB[key]),
	);
}
