/** bench/run.ts: its sections, options, settings, and what it measures (APIs, flows, runs, rows). */

import { N8nRest, type N8nServer } from '../../runtime/n8n';
import { type Sandbox, type SandboxBehaviour } from '../../sandbox/server';
import { type LatencyProxy } from './latency-proxy';
import { type Credentials, type RouteName } from './workflows';
import { type Check, type WorkloadKind } from './workloads';
export type Section = 'fixed' | 'auto' | 'tls' | 'burst';
export const SECTIONS: Section[] = ['fixed', 'auto', 'tls', 'burst'];

export interface Options {
	latencyMs: number;
	quick: boolean;
	concurrencies: number[];
	n: number;
	sections: Section[];
	out?: string;
}

export const WARM_UP_ITEMS = 20;
/** Fixed settings Auto is compared with. */
export const FIXED_SETTINGS = [1, 5, 10, 20, 50];
/** The rate-limited sandbox: 10 requests per second per key (sliding window), 429 + Retry-After. */
export const RATE_LIMIT = { limit: 10, windowMs: 1000 };
/** The capacity-limited sandbox: past 8 requests in flight, each one more adds 5 ms to every answer. */
export const CAPACITY = { inFlight: 8, msPerExtra: 5 };
export const BURST_EXECUTIONS = 50;
export const log = (message: string) => process.stderr.write(`bench: ${message}\n`);

/** A sandbox the bench's n8n reaches, with its own credential (so its own Concurrency: Auto state). */
export interface Api {
	name: string;
	sandbox: Sandbox;
	/** The base URL n8n uses (through the latency proxy for the tls section). */
	url: string;
	credentials: Credentials;
	/** Behaviour while measuring (latency included); warm-ups run with the latency only. */
	behaviour: Partial<SandboxBehaviour>;
	proxy?: LatencyProxy;
}

export interface Flow {
	api: Api;
	route: RouteName;
	kind: WorkloadKind;
	/** ours: Concurrency (0 = Auto); http: batch size (null = HTTP Request's defaults). */
	concurrency: number | null;
	/** ours: Re-Check Tags After Write turned off (the default is on). */
	noRecheck?: boolean;
	id: string;
	path: string;
	seen: Set<string>;
}

export interface Run {
	executionMs: number;
	roundTripMs: number;
	cpuMs: number;
	error?: string;
}

export interface Row extends Run {
	flow: Flow;
	items: number;
	requests: {
		total: number;
		byRoute: Record<string, number>;
		maxInFlight: number;
		failed: number;
		rateLimited: number;
	};
	connections?: number;
	/** Connections open at the latency proxy on average over the execution (Little's law: requests in flight). */
	avgOpen?: number;
	/** 429s during the warm-up (Auto's first meeting with a rate limit). */
	warmUp429s?: number;
	/** Auto: the same flow run again at once, its limiter starting from what the first run learnt. */
	again?: boolean;
	idealMs: number | null;
	check: Check;
	ratio?: number;
}

export interface Bench {
	o: Options;
	server: N8nServer;
	rest: N8nRest;
}

export const label = (f: Flow): string =>
	f.route === 'ours'
		? f.concurrency === 0
			? '**Assistable, Auto**'
			: `Assistable, ${f.concurrency}${f.noRecheck ? ', Re-Check Tags off' : ''}`
		: f.concurrency === null
			? 'HTTP Request, defaults'
			: f.kind === 'A'
				? `HTTP Request, batch ${f.concurrency}`
				: `HTTP GET → Code → PATCH, batch ${f.concurrency}`;

export const fmt = (v: number | null | undefined, digits = 0) =>
	v === null || v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(digits);
