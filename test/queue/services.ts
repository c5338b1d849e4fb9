/**
 * Redis (here) and PostgreSQL (postgres.ts) from Debian packages, started for one test on free loopback ports
 * with throwaway data directories, and stopped (process group killed, directory removed) afterwards.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { freePort } from '../../runtime/n8n';
import { killTree, tail, track } from '../../runtime/process';

export interface Service {
	name: string;
	port: number;
	pid: number | undefined;
	logs(): string;
	stop(): Promise<void>;
}

export function sleep(ms: number): Promise<void> {
	return new Promise((r) => setTimeout(r, ms));
}

/** Spawns a long-running process in its own process group and keeps its output. */
export function daemon(
	name: string,
	cmd: string,
	args: string[],
	opts: { uid?: number; gid?: number; cwd?: string; onStop?: () => void },
): {
	child: ChildProcess;
	logs: () => string;
	exited: () => boolean;
	stop: (signal: NodeJS.Signals) => Promise<void>;
} {
	const child = spawn(cmd, args, {
		cwd: opts.cwd,
		uid: opts.uid,
		gid: opts.gid,
		stdio: ['ignore', 'pipe', 'pipe'],
		detached: true,
	});
	track(child);
	let logs = '';
	let exited = false;
	const exit = new Promise<void>((resolve) => {
		child.once('exit', () => {
			exited = true;
			resolve();
		});
		child.once('error', (err) => {
			logs += `\n[${name}] cannot start: ${err.message}\n`;
			exited = true;
			resolve();
		});
	});
	const keep = (c: Buffer) => {
		logs += c.toString('utf8');
		if (logs.length > 500_000) logs = logs.slice(-250_000);
	};
	child.stdout!.on('data', keep);
	child.stderr!.on('data', keep);
	const stop = async (signal: NodeJS.Signals) => {
		if (!exited) {
			killTree(child, signal);
			const timer = setTimeout(() => killTree(child, 'SIGKILL'), 10_000);
			await exit;
			clearTimeout(timer);
		}
		killTree(child, 'SIGKILL');
		opts.onStop?.();
	};
	return { child, logs: () => logs, exited: () => exited, stop };
}

/** One Redis command over a fresh connection (inline protocol); resolves with the first reply line. */
function redisCommand(port: number, command: string): Promise<string> {
	return new Promise((resolve, reject) => {
		const socket = net.connect({ port, host: '127.0.0.1' });
		let reply = '';
		socket.setTimeout(2_000, () => socket.destroy(new Error('timeout')));
		socket.once('error', reject);
		socket.on('data', (d) => {
			reply += d.toString('utf8');
			if (reply.includes('\r\n')) {
				socket.end();
				resolve(reply.split('\r\n')[0]);
			}
		});
		socket.once('connect', () => socket.write(`${command}\r\n`));
	});
}

/** `redis-server` on 127.0.0.1:<free port>, no persistence, working directory in a throwaway folder. */
export async function startRedis(): Promise<Service> {
	const port = await freePort();
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'assistable-redis-'));
	const d = daemon(
		'redis',
		'redis-server',
		[
			'--port',
			String(port),
			'--bind',
			'127.0.0.1',
			'--save',
			'',
			'--appendonly',
			'no',
			'--dir',
			dir,
			'--daemonize',
			'no',
			'--protected-mode',
			'yes',
		],
		{ onStop: () => fs.rmSync(dir, { recursive: true, force: true }) },
	);
	const service: Service = {
		name: 'redis',
		port,
		pid: d.child.pid,
		logs: d.logs,
		stop: () => d.stop('SIGTERM'),
	};
	const deadline = Date.now() + 30_000;
	while (Date.now() < deadline) {
		if (d.exited()) break;
		try {
			if ((await redisCommand(port, 'PING')) === '+PONG') return service;
		} catch {
			// not listening yet
		}
		await sleep(100);
	}
	await service.stop();
	throw new Error(`redis-server did not answer PING on 127.0.0.1:${port}:\n${tail(d.logs())}`);
}
