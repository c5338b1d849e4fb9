/**
 * Running child processes for the runtime scripts and the e2e tests: capture (and optionally stream) their
 * output, kill them with their process group, and never leave one behind when this process exits.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';

export type Log = (line: string) => void;

export interface RunOptions {
	cwd?: string;
	env?: NodeJS.ProcessEnv;
	/** Each non-empty output line as it arrives (stderr lines marked with `!` when `markStreams` is set). */
	log?: Log;
	markStreams?: boolean;
	timeoutMs?: number;
	/** Called every `heartbeatMs` (default 30 s) while the command runs; its text is logged as a progress line. */
	heartbeat?: () => string;
	heartbeatMs?: number;
	/** Where heartbeat lines go (default: `log`), e.g. the console while `log` writes the output to a file. */
	progress?: Log;
	/** Own process group (default), so killTree reaches its children; false keeps it in ours, so Ctrl-C reaches it. */
	detached?: boolean;
}

export interface ProcResult {
	code: number | null;
	signal: NodeJS.Signals | null;
	stdout: string;
	stderr: string;
	ms: number;
}

/** Runs a command to completion, capturing its output (and optionally streaming it line by line). */
export function run(cmd: string, args: string[], opts: RunOptions = {}): Promise<ProcResult> {
	return new Promise((resolve, reject) => {
		const started = Date.now();
		const child = spawn(cmd, args, {
			cwd: opts.cwd,
			env: opts.env ?? process.env,
			stdio: ['ignore', 'pipe', 'pipe'],
			detached: opts.detached ?? true,
		});
		track(child);
		let stdout = '';
		let stderr = '';
		const stream = (sink: (s: string) => void, mark: string) => {
			let partial = '';
			return (chunk: Buffer) => {
				const text = chunk.toString('utf8');
				sink(text);
				if (!opts.log) return;
				const lines = (partial + text).split(/\r?\n/);
				partial = lines.pop() ?? '';
				for (const line of lines)
					if (line.trim()) opts.log(opts.markStreams ? `  ${mark} ${line}` : line);
			};
		};
		child.stdout!.on(
			'data',
			stream((s) => (stdout += s), '|'),
		);
		child.stderr!.on(
			'data',
			stream((s) => (stderr += s), '!'),
		);
		const heartbeat = opts.heartbeat
			? setInterval(
					() =>
						(opts.progress ?? opts.log)?.(
							`... ${formatDuration(Date.now() - started)} ${opts.heartbeat!()}`,
						),
					opts.heartbeatMs ?? 30_000,
				)
			: undefined;
		let timedOut = false;
		const timer = opts.timeoutMs
			? setTimeout(() => {
					timedOut = true;
					killTree(child, 'SIGKILL');
				}, opts.timeoutMs)
			: undefined;
		const stopTimers = () => {
			if (timer) clearTimeout(timer);
			if (heartbeat) clearInterval(heartbeat);
		};
		child.on('error', (err) => {
			stopTimers();
			reject(new Error(`Cannot run ${cmd}: ${err.message}`));
		});
		child.on('close', (code, signal) => {
			stopTimers();
			if (timedOut) {
				reject(
					new Error(
						`${path.basename(cmd)} ${args.join(' ')} did not finish within ${opts.timeoutMs} ms\n--- stdout ---\n${tail(stdout)}\n--- stderr ---\n${tail(stderr)}`,
					),
				);
				return;
			}
			resolve({ code, signal, stdout, stderr, ms: Date.now() - started });
		});
	});
}

/** The last lines of a command's output, for error messages. */
export function tail(text: string, lines = 40): string {
	return text.split(/\r?\n/).slice(-lines).join('\n');
}

/** Children we started in their own process groups; killed if this process exits while they run. */
const liveChildren = new Set<ChildProcess>();
let exitHookInstalled = false;

export function track(child: ChildProcess): void {
	liveChildren.add(child);
	child.once('exit', () => liveChildren.delete(child));
	if (!exitHookInstalled) {
		exitHookInstalled = true;
		process.once('exit', () => {
			for (const c of liveChildren) killTree(c, 'SIGKILL');
		});
	}
}

/** Sends a signal to a child we started and to its process group (n8n starts task-runner children). */
export function killTree(child: ChildProcess, signal: NodeJS.Signals): void {
	if (child.pid === undefined) return;
	try {
		process.kill(-child.pid, signal);
	} catch {
		try {
			child.kill(signal);
		} catch {
			// already gone
		}
	}
}

export function formatDuration(ms: number): string {
	const s = Math.round(ms / 1000);
	return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}
