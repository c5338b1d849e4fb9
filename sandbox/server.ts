/**
 * Assistable sandbox: a local, stateful stand-in for the Assistable v2 contacts API, written from the
 * contract in the API notes only. Zero dependencies (node: built-ins).
 */
import * as http from 'node:http';
import * as https from 'node:https';
import { randomUUID } from 'node:crypto';
import { DEMO_API_KEY, DEMO_LOCATION_ID, SANDBOX_WORKSPACE_ID } from './demo-data';
import type { SandboxRoute } from './routes';
import { matchRoute } from './routes';

export * from './demo-data';
export type { SandboxRoute } from './routes';

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
}
interface ApiKeyGrant {
	key: string;
	locations: string[] | '*';
}
export interface SandboxOptions {
	port?: number;
	host?: string;
	keys?: ApiKeyGrant[];
	seed?: Partial<Contact>[];
	behaviour?: Partial<SandboxBehaviour>;
	/** Called once per request when it is over (answered, dropped or abandoned). */
	onRequest?: (r: RecordedRequest) => void;
	/** Serve HTTPS with this key and certificate (PEM); the url then starts with https://. */
	tls?: { key: string | Buffer; cert: string | Buffer };
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
type Route = SandboxRoute | 'unknown';
export interface RecordedRequest {
	seq: number;
	method: string;
	rawPath: string;
	path: string;
	route: Route;
	params: Record<string, string>;
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
interface FaultRule {
	route?: SandboxRoute | '*';
	fault: Fault;
	times?: number;
	rate?: number;
	seed?: number;
	phase?: 'before' | 'after';
}
export interface Sandbox {
	url: string;
	port: number;
	requests: RecordedRequest[];
	clearRequests(): void;
	getContact(id: string): Contact | undefined;
	listContacts(locationId?: string): Contact[];
	addContact(partial: Partial<Contact>): Contact;
	updateContactDirect(id: string, patch: Partial<Contact>): Contact;
	setBehaviour(patch: Partial<SandboxBehaviour>): void;
	injectFault(rule: FaultRule): void;
	clearFaults(): void;
	stats(): { total: number; maxInFlight: number; byRoute: Record<string, number> };
	reset(seed?: Partial<Contact>[]): void;
	close(): Promise<void>;
}

const JSON_CT = 'application/json; charset=utf-8';
const MAX_BODY = 10 * 1024 * 1024;
const STRING_FIELDS = ['first_name', 'last_name', 'phone_number', 'email'];
const OBJECT_FIELDS = ['custom_fields', 'meta', 'attribution', 'integration', 'dnd'];
const WRITABLE = new Set([...STRING_FIELDS, ...OBJECT_FIELDS, 'tags']);
const DEFAULTS: SandboxBehaviour = {
	customFields: 'merge',
	createStatus: 201,
	errorStyle: 'status',
	unknownFields: 'ignore',
	latencyMs: 0,
	storedValues: 'as-sent',
	storedTags: 'as-sent',
};

interface Reply {
	status: number;
	headers: Record<string, string>;
	body: string | Buffer;
}
type Outcome = Reply | 'drop';
interface ActiveRule {
	rule: FaultRule;
	left: number;
	rand?: () => number;
}

const json = (status: number, value: unknown, headers: Record<string, string> = {}): Reply => ({
	status,
	headers: { 'content-type': JSON_CT, ...headers },
	body: JSON.stringify(value),
});
const isObject = (v: unknown): v is Record<string, unknown> =>
	v !== null && typeof v === 'object' && !Array.isArray(v);
/** A location id that could read as path navigation or control text is never a location. */
const hostileLocation = (id: string): boolean =>
	id === '.' || id === '..' || /[/\\\x00-\x1f]/.test(id);

/** How a server that cleans up what it stores would keep an email or a phone number. */
function normalised(field: string, value: unknown): unknown {
	if (typeof value !== 'string') return value;
	if (field === 'email') return value.trim().toLowerCase();
	if (field === 'phone_number' && value.trim().startsWith('+'))
		return `+${value.replace(/\D/g, '')}`;
	return value;
}

/** Deterministic PRNG (mulberry32) for rate-based faults. */
function prng(seed: number): () => number {
	let a = seed | 0;
	return () => {
		a = (a + 0x6d2b79f5) | 0;
		let t = Math.imul(a ^ (a >>> 15), 1 | a);
		t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/** ISO 8601 with microseconds and +00:00; strictly increasing even within one millisecond. */
function makeClock(): () => string {
	let last = 0;
	return () => {
		const us = Math.max(Math.floor((performance.timeOrigin + performance.now()) * 1000), last + 1);
		last = us;
		const iso = new Date(Math.floor(us / 1000)).toISOString().slice(0, 19);
		return `${iso}.${String(us % 1_000_000).padStart(6, '0')}+00:00`;
	};
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
	const keys = new Map(
		(options.keys ?? [{ key: DEMO_API_KEY, locations: '*' }]).map((g) => [g.key, g]),
	);
	let behaviour: SandboxBehaviour = { ...DEFAULTS, ...options.behaviour };
	const contacts = new Map<string, Contact>();
	const requests: RecordedRequest[] = [];
	let rules: ActiveRule[] = [];
	const hits = new Map<string, number[]>(); // rate limit: key -> accepted request times
	const timers = new Set<NodeJS.Timeout>();
	const clock = makeClock();
	let seq = 0,
		inFlight = 0,
		maxInFlight = 0,
		total = 0;
	let byRoute: Record<string, number> = {};

	const sleep = (ms: number) =>
		new Promise<void>((resolve) => {
			const t = setTimeout(() => {
				timers.delete(t);
				resolve();
			}, ms);
			timers.add(t);
		});

	function fill(p: Partial<Contact>): Contact {
		const c = structuredClone(p);
		const now = clock();
		return {
			id: c.id ?? randomUUID(),
			workspace_id: c.workspace_id ?? SANDBOX_WORKSPACE_ID,
			location_id: c.location_id ?? DEMO_LOCATION_ID,
			first_name: c.first_name ?? null,
			last_name: c.last_name ?? null,
			phone_number: c.phone_number ?? null,
			email: c.email ?? null,
			tags: c.tags ?? [],
			meta: c.meta ?? {},
			custom_fields: c.custom_fields ?? {},
			attribution: c.attribution ?? {},
			integration: c.integration ?? {},
			dnd: c.dnd ?? {},
			created_at: c.created_at ?? now,
			updated_at: c.updated_at ?? c.created_at ?? now,
		};
	}
	function add(p: Partial<Contact>): Contact {
		const c = fill(p);
		if (contacts.has(c.id)) throw new Error(`Sandbox: contact ${c.id} already exists`);
		contacts.set(c.id, c);
		return structuredClone(c);
	}

	/** Business errors follow errorStyle; 401, 429 and unknown routes are always status codes. */
	const fail = (status: 400 | 403 | 404, message: string): Reply =>
		behaviour.errorStyle === 'ok-false'
			? json(200, { ok: false, error: message })
			: json(status, { message });

	/** Checks a create/PATCH body; returns the accepted fields or an error message. */
	function readFields(body: unknown): Record<string, unknown> | string {
		if (!isObject(body)) return 'Body must be a JSON object';
		const out: Record<string, unknown> = {};
		for (const [k, v] of Object.entries(body)) {
			if (!WRITABLE.has(k)) {
				if (behaviour.unknownFields === 'reject') return `Unknown field: ${k}`;
				continue;
			}
			if (STRING_FIELDS.includes(k) && v !== null && typeof v !== 'string')
				return `${k} must be a string or null`;
			if (k === 'tags' && !(Array.isArray(v) && v.every((t) => typeof t === 'string')))
				return 'tags must be an array of strings';
			if (OBJECT_FIELDS.includes(k) && !isObject(v)) return `${k} must be an object`;
			out[k] = behaviour.storedValues === 'normalise' ? normalised(k, v) : v;
			if (k === 'tags' && behaviour.storedTags === 'lowercase')
				out[k] = [...new Set((v as string[]).map((tag) => tag.trim().toLowerCase()))];
		}
		return out;
	}

	const canSee = (key: string, location: string): boolean => {
		const locs = keys.get(key)!.locations;
		return locs === '*' || locs.includes(location);
	};

	/** The normal (fault-free) answer; may change state. */
	function respond(req: http.IncomingMessage, rec: RecordedRequest): Reply {
		const m = /^Bearer +(\S+) *$/i.exec(rec.authorization ?? '');
		const key = m?.[1];
		if (!key || !keys.has(key))
			return {
				status: 401,
				headers: { 'content-type': 'text/plain; charset=utf-8' },
				body: 'Unauthorized',
			};
		if (!behaviour.rateLimit) return answer(req, rec, key);
		const { limit, windowMs } = behaviour.rateLimit;
		const now = Date.now();
		const times = (hits.get(key) ?? []).filter((t) => t > now - windowMs);
		hits.set(key, times);
		const limited = times.length >= limit;
		if (!limited) times.push(now);
		const secondsLeft = Math.max(1, Math.ceil((times[0] + windowMs - now) / 1000));
		const headers: Record<string, string> = behaviour.rateLimitHeaders
			? {
					'x-ratelimit-limit': String(limit),
					'x-ratelimit-remaining': String(limit - times.length),
					'x-ratelimit-reset': String(secondsLeft),
				}
			: {};
		if (limited)
			return json(
				429,
				{ message: 'Too many requests' },
				{ ...headers, 'retry-after': String(secondsLeft) },
			);
		const reply = answer(req, rec, key);
		return { ...reply, headers: { ...reply.headers, ...headers } };
	}

	/** The answer of an authenticated, admitted request. */
	function answer(req: http.IncomingMessage, rec: RecordedRequest, key: string): Reply {
		if (rec.route === 'unknown')
			return json(404, { message: `Route ${req.method}:${rec.rawPath} not found` });

		if (rec.route === 'list' || rec.route === 'create') {
			const loc = rec.params.locationId;
			if (hostileLocation(loc)) return fail(404, 'Location not found');
			if (!canSee(key, loc))
				return fail(403, "Forbidden: this API key's sub-account cannot access this location");
			if (rec.route === 'list')
				return json(
					200,
					[...contacts.values()].filter((c) => c.location_id === loc),
				);
			const fields = readFields(rec.body);
			if (typeof fields === 'string') return fail(400, fields);
			const created = fill({ ...fields, location_id: loc });
			contacts.set(created.id, created);
			return json(behaviour.createStatus, created);
		}

		const contact = contacts.get(rec.params.contactId);
		if (!contact) return fail(404, 'Contact not found');
		if (!canSee(key, contact.location_id))
			return fail(403, "Forbidden: this API key's sub-account cannot access this contact");
		if (rec.route === 'get') return json(200, contact);
		const fields = readFields(rec.body);
		if (typeof fields === 'string') return fail(400, fields);
		const target = contact as unknown as Record<string, unknown>;
		for (const [k, v] of Object.entries(fields)) {
			// spread (not Object.assign) so a "__proto__" key stays a plain data key
			target[k] =
				k === 'custom_fields' && behaviour.customFields === 'merge'
					? { ...contact.custom_fields, ...(v as Record<string, unknown>) }
					: v;
		}
		contact.updated_at = clock();
		return json(200, contact);
	}

	/** The answer an injected fault gives instead of (or, phase 'after', in place of) the normal one. */
	function faultReply(fault: Fault, route: Route): Outcome {
		const sample = {
			id: randomUUID(),
			workspace_id: SANDBOX_WORKSPACE_ID,
			location_id: DEMO_LOCATION_ID,
			first_name: 'Trunc',
			last_name: 'Ated',
			tags: [],
		};
		switch (fault.kind) {
			case 'status': {
				const text = typeof fault.body === 'string';
				const body =
					fault.body === undefined ? { message: `Injected ${fault.status}` } : fault.body;
				return {
					status: fault.status,
					headers: {
						'content-type': text ? 'text/plain; charset=utf-8' : JSON_CT,
						...fault.headers,
					},
					body: text ? (body as string) : JSON.stringify(body),
				};
			}
			case 'drop':
				return 'drop';
			case 'malformed':
				return {
					status: 200,
					headers: { 'content-type': 'text/html; charset=utf-8' },
					body: '<html>oops</html>',
				};
			case 'truncated': {
				const full = JSON.stringify(route === 'list' ? [sample] : sample);
				return {
					status: 200,
					headers: { 'content-type': JSON_CT },
					body: full.slice(0, Math.floor(full.length / 2)),
				};
			}
			case 'wrong-shape':
				return json(200, route === 'list' ? { contacts: [] } : ['not', 'a', 'contact']);
			case 'huge': {
				const [open, close] =
					route === 'list'
						? ['[{"id":"huge","padding":"', '"}]']
						: ['{"id":"huge","padding":"', '"}'];
				const pad = Math.max(0, (fault.bytes ?? 20 * 1024 * 1024) - open.length - close.length);
				return {
					status: 200,
					headers: { 'content-type': JSON_CT },
					body: Buffer.concat([Buffer.from(open), Buffer.alloc(pad, 'x'), Buffer.from(close)]),
				};
			}
			case 'ok-false':
				return json(200, { ok: false, error: fault.error ?? 'Injected failure' });
			case 'delay':
				throw new Error('delay is not a reply');
		}
	}

	/** Takes the first fault rule (in injection order) that applies to this request. */
	function takeFault(route: Route): FaultRule | undefined {
		for (let i = 0; i < rules.length; i++) {
			const a = rules[i];
			const r = a.rule.route ?? '*';
			if (r !== '*' && r !== route) continue;
			if (a.rand && a.rand() >= (a.rule.rate ?? 1)) continue;
			if (--a.left <= 0) rules.splice(i, 1);
			return a.rule;
		}
		return undefined;
	}

	async function handle(
		req: http.IncomingMessage,
		res: http.ServerResponse,
		rec: RecordedRequest,
		gone: () => boolean,
	) {
		const rule = takeFault(rec.route); // decided at arrival, so "next N" follows arrival order
		if (rule) rec.fault = rule.fault.kind;
		const chunks: Buffer[] = [];
		let size = 0;
		for await (const chunk of req) {
			size += (chunk as Buffer).length;
			if (size <= MAX_BODY) chunks.push(chunk as Buffer);
		}
		const text = Buffer.concat(chunks).toString('utf8');
		if (text !== '') {
			try {
				rec.body = JSON.parse(text);
			} catch {
				rec.body = text;
			}
		}
		const wait = behaviour.latencyMs + rec.queuedMs;
		if (wait > 0) await sleep(wait);

		let out: Outcome;
		const f = rule?.fault;
		const after = rule?.phase === 'after';
		if (f?.kind === 'delay' && !after) await sleep(f.ms);
		if (size > MAX_BODY) out = json(413, { message: 'Payload too large' });
		else if (f && !after && f.kind !== 'delay') out = faultReply(f, rec.route);
		else {
			out = respond(req, rec);
			if (f?.kind === 'delay') {
				if (after) await sleep(f.ms);
			} else if (f) out = faultReply(f, rec.route);
		}

		if (gone()) return; // client left; status stays 0
		if (out === 'drop') {
			req.socket.destroy();
			return;
		}
		rec.status = out.status;
		rec.responseBytes = Buffer.byteLength(out.body);
		res.writeHead(out.status, {
			'content-length': String(Buffer.byteLength(out.body)),
			...out.headers,
		});
		res.end(out.body);
	}

	const onRequest = (req: http.IncomingMessage, res: http.ServerResponse) => {
		const rawPath = req.url ?? '';
		const path = rawPath.split('?')[0];
		const { route, params } = matchRoute(req.method ?? '', path);
		const rec: RecordedRequest = {
			seq: ++seq,
			method: req.method ?? '',
			rawPath,
			path,
			route,
			params,
			headers: Object.fromEntries(
				Object.entries(req.headers).flatMap(([k, v]) =>
					v === undefined ? [] : [[k, Array.isArray(v) ? v.join(', ') : v]],
				),
			),
			authorization: req.headers.authorization,
			body: undefined,
			status: 0,
			responseBytes: 0,
			startedAt: performance.now(),
			endedAt: 0,
			inFlightAtArrival: ++inFlight,
			queuedMs: 0,
		};
		const capacity = behaviour.capacity;
		if (capacity && inFlight > capacity.inFlight)
			rec.queuedMs = (inFlight - capacity.inFlight) * capacity.msPerExtra;
		requests.push(rec);
		total++;
		byRoute[route] = (byRoute[route] ?? 0) + 1;
		maxInFlight = Math.max(maxInFlight, inFlight);
		let closed = false;
		res.on('close', () => {
			if (closed) return;
			closed = true;
			inFlight--;
			rec.endedAt = performance.now();
			options.onRequest?.(rec);
		});
		handle(req, res, rec, () => closed || req.socket.destroyed).catch(() => {
			if (!closed && !res.headersSent) {
				rec.status = 500;
				res
					.writeHead(500, { 'content-type': JSON_CT })
					.end(JSON.stringify({ message: 'Internal sandbox error' }));
			}
		});
	};
	const server = options.tls
		? https.createServer({ key: options.tls.key, cert: options.tls.cert }, onRequest)
		: http.createServer(onRequest);
	server.keepAliveTimeout = 5_000;
	server.requestTimeout = 0; // long 'delay' faults must not be cut by the server

	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(
			{ port: options.port ?? 0, host: options.host ?? '127.0.0.1', backlog: 4096 },
			() => {
				server.off('error', reject);
				resolve();
			},
		);
	});
	const port = (server.address() as { port: number }).port;
	const host = options.host ?? '127.0.0.1';
	for (const p of options.seed ?? []) add(p);

	const resetStats = () => {
		total = 0;
		maxInFlight = inFlight;
		byRoute = {};
	};
	let closing: Promise<void> | undefined;

	return {
		url: `${options.tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${port}/v2`,
		port,
		requests,
		clearRequests: () => {
			requests.length = 0;
			resetStats();
		},
		getContact: (id) => {
			const c = contacts.get(id);
			return c && structuredClone(c);
		},
		listContacts: (loc) =>
			[...contacts.values()]
				.filter((c) => loc === undefined || c.location_id === loc)
				.map((c) => structuredClone(c)),
		addContact: add,
		updateContactDirect(id, patch) {
			const c = contacts.get(id);
			if (!c) throw new Error(`Sandbox: no contact ${id}`);
			Object.assign(c, structuredClone(patch), { id: c.id, updated_at: clock() });
			return structuredClone(c);
		},
		setBehaviour: (patch) => {
			behaviour = { ...behaviour, ...patch };
		},
		injectFault(rule) {
			const left = rule.times ?? (rule.rate === undefined ? 1 : Infinity);
			if (!(left > 0)) throw new Error('Sandbox: fault rule times must be > 0');
			rules.push({ rule, left, rand: rule.rate === undefined ? undefined : prng(rule.seed ?? 1) });
		},
		clearFaults: () => {
			rules = [];
		},
		stats: () => ({ total, maxInFlight, byRoute: { ...byRoute } }),
		reset(seed) {
			contacts.clear();
			requests.length = 0;
			rules = [];
			hits.clear();
			resetStats();
			behaviour = { ...DEFAULTS, ...options.behaviour };
			for (const p of seed ?? options.seed ?? []) add(p);
		},
		close() {
			closing ??= new Promise<void>((resolve) => {
				for (const t of timers) clearTimeout(t);
				timers.clear();
				server.close(() => resolve());
				server.closeAllConnections();
			});
			return closing;
		},
	};
}
