/** bench/run.ts: the Markdown report (tables and the text of each section). */

import { DEFAULT_N8N_VERSION } from '../../runtime/install-n8n';
import {} from '../../sandbox/server';
import {
	Section,
	SECTIONS,
	Options,
	WARM_UP_ITEMS,
	RATE_LIMIT,
	CAPACITY,
	BURST_EXECUTIONS,
	Row,
	label,
	fmt,
} from './bench-model';
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

export function fixedTable(rows: Row[]): string {
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

export function autoTable(rows: Row[]): string {
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

export function tlsTable(rows: Row[]): string {
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

export function burstTable(rows: Row[]): string {
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

export function markdown(
	sections: Partial<Record<Section, Row[]>>,
	o: Options,
	header: string[],
): string {
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
