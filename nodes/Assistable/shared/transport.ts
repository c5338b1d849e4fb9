import type { IExecuteFunctions, IHttpRequestOptions, NodeApiError } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { ApiCall, RawResponse, Reader, RequestSpec } from './answers';
import { interpret, networkFailure } from './answers';
import type { CredentialUse } from './credential';
import { CREDENTIAL_TYPE, pathSegment, readCredential } from './credential';
import type { Endpoint } from './endpoint';
import { pathValues } from './endpoint';
import { apiError } from './messages';
import { withRetries } from './retries';
import { state } from './state';
import type { PaceRequest } from './throttle';

export type { RequestSpec } from './answers';

export interface TransportOptions extends PaceRequest {
	/** Tries per request, the first included. */
	maxAttempts: number;
	timeoutMs: number;
}

/** A body function refused to go out (its state got too old): this attempt sent nothing. */
export class StaleRequest extends Error {
	constructor(readonly attemptsMade: number) {
		super('The request was withdrawn before it was sent: its body was built on a state too old');
	}
}

/** The one place that talks HTTP to Assistable. */
export class AssistableTransport {
	/** The base URL. */
	readonly scope: string;
	/** The API key's pacing scope: base URL + a hash of the key. */
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

	static async create(ctx: IExecuteFunctions, options: TransportOptions) {
		return new AssistableTransport(ctx, await readCredential(ctx), options);
	}

	get signal(): AbortSignal | undefined {
		return this.ctx.getExecutionCancelSignal?.();
	}

	/** A typical round trip to this API in this process (0 before the first). */
	typicalLatencyMs(): number {
		return state.latency.get(this.scope)?.ms ?? 0;
	}

	/** How far round trips stray from the typical one (0 before the first). */
	latencySpreadMs(): number {
		return state.latency.get(this.scope)?.spread ?? 0;
	}

	/** How long a write without a clear answer may still land: two timeouts, within 1 to 5 s. */
	landingWindowMs(): number {
		return Math.min(5_000, Math.max(1_000, 2 * this.options.timeoutMs));
	}

	/** One request, retried as the endpoint's retry safety allows; the answer's parsed JSON. */
	async request(endpoint: Endpoint, spec: RequestSpec): Promise<unknown> {
		const call: ApiCall = { ...spec, endpoint };
		const segments = pathValues(endpoint, spec.params).map(pathSegment);
		if (segments.includes(undefined)) {
			throw new NodeOperationError(
				this.ctx.getNode(),
				`Refused to send a request for ${JSON.stringify(spec.subject)}`,
				{ itemIndex: spec.itemIndex, description: 'That value cannot be used as an ID in a URL.' },
			);
		}
		const search = new URLSearchParams(spec.query).toString();
		const url = `${this.scope}/${segments.join('/')}${search ? `?${search}` : ''}`;
		const before = spec.attemptsBefore ?? 0;
		return await withRetries(
			async (n) => {
				const body = typeof spec.body === 'function' ? spec.body() : spec.body;
				if (body === undefined && typeof spec.body === 'function')
					throw new StaleRequest(before + n - 1);
				let response: RawResponse;
				try {
					response = await this.send(call, url, body);
				} catch (error) {
					return networkFailure(this.reader, call, error, before + n);
				}
				return interpret(this.reader, call, response, before + n);
			},
			{
				maxAttempts: this.options.maxAttempts - before,
				throttle: state.throttles.for(this.keyScope),
				pace: this.options,
				signal: this.signal,
				onUnknownOutcome: endpoint.method === 'GET' ? undefined : spec.onUnknownOutcome,
			},
		);
	}

	/** An error for an answer of the wrong shape, found by the caller. */
	unexpectedAnswer(itemIndex: number, message: string, description: string): NodeApiError {
		return apiError(this.ctx.getNode(), itemIndex, message, description);
	}

	private async send(call: ApiCall, url: string, body: object | undefined): Promise<RawResponse> {
		const request: IHttpRequestOptions = {
			method: call.endpoint.method,
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
