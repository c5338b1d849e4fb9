/** The attempt loop: backoff and Retry-After, and how each attempt is reported to the key's throttle. */
import type { NodeApiError } from 'n8n-workflow';

import type { RawResponse } from './answers';
import type { AttemptOutcome } from './limiter';
import { clock } from './state';
import type { PaceRequest, Throttle } from './throttle';

/** Longest wait a Retry-After may ask for before the request counts as failed. */
const MAX_RETRY_AFTER_MS = 60_000;
const BACKOFF_BASE_MS = 250;
const BACKOFF_CAP_MS = 8_000;
/** Answers that mean the API (or its gateway) is overloaded: Concurrency: Auto backs off. */
const OVERLOAD_STATUS = new Set([429, 502, 503, 504]);

/** An attempt that failed. */
export interface Failure {
	retryable: boolean;
	retryAfterMs?: number;
	/** The request may have been applied by the server (it reached it, no definite answer came). */
	unknownOutcome?: boolean;
	/** None for a network failure. */
	status?: number;
	/** Every request of the key waits this long (a rate-limit reset with nothing left). */
	resetMs?: number;
	error: NodeApiError;
}

export type Attempt = { body: unknown; resetMs?: number } | Failure;

interface RetryOptions {
	maxAttempts: number;
	throttle: Throttle;
	pace: PaceRequest;
	signal: AbortSignal | undefined;
	onUnknownOutcome?: () => void;
}

/** Runs attempts, each with a permit of the key's throttle, until one answers or retries end. */
export async function withRetries(
	attempt: (n: number) => Promise<Attempt>,
	options: RetryOptions,
): Promise<unknown> {
	for (let n = 1; ; n++) {
		const permit = await options.throttle.acquire(options.pace, options.signal);
		let result: Attempt | undefined;
		let wait = 0;
		try {
			result = await attempt(n);
			if ('error' in result) wait = result.retryAfterMs ?? backoff(n);
		} finally {
			permit.release(result && outcomeOf(result, wait));
		}
		if (!('error' in result)) return result.body;
		if (result.unknownOutcome) options.onUnknownOutcome?.();
		if (!result.retryable || n >= options.maxAttempts) throw result.error;
		if (wait > MAX_RETRY_AFTER_MS) {
			result.error.description =
				`${result.error.description ?? ''} Assistable asked to wait ${Math.ceil(wait / 1000)} s before retrying, longer than the ${MAX_RETRY_AFTER_MS / 1000} s this node waits.`.trim();
			throw result.error;
		}
		await clock.sleep(wait, options.signal);
	}
}

/** How the attempt ended, for the throttle: a drop on overload or network failure. */
function outcomeOf(result: Attempt, wait: number): AttemptOutcome {
	const pauseMs = result.resetMs;
	if (!('error' in result) || (result.status !== undefined && !OVERLOAD_STATUS.has(result.status)))
		return { kind: 'answer', pauseMs };
	// A rate limit slows every request made with this key in this process, not just this one.
	const rateLimited = result.status === 429;
	return {
		kind: 'drop',
		rateLimited,
		retryAfterMs: result.retryAfterMs,
		pauseMs: rateLimited && wait <= MAX_RETRY_AFTER_MS ? Math.max(wait, pauseMs ?? 0) : pauseMs,
	};
}

/** Exponential backoff with full jitter. */
function backoff(attempt: number): number {
	const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** (attempt - 1));
	return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
}

export function header(response: Pick<RawResponse, 'headers'>, name: string): string | undefined {
	const value = response.headers?.[name];
	return Array.isArray(value) ? value[0] : value;
}

/** Retry-After as seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(value: string | undefined): number | undefined {
	if (!value) return undefined;
	if (/^\s*\d+(\.\d+)?\s*$/.test(value)) return Math.ceil(parseFloat(value) * 1000);
	const date = Date.parse(value);
	return Number.isNaN(date) ? undefined : Math.max(0, date - clock.now());
}

/**
 * Rate-limit headers, if Assistable sends them (v2 documents none): with nothing left, every
 * request of this key waits for the reset instead of running into a 429.
 */
export function rateLimitResetMs(response: Pick<RawResponse, 'headers'>): number | undefined {
	const read = (name: string) => header(response, name) ?? header(response, `x-${name}`);
	const remaining = read('ratelimit-remaining');
	if (remaining === undefined || Number(remaining) !== 0) return undefined;
	const reset = Number(read('ratelimit-reset'));
	if (!Number.isFinite(reset) || reset <= 0) return undefined;
	// Seconds until the reset, or (as some APIs send it) the reset's Unix time in seconds.
	const waitMs = reset > 1e9 ? reset * 1000 - clock.now() : reset * 1000;
	return waitMs > 0 && waitMs <= MAX_RETRY_AFTER_MS ? waitMs : undefined;
}
