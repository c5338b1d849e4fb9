import type { IExecuteFunctions, IHttpRequestOptions, NodeApiError } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { ApiCall, RawResponse, Reader, RequestSpec } from './answers';
import { interpret, networkFailure } from './answers';
import { apiError } from './messages';
import type { CredentialUse } from './credential';
import { CREDENTIAL_TYPE, pathSegment, readCredential } from './credential';
import type { Endpoint } from './endpoint';
import { pathValues } from './endpoint';
import { withRetries } from './retries';
import { state } from './state';

export type { RequestSpec } from './answers';

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

/**
 * A request whose body refused to be sent (its state got too old while it waited): that attempt sent
 * nothing; `attemptsMade` attempts before it did (those of earlier withdrawn requests included).
 */
export class StaleRequest extends Error {
	constructor(readonly attemptsMade: number) {
		super('The request was withdrawn before it was sent: its body was built on a state too old');
	}
}

/**
 * The one place that talks HTTP to Assistable. The rooms it uses: `credential.ts` (Base URL checks,
 * redaction), `answers.ts` (what an answer means), `retries.ts` (the attempt loop), `throttle.ts`
 * (the API key's pacing).
 */
export class AssistableTransport {
	/** The base URL: names the API this transport reaches. */
	readonly scope: string;
	/** The API key's pacing scope: base URL + a hash of the key (the key is never kept as a name). */
	readonly keyScope: string;
	private readonly reader: Reader;

	private constructor(
		private readonly ctx: IExecuteFunctions,
		private readonly use: CredentialUse,
		readonly options: TransportOptions,
	) {
		this.scope = use.scope;
		this.keyScope = use.keyScope;
		this.reader = { ...options, node: ctx.getNode(), scope: use.scope, redact: use.redact };
	}

	static async create(
		ctx: IExecuteFunctions,
		options: TransportOptions,
	): Promise<AssistableTransport> {
		return new AssistableTransport(ctx, await readCredential(ctx), options);
	}

	/** The execution's cancel signal, for waits between requests. */
	get signal(): AbortSignal | undefined {
		return this.ctx.getExecutionCancelSignal?.();
	}

	/** A typical round trip to this API, as measured in this process (0 before the first). */
	typicalLatencyMs(): number {
		return state.latency.get(this.scope)?.ms ?? 0;
	}

	/**
	 * How long a write without a clear answer (a timeout, a reset, a 5xx) may still be applied by
	 * Assistable: two request timeouts, at least 1 s, at most 5 s.
	 */
	landingWindowMs(): number {
		return Math.min(5_000, Math.max(1_000, 2 * this.options.timeoutMs));
	}

	/** How far round trips stray from the typical one (mean deviation; 0 before the first). */
	latencySpreadMs(): number {
		return state.latency.get(this.scope)?.spread ?? 0;
	}

	/**
	 * Sends one request to the endpoint (retried as its retry safety allows); the answer's parsed
	 * JSON.
	 */
	async request(endpoint: Endpoint, spec: RequestSpec): Promise<unknown> {
		const call: ApiCall = { ...spec, endpoint, method: endpoint.method };
		const segments = pathValues(endpoint, call.params).map(pathSegment);
		if (segments.some((segment) => segment === undefined)) {
			throw new NodeOperationError(
				this.ctx.getNode(),
				`Refused to send a request for ${JSON.stringify(call.subject)}`,
				{ itemIndex: call.itemIndex, description: 'That value cannot be used as an ID in a URL.' },
			);
		}
		const search = call.query ? new URLSearchParams(call.query).toString() : '';
		const url = `${this.scope}/${segments.join('/')}${search ? `?${search}` : ''}`;
		const { requestsPerSecond } = this.options;
		return await withRetries(
			async (n) => {
				const attempt = n + (call.attemptsBefore ?? 0);
				const body = typeof call.body === 'function' ? call.body() : call.body;
				if (body === undefined && typeof call.body === 'function')
					throw new StaleRequest(attempt - 1);
				let response: RawResponse;
				try {
					response = await this.send(call, url, body);
				} catch (error) {
					return networkFailure(this.reader, call, error, attempt);
				}
				return interpret(this.reader, call, response, attempt);
			},
			{
				maxAttempts: this.options.maxAttempts - (call.attemptsBefore ?? 0),
				throttle: state.throttles.for(this.keyScope),
				pace: {
					adaptive: this.options.adaptive,
					minIntervalMs: requestsPerSecond > 0 ? 1000 / requestsPerSecond : 0,
				},
				signal: this.signal,
				onUnknownOutcome: call.method === 'GET' ? undefined : call.onUnknownOutcome,
			},
		);
	}

	/** An error for an answer of the wrong shape, found by the caller. */
	unexpectedAnswer(itemIndex: number, message: string, description: string): NodeApiError {
		return apiError(this.ctx.getNode(), itemIndex, message, description);
	}

	private async send(call: ApiCall, url: string, body: object | undefined): Promise<RawResponse> {
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
		if (body) {
			// As text: n8n deep-copies an object body and drops keys such as "constructor" on the way.
			request.body = JSON.stringify(body);
			request.headers = { ...request.headers, 'Content-Type': 'application/json' };
		}
		const started = Date.now();
		const response = (await this.ctx.helpers.httpRequestWithAuthentication.call(
			this.ctx,
			CREDENTIAL_TYPE,
			request,
			this.use.credential,
		)) as RawResponse;
		const ms = Date.now() - started;
		const last = state.latency.get(this.scope);
		state.latency.set(
			this.scope,
			last === undefined
				? { ms, spread: ms / 2 }
				: {
						ms: last.ms * 0.8 + ms * 0.2,
						spread: last.spread * 0.75 + Math.abs(last.ms - ms) * 0.25,
					},
		);
		return response;
	}
}
