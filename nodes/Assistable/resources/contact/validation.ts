/** Validation of contact values: contact IDs, tags and Get Many's Updated Since. */
import { DateTime } from 'luxon';

import { InputError, isBlank, quote, UUID } from '../../shared/validation';

export function parseContactId(value: unknown): string {
	if (isBlank(value)) {
		throw new InputError(
			'Contact ID',
			'Contact ID is empty',
			'Map the contact ID from the previous node, e.g. {{ $json.contact_id }}.',
		);
	}
	const id = typeof value === 'string' ? value.trim() : value;
	if (typeof id !== 'string' || !UUID.test(id)) {
		throw new InputError(
			'Contact ID',
			`Contact ID ${quote(value)} is not an Assistable contact ID`,
			'Contact IDs are UUIDs such as 3f6c1e2a-9b7d-4c1e-8f2a-5d6b7c8e9f01. A location (sub-account) ID is not a contact ID.',
		);
	}
	return id.toLowerCase();
}

/**
 * Tags from comma-separated text or a list, trimmed, without empty entries or repeats. Text with no
 * tag is undefined; an empty list stays [] (with Append Tags off: clear them).
 */
export function parseTags(value: unknown, parameter = 'Tags'): string[] | undefined {
	if (value === undefined || value === null) return undefined;
	const refuse = (what: unknown): never => {
		throw new InputError(
			parameter,
			`${parameter} must be a comma-separated text or a list of texts, not ${quote(what)}`,
			'Write tags like "vip, webinar", or map a list, e.g. {{ ["vip", "webinar"] }}.',
		);
	};
	if (typeof value === 'number') return Number.isFinite(value) ? [String(value)] : refuse(value);
	if (typeof value === 'string') {
		const tags = uniqueTags(
			value
				.split(',')
				.map((tag) => tag.trim())
				.filter((tag) => tag !== ''),
		);
		return tags.length ? tags : undefined;
	}
	if (!Array.isArray(value)) return refuse(value);
	const tags: string[] = [];
	for (const entry of value) {
		if (entry === undefined || entry === null) continue;
		if (typeof entry === 'number' && Number.isFinite(entry)) tags.push(String(entry));
		else if (typeof entry === 'string') tags.push(entry.trim());
		else refuse(entry);
	}
	return uniqueTags(tags.filter((tag) => tag !== ''));
}

/** A tag as an API may store it: trimmed and lower-cased (GoHighLevel keeps tags so). */
export function tagKey(tag: string): string {
	return tag.trim().toLowerCase();
}

/** Tags without repeats, the first kept; `anyCase`: "VIP" repeats "vip" (as an API may store them). */
export function uniqueTags(tags: string[], anyCase = true): string[] {
	const seen = new Set<string>();
	return tags.filter((tag) => {
		const key = anyCase ? tagKey(tag) : tag;
		if (seen.has(key)) return false;
		seen.add(key);
		return true;
	});
}

/**
 * Get Many's Updated Since as epoch ms. A time without an offset (as n8n's date picker stores it)
 * is read in the workflow's time zone, so every server returns the same contacts.
 */
export function parseUpdatedSince(value: unknown, timeZone: string): number | undefined {
	if (value === undefined || value === null || value === '') return undefined;
	let time: DateTime | undefined;
	if (DateTime.isDateTime(value)) time = value;
	else if (value instanceof Date) time = DateTime.fromJSDate(value);
	else if (typeof value === 'string')
		time = DateTime.fromISO(value.trim(), { zone: timeZone, setZone: true });
	if (!time?.isValid) {
		throw new InputError(
			'Updated Since',
			`Updated Since ${quote(value)} is not a date`,
			'Pick a date, or map an ISO 8601 date such as 2025-12-01T00:00:00Z.',
		);
	}
	return time.toMillis();
}
