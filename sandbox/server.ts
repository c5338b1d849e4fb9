/**
 * Assistable sandbox: a local, stateful stand-in for the Assistable v2 API, written from the contract
 * in the API notes only. Zero dependencies (node: built-ins). This file is the HTTP server: auth, rate
 * limit, capacity, faults and the record of every request; each resource's routes answer in a file of
 * their own (contacts.ts, ...), registered in `resources` below.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import { adminRoutes } from './admin';
import { callsResource } from './calls';
import { assistantsResource } from './assistants';
import { contactsResource } from './contacts';
import { conversationsResource } from './conversations';
import { DEMO_API_KEY } from './demo-data';
import type { Outcome } from './faults';
import { FaultRules, faultReply } from './faults';
import { RateWindows } from './rate-limit';
import { matchRoute } from './routes';
import { Timers } from './timers';
import type {
	RecordedRequest,
	Reply,
	Sandbox,
	SandboxBehaviour,
	SandboxKit,
	SandboxOptions,
	SandboxResource,
} from './types';
import { DEFAULT_BEHAVIOUR, JSON_CT, json, makeClock } from './types';

export * from './demo-data';
export type { SandboxRoute } from './routes';
export type { CallFailure, SandboxCall } from './calls';
export type {
	Contact,
	Fault,
	RecordedRequest,
	Sandbox,
	SandboxBehaviour,
	SandboxOptions,
} from './types';

const MAX_BODY = 10 * 1024 * 1024;

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
	const keys = new Map(
		(options.keys ?? [{ key: DEMO_API_KEY, locations: '*' }]).map((g) => [g.key, g]),
	);
	let behaviour: SandboxBehaviour = { ...DEFAULT_BEHAVIOUR, ...options.behaviour };
	const requests: RecordedRequest[] = [];
	const faults = new FaultRules();
	const rateWindows = new RateWindows();
	const timers = new Timers();
	const clock = makeClock();
	let seq = 0,
		inFlight = 0,
		maxInFlight = 0,
		total = 0;
	let byRoute: Record<string, number> = {};

	const kit: SandboxKit = {
		behaviour: () => behaviour,
		clock,
		/** Business errors follow errorStyle; 401, 429 and unknown routes are always status codes. */
		fail: (status, message) =>
			behaviour.errorStyle === 'ok-false'
				? json(200, { ok: false, error: message })
				: json(status, { message }),
		canSee: (key, location) => {
			const locs = keys.get(key)!.locations;
			return locs === '*' || locs.includes(location);
		},
		sent: (webhook) => options.onWebhook?.(webhook),
		later: (ms, work) => timers.later(ms, work),
	};
	const contacts = contactsResource(kit);
	const calls = callsResource(kit);
	const assistants = assistantsResource(kit);
	const conversations = conversationsResource(kit, assistants.api);
	// One line per resource.
	const resources: SandboxResource[] = [contacts, calls, conversations, assistants];
	const handlers = Object.assign({}, ...resources.map((r) => r.handlers)) as Required<
		SandboxResource['handlers']
	>;

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
		const { limited, headers } = rateWindows.admit(key, behaviour);
		if (limited) return json(429, { message: 'Too many requests' }, headers);
		const reply = answer(req, rec, key);
		return { ...reply, headers: { ...reply.headers, ...headers } };
	}

	/** The answer of an authenticated, admitted request. */
	function answer(req: http.IncomingMessage, rec: RecordedRequest, key: string): Reply {
		if (rec.route === 'unknown')
			return json(404, { message: `Route ${req.method}:${rec.rawPath} not found` });
		return handlers[rec.route]({ rec, key });
	}

	async function handle(
		req: http.IncomingMessage,
		res: http.ServerResponse,
		rec: RecordedRequest,
		gone: () => boolean,
	) {
		const rule = faults.take(rec.route); // decided at arrival, so "next N" follows arrival order
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
		if (wait > 0) await timers.sleep(wait);

		let out: Outcome;
		const f = rule?.fault;
		const after = rule?.phase === 'after';
		if (f?.kind === 'delay' && !after) await timers.sleep(f.ms);
		if (size > MAX_BODY) out = json(413, { message: 'Payload too large' });
		else if (f && !after && f.kind !== 'delay') out = faultReply(f, rec.route);
		else {
			out = respond(req, rec);
			if (f?.kind === 'delay') {
				if (after) await timers.sleep(f.ms);
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

	const handleAdmin = adminRoutes(resources);

	const onRequest = (req: http.IncomingMessage, res: http.ServerResponse) => {
		const rawPath = req.url ?? '';
		const path = rawPath.split('?')[0];
		if (path.startsWith('/__sandbox/')) {
			handleAdmin(req, res, path).catch(() => res.writeHead(400).end('Bad request'));
			return;
		}
		const { route, params } = matchRoute(req.method ?? '', path);
		const rec: RecordedRequest = {
			seq: ++seq,
			method: req.method ?? '',
			rawPath,
			path,
			route,
			params,
			query: Object.fromEntries(new URLSearchParams(rawPath.split('?').slice(1).join('?'))),
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
	for (const p of options.seed ?? []) contacts.api.addContact(p);

	const resetStats = () => {
		total = 0;
		maxInFlight = inFlight;
		byRoute = {};
	};
	let closing: Promise<void> | undefined;

	return {
		...contacts.api,
		...calls.api,
		...conversations.api,
		...assistants.api,
		url: `${options.tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${port}/v2`,
		port,
		requests,
		clearRequests: () => {
			requests.length = 0;
			resetStats();
		},
		setBehaviour: (patch) => {
			behaviour = { ...behaviour, ...patch };
		},
		injectFault: (rule) => faults.add(rule),
		clearFaults: () => faults.clear(),
		stats: () => ({ total, maxInFlight, byRoute: { ...byRoute } }),
		reset(seed) {
			for (const resource of resources) resource.reset();
			requests.length = 0;
			faults.clear();
			rateWindows.clear();
			timers.cancelLater();
			resetStats();
			behaviour = { ...DEFAULT_BEHAVIOUR, ...options.behaviour };
			for (const p of seed ?? options.seed ?? []) contacts.api.addContact(p);
		},
		close() {
			closing ??= new Promise<void>((resolve) => {
				timers.cancelAll();
				server.close(() => resolve());
				server.closeAllConnections();
			});
			return closing;
		},
	};
}
