import type {
	IAdditionalCredentialOptions,
	IExecuteFunctions,
	IHttpRequestMethods,
	IHttpRequestOptions,
	JsonObject,
} from 'n8n-workflow';
import { createHash } from 'crypto';
import { NodeApiError, NodeOperationError, sleep } from 'n8n-workflow';

import { coordinator } from './coordinator';

import type { Contact, ContactWrite } from './types';

export const CREDENTIAL_TYPE = 'assistableApi';
export const DEFAULT_BASE_URL = 'https://api.assistable.ai/v2';

export interface TransportOptions {
	/** Tries per request, the first included. */
	maxAttempts: number;
	/** Per-request timeout. */
	timeoutMs: number;
	/** Client-side cap on requests per second; 0 for none. */
	requestsPerSecond: number;
}

export const DEFAULT_TRANSPORT_OPTIONS: TransportOptions = {
	maxAttempts: 4,
	timeoutMs: 30_000,
	requestsPerSecond: 0,
};

/** Longest wait a Retry-After may ask for before the request counts as failed. */
export const MAX_RETRY_AFTER_MS = 60_000;
const BACKOFF_BASE_MS = 250;
const BACKOFF_CAP_MS = 8_000;
/** Largest answer accepted for one contact, and for a location's list (about 50 000 contacts). */
export const MAX_CONTACT_BYTES = 5 * 1024 * 1024;
export const MAX_LIST_BYTES = 50 * 1024 * 1024;

const RETRYABLE_STATUS = new Set([408, 429, 500, 502, 503, 504]);
/** Network failures after which the request may or may not have reached the server. */
const RETRYABLE_NETWORK = new Set(['ECONNRESET', 'ETIMEDOUT', 'ECONNABORTED', 'EPIPE', 'EAI_AGAIN', 'ESOCKETTIMEDOUT']);
/** Network failures where the request certainly did not reach the server. */
const NOT_SENT_NETWORK = new Set(['ECONNREFUSED']);

type Route = 'get' | 'patch' | 'create' | 'list';

const UNSAFE_TO_RETRY =
	'Not retried, because the request may have reached Assistable: the contact may or may not have been created. Check Assistable before running this item again.';

function plural(n: number, word: string): string {
	return `${n} ${word}${n === 1 ? '' : 's'}`;
}

interface ApiCall {
	route: Route;
	method: IHttpRequestMethods;
	/** Path segments after the base URL; each is encoded as one segment. */
	segments: string[];
	body?: object;
	itemIndex: number;
	/** Whether a retry may repeat an effect on the server. */
	idempotent: boolean;
	/** Shown in messages, e.g. the contact ID. */
	subject: string;
	/** Called when an attempt of a write failed in a way that may still be applied by the server. */
	onUnknownOutcome?: () => void;
}

/** Hooks a caller may attach to a write. */
export interface WriteHooks {
	onUnknownOutcome?: () => void;
}

interface RawResponse {
	statusCode: number;
	headers: Record<string, string | string[] | undefined>;
	body: unknown;
}

interface Failure {
	retryable: boolean;
	rateLimited?: boolean;
	/** Seconds or HTTP date from Retry-After, in ms. */
	retryAfterMs?: number;
	/** The request may have been applied by the server (it reached it, and no definite answer came back). */
	unknownOutcome?: boolean;
	error: NodeApiError;
}

/** Answers after which a write may still have been applied (a gateway or the server gave up mid-way). */
const UNKNOWN_OUTCOME_STATUS = new Set([408, 500, 502, 503, 504]);

function isLoopback(hostname: string): boolean {
	return hostname === 'localhost' || hostname === '[::1]' || /^127(\.\d{1,3}){3}$/.test(hostname);
}

/** The one place that talks HTTP to Assistable: auth, retries, rate limiting, error mapping. */
export class AssistableTransport {
	/** The API key's pacing scope: base URL + a hash of the key (the key itself is never kept as a name). */
	readonly keyScope: string;

	private constructor(
		private readonly ctx: IExecuteFunctions,
		/** The base URL: names the API whose contacts this transport reaches. */
		readonly scope: string,
		private readonly redact: (text: string) => string,
		private readonly options: TransportOptions,
		/** The credential read once per execution, so requests do not fetch and decrypt it again. */
		private readonly credential: IAdditionalCredentialOptions,
		apiKey: string,
	) {
		this.keyScope = `${scope}#${createHash('sha256').update(apiKey).digest('hex').slice(0, 16)}`;
	}

	/** The execution's cancel signal, for waits between requests. */
	get signal(): AbortSignal | undefined {
		return this.ctx.getExecutionCancelSignal?.();
	}

	/** The request timeout, in ms. */
	get timeoutMs(): number {
		return this.options.timeoutMs;
	}

	/** A typical round trip to this API, as measured in this process (0 before the first). */
	typicalLatencyMs(): number {
		return coordinator.latency.typical(this.scope);
	}

	static async create(ctx: IExecuteFunctions, options: TransportOptions): Promise<AssistableTransport> {
		const credentials = await ctx.getCredentials(CREDENTIAL_TYPE);
		const raw = String(credentials.baseUrl || DEFAULT_BASE_URL).trim().replace(/\/+$/, '');
		let url: URL;
		try {
			url = new URL(raw);
		} catch {
			throw new NodeOperationError(ctx.getNode(), `The credential's Base URL ${JSON.stringify(displayUrl(raw))} is not a URL`, {
				description: `Set Base URL in the Assistable API credential to ${DEFAULT_BASE_URL}.`,
			});
		}
		if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopback(url.hostname))) {
			throw new NodeOperationError(ctx.getNode(), "The credential's Base URL must use https", {
				description: `The API key is only sent over https (plain http is allowed for localhost only). Set Base URL to ${DEFAULT_BASE_URL}.`,
			});
		}
		// The key, and a password in the Base URL's user info, never appear in messages.
		const secrets = [String(credentials.apiKey ?? ''), safeDecode(url.password)].filter((secret) => secret.length >= 4);
		const redact = (text: string) => secrets.reduce((result, secret) => result.split(secret).join('***'), text);
		const reference = ctx.getNode().credentials?.[CREDENTIAL_TYPE];
		const credential: IAdditionalCredentialOptions = {
			credentialsDecrypted: { id: reference?.id ?? '', name: reference?.name ?? '', type: CREDENTIAL_TYPE, data: credentials },
		};
		const apiKey = String(credentials.apiKey ?? '');
		return new AssistableTransport(ctx, raw, (text) => redact(text.split(raw).join(displayUrl(raw))), options, credential, apiKey);
	}

	async getContact(contactId: string, itemIndex: number): Promise<Contact> {
		const body = await this.call({
			route: 'get', method: 'GET', segments: ['contacts', contactId], itemIndex, idempotent: true, subject: contactId,
		});
		return this.asContact(body, itemIndex, contactId);
	}

	async updateContact(contactId: string, write: ContactWrite, itemIndex: number, hooks: WriteHooks = {}): Promise<Contact> {
		const body = await this.call({
			route: 'patch', method: 'PATCH', segments: ['contacts', contactId], body: write, itemIndex, idempotent: true, subject: contactId, ...hooks,
		});
		return this.asContact(body, itemIndex, contactId);
	}

	async createContact(locationId: string, write: ContactWrite, itemIndex: number, hooks: WriteHooks = {}): Promise<Contact> {
		const body = await this.call({
			route: 'create', method: 'POST', segments: ['contacts', 'create-contact', locationId], body: write, itemIndex, idempotent: false, subject: locationId, ...hooks,
		});
		return this.asContact(body, itemIndex);
	}

	/** The list as the API sent it; each entry is checked where it is used (see isContact). */
	async listContacts(locationId: string, itemIndex: number): Promise<unknown[]> {
		const body = await this.call({
			route: 'list', method: 'GET', segments: ['get-contacts', locationId], itemIndex, idempotent: true, subject: locationId,
		});
		if (!Array.isArray(body)) {
			throw this.apiError(itemIndex, 'Assistable answered the contact list with an unexpected shape', 'Expected a JSON array of contacts. Check the Base URL points at the v2 API.');
		}
		return body;
	}

	/** The answer as a contact; with `expectedId`, it must be that contact. */
	private asContact(body: unknown, itemIndex: number, expectedId?: string): Contact {
		if (!isContact(body)) {
			throw this.apiError(itemIndex, 'Assistable answered with an unexpected shape instead of a contact', 'Expected a JSON contact object with an id, text tags and an object of custom fields. Check the Base URL points at the v2 API.');
		}
		if (expectedId !== undefined && body.id.toLowerCase() !== expectedId.toLowerCase()) {
			throw this.apiError(itemIndex, `Assistable answered with another contact (${JSON.stringify(body.id)}) than the one asked for`, 'Nothing was merged from that answer. Check the Base URL points at the v2 API.');
		}
		return body;
	}

	private async call(call: ApiCall): Promise<unknown> {
		const segments = call.segments.map(pathSegment);
		if (segments.some((segment) => segment === undefined)) {
			throw new NodeOperationError(this.ctx.getNode(), `Refused to send a request for ${JSON.stringify(call.subject)}`, {
				itemIndex: call.itemIndex,
				description: 'That value cannot be used as an ID in a URL.',
			});
		}
		const url = `${this.scope}/${segments.join('/')}`;
		for (let attempt = 1; ; attempt++) {
			await this.waitForSlot();
			let failure: Failure;
			try {
				const response = await this.send(call, url);
				const outcome = this.interpret(call, response, attempt);
				if (!('error' in outcome)) return outcome.body;
				failure = outcome;
			} catch (error) {
				failure = this.networkFailure(call, error, attempt);
			}
			if (failure.unknownOutcome && call.method !== 'GET') call.onUnknownOutcome?.();
			if (!failure.retryable || attempt >= this.options.maxAttempts) throw failure.error;
			const wait = failure.retryAfterMs ?? backoff(attempt);
			if (wait > MAX_RETRY_AFTER_MS) {
				failure.error.description = `${failure.error.description ?? ''} Assistable asked to wait ${Math.ceil(wait / 1000)} s before retrying, longer than the ${MAX_RETRY_AFTER_MS / 1000} s this node waits.`.trim();
				throw failure.error;
			}
			// A rate limit slows every request made with this key in this process, not just this one.
			if (failure.rateLimited) coordinator.gates.pause(this.keyScope, Date.now() + wait);
			await sleep(wait, this.signal);
		}
	}

	/** Waits out this key's 429 pause and the client-side rate limit, shared by all executions. */
	private async waitForSlot(): Promise<void> {
		const interval = this.options.requestsPerSecond > 0 ? 1000 / this.options.requestsPerSecond : 0;
		await coordinator.gates.pass(this.keyScope, interval, this.signal);
	}

	private async send(call: ApiCall, url: string): Promise<RawResponse> {
		const request: IHttpRequestOptions = {
			method: call.method,
			url,
			headers: { Accept: 'application/json' },
			encoding: 'text',
			json: false,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			timeout: this.options.timeoutMs,
		};
		if (call.body) {
			request.body = call.body as IHttpRequestOptions['body'];
			request.headers = { ...request.headers, 'Content-Type': 'application/json' };
		}
		const started = Date.now();
		const response = (await this.ctx.helpers.httpRequestWithAuthentication.call(this.ctx, CREDENTIAL_TYPE, request, this.credential)) as RawResponse;
		coordinator.latency.observe(this.scope, Date.now() - started);
		return response;
	}

	private interpret(call: ApiCall, response: RawResponse, attempt: number): { body: unknown } | Failure {
		const status = response.statusCode;
		let text = typeof response.body === 'string' ? response.body : Buffer.isBuffer(response.body) ? response.body.toString('utf8') : undefined;
		const limit = call.route === 'list' ? MAX_LIST_BYTES : MAX_CONTACT_BYTES;
		if (text !== undefined && text.length > limit) {
			return { retryable: false, error: this.apiError(call.itemIndex, `Assistable's answer is too large (${text.length} bytes, limit ${limit})`, 'This is not what the API documents; check the Base URL.', status) };
		}
		// Redact once, before anything is parsed or cut short: a truncated key would no longer match.
		if (text !== undefined) text = this.redact(text);
		let parsed: unknown = text === undefined ? response.body : undefined;
		let isJson = text === undefined;
		if (text !== undefined) {
			try {
				parsed = text === '' ? undefined : JSON.parse(text);
				isJson = text !== '';
			} catch {
				parsed = text;
			}
		}
		if (status >= 200 && status < 300) {
			if (!isJson) {
				return { retryable: false, error: this.apiError(call.itemIndex, `Assistable answered ${status} with a body that is not JSON`, `Got: ${snippet(text ?? '')}. Check the Base URL points at the v2 API.`, status) };
			}
			if (isObject(parsed) && parsed.ok === false) {
				const reason = messageOf(parsed) ?? 'no reason given';
				return { retryable: false, error: this.apiError(call.itemIndex, `Assistable reported an error: ${reason}`, this.hintFor(call, 200, reason), status) };
			}
			return { body: parsed };
		}
		const reason = messageOf(parsed) ?? (typeof parsed === 'string' ? snippet(parsed) : undefined);
		const retryable = RETRYABLE_STATUS.has(status) && (call.idempotent || status === 429);
		const gaveUp = retryable && attempt >= this.options.maxAttempts ? ` (gave up after ${plural(attempt, 'attempt')})` : '';
		const message = `${statusMessage(call, status)}${gaveUp}`;
		const unsafe = !call.idempotent && RETRYABLE_STATUS.has(status) && !retryable ? UNSAFE_TO_RETRY : '';
		const description = [reason ? `Assistable said: ${reason}.` : '', this.hintFor(call, status, reason ?? ''), unsafe]
			.filter(Boolean)
			.join(' ');
		const failure: Failure = {
			retryable,
			unknownOutcome: UNKNOWN_OUTCOME_STATUS.has(status),
			error: this.apiError(call.itemIndex, message, description, status),
		};
		if (status === 429 || status === 503) failure.retryAfterMs = retryAfterMs(header(response.headers, 'retry-after'));
		failure.rateLimited = status === 429;
		return failure;
	}

	private networkFailure(call: ApiCall, error: unknown, attempt: number): Failure {
		const code = networkCode(error);
		const retryable = (call.idempotent && RETRYABLE_NETWORK.has(code)) || NOT_SENT_NETWORK.has(code);
		const what = code === 'ECONNREFUSED' ? 'refused the connection' : code === 'ECONNABORTED' || code === 'ETIMEDOUT' ? `did not answer within ${this.options.timeoutMs} ms` : 'could not be reached';
		const attempts = attempt > 1 || retryable ? ` after ${plural(attempt, 'attempt')}` : '';
		const unsafe = !call.idempotent && !retryable ? ` ${UNSAFE_TO_RETRY}` : '';
		return {
			retryable,
			unknownOutcome: !NOT_SENT_NETWORK.has(code),
			error: this.apiError(call.itemIndex, `Assistable ${what}${attempts}`, `Network error ${code || 'unknown'} on ${call.method} ${this.redact(displayUrl(this.scope))}.${unsafe}`),
		};
	}

	private hintFor(call: ApiCall, status: number, reason: string): string {
		if (status === 401) return 'Check the API key in the Assistable API credential.';
		if (status === 403) return "The API key's sub-account cannot see this contact: use a key of the contact's sub-account (location).";
		if (status === 404 && /route/i.test(reason)) return 'Check that the Base URL in the credential ends with /v2.';
		if (status === 404 && (call.route === 'get' || call.route === 'patch')) {
			return `No contact has the ID ${JSON.stringify(call.subject)}. Use the contact's own ID (a UUID); a location (sub-account) ID is not a contact ID.`;
		}
		if (status === 429) return 'Lower Concurrency or set Requests per Second in the node options.';
		return '';
	}

	private apiError(itemIndex: number, message: string, description: string, status?: number): NodeApiError {
		const httpCode = status ? String(status) : undefined;
		return new NodeApiError(this.ctx.getNode(), { message, description, httpCode } as JsonObject, { message, description, httpCode, itemIndex });
	}
}

/**
 * One path segment, whatever it contains (`/`, `?`, `#`, `%` are encoded). Undefined for values that URL
 * parsing would turn into navigation (empty, `.`, `..`, and their encoded forms), which are never sent.
 */
export function pathSegment(value: string): string | undefined {
	const encoded = encodeURIComponent(value);
	return /^(\.|%2e){0,2}$/i.test(encoded) ? undefined : encoded;
}

function safeDecode(text: string): string {
	try {
		return decodeURIComponent(text);
	} catch {
		return text;
	}
}

/** A URL as it may be shown: origin and path, never user info (`https://user:pass@host`), query or hash. */
export function displayUrl(raw: string): string {
	try {
		const url = new URL(raw);
		return `${url.origin}${url.pathname}`.replace(/\/+$/, '');
	} catch {
		return raw.replace(/\/\/[^/]*@/, '//');
	}
}

function statusMessage(call: ApiCall, status: number): string {
	if (status === 401) return 'Assistable rejected the API key (401)';
	if (status === 403) return 'Assistable refused access (403)';
	if (status === 404 && (call.route === 'get' || call.route === 'patch')) return 'Contact not found (404)';
	if (status === 404) return 'Assistable has no such route or location (404)';
	if (status === 429) return 'Assistable rate limit reached (429)';
	if (status >= 500) return `Assistable had a server error (${status})`;
	return `Assistable rejected the request (${status})`;
}

function isObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A contact whose tags and custom fields can safely be merged into a write. */
export function isContact(value: unknown): value is Contact {
	if (!isObject(value) || typeof value.id !== 'string' || value.id === '') return false;
	const { tags, custom_fields: customFields } = value;
	const tagsOk = tags === undefined || tags === null || (Array.isArray(tags) && tags.every((tag) => typeof tag === 'string'));
	const fieldsOk = customFields === undefined || customFields === null || isObject(customFields);
	return tagsOk && fieldsOk;
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

function header(headers: RawResponse['headers'], name: string): string | undefined {
	const value = headers?.[name] ?? headers?.[name.toLowerCase()];
	return Array.isArray(value) ? value[0] : value;
}

/** Retry-After as seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(value: string | undefined, now = Date.now()): number | undefined {
	if (!value) return undefined;
	if (/^\s*\d+(\.\d+)?\s*$/.test(value)) return Math.ceil(parseFloat(value) * 1000);
	const date = Date.parse(value);
	return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Exponential backoff with full jitter. */
export function backoff(attempt: number): number {
	const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** (attempt - 1));
	return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
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
