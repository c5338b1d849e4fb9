/**
 * Shared by the regular-mode and queue-mode concurrency tests: a real n8n with the packed package, an activated
 * webhook workflow per burst (Webhook, responding when the last node finishes, -> Assistable), the bursts of
 * concurrent POSTs to the production URL, and the analysis of what happened, from the sandbox's final state and
 * n8n's own execution records (REST API), never from the node's internals.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { type Log } from '../../runtime/n8n';
import { killTree, tail, track } from '../../runtime/process';
import { repoRoot, type N8nRuntime } from '../../runtime/install-n8n';
export const N8N_VERSION = '2.41.1';
/** Sandbox latency per request; ASSISTABLE_BURST_LATENCY_MS overrides it for experiments. */
export const SANDBOX_LATENCY_MS = Number(process.env.ASSISTABLE_BURST_LATENCY_MS ?? 20);
export const TAG_BURST = 20;
export const UPSERT_BURST = 10;
export const ASSISTABLE = 'Assistable';
export const WEBHOOK = 'Webhook';

// ---------------------------------------------------------------------------------------------------------
// What the global setup prepared

export interface QueueState {
	tgz: string;
	runtime: N8nRuntime;
}

export function queueStateFile(): string {
	return path.join(artifactsDir(), 'queue-test-state.json');
}

export function queueState(): QueueState {
	const file = queueStateFile();
	if (!fs.existsSync(file))
		throw new Error(`${file} is missing: run these tests with npm run test:queue`);
	return JSON.parse(fs.readFileSync(file, 'utf8')) as QueueState;
}

export function artifactsDir(): string {
	const dir = path.join(repoRoot(), 'test-artifacts');
	fs.mkdirSync(dir, { recursive: true });
	return dir;
}

/** Environment that makes an n8n process record every compile of this package's files (see module-load-probe.js). */
export function moduleProbeEnv(logFile: string): Record<string, string> {
	return {
		NODE_OPTIONS: `--require=${path.join(repoRoot(), 'test', 'queue', 'module-load-probe.js')}`,
		ASSISTABLE_MODULE_LOAD_LOG: logFile,
	};
}

export interface ModuleLoad {
	pid: number;
	file: string;
}

export function readModuleLoads(logFile: string): ModuleLoad[] {
	if (!fs.existsSync(logFile)) return [];
	return fs
		.readFileSync(logFile, 'utf8')
		.split('\n')
		.filter(Boolean)
		.map((l) => JSON.parse(l) as ModuleLoad);
}

/** How often each process compiled the node's main module (Assistable.node.js). */
export function nodeModuleLoadsByPid(loads: ModuleLoad[]): Record<string, number> {
	const out: Record<string, number> = {};
	for (const l of loads) {
		if (!/[\\/]Assistable\.node\.js$/.test(l.file)) continue;
		out[l.pid] = (out[l.pid] ?? 0) + 1;
	}
	return out;
}

// ---------------------------------------------------------------------------------------------------------
// `n8n worker`

export interface N8nWorker {
	name: string;
	process: ChildProcess;
	logs(): string;
	/** Execution ids this worker logged as started ("Worker started execution <id> (job <n>)"). */
	startedExecutions(): string[];
	stop(): Promise<void>;
}

/** Starts `n8n worker --concurrency=<n>` and waits for "n8n worker is now ready" (needs log level info). */
export async function startWorker(
	rt: N8nRuntime,
	env: NodeJS.ProcessEnv,
	opts: { name: string; concurrency: number; log?: Log; timeoutMs?: number },
): Promise<N8nWorker> {
	const child = spawn(rt.nodeBin, [rt.n8nBin, 'worker', `--concurrency=${opts.concurrency}`], {
		cwd: env.N8N_USER_FOLDER,
		env,
		stdio: ['ignore', 'pipe', 'pipe'],
		detached: true,
	});
	track(child);
	let logs = '';
	let exited: string | undefined;
	const exit = new Promise<void>((resolve) => {
		child.once('exit', (code, signal) => {
			exited = String(code ?? signal);
			resolve();
		});
	});
	const onData = (chunk: Buffer) => {
		const text = chunk.toString('utf8');
		logs += text;
		if (logs.length > 4_000_000) logs = logs.slice(-2_000_000);
		if (opts.log) for (const line of text.split(/\r?\n/)) if (line.trim()) opts.log(line);
	};
	child.stdout!.on('data', onData);
	child.stderr!.on('data', onData);
	const stop = async () => {
		if (exited === undefined) {
			killTree(child, 'SIGTERM');
			const timer = setTimeout(() => killTree(child, 'SIGKILL'), 20_000);
			await exit;
			clearTimeout(timer);
		}
		killTree(child, 'SIGKILL');
	};
	const worker: N8nWorker = {
		name: opts.name,
		process: child,
		logs: () => logs,
		startedExecutions: () =>
			[...logs.matchAll(/Worker started execution (\d+) \(job/g)].map((m) => m[1]),
		stop,
	};
	const deadline = Date.now() + (opts.timeoutMs ?? 180_000);
	while (Date.now() < deadline) {
		if (/n8n worker is now ready/.test(logs)) return worker;
		if (exited !== undefined)
			throw new Error(
				`n8n worker ${opts.name} exited (${exited}) before it was ready:\n${tail(logs)}`,
			);
		await new Promise((r) => setTimeout(r, 250));
	}
	await stop();
	throw new Error(
		`n8n worker ${opts.name} was not ready within ${opts.timeoutMs ?? 180_000} ms:\n${tail(logs)}`,
	);
}
