import type { IDataObject } from 'n8n-workflow';

/** The events the trigger listens for (the Event parameter's values). */
export type AssistableEvent = 'callStarted' | 'callEnded' | 'customToolCall';

export const EVENT_NAMES: Record<AssistableEvent, string> = {
	callStarted: 'Call Started',
	callEnded: 'Call Ended',
	customToolCall: 'Custom Tool Call',
};

/** What n8n hands the trigger as the request (the parts it reads). */
export interface RequestLike {
	body?: unknown;
	headers?: Record<string, string | string[] | undefined>;
	rawBody?: { length: number; toString(encoding?: string): string };
	readRawBody?: () => Promise<void>;
}

export type BodyResult = { ok: true; body: IDataObject } | { ok: false; message: string };

const EMPTY = 'The request body is empty: Assistable sends a JSON object.';
const MALFORMED = 'The request body is not valid JSON: Assistable sends a JSON object.';
const NOT_OBJECT = 'The request body is JSON but not an object: Assistable sends a JSON object.';

function isObject(value: unknown): value is IDataObject {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseText(text: string): BodyResult {
	const trimmed = text.replace(/^\uFEFF/, '').trim();
	if (trimmed === '') return { ok: false, message: EMPTY };
	let parsed: unknown;
	try {
		parsed = JSON.parse(trimmed);
	} catch {
		return { ok: false, message: MALFORMED };
	}
	return isObject(parsed) ? { ok: true, body: parsed } : { ok: false, message: NOT_OBJECT };
}

/**
 * The request's JSON object. n8n has already parsed `application/json` (and refused malformed JSON of
 * that type itself); a body sent as text/plain, or with a type n8n does not parse, is parsed here.
 */
export async function readBody(req: RequestLike): Promise<BodyResult> {
	const { body } = req;
	const type = String(req.headers?.['content-type'] ?? '').toLowerCase();
	// A JSON string value (n8n parsed `"text"`), or text/plain that may hold JSON.
	if (typeof body === 'string')
		return type.includes('json') ? { ok: false, message: NOT_OBJECT } : parseText(body);
	if (isObject(body) && Object.keys(body).length > 0) return { ok: true, body };
	if (body !== undefined && !isObject(body)) return { ok: false, message: NOT_OBJECT };
	// No body, or `{}`: was anything sent?
	if (!req.rawBody && typeof req.readRawBody === 'function') await req.readRawBody();
	if (req.rawBody && req.rawBody.length > 0) return parseText(req.rawBody.toString('utf8'));
	return { ok: false, message: EMPTY };
}

/** The value of the first key present (keys as Assistable spells them, in order of preference). */
export function pick(body: IDataObject, ...keys: string[]): unknown {
	for (const key of keys) {
		if (body[key] !== undefined && body[key] !== null && body[key] !== '') return body[key];
	}
	return undefined;
}

/** Keys only a post-call webhook carries. */
const POST_CALL_KEYS = [
	'call_summary',
	'call_completion',
	'assistant_task_completion',
	'user_sentiment',
	'disconnection_reason',
	'full_transcript',
	'recording_url',
	'call_time_ms',
	'call_time_seconds',
	'end_timestamp',
];

/** Keys a pre-call webhook may carry (documented: to, from, contactId; newer page: the rest). */
const PRE_CALL_KEYS = new Set([
	'event',
	'to',
	'from',
	'contactId',
	'contact_id',
	'call_control_id',
	'call_id',
	'direction',
	'assistant_id',
	'call_type',
	'start_timestamp',
]);

/** The key of the custom tool's arguments wrapper (`arguments` in any casing), if there is one. */
export function argumentsKey(body: IDataObject): string | undefined {
	return Object.keys(body).find((key) => key.toLowerCase() === 'arguments');
}

/** Which Assistable webhook this payload is, or undefined when it is none of the call webhooks. */
function callEventOf(body: IDataObject): 'callStarted' | 'callEnded' | undefined {
	const event = typeof body.event === 'string' ? body.event.toLowerCase() : undefined;
	if (event === 'call_ended' || event === 'call.ended') return 'callEnded';
	if (event === 'call_started' || event === 'call.started') return 'callStarted';
	if (argumentsKey(body) !== undefined) return undefined;
	if (POST_CALL_KEYS.filter((key) => key in body).length >= 2) return 'callEnded';
	const keys = Object.keys(body);
	if (('to' in body || 'from' in body) && keys.every((key) => PRE_CALL_KEYS.has(key)))
		return 'callStarted';
	return undefined;
}

/**
 * Whether the payload is the event this trigger listens for; otherwise the reason it is ignored (for the
 * log: it names the shape, never a value of the body).
 */
export function eventMismatch(body: IDataObject, wanted: AssistableEvent): string | undefined {
	const found = callEventOf(body);
	if (wanted === 'customToolCall') {
		return found ? `a ${EVENT_NAMES[found]} payload, not a Custom Tool Call` : undefined;
	}
	if (found === wanted) return undefined;
	if (found) return `a ${EVENT_NAMES[found]} payload, not ${EVENT_NAMES[wanted]}`;
	if (argumentsKey(body) !== undefined)
		return `a Custom Tool Call payload, not ${EVENT_NAMES[wanted]}`;
	const event = typeof body.event === 'string' ? ' (an unknown "event")' : '';
	return `not an Assistable ${EVENT_NAMES[wanted]} payload${event}`;
}
