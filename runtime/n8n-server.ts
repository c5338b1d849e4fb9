/** `n8n start`: starts a server, waits until it serves the editor, stops it. */
import { spawn, type ChildProcess } from 'node:child_process';
import { assertPortFree } from './basics';
import type { N8nRuntime } from './install-n8n';
import { killTree, tail, track, type Log } from './process';

/** Servers started by startN8n that are still running. */
const liveServers = new Set<N8nServer>();

/** Stops every n8n server this process started (graceful first). */
export async function stopAllN8n(): Promise<void> {
	await Promise.all([...liveServers].map((s) => s.stop().catch(() => undefined)));
}

export interface N8nServer {
	url: string;
	port: number;
	process: ChildProcess;
	/** Everything n8n printed so far. */
	logs(): string;
	stop(): Promise<void>;
}

async function httpStatus(
	url: string,
	timeoutMs = 2_000,
): Promise<{ status: number; body: string } | undefined> {
	try {
		const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
		return { status: res.status, body: await res.text() };
	} catch {
		return undefined;
	}
}

/** Starts `n8n start` and waits until /healthz answers and / serves the editor. */
export async function startN8n(
	rt: N8nRuntime,
	env: NodeJS.ProcessEnv,
	opts: { log?: Log; timeoutMs?: number } = {},
): Promise<N8nServer> {
	const port = Number(env.N8N_PORT ?? 5678);
	const host = env.N8N_LISTEN_ADDRESS ?? '127.0.0.1';
	await assertPortFree(port, host, 'the n8n editor (N8N_PORT)');
	if (env.N8N_RUNNERS_BROKER_PORT) {
		await assertPortFree(
			Number(env.N8N_RUNNERS_BROKER_PORT),
			'127.0.0.1',
			"n8n's task broker (N8N_RUNNERS_BROKER_PORT)",
		);
	}
	const url = `http://${host}:${port}`;
	const child = spawn(rt.nodeBin, [rt.n8nBin, 'start'], {
		cwd: env.N8N_USER_FOLDER,
		env,
		stdio: ['ignore', 'pipe', 'pipe'],
		detached: true,
	});
	track(child);
	let logs = '';
	let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
	const exitPromise = new Promise<void>((resolve) => {
		child.on('exit', (code, signal) => {
			exited = { code, signal };
			resolve();
		});
	});
	const onData = () => {
		let partial = '';
		return (chunk: Buffer) => {
			const text = chunk.toString('utf8');
			logs += text;
			if (logs.length > 2_000_000) logs = logs.slice(-1_000_000);
			if (!opts.log) return;
			const lines = (partial + text).split(/\r?\n/);
			partial = lines.pop() ?? '';
			for (const line of lines) if (line.trim()) opts.log(line);
		};
	};
	child.stdout!.on('data', onData());
	child.stderr!.on('data', onData());

	const stop = async () => {
		liveServers.delete(server);
		if (exited) return;
		killTree(child, 'SIGTERM');
		const timer = setTimeout(() => killTree(child, 'SIGKILL'), 20_000);
		await exitPromise;
		clearTimeout(timer);
		// n8n's task runner children share the process group; make sure none is left behind.
		killTree(child, 'SIGKILL');
	};

	const server: N8nServer = { url, port, process: child, logs: () => logs, stop };
	liveServers.add(server);
	const deadline = Date.now() + (opts.timeoutMs ?? 180_000);
	let healthy = false;
	while (Date.now() < deadline) {
		if (exited) {
			throw new Error(
				`n8n start exited (code ${exited.code ?? exited.signal}) before it was ready:\n${tail(logs)}`,
			);
		}
		if (!healthy) {
			const h = await httpStatus(`${url}/healthz`);
			healthy = h?.status === 200;
		}
		if (healthy) {
			const r = await httpStatus(`${url}/`);
			if (r && r.status === 200 && /<html/i.test(r.body)) {
				return server;
			}
		}
		await new Promise((r) => setTimeout(r, 500));
	}
	await stop();
	throw new Error(
		`n8n start did not serve ${url}/ within ${opts.timeoutMs ?? 180_000} ms:\n${tail(logs)}`,
	);
}
