/** The sandbox's types: its switchable behaviours, its records, its faults, and what a resource gets. */
import type { AssistantsApi } from './assistants';
import type { CallFailure, CallOutcome, CallsApi, CallWebhooks } from './calls';
import type { ContactsApi } from './contacts';
import type { ConversationsApi } from './conversations';
import type { SandboxRoute } from './routes';

export interface SandboxBehaviour {
	customFields: 'merge' | 'replace';
	createStatus: 200 | 201;
	errorStyle: 'status' | 'ok-false';
	unknownFields: 'ignore' | 'reject';
	latencyMs: number;
	/**
	 * Sliding window per API key (the v3 notes: 150 requests per 10 s per sub-account, 429 with Retry-After in
	 * whole seconds). A request answered 429 does not count against the window.
	 */
	rateLimit?: { limit: number; windowMs: number };
	/**
	 * Off by default (v2 documents no such headers): with a rate limit, every authenticated answer carries
	 * X-RateLimit-Limit, X-RateLimit-Remaining (after this request) and X-RateLimit-Reset (whole seconds until
	 * the oldest counted request leaves the window).
	 */
	rateLimitHeaders?: boolean;
	/**
	 * Server capacity: a request that arrives while n requests are in flight (itself included, counted from
	 * arrival to answer) waits latencyMs + max(0, n - inFlight) * msPerExtra.
	 * At a steady client concurrency c > K (= inFlight) that is c / (latencyMs + (c - K) * msPerExtra) requests
	 * per ms: with msPerExtra = latencyMs / K exactly the steady state of a K-worker queue (throughput capped at
	 * K / latencyMs, latency growing with the queue); with msPerExtra > latencyMs / K a server that slows down
	 * under overload, so throughput falls beyond K and K is the best fixed concurrency.
	 */
	capacity?: { inFlight: number; msPerExtra: number };
	/** 'normalise': emails are stored trimmed and lower-cased, phones as + and digits (E.164 characters). */
	storedValues: 'as-sent' | 'normalise';
	/** 'lowercase': tags are stored trimmed, lower-cased and without duplicates, as GoHighLevel keeps them. */
	storedTags: 'as-sent' | 'lowercase';
	/** Make Call answers this failure (the call is not made); none: calls are placed. */
	callFailure?: CallFailure;
	/** The failure's shape: 'documented' {success: false, returned_an_error: true, error_message, error_code}, 'seen' {error, status}. */
	callFailureShape: 'documented' | 'seen';
	/** A placed call starts (pre-call webhook) this long after Make Call answered, and lasts callDurationMs (post-call webhook). */
	callStartAfterMs: number;
	callDurationMs: number;
	/** What the post-call webhook reports (default: DEFAULT_CALL_OUTCOME in calls.ts). */
	callOutcome?: Partial<CallOutcome>;
	/** Webhook URLs by assistant ID ('*': every assistant), as set with the CLI; the admin route sets more. */
	callWebhooks?: Record<string, CallWebhooks>;
	/**
	 * Which ID get-conversation reads besides location_id: 'contact_id' (chat-api.json, current) or
	 * 'conversation_id' (openapi.json, stale). The other one is ignored.
	 */
	conversationLookup: 'contact_id' | 'conversation_id';
	/** create-message's success status: 201 (chat-api.json) or 200 (a help page). */
	messageStatus: 200 | 201;
	/** A create-message whose message_id the conversation has: 'dedupe' stores nothing, 'store-again' a second copy. */
	messageIds: 'dedupe' | 'store-again';
}

export const DEFAULT_BEHAVIOUR: SandboxBehaviour = {
	customFields: 'merge',
	createStatus: 201,
	errorStyle: 'status',
	unknownFields: 'ignore',
	latencyMs: 0,
	storedValues: 'as-sent',
	storedTags: 'as-sent',
	callFailureShape: 'documented',
	callStartAfterMs: 1000,
	callDurationMs: 3000,
	conversationLookup: 'contact_id',
	messageStatus: 201,
	messageIds: 'store-again',
};

interface ApiKeyGrant {
	key: string;
	locations: string[] | '*';
}

export interface Contact {
	id: string;
	workspace_id: string;
	location_id: string;
	first_name: string | null;
	last_name: string | null;
	phone_number: string | null;
	email: string | null;
	tags: string[];
	meta: Record<string, unknown>;
	custom_fields: Record<string, unknown>;
	attribution: Record<string, unknown>;
	integration: Record<string, unknown>;
	dnd: Record<string, unknown>;
	created_at: string;
	updated_at: string;
}

export type Route = SandboxRoute | 'unknown';

export interface RecordedRequest {
	seq: number;
	method: string;
	rawPath: string;
	path: string;
	route: Route;
	params: Record<string, string>;
	/** The query string's parameters (the last value of a repeated name). */
	query: Record<string, string>;
	headers: Record<string, string>;
	authorization?: string;
	body: unknown;
	status: number;
	/** Bytes of the answer's body (0 until answered). */
	responseBytes: number;
	fault?: string;
	startedAt: number;
	endedAt: number;
	/** Requests in flight when this one arrived, itself included. */
	inFlightAtArrival: number;
	/** Latency added by the capacity model (beyond latencyMs). */
	queuedMs: number;
}

export type Fault =
	| { kind: 'status'; status: number; headers?: Record<string, string>; body?: unknown }
	| { kind: 'delay'; ms: number }
	| { kind: 'drop' }
	| { kind: 'malformed' }
	| { kind: 'truncated' }
	| { kind: 'wrong-shape' }
	| { kind: 'huge'; bytes?: number }
	| { kind: 'ok-false'; error?: string };

export interface FaultRule {
	route?: SandboxRoute | '*';
	fault: Fault;
	times?: number;
	rate?: number;
	seed?: number;
	phase?: 'before' | 'after';
}

export interface Reply {
	status: number;
	headers: Record<string, string>;
	body: string | Buffer;
}

/** An authenticated, admitted request on a known route, as a resource's handler sees it. */
export interface ApiRequest {
	rec: RecordedRequest;
	/** The API key it came with. */
	key: string;
}

/** A webhook the sandbox sent, and how its receiver answered. */
interface SentWebhook {
	event: string;
	url: string;
	/** The receiver's status, or the error when it could not be reached. */
	status?: number;
	error?: string;
}

/** What the server lends every resource. */
export interface SandboxKit {
	behaviour(): SandboxBehaviour;
	/** ISO 8601 with microseconds and +00:00; strictly increasing. */
	clock(): string;
	/** A business error, as a status code or as 200 {ok: false} (behaviour.errorStyle). */
	fail(status: 400 | 403 | 404, message: string): Reply;
	canSee(key: string, locationId: string): boolean;
	/** Runs `work` after `ms`, unless the sandbox is reset or closed first. */
	later(ms: number, work: () => void | Promise<void>): void;
	/** Reports a webhook the sandbox sent (SandboxOptions.onWebhook). */
	sent(webhook: SentWebhook): void;
}

/** One resource of the sandbox: the answers of its routes, and its state. */
export interface SandboxResource {
	handlers: Partial<Record<SandboxRoute, (request: ApiRequest) => Reply>>;
	/** A route of the sandbox's own (under /__sandbox/, no API key, not recorded); undefined: not its route. */
	admin?(method: string, path: string, body: unknown): Reply | undefined;
	/** Back to the state a fresh sandbox has. */
	reset(): void;
}

export const JSON_CT = 'application/json; charset=utf-8';

export const json = (
	status: number,
	value: unknown,
	headers: Record<string, string> = {},
): Reply => ({
	status,
	headers: { 'content-type': JSON_CT, ...headers },
	body: JSON.stringify(value),
});

export const isObject = (v: unknown): v is Record<string, unknown> =>
	v !== null && typeof v === 'object' && !Array.isArray(v);

/** How a sandbox starts. */
export interface SandboxOptions {
	port?: number;
	host?: string;
	keys?: ApiKeyGrant[];
	seed?: Partial<Contact>[];
	behaviour?: Partial<SandboxBehaviour>;
	/** Called once per request when it is over (answered, dropped or abandoned). */
	onRequest?: (r: RecordedRequest) => void;
	/** Called once per webhook the sandbox sends (a simulated call's pre-call and post-call), when answered. */
	onWebhook?: (webhook: SentWebhook) => void;
	/** Serve HTTPS with this key and certificate (PEM); the url then starts with https://. */
	tls?: { key: string | Buffer; cert: string | Buffer };
}

export interface Sandbox extends ContactsApi, CallsApi, ConversationsApi, AssistantsApi {
	url: string;
	port: number;
	requests: RecordedRequest[];
	clearRequests(): void;
	setBehaviour(patch: Partial<SandboxBehaviour>): void;
	injectFault(rule: FaultRule): void;
	clearFaults(): void;
	stats(): { total: number; maxInFlight: number; byRoute: Record<string, number> };
	reset(seed?: Partial<Contact>[]): void;
	close(): Promise<void>;
}

/** ISO 8601 with microseconds and +00:00; strictly increasing even within one millisecond. */
export function makeClock(): () => string {
	let last = 0;
	return () => {
		const us = Math.max(Math.floor((performance.timeOrigin + performance.now()) * 1000), last + 1);
		last = us;
		const iso = new Date(Math.floor(us / 1000)).toISOString().slice(0, 19);
		return `${iso}.${String(us % 1_000_000).padStart(6, '0')}+00:00`;
	};
}
