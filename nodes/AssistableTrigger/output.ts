import type { IDataObject } from 'n8n-workflow';

import { argumentsKey, pick } from './payload';

function text(value: unknown): string | null {
	if (value === undefined || value === null) return null;
	return typeof value === 'string' ? value : JSON.stringify(value);
}

/** A phone number as E.164 when it is one (formatting removed); otherwise as sent, or null. */
function e164(value: unknown): string | null {
	if (typeof value !== 'string' && typeof value !== 'number') return null;
	const raw = String(value).trim();
	const compact = raw.replace(/[\s().-]/g, '').replace(/^00/, '+');
	return /^\+[1-9]\d{1,14}$/.test(compact) ? compact : raw || null;
}

function number(value: unknown): number | null {
	if (typeof value === 'number') return Number.isFinite(value) ? value : null;
	if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)))
		return Number(value);
	return null;
}

/** An ISO 8601 timestamp (UTC) from an ISO string or epoch milliseconds / seconds; as sent if unreadable. */
function iso(value: unknown): string | null {
	if (value === undefined || value === null || value === '') return null;
	const epoch = number(value);
	const date =
		epoch !== null ? new Date(epoch < 1e11 ? epoch * 1000 : epoch) : new Date(String(value));
	return Number.isNaN(date.getTime()) ? String(value) : date.toISOString();
}

function direction(body: IDataObject): 'inbound' | 'outbound' | null {
	const value = String(pick(body, 'direction') ?? '').toLowerCase();
	return value === 'inbound' || value === 'outbound' ? value : null;
}

/** The fields every call event has. */
function callFields(body: IDataObject, event: 'call_started' | 'call_ended'): IDataObject {
	const dir = direction(body);
	const to = e164(pick(body, 'to'));
	const from = e164(pick(body, 'from'));
	return {
		event,
		callId: text(pick(body, 'call_id', 'callId', 'call_control_id')),
		direction: dir,
		// The person on the other end: who was called (outbound) or who called (inbound).
		customerNumber: dir === 'outbound' ? to : dir === 'inbound' ? from : null,
		to,
		from,
		assistantId: text(pick(body, 'assistant_id', 'assistantId')),
		contactId: text(pick(body, 'contactId', 'contact_id')),
	};
}

/** The item of a pre-call webhook. */
export function callStartedItem(body: IDataObject): IDataObject {
	return {
		...callFields(body, 'call_started'),
		startedAt: iso(pick(body, 'start_timestamp')),
		body,
	};
}

function durationSeconds(body: IDataObject): number | null {
	const seconds = number(pick(body, 'call_time_seconds'));
	if (seconds !== null) return seconds;
	const ms = number(pick(body, 'call_time_ms'));
	return ms === null ? null : ms / 1000;
}

/** The item of a post-call webhook: the outcome, summary, sentiment and transcript by name. */
export function callEndedItem(body: IDataObject): IDataObject {
	return {
		...callFields(body, 'call_ended'),
		callType: text(pick(body, 'call_type')),
		disconnectionReason: text(pick(body, 'disconnection_reason')),
		callCompletion: pick(body, 'call_completion') ?? null,
		taskCompletion: pick(body, 'assistant_task_completion') ?? null,
		sentiment: text(pick(body, 'user_sentiment')),
		summary: text(pick(body, 'call_summary')),
		transcript: text(pick(body, 'full_transcript')),
		recordingUrl: text(pick(body, 'recording_url')),
		durationSeconds: durationSeconds(body),
		startedAt: iso(pick(body, 'start_timestamp')),
		endedAt: iso(pick(body, 'end_timestamp')),
		body,
	};
}

/** The arguments under the wrapper (an object, or JSON text of one), or undefined when unreadable. */
function wrappedArguments(value: unknown): IDataObject | undefined {
	let parsed = value;
	if (typeof value === 'string') {
		try {
			parsed = JSON.parse(value);
		} catch {
			return undefined;
		}
	}
	return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
		? (parsed as IDataObject)
		: undefined;
}

/**
 * The item of a custom tool call: the tool's arguments at the top level (from the `arguments` wrapper in
 * any casing, or the body itself when there is none), the contact ID beside them, and the raw body.
 */
export function toolCallItem(body: IDataObject): IDataObject {
	const key = argumentsKey(body);
	const wrapped = key === undefined ? undefined : wrappedArguments(body[key]);
	let args: IDataObject;
	if (wrapped) {
		args = { ...wrapped };
	} else {
		args = { ...body };
		delete args.contact_id;
		delete args.contactId;
	}
	const contactId = text(
		pick(body, 'contact_id', 'contactId') ?? pick(args, 'contact_id', 'contactId'),
	);
	return { ...args, contactId, body };
}
