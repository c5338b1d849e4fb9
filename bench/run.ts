/**
 * The Assistable node against the route a user builds today from n8n's own nodes (HTTP Request, Code), both as
 * workflows in a real n8n (runtime/: the pinned n8n, this package packed and installed as a community node, its
 * own task runner for the Code node), against the sandbox with injected latency. Times come from n8n's execution
 * records (startedAt → stoppedAt), requests and tags from the sandbox's log and final state.
 *
 *   node build/bench/run.js [--latency 20] [--quick] [--concurrency 1,5,20] [--n 1000] [--out FILE]
 *
 * Exit code 1 when our node failed a run or lost a tag (targets are reported, not asserted).
 * BENCH_N8N_NODE_OPTIONS sets NODE_OPTIONS for the n8n process (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`).
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import * as path from 'node:path';

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
import { DEMO_API_KEY, startSandbox, type Sandbox } from '../sandbox/server';
import { benchWorkflow, type Credentials, type RouteName } from './lib/workflows';
import {
	check,
	contactSeed,
	workload,
	type Check,
	type Workload,
	type WorkloadKind,
} from './lib/workloads';

interface Options {
	latencyMs: number;
	quick: boolean;
	concurrencies: number[];
	n: number;
	out?: string;
}

const USAGE =
	'usage: node build/bench/run.js [--latency MS] [--quick] [--concurrency 1,5,20] [--n N] [--out FILE]';
const WARM_UP_ITEMS = 20;
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
		else if (flag === '--out') o.out = value();
		else die(`unknown argument ${argv[i]}\n${USAGE}`);
	}
	return {
		...o,
		n: o.n ?? (o.quick ? 100 : 1000),
		concurrencies: o.concurrencies ?? (o.quick ? [5] : [1, 5, 20]),
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

interface Flow {
	route: RouteName;
	kind: WorkloadKind;
	concurrency: number;
	id: string;
	path: string;
	seen: Set<string>;
}

interface Row {
	flow: Flow;
	items: number;
	requests: { total: number; byRoute: Record<string, number>; maxInFlight: number; failed: number };
	/** n8n's own record: stoppedAt - startedAt. */
	executionMs: number;
	/** The webhook POST's round trip, as the caller saw it. */
	roundTripMs: number;
	idealMs: number | null;
	cpuMs: number;
	check: Check;
	error?: string;
	oursOverTheirs?: number;
}

interface Bench {
	o: Options;
	sandbox: Sandbox;
	server: N8nServer;
	rest: N8nRest;
}

async function createFlow(
	b: Bench,
	credentials: Credentials,
	route: RouteName,
	kind: WorkloadKind,
	concurrency: number,
): Promise<Flow> {
	const webhookPath = `bench-${kind}-${route}-${concurrency}`.toLowerCase();
	const body = benchWorkflow(route, kind, concurrency, {
		path: webhookPath,
		baseUrl: b.sandbox.url,
		latencyMs: b.o.latencyMs,
		credentials,
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
	return { route, kind, concurrency, id, path: webhookPath, seen: new Set() };
}

type ExecutionSummary = { id: string; status: string; startedAt?: string; stoppedAt?: string };

/** The flow's execution that finished since the last call, from n8n's records (REST API, as the editor lists them). */
async function newExecution(b: Bench, flow: Flow): Promise<ExecutionSummary> {
	const filter = encodeURIComponent(JSON.stringify({ workflowId: flow.id }));
	let last = '';
	for (
		const deadline = Date.now() + 60_000;
		Date.now() < deadline;
		await new Promise((r) => setTimeout(r, 250))
	) {
		const r = await b.rest.request<{ data: { results?: ExecutionSummary[] } }>(
			'GET',
			`/executions?filter=${filter}&limit=10`,
		);
		if (r.status !== 200)
			throw new Error(`GET /rest/executions answered ${r.status}: ${r.raw.slice(0, 300)}`);
		last = r.raw;
		const done = (r.data.data.results ?? []).find(
			(e) =>
				!flow.seen.has(String(e.id)) &&
				e.stoppedAt &&
				!['new', 'running', 'waiting'].includes(e.status),
		);
		if (done) {
			flow.seen.add(String(done.id));
			return done;
		}
	}
	throw new Error(
		`no finished execution of workflow ${flow.id} within 60 s; n8n lists: ${last.slice(0, 600)}`,
	);
}

async function runFlow(b: Bench, flow: Flow, w: Workload, latencyMs: number) {
	b.sandbox.reset(contactSeed(w.contacts));
	b.sandbox.setBehaviour({ latencyMs });
	// n8n publishes a webhook asynchronously after activation: a 404 "not registered" is retried for up to 60 s.
	for (const deadline = Date.now() + 60_000; ; await new Promise((r) => setTimeout(r, 250))) {
		const cpu0 = groupCpuMs(b.server.process.pid!);
		const t0 = performance.now();
		const res = await fetch(`${b.server.url}/webhook/${flow.path}`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ items: w.items }),
			signal: AbortSignal.timeout(600_000),
		});
		const answer = await res.text();
		if (res.status === 404 && /not registered/.test(answer) && Date.now() < deadline) continue;
		const roundTripMs = performance.now() - t0;
		const cpuMs = groupCpuMs(b.server.process.pid!) - cpu0;
		if (!res.ok)
			throw new Error(`POST /webhook/${flow.path} answered ${res.status}: ${answer.slice(0, 500)}`);
		const execution = await newExecution(b, flow);
		const executionMs = Date.parse(execution.stoppedAt!) - Date.parse(execution.startedAt!);
		const error =
			execution.status !== 'success' ? `execution ${execution.id} ${execution.status}` : undefined;
		return { executionMs, roundTripMs, cpuMs, error };
	}
}

/** max(requests × latency / concurrency, longest per-contact chain × latency). */
function idealMs(
	route: RouteName,
	kind: WorkloadKind,
	requests: number,
	maxPerContact: number,
	latencyMs: number,
	concurrency: number,
): number | null {
	if (latencyMs === 0) return null;
	const chain = route === 'ours' ? maxPerContact : kind === 'A' ? 1 : 2;
	return Math.max((requests * latencyMs) / concurrency, chain * latencyMs);
}

async function measure(b: Bench, flow: Flow): Promise<Row> {
	const w = workload(flow.kind, b.o.n);
	const run = await runFlow(b, flow, w, b.o.latencyMs);
	const stats = b.sandbox.stats();
	const perContact = new Map<string, number>();
	for (const r of b.sandbox.requests)
		if (r.params.contactId)
			perContact.set(r.params.contactId, (perContact.get(r.params.contactId) ?? 0) + 1);
	const state = Object.fromEntries(
		b.sandbox.listContacts().map((c) => [c.id, { first_name: c.first_name, tags: c.tags }]),
	);
	return {
		flow,
		items: w.items.length,
		...run,
		requests: {
			...stats,
			failed: b.sandbox.requests.filter((r) => r.status >= 400 || r.status === 0).length,
		},
		idealMs: idealMs(
			flow.route,
			flow.kind,
			stats.total,
			Math.max(0, ...perContact.values()),
			b.o.latencyMs,
			flow.concurrency,
		),
		check: check(w, state),
	};
}

const fmt = (v: number | null | undefined, digits = 0) =>
	v === null || v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(digits);

function table(rows: Row[], latencyMs: number): string {
	const head = [
		'Workload',
		'Route',
		'Concurrency',
		'Requests',
		'In flight max',
		'Execution ms (n8n)',
		'Round trip ms',
		'Ideal ms',
		'Measured / ideal',
		'Ours / theirs time',
		'n8n CPU µs / item',
		'Tags lost',
	];
	const lines = [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`];
	for (const r of rows) {
		const { route, kind, concurrency } = r.flow;
		const get = r.requests.byRoute.get ?? 0,
			patch = r.requests.byRoute.patch ?? 0;
		lines.push(
			`| ${[
				`${kind} ×${r.items}`,
				route === 'ours'
					? '**Assistable node**'
					: kind === 'A'
						? 'HTTP Request'
						: 'HTTP GET → Code → HTTP PATCH',
				route === 'ours'
					? String(concurrency)
					: `batch ${concurrency} / ${Math.max(1, latencyMs)} ms`,
				`${r.requests.total} (${get} GET + ${patch} PATCH)${r.requests.failed ? ` ⚠ ${r.requests.failed} failed` : ''}`,
				r.requests.maxInFlight,
				fmt(r.executionMs),
				fmt(r.roundTripMs),
				fmt(r.idealMs),
				fmt(r.idealMs && r.executionMs / r.idealMs, 2),
				fmt(r.oursOverTheirs, 2),
				fmt((r.cpuMs * 1000) / r.items),
				`${r.check.tagsLost + r.check.namesWrong ? '❌' : '✅'} ${r.check.tagsLost}/${r.check.tagsExpected}${r.check.namesWrong ? `, ${r.check.namesWrong} names wrong` : ''}${r.error ? ` ⚠ ${r.error}` : ''}`,
			].join(' | ')} |`,
		);
	}
	return lines.join('\n');
}

function markdown(rows: Row[], o: Options, header: string[]): string {
	return [
		'# Benchmark: Assistable node vs. the HTTP Request route, in a real n8n',
		'',
		'Generated by `npm run bench` (bench/run.ts); re-run to refresh, do not edit by hand.',
		'',
		...header.map((h) => `- ${h}`),
		'',
		table(rows, o.latencyMs),
		'',
		'## What is measured',
		'',
		`- Every row is one execution of a workflow in a real n8n ${DEFAULT_N8N_VERSION} (\`n8n start\`, regular mode, SQLite), installed`,
		'  by runtime/ with this package packed and installed as a community node, as for `npm start`. Each workflow is',
		'  Webhook (responds when the last node finishes) → Split Out (the POSTed `items`) → the route; each is run once',
		`  with ${WARM_UP_ITEMS} items before it is measured.`,
		'- **A**: N first-name updates on N distinct contacts. **B**: N append-tag updates on N/5 contacts, 5 items per',
		'  contact, each adding its own tag, interleaved (contact 0, 1, …, 0, 1, …). Every contact starts with the tag `existing`.',
		'- **Assistable node**: Contact → Update, Append Tags on, Options → Concurrency = the column. **HTTP route**, from',
		"  n8n's own nodes with a Bearer Auth credential: A = HTTP Request PATCH per item; B = HTTP Request GET → Code node",
		"  (JavaScript, Run Once for All Items, in n8n's own task runner: the contact's tags plus the item's) → HTTP Request",
		'  PATCH. "batch c / L ms" is its Batching option (c items per batch, L = the latency between batches; it does not',
		'  wait for answers, so it may have more than c requests in flight).',
		"- **Execution ms**: n8n's execution record, stoppedAt − startedAt (REST `/rest/executions`). **Round trip**: the",
		'  webhook POST as the caller saw it (includes receiving the items and answering).',
		'- **Requests**, **in flight max**: the sandbox (sandbox/server.ts, in the benchmark process) counts them; it adds the',
		'  latency to every request. **Tags lost**: the sandbox state afterwards (every expected tag, in A every first name).',
		'- **Ideal** = max(requests × latency / concurrency, longest per-contact chain × latency); the chain is what must run',
		"  one after another for one contact (ours: all of a contact's requests; HTTP route: an item's GET → PATCH).",
		"- **Ours / theirs**: our execution time over the HTTP route's at the same concurrency / batch size.",
		"- **n8n CPU µs / item**: CPU time of n8n's process group (n8n and its task runner, /proc) during the row, per item.",
		'',
		'## Reproduce',
		'',
		'```sh',
		'npm ci',
		'npm run bench   # installs n8n once (runtime/, shared with npm start and the e2e tests), packs this package',
		`# or: npm run build:tools && node build/bench/run.js --latency ${o.latencyMs} --n ${o.n} --concurrency ${o.concurrencies.join(',')}`,
		'```',
		'',
	].join('\n');
}

async function main(o: Options): Promise<number> {
	const started = performance.now();
	log(`n8n ${DEFAULT_N8N_VERSION}`);
	const rt = await ensureN8n(DEFAULT_N8N_VERSION, { log: prefixedLog('bench: [n8n]') });
	const userFolder = makeUserFolder('bench');
	const sandbox = await startSandbox({});
	let server: N8nServer | undefined;
	const rows: Row[] = [];
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
		if (process.env.BENCH_N8N_NODE_OPTIONS) env.NODE_OPTIONS = process.env.BENCH_N8N_NODE_OPTIONS;
		log('n8n start');
		server = await startN8n(rt, env);
		const rest = new N8nRest(server.url);
		await rest.setupOwner();
		const b: Bench = { o, sandbox, server, rest };
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
		const credentials: Credentials = {
			assistable: await credential('Assistable (sandbox)', 'assistableApi', {
				apiKey: DEMO_API_KEY,
				baseUrl: sandbox.url,
			}),
			bearer: await credential('Assistable bearer token', 'httpBearerAuth', {
				token: DEMO_API_KEY,
			}),
		};
		for (const kind of ['A', 'B'] as const) {
			for (const c of o.concurrencies) {
				const pair: Row[] = [];
				for (const route of ['ours', 'http'] as const) {
					const flow = await createFlow(b, credentials, route, kind, c);
					await runFlow(b, flow, workload(kind, WARM_UP_ITEMS), 0);
					log(`${kind} ×${o.n} ${route} concurrency ${c}, latency ${o.latencyMs} ms`);
					const row = await measure(b, flow);
					log(
						`  ${fmt(row.executionMs)} ms, ${row.requests.total} requests, ${row.check.tagsLost}/${row.check.tagsExpected} tags lost${row.error ? `, ${row.error}` : ''}`,
					);
					pair.push(row);
				}
				pair[0].oursOverTheirs = pair[0].executionMs / pair[1].executionMs;
				rows.push(...pair);
			}
		}
	} finally {
		await server?.stop();
		await sandbox.close();
		rmSync(userFolder, { recursive: true, force: true });
	}
	const header = [
		`n8n ${rt.version} on Node ${execFileSync(rt.nodeBin, ['--version'], { encoding: 'utf8' }).trim()}, HTTP Request v4.5, Code v2, Split Out v1; bench on Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}; ${new Date().toISOString()}`,
		`Latency ${o.latencyMs} ms per request; N = ${o.n}; benchmark time ${fmt((performance.now() - started) / 1000)} s`,
	];
	process.stdout.write(`\n${header.join('\n')}\n\n${table(rows, o.latencyMs)}\n`);
	const out = o.out ?? (o.quick ? undefined : path.join(repoRoot(), 'bench', 'RESULTS.md'));
	if (out) {
		writeFileSync(out, markdown(rows, o, header));
		log(`wrote ${out}`);
	}
	const oursBad = rows.filter(
		(r) => r.flow.route === 'ours' && (r.error || r.check.tagsLost || r.check.namesWrong),
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
