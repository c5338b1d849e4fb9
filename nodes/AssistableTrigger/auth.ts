import { createHash, timingSafeEqual } from 'crypto';

import type { IDataObject } from 'n8n-workflow';

type Headers = Record<string, string | string[] | undefined>;

/** The URL query parameter that carries the secret on pre-call and post-call webhooks. */
export const SECRET_QUERY_PARAMETER = 'secret';

/** Why a request was refused; the wording never includes what the caller sent. */
export type AuthFailure = 'missing' | 'wrong';

/** Equal in constant time: both sides are hashed to 32 bytes first, so no length leaks either. */
function sameSecret(given: string, expected: string): boolean {
	const a = createHash('sha256').update(given, 'utf8').digest();
	const b = createHash('sha256').update(expected, 'utf8').digest();
	return timingSafeEqual(a, b);
}

/** The token of an `Authorization: Bearer <token>` header (scheme in any case), or undefined. */
function bearerToken(headers: Headers): string | undefined {
	const raw = headers.authorization;
	const value = Array.isArray(raw) ? raw[0] : raw;
	const match = /^\s*bearer\s+(.+?)\s*$/i.exec(value ?? '');
	return match?.[1];
}

/** The `secret` query parameter (the first one if repeated), or undefined. */
function querySecret(query: IDataObject): string | undefined {
	const raw = query?.[SECRET_QUERY_PARAMETER];
	const value = Array.isArray(raw) ? raw[0] : raw;
	return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * Checks the request against the credential's secret: custom tool calls by their Bearer header, call
 * webhooks by the `secret` query parameter. Returns undefined when it matches.
 */
export function checkSecret(
	kind: 'bearer' | 'query',
	expected: string,
	request: { headers: Headers; query: IDataObject },
): AuthFailure | undefined {
	const given = kind === 'bearer' ? bearerToken(request.headers) : querySecret(request.query);
	if (given === undefined) return 'missing';
	return sameSecret(given, expected) ? undefined : 'wrong';
}
