/**
 * Assistable's own IDs Make Call takes (assistant, number pool); its GoHighLevel contact and location
 * IDs are read by shared/ghl-ids.ts.
 */
import { InputError, isBlank, quote } from '../../shared/validation';

/** Assistant and number pool IDs: seen as asst_… and UUIDs; any letters, digits, _ and -. */
const ASSISTABLE_ID = /^[A-Za-z0-9_-]{1,128}$/;

function text(value: unknown, parameter: string): string | undefined {
	if (isBlank(value)) return undefined;
	if (typeof value === 'string' || typeof value === 'number') return String(value).trim();
	throw new InputError(
		parameter,
		`${parameter} must be text, not ${quote(value)}`,
		'Map a text value.',
	);
}

export function parseAssistableId(
	value: unknown,
	parameter: string,
	where: string,
	required: true,
): string;
export function parseAssistableId(
	value: unknown,
	parameter: string,
	where: string,
	required: false,
): string | undefined;
export function parseAssistableId(
	value: unknown,
	parameter: string,
	where: string,
	required: boolean,
): string | undefined {
	const id = text(value, parameter);
	if (id === undefined) {
		if (!required) return undefined;
		throw new InputError(parameter, `${parameter} is empty`, where);
	}
	if (!ASSISTABLE_ID.test(id))
		throw new InputError(parameter, `${parameter} ${quote(id)} is not an Assistable ID`, where);
	return id;
}
