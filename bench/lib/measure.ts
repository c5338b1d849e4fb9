/** Timing, CPU and memory probes. */
import { readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

setFlagsFromString('--expose-gc');
const gcFunction = runInNewContext('gc') as () => void;

/** Full GC, twice (weak callbacks, then what they freed). */
export function collectGarbage(): void {
	gcFunction();
	gcFunction();
}

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** CPU time (user + system) a process has used so far, in ms; undefined where /proc is not readable. */
export function processCpuMs(pid: number): number | undefined {
	try {
		const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
		const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
		return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
	} catch {
		return undefined;
	}
}

export interface MemoryPeak {
	rssMb: number;
	heapUsedMb: number;
	/** Heap in use before the run, after a full GC. */
	heapBaseMb: number;
	rssBaseMb: number;
}

const MB = 1024 * 1024;

/** Samples process.memoryUsage() every `everyMs` until stopped; keeps the high-water marks. */
export function startMemorySampler(everyMs = 5): { stop(): MemoryPeak } {
	collectGarbage();
	const base = process.memoryUsage();
	let rss = base.rss, heap = base.heapUsed;
	const sample = () => {
		const m = process.memoryUsage();
		if (m.rss > rss) rss = m.rss;
		if (m.heapUsed > heap) heap = m.heapUsed;
	};
	const timer = setInterval(sample, everyMs);
	return {
		stop() {
			clearInterval(timer);
			sample();
			return { rssMb: rss / MB, heapUsedMb: heap / MB, heapBaseMb: base.heapUsed / MB, rssBaseMb: base.rss / MB };
		},
	};
}

/** Whole-machine CPU counters from /proc/stat (all cores), for telling our slowness from the host's load. */
function hostTicks(): { busy: number; total: number } | undefined {
	try {
		const line = readFileSync('/proc/stat', 'utf8').split('\n')[0];
		const v = line.trim().split(/\s+/).slice(1).map(Number);
		const total = v.slice(0, 8).reduce((a, b) => a + b, 0);
		const idle = v[3] + (v[4] ?? 0);
		return { busy: total - idle, total };
	} catch {
		return undefined;
	}
}

export interface HostProbe {
	/** Share of all cores busy (any process) over the run, 0..1. */
	hostBusy?: number;
	/** Event-loop utilisation of this process over the run, 0..1. */
	elu: number;
}

/** Starts measuring host CPU use and this process's event-loop utilisation. */
export function startHostProbe(): { stop(): HostProbe } {
	const t0 = hostTicks();
	const elu0 = performance.eventLoopUtilization();
	return {
		stop() {
			const t1 = hostTicks();
			const elu = performance.eventLoopUtilization(elu0).utilization;
			const hostBusy = t0 && t1 && t1.total > t0.total ? (t1.busy - t0.busy) / (t1.total - t0.total) : undefined;
			return { hostBusy, elu };
		},
	};
}
