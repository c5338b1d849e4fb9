/**
 * Redis and PostgreSQL from Debian packages, started for one test on free loopback ports with throwaway data
 * directories, and stopped (process group killed, directory removed) afterwards.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { freePort } from '../../runtime/n8n';
import { killTree, run, tail, track } from '../../runtime/process';

/** Debian's PostgreSQL server binaries: ASSISTABLE_PG_BIN, else the newest /usr/lib/postgresql/<version>/bin. */
const PG_BIN = process.env.ASSISTABLE_PG_BIN ?? newestPostgresBin();

function newestPostgresBin(): string {
	const root = '/usr/lib/postgresql';
	const versions = fs.existsSync(root)
		? fs
				.readdirSync(root)
				.filter((v) => /^\d+$/.test(v))
				.sort((a, b) => Number(b) - Number(a))
		: [];
	return path.join(root, versions[0] ?? '15', 'bin');
}

export interface Service {
	name: string;
	port: number;
	pid: number | undefined;
	logs(): string;
	stop(): Promise<void>;
}

function sleep(ms: number): Promise<void> {
	return new Promise((r) => setTimeout(r, ms));
}

/** Spawns a long-running process in its own process group and keeps its output. */
function daemon(
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

export interface Postgres extends Service {
	database: string;
	user: string;
	password: string;
	/** psql as the superuser; returns stdout. */
	psql(sql: string, database?: string): Promise<string>;
}

function osUser(name: string): { uid: number; gid: number } {
	const uid = Number(execFileSync('id', ['-u', name], { encoding: 'utf8' }).trim());
	const gid = Number(execFileSync('id', ['-g', name], { encoding: 'utf8' }).trim());
	return { uid, gid };
}

/**
 * PostgreSQL 15 (Debian's binaries) as the `postgres` OS user: initdb into a throwaway folder under the OS temp
 * folder, TCP on 127.0.0.1 only (no Unix socket), then a database and login role for n8n.
 */
export async function startPostgres(
	opts: { database?: string; user?: string; password?: string } = {},
): Promise<Postgres> {
	const database = opts.database ?? 'n8n';
	const user = opts.user ?? 'n8n';
	const password = opts.password ?? 'n8n-queue-test';
	for (const bin of ['initdb', 'postgres', 'psql']) {
		const p = bin === 'psql' ? '/usr/bin/psql' : path.join(PG_BIN, bin);
		if (!fs.existsSync(p))
			throw new Error(
				`${p} is missing: install Debian's postgresql package (apt-get install -y postgresql)`,
			);
	}
	const { uid, gid } = osUser('postgres');
	const base = fs.mkdtempSync(path.join(os.tmpdir(), 'assistable-pg-'));
	const dataDir = path.join(base, 'data');
	fs.mkdirSync(dataDir, { mode: 0o700 });
	fs.chownSync(base, uid, gid);
	fs.chownSync(dataDir, uid, gid);
	const cleanup = () => fs.rmSync(base, { recursive: true, force: true });
	try {
		const init = await new Promise<{ code: number | null; out: string }>((resolve, reject) => {
			const c = spawn(
				path.join(PG_BIN, 'initdb'),
				['-D', dataDir, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-sync', '--locale=C'],
				{
					uid,
					gid,
					cwd: base,
					stdio: ['ignore', 'pipe', 'pipe'],
				},
			);
			let out = '';
			c.stdout.on('data', (d) => (out += d));
			c.stderr.on('data', (d) => (out += d));
			c.once('error', reject);
			c.once('close', (code) => resolve({ code, out }));
		});
		if (init.code !== 0) throw new Error(`initdb failed (exit ${init.code}):\n${tail(init.out)}`);
	} catch (err) {
		cleanup();
		throw err;
	}

	const port = await freePort();
	const d = daemon(
		'postgres',
		path.join(PG_BIN, 'postgres'),
		[
			'-D',
			dataDir,
			'-p',
			String(port),
			'-c',
			'listen_addresses=127.0.0.1',
			'-c',
			'unix_socket_directories=',
			'-c',
			'fsync=off',
			'-c',
			'synchronous_commit=off',
			'-c',
			'full_page_writes=off',
			'-c',
			'max_connections=100',
		],
		{ uid, gid, cwd: base, onStop: cleanup },
	);
	// SIGINT: PostgreSQL's "fast" shutdown (rolls back open transactions, no waiting for clients).
	const stop = () => d.stop('SIGINT');
	const psql = async (sql: string, db = 'postgres') => {
		const r = await run(
			'psql',
			[
				'-h',
				'127.0.0.1',
				'-p',
				String(port),
				'-U',
				'postgres',
				'-d',
				db,
				'-v',
				'ON_ERROR_STOP=1',
				'-tAc',
				sql,
			],
			{
				timeoutMs: 30_000,
				env: { ...process.env, PGCONNECT_TIMEOUT: '2' },
			},
		);
		if (r.code !== 0) throw new Error(`psql failed (exit ${r.code}): ${r.stderr.trim()}`);
		return r.stdout;
	};
	const deadline = Date.now() + 60_000;
	let ready = false;
	while (Date.now() < deadline && !d.exited()) {
		try {
			await psql('SELECT 1');
			ready = true;
			break;
		} catch {
			await sleep(200);
		}
	}
	if (!ready) {
		await stop();
		throw new Error(
			`PostgreSQL did not accept connections on 127.0.0.1:${port}:\n${tail(d.logs())}`,
		);
	}
	try {
		await psql(`CREATE ROLE "${user}" LOGIN PASSWORD '${password}'`);
		await psql(`CREATE DATABASE "${database}" OWNER "${user}"`);
	} catch (err) {
		await stop();
		throw err;
	}
	return {
		name: 'postgres',
		port,
		pid: d.child.pid,
		logs: d.logs,
		stop,
		database,
		user,
		password,
		psql,
	};
}
