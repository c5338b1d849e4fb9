/**
 * The Assistable node against the route a user builds today from n8n's own nodes (HTTP Request, Code), both as
 * workflows in a real n8n (runtime/: the pinned n8n, this package packed and installed as a community node, its
 * own task runner for the Code node), against the sandbox with injected latency. Times come from n8n's execution
 * records (startedAt → stoppedAt), requests and tags from the sandbox's log and final state.
 *
 *   node build/bench/run.js [--latency 20] [--quick] [--concurrency 1,5,20] [--n 1000]
 *                           [--sections fixed,auto,tls,burst] [--out FILE]
 *
 * Sections: fixed (ours at Concurrency c vs the HTTP route batching c), auto (Concurrency: Auto vs fixed
 * settings vs HTTP Request's defaults on an unlimited, a rate-limited and a capacity-limited sandbox), tls (the
 * sandbox over TLS behind a latency proxy), burst (50 concurrent webhook executions of one item each).
 * Exit code 1 when our node lost a tag, Auto failed a run, or a run left wrong names without failing (targets are
 * reported, not asserted).
 * BENCH_N8N_NODE_OPTIONS sets NODE_OPTIONS for the n8n process (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`).
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import * as path from 'node:path';
import type { IDataObject } from 'n8n-workflow';

import { DEFAULT_N8N_VERSION, ensureN8n, repoRoot } from '../runtime/install-n8n';
import {
	buildAndPack,
	freePort,
	installPackage,
	makeUserFolder,
	N8nRest,
	n8nEnv,
	prefixedLog,
	startN8n,
	type N8nServer,
} from '../runtime/n8n';
import { MAX_LIMIT } from '../nodes/Assistable/shared/limiter';
import { DEMO_API_KEY, startSandbox, type Sandbox, type SandboxBehaviour } from '../sandbox/server';
import { startLatencyProxy, type LatencyProxy } from './lib/latency-proxy';
import { generateLocalhostCert } from './lib/tls';
import { benchWorkflow, type Credentials, type RouteName } from './lib/workflows';
import {
	check,
	contactSeed,
	workload,
	type Check,
	type Workload,
	type WorkloadKind,
} from './lib/workloads';

type Section = 'fixed' | 'auto' | 'tls' | 'burst';
const SECTIONS: Section[] = ['fixed', 'auto', 'tls', 'burst'];

interface Options {
	latencyMs: number;
	quick: boolean;
	concurrencies: number[];
	n: number;
	sections: Section[];
	out?: string;
}

const USAGE =
	'usage: node build/bench/run.js [--latency MS] [--quick] [--concurrency 1,5,20] [--n N] [--sections fixed,auto,tls,burst] [--out FILE]';
const WARM_UP_ITEMS = 20;
/** Fixed settings Auto is compared with. */
const FIXED_SETTINGS = [1, 5, 10, 20, 50];
/** The rate-limited sandbox: 10 requests per second per key (sliding window), 429 + Retry-After. */
const RATE_LIMIT = { limit: 10, windowMs: 1000 };
/** The capacity-limited sandbox: past 8 requests in flight, each one more adds 5 ms to every answer. */
const CAPACITY = { inFlight: 8, msPerExtra: 5 };
const BURST_EXECUTIONS = 50;
const log = (message: string) => process.stderr.write(`bench: ${message}\n`);

function die(message: string): never {
	process.stderr.write(`${message}\n`);
	process.exit(2);
}

function parseArgs(argv: string[]): Options {
	const int = (flag: string, v: string | undefined, min: number, max = Infinity): number =>
		v !== undefined && /^\d+$/.test(v) && Number(v) >= min && Number(v) <= max
			? Number(v)
			: die(`${flag} needs an integer ${min}..${max}`);
	const o: Partial<Options> = { latencyMs: 20, quick: false };
	for (let i = 0; i < argv.length; i++) {
		const [flag, inline] = argv[i].split(/=(.*)/s, 2);
		const value = () => inline ?? argv[++i];
		if (flag === '--latency') o.latencyMs = int(flag, value(), 0);
		else if (flag === '--quick') o.quick = true;
		else if (flag === '--concurrency')
			o.concurrencies = String(value())
				.split(',')
				.map((c) => int(flag, c, 1, 50));
		else if (flag === '--n') o.n = int(flag, value(), 5);
		else if (flag === '--sections')
			o.sections = String(value())
				.split(',')
				.map((x) =>
					SECTIONS.includes(x as Section) ? (x as Section) : die(`unknown section ${x}\n${USAGE}`),
				);
		else if (flag === '--out') o.out = value();
		else die(`unknown argument ${argv[i]}\n${USAGE}`);
	}
	return {
		...o,
		n: o.n ?? (o.quick ? 100 : 1000),
		concurrencies: o.concurrencies ?? (o.quick ? [5] : [1, 5, 20]),
		sections: o.sections ?? (o.quick ? ['fixed'] : SECTIONS),
	} as Options;
}

/** CPU time (ms) of every process in n8n's process group: n8n itself and its task runner. */
function groupCpuMs(pgid: number): number {
	let ticks = 0;
	for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
		try {
			const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
			if (Number(fields[2]) === pgid) ticks += Number(fields[11]) + Number(fields[12]);
		} catch {
			// exited meanwhile
		}
	}
	return ticks * 10; // USER_HZ = 100
}

/** A sandbox the bench's n8n reaches, with its own credential (so its own Concurrency: Auto state). */
interface Api {
	name: string;
	sandbox: Sandbox;
	/** The base URL n8n uses (through the latency proxy for the tls section). */
	url: string;
	credentials: Credentials;
	/** Behaviour while measuring (latency included); warm-ups run with the latency only. */
	behaviour: Partial<SandboxBehaviour>;
	proxy?: LatencyProxy;
}

interface Flow {
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

interface Run {
	executionMs: number;
	roundTripMs: number;
	cpuMs: number;
	error?: string;
}

interface Row extends Run {
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

interface Bench {
	o: Options;
	server: N8nServer;
	rest: N8nRest;
}

const label = (f: Flow): string =>
	f.route === 'ours'
		? f.concurrency === 0
			? '**Assistable, Auto**'
			: `Assistable, ${f.concurrency}${f.noRecheck ? ', Re-Check Tags off' : ''}`
		: f.concurrency === null
			? 'HTTP Request, defaults'
			: f.kind === 'A'
				? `HTTP Request, batch ${f.concurrency}`
				: `HTTP GET → Code → PATCH, batch ${f.concurrency}`;

async function createFlow(
	b: Bench,
	api: Api,
	route: RouteName,
	kind: WorkloadKind,
	concurrency: number | null,
	noRecheck = false,
): Promise<Flow> {
	const webhookPath =
		`bench-${api.name}-${kind}-${route}-${concurrency ?? 'defaults'}${noRecheck ? '-norecheck' : ''}`.toLowerCase();
	const body = benchWorkflow(route, kind, concurrency, {
		path: webhookPath,
		baseUrl: api.url,
		latencyMs: b.o.latencyMs,
		credentials: api.credentials,
		noRecheck,
	});
	const created = await b.rest.request<{ data: { id: string; versionId: string } }>(
		'POST',
		'/workflows',
		body,
	);
	if (created.status !== 200)
		throw new Error(
			`POST /rest/workflows answered ${created.status}: ${created.raw.slice(0, 500)}`,
		);
	const { id, versionId } = created.data.data;
	const activated = await b.rest.request('POST', `/workflows/${id}/activate`, { versionId });
	if (activated.status !== 200)
		throw new Error(
			`activating ${body.name} answered ${activated.status}: ${activated.raw.slice(0, 500)}`,
		);
	return { api, route, kind, concurrency, noRecheck, id, path: webhookPath, seen: new Set() };
}

type ExecutionSummary = { id: string; status: string; startedAt?: string; stoppedAt?: string };

/** The flow's executions that finished since the last call, from n8n's records (REST, as the editor lists them). */
async function newExecutions(b: Bench, flow: Flow, count = 1): Promise<ExecutionSummary[]> {
	const filter = encodeURIComponent(JSON.stringify({ workflowId: flow.id }));
	const found: ExecutionSummary[] = [];
	let last = '';
	for (
		const deadline = Date.now() + 60_000;
		Date.now() < deadline;
		await new Promise((r) => setTimeout(r, 250))
	) {
		const r = await b.rest.request<{ data: { results?: ExecutionSummary[] } }>(
			'GET',
			`/executions?filter=${filter}&limit=${Math.max(10, count * 2)}`,
		);
		if (r.status !== 200)
			throw new Error(`GET /rest/executions answered ${r.status}: ${r.raw.slice(0, 300)}`);
		last = r.raw;
		for (const e of r.data.data.results ?? []) {
			if (flow.seen.has(String(e.id)) || !e.stoppedAt) continue;
			if (['new', 'running', 'waiting'].includes(e.status)) continue;
			flow.seen.add(String(e.id));
			found.push(e);
		}
		if (found.length >= count) return found;
	}
	throw new Error(
		`${found.length} of ${count} executions of workflow ${flow.id} finished within 60 s; n8n lists: ${last.slice(0, 600)}`,
	);
}

/** POSTs to the flow's webhook; a 404 "not registered" (n8n publishes webhooks asynchronously) is retried. */
async function post(b: Bench, flow: Flow, items: IDataObject[]): Promise<void> {
	for (const deadline = Date.now() + 60_000; ; await new Promise((r) => setTimeout(r, 250))) {
		const res = await fetch(`${b.server.url}/webhook/${flow.path}`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ items }),
			signal: AbortSignal.timeout(600_000),
		});
		const answer = await res.text();
		if (res.status === 404 && /not registered/.test(answer) && Date.now() < deadline) continue;
		// A failed execution answers 500; n8n's execution record says what happened.
		if (!res.ok && res.status !== 500)
			throw new Error(`POST /webhook/${flow.path} answered ${res.status}: ${answer.slice(0, 500)}`);
		return;
	}
}

async function prepare(flow: Flow, w: Workload, behaviour: Partial<SandboxBehaviour>) {
	const { sandbox } = flow.api;
	sandbox.reset(contactSeed(w.contacts));
	sandbox.setBehaviour(behaviour);
}

/** One execution of the flow with the workload's items. */
async function runFlow(
	b: Bench,
	flow: Flow,
	w: Workload,
	behaviour: Partial<SandboxBehaviour>,
): Promise<Run> {
	await prepare(flow, w, behaviour);
	const cpu0 = groupCpuMs(b.server.process.pid!);
	const t0 = performance.now();
	await post(b, flow, w.items);
	const roundTripMs = performance.now() - t0;
	const cpuMs = groupCpuMs(b.server.process.pid!) - cpu0;
	const [execution] = await newExecutions(b, flow);
	const executionMs = Date.parse(execution.stoppedAt!) - Date.parse(execution.startedAt!);
	const error =
		execution.status !== 'success' ? `execution ${execution.id} ${execution.status}` : undefined;
	return { executionMs, roundTripMs, cpuMs, error };
}

/** `executions` webhook executions at once, one item each: the time from the first POST to the last answer. */
async function runBurst(
	b: Bench,
	flow: Flow,
	w: Workload,
	behaviour: Partial<SandboxBehaviour>,
): Promise<Run> {
	await prepare(flow, w, behaviour);
	const cpu0 = groupCpuMs(b.server.process.pid!);
	const t0 = performance.now();
	await Promise.all(w.items.map((item) => post(b, flow, [item])));
	const roundTripMs = performance.now() - t0;
	const cpuMs = groupCpuMs(b.server.process.pid!) - cpu0;
	const executions = await newExecutions(b, flow, w.items.length);
	const failed = executions.filter((e) => e.status !== 'success').length;
	const start = Math.min(...executions.map((e) => Date.parse(e.startedAt!)));
	const stop = Math.max(...executions.map((e) => Date.parse(e.stoppedAt!)));
	return {
		executionMs: stop - start,
		roundTripMs,
		cpuMs,
		error: failed ? `${failed}/${executions.length} executions failed` : undefined,
	};
}

/** max(requests × latency / concurrency, longest per-contact chain × latency). */
function idealMs(flow: Flow, requests: number, maxPerContact: number, latencyMs: number) {
	if (latencyMs === 0 || !flow.concurrency) return null;
	const chain = flow.route === 'ours' ? maxPerContact : flow.kind === 'A' ? 1 : 2;
	return Math.max((requests * latencyMs) / flow.concurrency, chain * latencyMs);
}

async function measure(
	b: Bench,
	flow: Flow,
	w: Workload,
	run: (b: Bench, flow: Flow, w: Workload, behaviour: Partial<SandboxBehaviour>) => Promise<Run>,
): Promise<Row> {
	const { sandbox, proxy } = flow.api;
	const before = proxy?.stats();
	const result = await run(b, flow, w, flow.api.behaviour);
	const after = proxy?.stats();
	const stats = sandbox.stats();
	const perContact = new Map<string, number>();
	for (const r of sandbox.requests)
		if (r.params.contactId)
			perContact.set(r.params.contactId, (perContact.get(r.params.contactId) ?? 0) + 1);
	const state = Object.fromEntries(
		sandbox.listContacts().map((c) => [c.id, { first_name: c.first_name, tags: c.tags }]),
	);
	const row: Row = {
		flow,
		items: w.items.length,
		...result,
		requests: {
			...stats,
			failed: sandbox.requests.filter((r) => r.status >= 400 || r.status === 0).length,
			rateLimited: sandbox.requests.filter((r) => r.status === 429).length,
		},
		connections: before && after && after.connections - before.connections,
		avgOpen: before && after && (after.openMs - before.openMs) / result.executionMs,
		idealMs: idealMs(
			flow,
			stats.total,
			Math.max(0, ...perContact.values()),
			Number(flow.api.behaviour.latencyMs ?? 0),
		),
		check: check(w, state),
	};
	log(
		`  ${label(flow)}: ${fmt(row.executionMs)} ms, ${row.requests.total} requests (${row.requests.rateLimited} × 429), ${row.check.tagsLost}/${row.check.tagsExpected} tags lost${row.error ? `, ${row.error}` : ''}`,
	);
	return row;
}

/** Creates the flow, warms it up on its sandbox (limits included), measures it. */
async function flowRow(
	b: Bench,
	api: Api,
	route: RouteName,
	kind: WorkloadKind,
	concurrency: number | null,
	n: number,
	noRecheck = false,
): Promise<Row> {
	const flow = await createFlow(b, api, route, kind, concurrency, noRecheck);
	await runFlow(b, flow, workload(kind, WARM_UP_ITEMS), api.behaviour);
	const warmUp429s = api.sandbox.requests.filter((r) => r.status === 429).length;
	const row = await measure(b, flow, workload(kind, n), runFlow);
	row.warmUp429s = warmUp429s;
	return row;
}

const fmt = (v: number | null | undefined, digits = 0) =>
	v === null || v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(digits);

const outcome = (r: Row) =>
	`${r.check.tagsLost + r.check.namesWrong || r.error ? '❌' : '✅'} ${r.check.tagsLost}/${r.check.tagsExpected}${r.check.namesWrong ? `, ${r.check.namesWrong} names wrong` : ''}${r.error ? ` ⚠ ${r.error}` : ''}`;

const requestsCell = (r: Row) => {
	const get = r.requests.byRoute.get ?? 0,
		patch = r.requests.byRoute.patch ?? 0;
	return `${r.requests.total} (${get} GET + ${patch} PATCH)`;
};

function markdownTable(head: string[], rows: string[][]): string {
	return [
		`| ${head.join(' | ')} |`,
		`|${head.map(() => '---').join('|')}|`,
		...rows.map((r) => `| ${r.join(' | ')} |`),
	].join('\n');
}

function fixedTable(rows: Row[]): string {
	return markdownTable(
		[
			'Workload',
			'Route',
			'Requests',
			'In flight max',
			'Execution ms (n8n)',
			'Ideal ms',
			'Measured / ideal',
			'Ours / theirs time',
			'n8n CPU µs / item',
			'Tags lost',
		],
		rows.map((r) => [
			`${r.flow.kind} ×${r.items}`,
			label(r.flow),
			requestsCell(r),
			String(r.requests.maxInFlight),
			fmt(r.executionMs),
			fmt(r.idealMs),
			fmt(r.idealMs && r.executionMs / r.idealMs, 2),
			fmt(r.ratio, 2),
			fmt((r.cpuMs * 1000) / r.items),
			outcome(r),
		]),
	);
}

function autoTable(rows: Row[]): string {
	return markdownTable(
		[
			'Sandbox',
			'Route',
			'Requests',
			'429s',
			'429s in warm-up',
			'In flight max',
			'Execution ms (n8n)',
			'Time / best fixed',
			'Tags lost',
		],
		rows.map((r) => [
			r.flow.api.name,
			r.again ? `${label(r.flow)}, next run` : label(r.flow),
			requestsCell(r),
			`${r.requests.rateLimited} (${fmt((100 * r.requests.rateLimited) / Math.max(1, r.requests.total), 1)} %)`,
			fmt(r.warmUp429s),
			String(r.requests.maxInFlight),
			fmt(r.executionMs),
			fmt(r.ratio, 2),
			outcome(r),
		]),
	);
}

function tlsTable(rows: Row[]): string {
	return markdownTable(
		[
			'Transport',
			'Route',
			'Requests',
			'Connections',
			'Open at once (average)',
			'Execution ms (n8n)',
			'ms / request',
			'Ours / theirs time',
			'Tags lost',
		],
		rows.map((r) => [
			r.flow.api.name,
			label(r.flow),
			requestsCell(r),
			fmt(r.connections),
			fmt(r.avgOpen, 1),
			fmt(r.executionMs),
			fmt(r.executionMs / Math.max(1, r.requests.total), 1),
			fmt(r.ratio, 2),
			outcome(r),
		]),
	);
}

function burstTable(rows: Row[]): string {
	return markdownTable(
		[
			'Executions × items',
			'Route',
			'Requests',
			'Requests / item',
			'First start → last stop ms',
			'Ours / theirs time',
			'Tags lost',
		],
		rows.map((r) => [
			`${r.items} × 1`,
			label(r.flow),
			requestsCell(r),
			fmt(r.requests.total / r.items, 2),
			fmt(r.executionMs),
			fmt(r.ratio, 2),
			outcome(r),
		]),
	);
}

async function fixedSection(b: Bench, api: Api): Promise<Row[]> {
	const rows: Row[] = [];
	for (const kind of ['A', 'B'] as const) {
		for (const c of b.o.concurrencies) {
			log(`fixed: ${kind} ×${b.o.n} at ${c}, latency ${b.o.latencyMs} ms`);
			const ours = await flowRow(b, api, 'ours', kind, c, b.o.n);
			const theirs = await flowRow(b, api, 'http', kind, c, b.o.n);
			ours.ratio = ours.executionMs / theirs.executionMs;
			rows.push(ours, theirs);
			if (kind === 'B' && c === 1) {
				// What the cross-process guarantee's reads cost where every request waits for the last.
				const unchecked = await flowRow(b, api, 'ours', kind, c, b.o.n, true);
				unchecked.ratio = unchecked.executionMs / theirs.executionMs;
				rows.push(unchecked);
			}
		}
	}
	return rows;
}

async function autoSection(b: Bench, apis: Api[]): Promise<Row[]> {
	const rows: Row[] = [];
	for (const api of apis) {
		// The rate-limited API takes 10 requests per second: fewer items keep the run short.
		const n = api.behaviour.rateLimit ? Math.min(b.o.n, 150) : b.o.n;
		log(`auto: ${api.name}, A ×${n}`);
		const auto = await flowRow(b, api, 'ours', 'A', 0, n);
		log(`auto: ${api.name}, A ×${n}, Auto's next run`);
		const again = await measure(b, auto.flow, workload('A', n), runFlow);
		again.again = true;
		const fixed: Row[] = [];
		for (const c of FIXED_SETTINGS) fixed.push(await flowRow(b, api, 'ours', 'A', c, n));
		const defaults = await flowRow(b, api, 'http', 'A', null, n);
		const ok = fixed.filter((r) => !r.error && !r.check.namesWrong);
		const best = Math.min(...ok.map((r) => r.executionMs));
		for (const r of [auto, again, ...fixed, defaults]) r.ratio = r.executionMs / best;
		rows.push(auto, again, ...fixed, defaults);
	}
	return rows;
}

async function tlsSection(b: Bench, apis: Api[]): Promise<Row[]> {
	const rows: Row[] = [];
	const n = Math.min(b.o.n, 200);
	for (const api of apis) {
		for (const c of [1, 5]) {
			log(`tls: ${api.name}, A ×${n} at ${c}`);
			const ours = await flowRow(b, api, 'ours', 'A', c, n);
			const theirs = await flowRow(b, api, 'http', 'A', c, n);
			ours.ratio = ours.executionMs / theirs.executionMs;
			rows.push(ours, theirs);
			// HTTP Request's batching does not wait for answers: compare at the requests it had in flight.
			const inFlight = Math.min(MAX_LIMIT, Math.round(theirs.avgOpen ?? c));
			if (inFlight > c) {
				log(`tls: ${api.name}, A ×${n} at ${inFlight} (the HTTP route's average connections open)`);
				const same = await flowRow(b, api, 'ours', 'A', inFlight, n);
				same.ratio = same.executionMs / theirs.executionMs;
				rows.push(same);
			}
		}
	}
	return rows;
}

async function burstSection(b: Bench, api: Api): Promise<Row[]> {
	log(`burst: ${BURST_EXECUTIONS} executions of one append each`);
	const w = workload('B', BURST_EXECUTIONS);
	const rows: Row[] = [];
	for (const route of ['ours', 'http'] as const) {
		// Ours with its defaults (Auto); the HTTP route one item per execution (batching is moot).
		const flow = await createFlow(b, api, route, 'B', route === 'ours' ? 0 : null);
		await runBurst(b, flow, workload('B', 10), { latencyMs: api.behaviour.latencyMs });
		rows.push(await measure(b, flow, w, runBurst));
	}
	rows[0].ratio = rows[0].executionMs / rows[1].executionMs;
	return rows;
}

const SECTION_TEXT: Record<Section, string[]> = {
	fixed: [
		'## 1. Same concurrency: ours vs the HTTP Request route',
		'',
		'A: N first-name updates on N contacts. B: N append-tag updates on N/5 contacts (5 per contact, interleaved).',
		'Ours at a fixed Concurrency c; the HTTP route with Batching c items per batch, one latency between batches',
		"(it does not wait for answers). B's HTTP route is HTTP GET → Code (merge the tags) → HTTP PATCH. **Ours / theirs**",
		'is the time at the same c. Ideal = max(requests × latency / c, longest per-contact chain × latency).',
		'B at 1 is also run with Re-Check Tags After Write off: its one read per contact after the last write is what',
		'the default costs where every request waits for the one before (its ours / theirs is against the HTTP row above).',
	],
	auto: [
		'## 2. Concurrency: Auto vs fixed settings vs HTTP Request defaults',
		'',
		'Workload A on three sandboxes, each with its own credential (so its own Auto state): **unlimited**;',
		`**rate-limited** (${RATE_LIMIT.limit} requests per ${RATE_LIMIT.windowMs} ms per key, 429 with Retry-After, fewer items);`,
		`**capacity-limited** (past ${CAPACITY.inFlight} requests in flight every extra one adds ${CAPACITY.msPerExtra} ms to each answer).`,
		`Every flow is warmed up with ${WARM_UP_ITEMS} items on its sandbox, limits included: Auto's limiter (per API key, for the`,
		'whole process) has met the API before the measured run, as in an n8n that has been running; **429s in warm-up**',
		'shows what meeting an unknown rate limit cost. **Auto, next run** runs the same flow again at once: its limiter',
		'starts from what the first run learnt (as the next bulk run of a running n8n does, within 10 minutes).',
		'**Time / best fixed**: execution time over the fastest fixed setting that succeeded. HTTP Request defaults =',
		'no batching, no retries (all items at once).',
	],
	tls: [
		'## 3. TLS and round trips on the wire',
		'',
		'The sandbox without injected latency, behind a TCP proxy that delays every chunk by half the RTT each way and',
		'holds a new connection one RTT before its first byte (TCP handshake); **https** = the sandbox over TLS with a',
		"self-signed certificate that only the bench's n8n trusts (NODE_EXTRA_CA_CERTS). **Connections** = TCP",
		"connections the proxy accepted: n8n's HTTP helper opens one (and a TLS handshake) per request, for both routes;",
		"**open at once** is the connections' open time summed over the execution time (Little's law: the requests in",
		'flight, plus the moments a finished connection takes to close). HTTP Request batching launches a batch every',
		'20 ms without waiting for answers, so it has more in flight than its batch size: ours is also run at that',
		'number (rounded), and its **ours / theirs** is against the HTTP row above it.',
	],
	burst: [
		`## 4. Webhook bursts: ${BURST_EXECUTIONS} concurrent executions of one item each`,
		'',
		`${BURST_EXECUTIONS} POSTs at once, each one append-tag item (5 per contact on 10 contacts): ours with its defaults`,
		'(Concurrency: Auto, Re-Check Tags on) vs HTTP GET → Code → HTTP PATCH. Time from the first execution start to the',
		"last stop (n8n's records). Requests per item is the cost of the defaults (the merge read and the re-check).",
	],
};

function markdown(sections: Partial<Record<Section, Row[]>>, o: Options, header: string[]): string {
	const tables: Record<Section, (rows: Row[]) => string> = {
		fixed: fixedTable,
		auto: autoTable,
		tls: tlsTable,
		burst: burstTable,
	};
	const parts = [
		'# Benchmark: Assistable node vs. the HTTP Request route, in a real n8n',
		'',
		'Generated by `npm run bench` (bench/run.ts); re-run to refresh, do not edit by hand.',
		'',
		...header.map((h) => `- ${h}`),
		'',
	];
	for (const section of SECTIONS) {
		const rows = sections[section];
		if (rows) parts.push(...SECTION_TEXT[section], '', tables[section](rows), '');
	}
	parts.push(
		'## What is measured',
		'',
		`- Every row is one execution (burst: ${BURST_EXECUTIONS}) of a workflow in a real n8n ${DEFAULT_N8N_VERSION} (\`n8n start\`, regular mode,`,
		'  SQLite), installed by runtime/ with this package packed and installed as a community node, as for `npm start`.',
		`  Each workflow is Webhook → Split Out (the POSTed \`items\`) → the route, run once with ${WARM_UP_ITEMS} items before it is measured.`,
		"- **Execution ms**: n8n's execution record, stoppedAt − startedAt (REST `/rest/executions`).",
		'- **Requests**, **429s**, **in flight max**: counted by the sandbox (sandbox/server.ts, in the benchmark process).',
		'  **Tags lost**: the sandbox state afterwards (every expected tag; in A every first name).',
		"- **n8n CPU µs / item**: CPU time of n8n's process group (n8n and its task runner, /proc) during the row, per item.",
		'',
		'## Reproduce',
		'',
		'```sh',
		'npm ci',
		'npm run bench   # installs n8n once (runtime/, shared with npm start and the e2e tests), packs this package',
		`# or: npm run build:tools && node build/bench/run.js --latency ${o.latencyMs} --n ${o.n} --concurrency ${o.concurrencies.join(',')} --sections ${o.sections.join(',')}`,
		'```',
		'',
	);
	return parts.join('\n');
}

async function main(o: Options): Promise<number> {
	const started = performance.now();
	log(`n8n ${DEFAULT_N8N_VERSION}`);
	const rt = await ensureN8n(DEFAULT_N8N_VERSION, { log: prefixedLog('bench: [n8n]') });
	const userFolder = makeUserFolder('bench');
	const cert = o.sections.includes('tls') ? generateLocalhostCert() : undefined;
	const opened: Array<{ close(): Promise<void> }> = [];
	const sandbox = async (tls = false) => {
		const s = await startSandbox(tls && cert ? { tls: { key: cert.key, cert: cert.cert } } : {});
		opened.push(s);
		return s;
	};
	let server: N8nServer | undefined;
	const sections: Partial<Record<Section, Row[]>> = {};
	try {
		const tgz = await buildAndPack({
			log: prefixedLog('bench: [pack]'),
			dest: path.join(userFolder, 'pack'),
		});
		await installPackage(userFolder, tgz, { log: prefixedLog('bench: [install]') });
		const env = n8nEnv(rt, {
			userFolder,
			port: await freePort(),
			brokerPort: await freePort(),
			logLevel: 'warn',
		});
		if (cert) env.NODE_EXTRA_CA_CERTS = cert.certPath;
		if (process.env.BENCH_N8N_NODE_OPTIONS) env.NODE_OPTIONS = process.env.BENCH_N8N_NODE_OPTIONS;
		log('n8n start');
		server = await startN8n(rt, env);
		const rest = new N8nRest(server.url);
		await rest.setupOwner();
		const b: Bench = { o, server, rest };
		const credential = async (name: string, type: string, data: Record<string, unknown>) => {
			const r = await rest.request<{ data: { id: string } }>('POST', '/credentials', {
				name,
				type,
				data,
			});
			if (r.status !== 200)
				throw new Error(
					`POST /rest/credentials (${type}) answered ${r.status}: ${r.raw.slice(0, 300)}`,
				);
			return { id: r.data.data.id, name };
		};
		const bearer = await credential('Assistable bearer token', 'httpBearerAuth', {
			token: DEMO_API_KEY,
		});
		const api = async (
			name: string,
			behaviour: Partial<SandboxBehaviour>,
			transport?: { tls: boolean; rttMs: number },
		): Promise<Api> => {
			const s = await sandbox(transport?.tls);
			let url = s.url;
			let proxy: LatencyProxy | undefined;
			if (transport) {
				proxy = await startLatencyProxy({ targetPort: s.port, rttMs: transport.rttMs });
				opened.push(proxy);
				url = proxy.via(s.url);
			}
			const assistable = await credential(`Assistable (${name})`, 'assistableApi', {
				apiKey: DEMO_API_KEY,
				baseUrl: url,
			});
			return { name, sandbox: s, url, credentials: { assistable, bearer }, behaviour, proxy };
		};
		const latency = { latencyMs: o.latencyMs };
		if (o.sections.includes('fixed'))
			sections.fixed = await fixedSection(b, await api('plain', latency));
		if (o.sections.includes('auto'))
			sections.auto = await autoSection(b, [
				await api('unlimited', latency),
				await api('rate-limited', { ...latency, rateLimit: RATE_LIMIT }),
				await api('capacity-limited', { ...latency, capacity: CAPACITY }),
			]);
		if (o.sections.includes('tls'))
			sections.tls = await tlsSection(b, [
				await api('http + proxy', { latencyMs: 0 }, { tls: false, rttMs: o.latencyMs }),
				await api('https + proxy', { latencyMs: 0 }, { tls: true, rttMs: o.latencyMs }),
			]);
		if (o.sections.includes('burst'))
			sections.burst = await burstSection(b, await api('burst', latency));
	} finally {
		await server?.stop();
		for (const s of opened.reverse()) await s.close();
		cert?.remove();
		rmSync(userFolder, { recursive: true, force: true });
	}
	const header = [
		`n8n ${rt.version} on Node ${execFileSync(rt.nodeBin, ['--version'], { encoding: 'utf8' }).trim()}, HTTP Request v4.5, Code v2, Split Out v1; bench on Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}; ${new Date().toISOString()}`,
		`Latency ${o.latencyMs} ms per request (tls: the same RTT on the wire); N = ${o.n}; benchmark time ${fmt((performance.now() - started) / 1000)} s`,
	];
	const tables: Record<Section, (rows: Row[]) => string> = {
		fixed: fixedTable,
		auto: autoTable,
		tls: tlsTable,
		burst: burstTable,
	};
	process.stdout.write(`\n${header.join('\n')}\n`);
	for (const section of SECTIONS) {
		const rows = sections[section];
		if (rows) process.stdout.write(`\n${tables[section](rows)}\n`);
	}
	const out = o.out ?? (o.quick ? undefined : path.join(repoRoot(), 'bench', 'RESULTS.md'));
	if (out) {
		writeFileSync(out, markdown(sections, o, header));
		log(`wrote ${out}`);
	}
	const oursBad = Object.values(sections)
		.flat()
		.filter(
			(r) =>
				r.flow.route === 'ours' &&
				// A fixed setting that hammers a rate limit fails its execution, visibly: that is the point of
				// its row. Auto must not fail, and nothing may be lost or wrong without a failed execution.
				(r.check.tagsLost ||
					(r.flow.concurrency === 0 && r.error) ||
					(r.check.namesWrong && !r.error)),
		);
	return oursBad.length ? 1 : 0;
}

main(parseArgs(process.argv.slice(2))).then(
	(code) => process.exit(code),
	(error: Error) => {
		process.stderr.write(`bench failed: ${error?.stack ?? error}\n`);
		process.exit(1);
	},
);
