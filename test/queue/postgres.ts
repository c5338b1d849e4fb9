/** PostgreSQL from Debian's packages for the queue-mode test: a throwaway cluster on a free port. */
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { freePort } from '../../runtime/n8n';
import { run, tail } from '../../runtime/process';
import { Service, sleep, daemon } from './services';

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
