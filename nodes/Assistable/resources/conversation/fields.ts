/** The parameters the conversation operations share; the IDs are GoHighLevel's (GHL-safe endpoints). */
import type { INodeProperties } from 'n8n-workflow';

import { InputError, isBlank, quote } from '../../shared/validation';

export const GHL_LOCATION_FIELD: INodeProperties = {
	displayName: 'Location ID (GHL)',
	name: 'locationId',
	type: 'string',
	required: true,
	default: '',
	placeholder: 'e.g. Qm7vTzR2kLp9XwN4bHs8',
	description:
		'The GoHighLevel location (sub-account) ID. A GoHighLevel workflow webhook sends it as location.ID.',
};

export const GHL_CONTACT_FIELD: INodeProperties = {
	displayName: 'GHL Contact ID',
	name: 'contactId',
	type: 'string',
	default: '',
	placeholder: 'e.g. hX2kP9sQ4vT7wZ1bN6mR',
	description:
		'The GoHighLevel contact ID (about 20 letters and digits), not the Assistable contact ID (a UUID). A GoHighLevel workflow webhook sends it as contact_id.',
};

export const CONVERSATION_ID_FIELD: INodeProperties = {
	displayName: 'Conversation ID',
	name: 'conversationId',
	type: 'string',
	default: '',
	placeholder: 'e.g. cV8nB3xQ1mK7pL4sD9fG',
	description: 'The GoHighLevel conversation ID',
};

export const CHANNEL_FIELD: INodeProperties = {
	displayName: 'Channel',
	name: 'channel',
	type: 'string',
	required: true,
	default: 'SMS',
	placeholder: 'e.g. SMS or Live_Chat',
	description: "The conversation's channel, as Assistable names it (e.g. SMS, Live_Chat)",
};

/** An ID or a text a request needs: trimmed, refused when empty or not text. */
export function requiredText(value: unknown, parameter: string, hint: string): string {
	if (isBlank(value)) throw new InputError(parameter, `${parameter} is empty`, hint);
	if (typeof value !== 'string' && typeof value !== 'number')
		throw new InputError(parameter, `${parameter} must be text, not ${quote(value)}`, hint);
	return String(value).trim();
}

/** An ID that goes into a request as is: no spaces or slashes. */
export function parseId(value: unknown, parameter: string, hint: string): string {
	const id = requiredText(value, parameter, hint);
	if (!/^[^\s/?#]{1,128}$/.test(id))
		throw new InputError(parameter, `${parameter} ${quote(value)} is not an ID`, hint);
	return id;
}
