/** bench/run.ts: the rows of each section. */

import { MAX_LIMIT } from '../../nodes/Assistable/shared/limiter';
import { workload } from './workloads';
import { FIXED_SETTINGS, BURST_EXECUTIONS, log, Api, Row, Bench } from './bench-model';
import { createFlow, runFlow, runBurst, measure, flowRow } from './bench-flows';
export async function fixedSection(b: Bench, api: Api): Promise<Row[]> {
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

export async function autoSection(b: Bench, apis: Api[]): Promise<Row[]> {
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

export async function tlsSection(b: Bench, apis: Api[]): Promise<Row[]> {
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

export async function burstSection(b: Bench, api: Api): Promise<Row[]> {
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
