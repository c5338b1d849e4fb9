import { DateTime } from 'luxon';

import { InputError, quote } from '../../shared/validation';

/**
 * Get Many's Updated Since as epoch ms. n8n's date picker stores a time without an offset: it is
 * read in the workflow's time zone (Settings → Timezone), so every server returns the same
 * contacts. A value with an offset (`Z`, `+02:00`) keeps it. Undefined when not set.
 */
export function parseUpdatedSince(
	value: unknown,
	timeZone: string,
	parameter = 'Updated Since',
): number | undefined {
	if (value === undefined || value === null || value === '') return undefined;
	let time: DateTime | undefined;
	if (DateTime.isDateTime(value)) time = value;
	else if (value instanceof Date) time = DateTime.fromJSDate(value);
	else if (typeof value === 'string')
		time = DateTime.fromISO(value.trim(), { zone: timeZone, setZone: true });
	if (!time?.isValid) {
		throw new InputError(
			parameter,
			`${parameter} ${quote(value)} is not a date`,
			'Pick a date, or map an ISO 8601 date such as 2025-12-01T00:00:00Z.',
		);
	}
	return time.toMillis();
}
