/**
 * Profiles one route/workload run (after a warm-up), to find where the per-request time goes:
 *   node build/bench/profile.js [ours|http] [A|B] [N=2000] [concurrency=5] [latency=0] [out.cpuprofile]
 * Prints wall/CPU, self time by bucket and the top functions (self and inclusive); the profile is written
 * to out.cpuprofile (default /tmp/bench-<route>-<workload>.cpuprofile) for Chrome DevTools.
 * Note: the profiler's own sampling costs CPU in proportion to wall time; compare CPU figures without it
 * (npm run bench) and use the profile for shares.
 */
process.env.N8N_LOG_LEVEL ??= 'silent';

import { writeFileSync } from 'node:fs';

import { formatSummary, startCpuProfile, summarizeProfile } from './lib/cpu-profile';
import { loadBaseNodes } from './lib/n8n-base';
import { httpNodeTypes, runError, runRoute, type RouteName } from './lib/routes';
import { startSandboxClient } from './lib/sandbox-client';
import { LocalTaskBroker } from './lib/task-runner';
import { workload, type WorkloadKind } from './lib/workloads';

async function main(): Promise<void> {
	const [route = 'ours', kind = 'A', n = '2000', c = '5', latency = '0', out] = process.argv.slice(2);
	const sandbox = await startSandboxClient({ latencyMs: Number(latency) });
	const base = route === 'http' ? loadBaseNodes() : undefined;
	const broker = base && kind === 'B' ? await LocalTaskBroker.start(httpNodeTypes(base)) : undefined;
	try {
		const w = workload(kind as WorkloadKind, Number(n));
		const setup = { baseUrl: sandbox.url, concurrency: Number(c), batchIntervalMs: Math.max(1, Number(latency)), base, broker };
		await sandbox.reset(w.contacts, Number(latency));
		await runRoute(route as RouteName, workload(kind as WorkloadKind, 200), setup); // warm-up
		await sandbox.reset(w.contacts, Number(latency));
		const profiler = await startCpuProfile();
		const result = await runRoute(route as RouteName, w, setup);
		const profile = await profiler.stop();
		const s = await sandbox.summary();
		const file = out ?? `/tmp/bench-${route}-${kind}.cpuprofile`;
		writeFileSync(file, JSON.stringify(profile));
		process.stdout.write(
			`${route} ${kind} ×${w.items.length} c=${c} latency=${latency}: ${result.wallMs.toFixed(0)} ms wall, ` +
				`${((result.cpuMs * 1000) / w.items.length).toFixed(0)} µs CPU/item (profiler on), ${s.total} requests, ` +
				`max in flight ${s.maxInFlight}${runError(result.run) ? `, ${runError(result.run)}` : ''}\nprofile: ${file}\n\n` +
				`${formatSummary(summarizeProfile(profile), w.items.length)}\n`,
		);
	} finally {
		await broker?.close();
		await sandbox.close();
	}
}

void main();
