import type {
	IAdditionalCredentialOptions,
	IExecuteFunctions,
	IHttpRequestMethods,
	IHttpRequestOptions,
	JsonObject,
} from 'n8n-workflow';
import { createHash } from 'crypto';
import { NodeApiError, NodeOperationError, sleep } from 'n8n-workflow';

import { DEFAULT_BASE_URL } from '../../../credentials/AssistableApi.credentials';
import { state } from './state';
import type { AttemptOutcome } from './limiter';
import type { Endpoint } from './endpoint';
import { pathValues } from './endpoint';

const CREDENTIAL_TYPE = 'assistableApi';

export interface TransportOptions {
	/** Tries per request, the first included. */
	maxAttempts: number;
	/** Per-request timeout. */
	timeoutMs: number;
	/** Client-side cap on requests per second; 0 for none. */
	requestsPerSecond: number;
	/** Concurrency: Auto: requests in flight (and per second, after a 429) follow this key's limiter. */
	adaptive: boolean;
}

export const DEFAULT_MAX_ATTEMPTS = 4;
export const DEFAULT_TIMEOUT_MS = 30_000;

/** Longest wait a Retry-After may ask for before the request counts as failed. */
const MAX_RETRY_AFTER_MS = 60_000;
const BACKOFF_BASE_MS = 250;
const BACKOFF_CAP_MS = 8_000;

const RETRYABLE_STATUS = new Set([408, 429, 500, 502, 503, 504]);
/** Network failures after which the request may or may not have reached the server. */
const RETRYABLE_NETWORK = new Set([
	'ECONNRESET',
	'ETIMEDOUT',
	'ECONNABORTED',
	'EPIPE',
	'EAI_AGAIN',
	'ESOCKETTIMEDOUT',
]);
/** Network failures where the request certainly did not reach the server. */
const NOT_SENT_NETWORK = new Set(['ECONNREFUSED']);

function unsafeToRetry(call: ApiCall): string {
	const effect = call.unconfirmedEffect ?? 'it may or may not have been applied';
	return `Not retried, because the request may have reached Assistable: ${effect}. Check Assistable before running this item again.`;
}

function plural(n: number, word: string): string {
	return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** One request to an endpoint, as a resource's API module describes it. */
export interface RequestSpec {
	/** Values of the endpoint path's `{name}` placeholders; each is encoded as one segment. */
	params: Record<string, string>;
	body?: object;
	itemIndex: number;
	/** Shown in messages, e.g. the contact ID. */
	subject: string;
	/** The message (without the status) and hint of a 404; default: no such route. */
	notFound?: { message: string; hint?: string };
	/** The hint of a 403. */
	forbiddenHint?: string;
	/** What may have happened when a write that is not retry-safe got no definite answer. */
	unconfirmedEffect?: string;
	/** Called when an attempt of a write failed in a way that may still be applied by the server. */
	onUnknownOutcome?: () => void;
}

interface ApiCall extends RequestSpec {
	endpoint: Endpoint;
	method: IHttpRequestMethods;
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
	/**
	 * The request may have been applied by the server (it reached it, and no definite answer came
	 * back).
	 */
	unknownOutcome?: boolean;
	error: NodeApiError;
}

/**
 * Answers after which a write may still have been applied (a gateway or the server gave up
 * mid-way).
 */
const UNKNOWN_OUTCOME_STATUS = new Set([408, 500, 502, 503, 504]);
/** Answers that mean the API (or its gateway) is overloaded: Concurrency: Auto backs off. */
const OVERLOAD_STATUS = new Set([429, 502, 503, 504]);

function isLoopback(hostname: string): boolean {
	return hostname === 'localhost' || hostname === '[::1]' || /^127(\.\d{1,3}){3}$/.test(hostname);
}

/** The one place that talks HTTP to Assistable: auth, retries, rate limiting, error mapping. */
export class AssistableTransport {
	/**
	 * The API key's pacing scope: base URL + a hash of the key (the key itself is never kept as a
	 * name).
	 */
	readonly keyScope: string;

	private constructor(
		private readonly ctx: IExecuteFunctions,
		/** The base URL: names the API this transport reaches. */
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
		return state.latency.typical(this.scope);
	}

	static async create(
		ctx: IExecuteFunctions,
		options: TransportOptions,
	): Promise<AssistableTransport> {
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
				{
					description: `Set Base URL in the Assistable API credential to ${DEFAULT_BASE_URL}.`,
				},
			);
		}
		if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopback(url.hostname))) {
			throw new NodeOperationError(ctx.getNode(), "The credential's Base URL must use https", {
				description: `The API key is only sent over https (plain http is allowed for localhost only). Set Base URL to ${DEFAULT_BASE_URL}.`,
			});
		}
		// The key, and a password in the Base URL's user info, never appear in messages.
		const secrets = [String(credentials.apiKey ?? ''), safeDecode(url.password)].filter(
			(secret) => secret.length >= 4,
		);
		const redact = (text: string) =>
			secrets.reduce((result, secret) => result.split(secret).join('***'), text);
		const reference = ctx.getNode().credentials?.[CREDENTIAL_TYPE];
		const credential: IAdditionalCredentialOptions = {
			credentialsDecrypted: {
				id: reference?.id ?? '',
				name: reference?.name ?? '',
				type: CREDENTIAL_TYPE,
				data: credentials,
			},
		};
		const apiKey = String(credentials.apiKey ?? '');
		return new AssistableTransport(
			ctx,
			raw,
			(text) => redact(text.split(raw).join(displayUrl(raw))),
			options,
			credential,
			apiKey,
		);
	}

	/**
	 * Sends one request to the endpoint (retried as its retry safety allows); the answer's parsed
	 * JSON.
	 */
	async request(endpoint: Endpoint, spec: RequestSpec): Promise<unknown> {
		return await this.call({ ...spec, endpoint, method: endpoint.method });
	}

	/** An error for an answer of the wrong shape, found by the caller. */
	unexpectedAnswer(itemIndex: number, message: string, description: string): NodeApiError {
		return this.apiError(itemIndex, message, description);
	}

	private async call(call: ApiCall): Promise<unknown> {
		const segments = pathValues(call.endpoint, call.params).map(pathSegment);
		if (segments.some((segment) => segment === undefined)) {
			throw new NodeOperationError(
				this.ctx.getNode(),
				`Refused to send a request for ${JSON.stringify(call.subject)}`,
				{
					itemIndex: call.itemIndex,
					description: 'That value cannot be used as an ID in a URL.',
				},
			);
		}
		const url = `${this.scope}/${segments.join('/')}`;
		const throttle = state.throttles.for(this.keyScope);
		const pace = {
			adaptive: this.options.adaptive,
			minIntervalMs: this.options.requestsPerSecond > 0 ? 1000 / this.options.requestsPerSecond : 0,
		};
		for (let attempt = 1; ; attempt++) {
			const permit = await throttle.acquire(pace, this.signal);
			let outcome: AttemptOutcome | undefined;
			let failure: Failure;
			let wait = 0;
			try {
				try {
					const response = await this.send(call, url);
					const interpreted = this.interpret(call, response, attempt);
					const pauseMs = rateLimitResetMs(response);
					if (!('error' in interpreted)) {
						outcome = { kind: 'answer', pauseMs };
						return interpreted.body;
					}
					failure = interpreted;
					wait = failure.retryAfterMs ?? backoff(attempt);
					outcome = OVERLOAD_STATUS.has(response.statusCode)
						? {
								kind: 'drop',
								rateLimited: failure.rateLimited,
								retryAfterMs: failure.retryAfterMs,
								// A rate limit slows every request made with this key in this process.
								pauseMs:
									failure.rateLimited && wait <= MAX_RETRY_AFTER_MS
										? Math.max(wait, pauseMs ?? 0)
										: pauseMs,
							}
						: { kind: 'answer', pauseMs };
				} catch (error) {
					failure = this.networkFailure(call, error, attempt);
					wait = backoff(attempt);
					outcome = { kind: 'drop' };
				}
			} finally {
				permit.release(outcome);
			}
			if (failure.unknownOutcome && call.method !== 'GET') call.onUnknownOutcome?.();
			if (!failure.retryable || attempt >= this.options.maxAttempts) throw failure.error;
			if (wait > MAX_RETRY_AFTER_MS) {
				failure.error.description =
					`${failure.error.description ?? ''} Assistable asked to wait ${Math.ceil(wait / 1000)} s before retrying, longer than the ${MAX_RETRY_AFTER_MS / 1000} s this node waits.`.trim();
				throw failure.error;
			}
			await sleep(wait, this.signal);
		}
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
			// The API key goes to the Base URL only, never along a redirect (and follow-redirects costs CPU).
			disableFollowRedirect: true,
			timeout: this.options.timeoutMs,
		};
		if (call.body) {
			request.body = call.body as IHttpRequestOptions['body'];
			request.headers = { ...request.headers, 'Content-Type': 'application/json' };
		}
		const started = Date.now();
		const response = (await this.ctx.helpers.httpRequestWithAuthentication.call(
			this.ctx,
			CREDENTIAL_TYPE,
			request,
			this.credential,
		)) as RawResponse;
		state.latency.observe(this.scope, Date.now() - started);
		return response;
	}

	private interpret(
		call: ApiCall,
		response: RawResponse,
		attempt: number,
	): { body: unknown } | Failure {
		const status = response.statusCode;
		let text =
			typeof response.body === 'string'
				? response.body
				: Buffer.isBuffer(response.body)
					? response.body.toString('utf8')
					: undefined;
		const limit = call.endpoint.maxBytes;
		if (text !== undefined && text.length > limit) {
			return {
				retryable: false,
				error: this.apiError(
					call.itemIndex,
					`Assistable's answer is too large (${text.length} bytes, limit ${limit})`,
					'This is not what the API documents; check the Base URL.',
					status,
				),
			};
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
				return {
					retryable: false,
					error: this.apiError(
						call.itemIndex,
						`Assistable answered ${status} with a body that is not JSON`,
						`Got: ${snippet(text ?? '')}. Check the Base URL points at the v2 API.`,
						status,
					),
				};
			}
			if (isObject(parsed) && parsed.ok === false) {
				const reason = messageOf(parsed) ?? 'no reason given';
				return {
					retryable: false,
					error: this.apiError(
						call.itemIndex,
						`Assistable reported an error: ${reason}`,
						this.hintFor(call, 200, reason),
						status,
					),
				};
			}
			return { body: parsed };
		}
		const location =
			status >= 300 && status < 400 ? header(response.headers, 'location') : undefined;
		const reason = location
			? `redirect to ${this.redact(displayUrl(location))}`
			: (messageOf(parsed) ?? (typeof parsed === 'string' ? snippet(parsed) : undefined));
		const retryable = RETRYABLE_STATUS.has(status) && (call.endpoint.retrySafe || status === 429);
		const gaveUp =
			retryable && attempt >= this.options.maxAttempts
				? ` (gave up after ${plural(attempt, 'attempt')})`
				: '';
		const message = `${statusMessage(call, status)}${gaveUp}`;
		const unsafe =
			!call.endpoint.retrySafe && RETRYABLE_STATUS.has(status) && !retryable
				? unsafeToRetry(call)
				: '';
		const description = [
			reason ? `Assistable said: ${reason}.` : '',
			this.hintFor(call, status, reason ?? ''),
			unsafe,
		]
			.filter(Boolean)
			.join(' ');
		const failure: Failure = {
			retryable,
			unknownOutcome: UNKNOWN_OUTCOME_STATUS.has(status),
			error: this.apiError(call.itemIndex, message, description, status),
		};
		if (status === 429 || status === 503)
			failure.retryAfterMs = retryAfterMs(header(response.headers, 'retry-after'));
		failure.rateLimited = status === 429;
		return failure;
	}

	private networkFailure(call: ApiCall, error: unknown, attempt: number): Failure {
		const code = networkCode(error);
		const retryable =
			(call.endpoint.retrySafe && RETRYABLE_NETWORK.has(code)) || NOT_SENT_NETWORK.has(code);
		const what =
			code === 'ECONNREFUSED'
				? 'refused the connection'
				: code === 'ECONNABORTED' || code === 'ETIMEDOUT'
					? `did not answer within ${this.options.timeoutMs} ms`
					: 'could not be reached';
		const attempts = attempt > 1 || retryable ? ` after ${plural(attempt, 'attempt')}` : '';
		const unsafe = !call.endpoint.retrySafe && !retryable ? ` ${unsafeToRetry(call)}` : '';
		return {
			retryable,
			unknownOutcome: !NOT_SENT_NETWORK.has(code),
			error: this.apiError(
				call.itemIndex,
				`Assistable ${what}${attempts}`,
				`Network error ${code || 'unknown'} on ${call.method} ${this.redact(displayUrl(this.scope))}.${unsafe}`,
			),
		};
	}

	private hintFor(call: ApiCall, status: number, reason: string): string {
		if (status === 401) return 'Check the API key in the Assistable API credential.';
		if (status === 403) return call.forbiddenHint ?? '';
		if (status === 404 && /route/i.test(reason))
			return 'Check that the Base URL in the credential ends with /v2.';
		if (status === 404) return call.notFound?.hint ?? '';
		if (status === 429) return 'Lower Concurrency or set Requests per Second in the node options.';
		if (status >= 300 && status < 400)
			return 'Redirects are not followed, so the API key is only sent to the Base URL. Set the Base URL in the credential to where Assistable redirects.';
		return '';
	}

	private apiError(
		itemIndex: number,
		message: string,
		description: string,
		status?: number,
	): NodeApiError {
		const httpCode = status ? String(status) : undefined;
		return new NodeApiError(this.ctx.getNode(), { message, description, httpCode } as JsonObject, {
			message,
			description,
			httpCode,
			itemIndex,
		});
	}
}

/**
 * One path segment, whatever it contains (`/`, `?`, `#`, `%` are encoded). Undefined for values
 * that URL parsing would turn into navigation (empty, `.`, `..`, and their encoded forms), which
 * are never sent.
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

/**
 * A URL as it may be shown: origin and path, never user info (`https://user:pass@host`), query or
 * hash.
 */
function displayUrl(raw: string): string {
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
	if (status === 404) return `${call.notFound?.message ?? 'Assistable has no such route'} (404)`;
	if (status === 429) return 'Assistable rate limit reached (429)';
	if (status >= 500) return `Assistable had a server error (${status})`;
	if (status >= 300 && status < 400) return `Assistable answered with a redirect (${status})`;
	return `Assistable rejected the request (${status})`;
}

function isObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
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

/**
 * Rate-limit headers, if Assistable sends them (v2 documents none): with nothing left, every
 * request of this key waits for the reset (ms from now) instead of running into a 429.
 */
function rateLimitResetMs(response: RawResponse): number | undefined {
	const remaining =
		header(response.headers, 'ratelimit-remaining') ??
		header(response.headers, 'x-ratelimit-remaining');
	if (remaining === undefined || Number(remaining) !== 0) return undefined;
	const reset = Number(
		header(response.headers, 'ratelimit-reset') ?? header(response.headers, 'x-ratelimit-reset'),
	);
	if (!Number.isFinite(reset) || reset <= 0) return undefined;
	// Seconds until the reset, or (as some APIs send it) the reset's Unix time in seconds.
	const waitMs = reset > 1e9 ? reset * 1000 - Date.now() : reset * 1000;
	return waitMs > 0 && waitMs <= MAX_RETRY_AFTER_MS ? waitMs : undefined;
}

/** Retry-After as seconds or an HTTP date; undefined when absent or unreadable. */
function retryAfterMs(value: string | undefined, now = Date.now()): number | undefined {
	if (!value) return undefined;
	if (/^\s*\d+(\.\d+)?\s*$/.test(value)) return Math.ceil(parseFloat(value) * 1000);
	const date = Date.parse(value);
	return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Exponential backoff with full jitter. */
function backoff(attempt: number): number {
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
