/** bench/run.ts: creating the flows in n8n, running them and measuring one row. */
import { readdirSync, readFileSync } from 'node:fs';
import type { IDataObject } from 'n8n-workflow';

import { type SandboxBehaviour } from '../../sandbox/server';
import { benchWorkflow, type RouteName } from './workflows';
import { check, contactSeed, workload, type Workload, type WorkloadKind } from './workloads';
import { WARM_UP_ITEMS, log, Api, Flow, Run, Row, Bench, label, fmt } from './bench-model';
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

export async function createFlow(
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
export async function runFlow(
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
export async function runBurst(
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

export async function measure(
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
export async function flowRow(
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
