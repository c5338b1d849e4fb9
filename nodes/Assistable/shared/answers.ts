/**
 * What an answer (or a network failure) means: its body (redacted before it is parsed), the failure
 * it reports, whether it may be retried and whether a write's outcome is unknown.
 */
import type { INode, NodeApiError } from 'n8n-workflow';

import type { CredentialUse } from './credential';
import { displayUrl } from './credential';
import type { Endpoint } from './endpoint';
import { apiError, hintFor, plural, statusMessage, unsafeToRetry } from './messages';
import type { Attempt, Failure } from './retries';
import { header, rateLimitResetMs, retryAfterMs } from './retries';
import { isObject } from './success';
import type { TransportOptions } from './transport';

/** One request to an endpoint, as a resource's API module describes it. */
export interface RequestSpec {
	/** Values of the path's `{name}` placeholders, each encoded as one segment. */
	params: Record<string, string>;
	/** Sent in this order, empty values too. */
	query?: Record<string, string>;
	/** A function is asked before each attempt; undefined (built on a state too old): StaleRequest. */
	body?: object | (() => object | undefined);
	/** Attempts made by earlier requests withdrawn as stale: they count toward Max Attempts. */
	attemptsBefore?: number;
	itemIndex: number;
	/** Shown in messages, e.g. the contact ID. */
	subject: string;
	/** The message (without the status) and hint of a 404; default: no such route. */
	notFound?: { message: string; hint?: string };
	forbiddenHint?: string;
	/** What may have happened when a write that is not retry-safe got no definite answer. */
	unconfirmedEffect?: string;
	/** Called when an attempt of a write failed in a way the server may still apply. */
	onUnknownOutcome?: () => void;
}

export interface ApiCall extends RequestSpec {
	endpoint: Endpoint;
}

export interface RawResponse {
	statusCode: number;
	headers: Record<string, string | string[] | undefined>;
	body: unknown;
}

/** What interpreting needs to know of the execution. */
export type Reader = TransportOptions & Pick<CredentialUse, 'scope' | 'redact'> & { node: INode };

/** Answers after which a write may still have been applied (a gateway or the server gave up). */
const UNKNOWN_OUTCOME_STATUS = new Set([408, 500, 502, 503, 504]);
/** Network failures after which the request may or may not have reached the server. */
const RETRYABLE_NETWORK = new Set([
	'ECONNRESET',
	'ETIMEDOUT',
	'ECONNABORTED',
	'EPIPE',
	'EAI_AGAIN',
	'ESOCKETTIMEDOUT',
]);

const REFUSAL = 'Assistable reported an error:';

/**
 * What a 2xx that failed the request was: Assistable's `ok: false` (a refusal: nothing was done), or
 * an answer that could not be read (not JSON, too large: Assistable took the request).
 */
export function failed2xx(error: NodeApiError): 'refused' | 'unreadable' | undefined {
	if (!/^2\d\d$/.test(String(error.httpCode ?? ''))) return undefined;
	return error.message.startsWith(REFUSAL) ? 'refused' : 'unreadable';
}

/** The answer's parsed body, or the failure it reports. */
export function interpret(r: Reader, call: ApiCall, answer: RawResponse, attempt: number): Attempt {
	const { statusCode: status, body } = answer;
	const resetMs = rateLimitResetMs(answer);
	const fail = (message: string, description: string): Failure => ({
		retryable: false,
		status,
		resetMs,
		error: apiError(r.node, call.itemIndex, message, description, status),
	});
	let text = typeof body === 'string' ? body : undefined;
	if (Buffer.isBuffer(body)) text = body.toString('utf8');
	let parsed = body;
	let isJson = text === undefined;
	if (text !== undefined) {
		if (text.length > call.endpoint.maxBytes) {
			return fail(
				`Assistable's answer is too large (${text.length} bytes, limit ${call.endpoint.maxBytes})`,
				'This is not what the API documents; check the Base URL.',
			);
		}
		// Redact once, before anything is parsed or cut short: a truncated key would no longer match.
		text = r.redact(text);
		try {
			parsed = text === '' ? undefined : JSON.parse(text);
			isJson = text !== '';
		} catch {
			parsed = text;
		}
	}
	if (status >= 200 && status < 300) {
		if (!isJson) {
			return fail(
				`Assistable answered ${status} with a body that is not JSON`,
				`Got: ${snippet(text ?? '')}. Check the Base URL points at the v2 API.`,
			);
		}
		if (isObject(parsed) && parsed.ok === false) {
			const reason = messageOf(parsed) ?? 'no reason given';
			return fail(`${REFUSAL} ${reason}`, '');
		}
		return { body: parsed, resetMs };
	}
	const location = status >= 300 && status < 400 ? header(answer, 'location') : undefined;
	const reason = location
		? `redirect to ${r.redact(displayUrl(location))}`
		: (messageOf(parsed) ?? (typeof parsed === 'string' ? snippet(parsed) : undefined));
	const unknownOutcome = UNKNOWN_OUTCOME_STATUS.has(status);
	// A 429 is always retried: the API did nothing.
	const retryable = status === 429 || (unknownOutcome && call.endpoint.retrySafe);
	const gaveUp =
		retryable && attempt >= r.maxAttempts ? ` (gave up after ${plural(attempt, 'attempt')})` : '';
	const description = [
		reason ? `Assistable said: ${reason}.` : '',
		hintFor(call, status, reason ?? ''),
		unknownOutcome && !retryable ? unsafeToRetry(call) : '',
	]
		.filter(Boolean)
		.join(' ');
	return {
		...fail(`${statusMessage(call, status)}${gaveUp}`, description),
		retryable,
		unknownOutcome,
		retryAfterMs:
			status === 429 || status === 503 ? retryAfterMs(header(answer, 'retry-after')) : undefined,
	};
}

/** The failure a network error (no answer) reports. */
export function networkFailure(r: Reader, call: ApiCall, error: unknown, attempt: number): Failure {
	const code = networkCode(error);
	// A refused connection certainly did not reach the server.
	const notSent = code === 'ECONNREFUSED';
	const retryable = notSent || (call.endpoint.retrySafe && RETRYABLE_NETWORK.has(code));
	const what = notSent
		? 'refused the connection'
		: code === 'ECONNABORTED' || code === 'ETIMEDOUT'
			? `did not answer within ${r.timeoutMs} ms`
			: 'could not be reached';
	const attempts = attempt > 1 || retryable ? ` after ${plural(attempt, 'attempt')}` : '';
	const unsafe = !call.endpoint.retrySafe && !retryable ? ` ${unsafeToRetry(call)}` : '';
	const where = `${call.endpoint.method} ${r.redact(displayUrl(r.scope))}`;
	return {
		retryable,
		unknownOutcome: !notSent,
		error: apiError(
			r.node,
			call.itemIndex,
			`Assistable ${what}${attempts}`,
			`Network error ${code || 'unknown'} on ${where}.${unsafe}`,
		),
	};
}

function messageOf(body: unknown): string | undefined {
	if (!isObject(body)) return undefined;
	for (const key of ['error', 'message', 'detail']) {
		const value = body[key];
		if (typeof value === 'string' && value) return snippet(value);
		if (isObject(value) && typeof value.message === 'string') return snippet(value.message);
	}
	return undefined;
}

function snippet(text: string): string {
	const flat = text.replace(/\s+/g, ' ').trim();
	return flat.length > 200 ? `${flat.slice(0, 197)}...` : flat;
}

function networkCode(error: unknown): string {
	let current: unknown = error;
	for (let depth = 0; depth < 5 && isObject(current); depth++) {
		const code = (current as { code?: unknown }).code;
		if (typeof code === 'string' && /^E[A-Z_]+$/.test(code)) return code;
		current = (current as { cause?: unknown }).cause;
	}
	const message = error instanceof Error ? error.message : '';
	if (/timeout/i.test(message)) return 'ETIMEDOUT';
	if (/socket hang up|aborted/i.test(message)) return 'ECONNRESET';
	return '';
}
