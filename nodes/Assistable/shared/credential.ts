/**
 * The Base URL is checked (https, or http to this machine only); the API key is read once per
 * execution and never shown, in any encoding an answer may carry it in.
 */
import type { IAdditionalCredentialOptions, IExecuteFunctions } from 'n8n-workflow';
import { createHash } from 'crypto';
import { NodeOperationError } from 'n8n-workflow';

import { DEFAULT_BASE_URL } from '../../../credentials/AssistableApi.credentials';

export const CREDENTIAL_TYPE = 'assistableApi';

/** The credential as one execution uses it. */
export interface CredentialUse {
	/** The base URL, without a trailing slash. */
	scope: string;
	/** Base URL + a hash of the API key (never the key itself). */
	keyScope: string;
	/** Read once, so requests do not fetch and decrypt it again. */
	credential: IAdditionalCredentialOptions;
	/** Removes the API key, the Base URL's password and its user info from a text. */
	redact(text: string): string;
}

export async function readCredential(ctx: IExecuteFunctions): Promise<CredentialUse> {
	const credentials = await ctx.getCredentials(CREDENTIAL_TYPE);
	const raw = String(credentials.baseUrl || DEFAULT_BASE_URL)
		.trim()
		.replace(/\/+$/, '');
	let url: URL;
	try {
		url = new URL(raw);
	} catch {
		throw new NodeOperationError(
			ctx.getNode(),
			`The credential's Base URL ${JSON.stringify(displayUrl(raw))} is not a URL`,
			{ description: `Set Base URL in the Assistable API credential to ${DEFAULT_BASE_URL}.` },
		);
	}
	if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopback(url.hostname))) {
		throw new NodeOperationError(ctx.getNode(), "The credential's Base URL must use https", {
			description: `The API key is only sent over https (plain http is allowed for localhost only). Set Base URL to ${DEFAULT_BASE_URL}.`,
		});
	}
	const apiKey = String(credentials.apiKey ?? '');
	// The key, and a password in the Base URL's user info, never appear in messages.
	const secrets = [apiKey, safeDecode(url.password)]
		.filter((secret) => secret.length >= 4)
		.map(encodingsOf);
	const shown = displayUrl(raw);
	const reference = ctx.getNode().credentials?.[CREDENTIAL_TYPE];
	return {
		scope: raw,
		keyScope: `${raw}#${createHash('sha256').update(apiKey).digest('hex').slice(0, 16)}`,
		credential: {
			credentialsDecrypted: {
				id: reference?.id ?? '',
				name: reference?.name ?? '',
				type: CREDENTIAL_TYPE,
				data: credentials,
			},
		},
		redact: (text) =>
			secrets.reduce(
				(result, secret) => result.replace(secret, '***'),
				text.split(raw).join(shown),
			),
	};
}

/**
 * A pattern matching a secret however an answer may write it: each character raw, JSON-escaped
 * (`\/`, `\uXXXX` in either hex case) or URL-encoded (`%XX` in either hex case), in any mix.
 */
function encodingsOf(secret: string): RegExp {
	const anyCase = (hex: string) =>
		hex.replace(/[a-f]/gi, (d) => `[${d.toLowerCase()}${d.toUpperCase()}]`);
	const character = (c: string) => {
		const forms = [c.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&')];
		if (c === '/' || c === '"' || c === '\\') forms.push(`\\\\\\${c}`);
		const units = Array.from({ length: c.length }, (_, i) => c.charCodeAt(i));
		forms.push(units.map((u) => `\\\\u${anyCase(u.toString(16).padStart(4, '0'))}`).join(''));
		// URL-encoded, ASCII too (an encoder may escape any character); a lone surrogate has no UTF-8.
		const code = c.codePointAt(0)!;
		if (code < 0x80) forms.push(anyCase(`%${code.toString(16).padStart(2, '0')}`));
		else if (code < 0xd800 || code > 0xdfff) forms.push(anyCase(encodeURIComponent(c)));
		return `(?:${forms.join('|')})`;
	};
	return new RegExp(Array.from(secret, character).join(''), 'g');
}

function safeDecode(text: string): string {
	try {
		return decodeURIComponent(text);
	} catch {
		return text;
	}
}

function isLoopback(hostname: string): boolean {
	return hostname === 'localhost' || hostname === '[::1]' || /^127(\.\d{1,3}){3}$/.test(hostname);
}

/** A URL as it may be shown: origin and path, never user info, query or hash. */
export function displayUrl(raw: string): string {
	try {
		const url = new URL(raw);
		return `${url.origin}${url.pathname}`.replace(/\/+$/, '');
	} catch {
		return raw.replace(/\/\/[^/]*@/, '//');
	}
}

/** One encoded path segment; undefined for what URL parsing navigates by (empty, `.`, `..`). */
export function pathSegment(value: string): string | undefined {
	const encoded = encodeURIComponent(value);
	return /^(\.|%2e){0,2}$/i.test(encoded) ? undefined : encoded;
}
