/**
 * Pieces shared by `npm start` (runtime/start.ts) and the e2e tests (test/e2e): pack this package, install it
 * into an n8n user folder the way a community install does, import credentials and workflows with n8n's CLI,
 * run `n8n execute`, start `n8n start` and talk to its REST API (owner setup, login, credential test).
 * Node built-ins only.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { repoRoot, runtimeDir, SUPPORTED_N8N_VERSIONS, type N8nRuntime } from './install-n8n';
import { killTree, run, tail, track, type Log, type ProcResult } from './process';

export type { Log, ProcResult };

export const PACKAGE_NAME = 'n8n-nodes-assistable';
export const NODE_TYPE = 'n8n-nodes-assistable.assistable';
export const CREDENTIAL_TYPE = 'assistableApi';

export function prefixedLog(prefix: string): Log {
	return (line) => process.stdout.write(`${prefix} ${line}\n`);
}

export class PortInUseError extends Error {
	constructor(
		public readonly port: number,
		public readonly host: string,
		what: string,
	) {
		super(
			`Port ${port} on ${host} is already in use (needed for ${what}). Stop whatever uses it, or pick another port.`,
		);
		this.name = 'PortInUseError';
	}
}

/** Resolves if `port` can be bound on `host`, else rejects with PortInUseError. */
export function assertPortFree(port: number, host: string, what: string): Promise<void> {
	return new Promise((resolve, reject) => {
		const srv = net.createServer();
		srv.once('error', (err: NodeJS.ErrnoException) => {
			if (err.code === 'EADDRINUSE' || err.code === 'EACCES')
				reject(new PortInUseError(port, host, what));
			else reject(err);
		});
		srv.listen(port, host, () => srv.close(() => resolve()));
	});
}

/** A port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const srv = net.createServer();
		srv.once('error', reject);
		srv.listen(0, '127.0.0.1', () => {
			const addr = srv.address();
			const port = typeof addr === 'object' && addr ? addr.port : 0;
			srv.close(() => resolve(port));
		});
	});
}

/** Servers started by startN8n that are still running. */
const liveServers = new Set<N8nServer>();

/** Stops every n8n server this process started (graceful first). */
export async function stopAllN8n(): Promise<void> {
	await Promise.all([...liveServers].map((s) => s.stop().catch(() => undefined)));
}

// ---------------------------------------------------------------------------------------------------------
// Packing and installing the package

/** `npm run build` then `npm pack` into `dest` (default `.runtime/pack/`); returns the tarball's absolute path. */
export async function buildAndPack(
	opts: { log?: Log; build?: boolean; dest?: string } = {},
): Promise<string> {
	const log = opts.log ?? prefixedLog('[pack]');
	const root = repoRoot();
	if (opts.build !== false) {
		log('npm run build');
		const b = await run('npm', ['run', 'build'], { cwd: root, log: (l) => log(`  | ${l}`) });
		if (b.code !== 0)
			throw new Error(`npm run build failed (exit ${b.code}):\n${tail(b.stdout + b.stderr)}`);
	}
	const nodeJs = path.join(root, 'dist', 'nodes', 'Assistable', 'Assistable.node.js');
	if (!fs.existsSync(nodeJs)) throw new Error(`The build did not produce ${nodeJs}`);
	const dest = opts.dest ?? path.join(runtimeDir(), 'pack');
	fs.mkdirSync(dest, { recursive: true });
	log(`npm pack --pack-destination ${dest}`);
	const p = await run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', dest], {
		cwd: root,
	});
	if (p.code !== 0) throw new Error(`npm pack failed (exit ${p.code}):\n${tail(p.stderr)}`);
	const start = p.stdout.indexOf('[');
	const info = JSON.parse(p.stdout.slice(start)) as Array<{
		filename: string;
		files: Array<{ path: string }>;
	}>;
	const tgz = path.join(dest, info[0].filename);
	log(`packed ${path.basename(tgz)} (${info[0].files.length} files)`);
	return tgz;
}

/** Makes a throwaway n8n user folder (its `.n8n` lives inside). */
export function makeUserFolder(label: string): string {
	const base = path.join(runtimeDir(), 'tmp');
	fs.mkdirSync(base, { recursive: true });
	return fs.mkdtempSync(path.join(base, `${label}-`));
}

/** Installs the packed tarball into `<userFolder>/.n8n/nodes`, exactly as n8n's community install lays it out. */
export async function installPackage(
	userFolder: string,
	tgz: string,
	opts: { log?: Log } = {},
): Promise<void> {
	const log = opts.log ?? prefixedLog('[install-package]');
	const nodesDir = path.join(userFolder, '.n8n', 'nodes');
	fs.mkdirSync(nodesDir, { recursive: true });
	const pkgJson = path.join(nodesDir, 'package.json');
	if (!fs.existsSync(pkgJson)) {
		fs.writeFileSync(
			pkgJson,
			`${JSON.stringify({ name: 'installed-nodes', private: true }, null, 2)}\n`,
		);
	}
	log(`npm i --omit=peer --ignore-scripts ${path.basename(tgz)} (in ${nodesDir})`);
	const env = { ...process.env };
	for (const key of Object.keys(env)) if (/^npm_config_/i.test(key)) delete env[key];
	const r = await run(
		'npm',
		['i', '--omit=peer', '--ignore-scripts', '--no-audit', '--no-fund', tgz],
		{ cwd: nodesDir, env },
	);
	if (r.code !== 0)
		throw new Error(
			`Installing ${path.basename(tgz)} into ${nodesDir} failed (exit ${r.code}):\n${tail(r.stderr)}`,
		);
	const installed = path.join(nodesDir, 'node_modules', PACKAGE_NAME, 'package.json');
	if (!fs.existsSync(installed)) throw new Error(`npm i finished but ${installed} is missing`);
}

// ---------------------------------------------------------------------------------------------------------
// The n8n process environment and CLI

export interface N8nEnvOptions {
	userFolder: string;
	encryptionKey?: string;
	port?: number;
	/** Port of the task broker (Code node runner); each concurrently running n8n needs its own. */
	brokerPort?: number;
	logLevel?: 'error' | 'warn' | 'info' | 'debug';
	extra?: Record<string, string>;
}

/** The environment for an n8n process: isolated user folder, loopback only, nothing phoning home. */
export function n8nEnv(rt: N8nRuntime, o: N8nEnvOptions): NodeJS.ProcessEnv {
	const env: NodeJS.ProcessEnv = {};
	for (const [k, v] of Object.entries(process.env)) {
		// Nothing from the caller's n8n/DB settings, npm run context, or real Assistable key leaks in.
		// NODE_ENV=test (set by jest) makes n8n silence its logger and look for its sources instead of dist.
		if (
			/^(N8N_|DB_|EXECUTIONS_|QUEUE_|WEBHOOK_URL|GENERIC_TIMEZONE|npm_|ASSISTABLE_|JEST_|NODE_OPTIONS$|NODE_ENV$)/.test(
				k,
			)
		)
			continue;
		env[k] = v;
	}
	Object.assign(env, {
		PATH: `${rt.binDir}${path.delimiter}${process.env.PATH ?? ''}`,
		N8N_USER_FOLDER: o.userFolder,
		N8N_ENCRYPTION_KEY: o.encryptionKey ?? 'assistable-local-test-encryption-key',
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_HIRING_BANNER_ENABLED: 'false',
		N8N_HOST: '127.0.0.1',
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_PROTOCOL: 'http',
		N8N_PORT: String(o.port ?? 5678),
		N8N_SECURE_COOKIE: 'false',
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'true',
		N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
		N8N_UNVERIFIED_PACKAGES_ENABLED: 'true',
		N8N_LOG_LEVEL: o.logLevel ?? 'warn',
		N8N_RUNNERS_BROKER_LISTEN_ADDRESS: '127.0.0.1',
		N8N_RUNNERS_BROKER_PORT: String(o.brokerPort ?? (o.port ?? 5678) + 1),
		DB_SQLITE_POOL_SIZE: '2',
		GENERIC_TIMEZONE: 'UTC',
		TZ: 'UTC',
	});
	const versionEnv = SUPPORTED_N8N_VERSIONS[rt.version]?.env;
	if (versionEnv) Object.assign(env, versionEnv);
	if (o.extra) Object.assign(env, o.extra);
	return env;
}

/**
 * Runs `n8n <args>` with the given runtime and environment. The CLI commands report success ("Successfully
 * imported ...") and the failed run's data at log level info, so that is the least they run with.
 */
export function n8nCli(
	rt: N8nRuntime,
	env: NodeJS.ProcessEnv,
	args: string[],
	opts: { log?: Log; timeoutMs?: number } = {},
) {
	const cliEnv = env.N8N_LOG_LEVEL === 'debug' ? env : { ...env, N8N_LOG_LEVEL: 'info' };
	return run(rt.nodeBin, [rt.n8nBin, ...args], {
		cwd: env.N8N_USER_FOLDER,
		env: cliEnv,
		log: opts.log,
		timeoutMs: opts.timeoutMs ?? 180_000,
	});
}

export interface CredentialToImport {
	id: string;
	name: string;
	apiKey: string;
	baseUrl: string;
}

/** A fixed-format n8n id (16 alphanumerics), derived from a label so workflows can reference it. */
export function n8nId(label: string): string {
	const clean = label.replace(/[^A-Za-z0-9]/g, '');
	return (clean + 'x'.repeat(16)).slice(0, 16);
}

/** `n8n import:credentials` of Assistable API credentials with plain data (n8n encrypts it on import). */
export async function importCredentials(
	rt: N8nRuntime,
	env: NodeJS.ProcessEnv,
	creds: CredentialToImport[],
	opts: { log?: Log } = {},
): Promise<ProcResult> {
	return importAnyCredentials(
		rt,
		env,
		creds.map((c) => ({
			id: c.id,
			name: c.name,
			type: CREDENTIAL_TYPE,
			data: { apiKey: c.apiKey, baseUrl: c.baseUrl },
		})),
		opts,
	);
}

/** `n8n import:credentials` of credentials of any type (e.g. `openAiApi`), plain data. */
export async function importAnyCredentials(
	rt: N8nRuntime,
	env: NodeJS.ProcessEnv,
	creds: Array<{
		id: string;
		name: string;
		type: string;
		data: Record<string, unknown> & { apiKey?: string };
	}>,
	opts: { log?: Log } = {},
): Promise<ProcResult> {
	const file = path.join(
		env.N8N_USER_FOLDER!,
		`credentials-${randomBytes(4).toString('hex')}.json`,
	);
	const now = new Date().toISOString();
	fs.writeFileSync(
		file,
		JSON.stringify(
			creds.map((c) => ({
				id: c.id,
				name: c.name,
				type: c.type,
				data: c.data,
				isManaged: false,
				createdAt: now,
				updatedAt: now,
			})),
			null,
			2,
		),
		{ mode: 0o600 },
	);
	try {
		const r = await n8nCli(rt, env, ['import:credentials', `--input=${file}`], opts);
		if (r.code !== 0 || !/Successfully imported/i.test(r.stdout + r.stderr)) {
			throw new Error(
				`n8n import:credentials failed (exit ${r.code}):\n${tail(
					redact(
						r.stdout + r.stderr,
						creds.map((c) => c.data.apiKey),
					),
				)}`,
			);
		}
		return r;
	} finally {
		fs.rmSync(file, { force: true });
	}
}

function redact(text: string, secrets: Array<string | undefined>): string {
	let out = text;
	for (const secret of secrets) if (secret) out = out.split(secret).join('***');
	return out;
}

export interface WorkflowJson {
	id: string;
	name: string;
	nodes: unknown[];
	connections: Record<string, unknown>;
	[key: string]: unknown;
}

/** `n8n import:workflow` of one or more workflows (kept inactive). */
export async function importWorkflows(
	rt: N8nRuntime,
	env: NodeJS.ProcessEnv,
	workflows: WorkflowJson[],
	opts: { log?: Log } = {},
): Promise<ProcResult> {
	const file = path.join(env.N8N_USER_FOLDER!, `workflows-${randomBytes(4).toString('hex')}.json`);
	fs.writeFileSync(
		file,
		JSON.stringify(
			workflows.map((w) => ({ active: false, settings: {}, pinData: {}, ...w })),
			null,
			2,
		),
	);
	try {
		const r = await n8nCli(rt, env, ['import:workflow', `--input=${file}`], opts);
		if (r.code !== 0 || !/Successfully imported/i.test(r.stdout + r.stderr)) {
			throw new Error(`n8n import:workflow failed (exit ${r.code}):\n${tail(r.stdout + r.stderr)}`);
		}
		return r;
	} finally {
		fs.rmSync(file, { force: true });
	}
}

export interface ExecuteResult extends ProcResult {
	/** The run data n8n printed with --rawOutput (undefined when nothing parseable was printed). */
	output?: RawRun;
}

export interface RawNodeRun {
	executionStatus?: string;
	data?: { main?: Array<Array<{ json: Record<string, unknown>; pairedItem?: unknown }> | null> };
	error?: Record<string, unknown> & { message?: string; description?: string };
}

/** What `n8n execute --rawOutput` prints: the whole run (IRun), success or failure. */
export interface RawRun {
	status?: string;
	finished?: boolean;
	mode?: string;
	data?: {
		resultData?: {
			runData?: Record<string, RawNodeRun[]>;
			error?: Record<string, unknown> & {
				message?: string;
				description?: string;
				node?: { name?: string };
			};
			lastNodeExecuted?: string;
		};
	};
	[key: string]: unknown;
}

/** Finds the first complete top-level JSON object in mixed CLI output. */
export function extractJson(text: string): unknown {
	for (let start = text.indexOf('{'); start !== -1; start = text.indexOf('{', start + 1)) {
		// only consider a `{` that starts a line: log lines may contain braces
		if (start > 0 && text[start - 1] !== '\n') continue;
		let depth = 0;
		let inString = false;
		let escaped = false;
		for (let i = start; i < text.length; i++) {
			const ch = text[i];
			if (inString) {
				if (escaped) escaped = false;
				else if (ch === '\\') escaped = true;
				else if (ch === '"') inString = false;
				continue;
			}
			if (ch === '"') inString = true;
			else if (ch === '{') depth++;
			else if (ch === '}') {
				depth--;
				if (depth === 0) {
					try {
						return JSON.parse(text.slice(start, i + 1));
					} catch {
						break;
					}
				}
			}
		}
	}
	return undefined;
}

/**
 * `n8n execute --id=<id> --rawOutput`; the parsed run is in `output`. n8n prints the run as JSON on success,
 * and on failure only at log level info (set by default here), then exits 1.
 */
export async function executeWorkflow(
	rt: N8nRuntime,
	env: NodeJS.ProcessEnv,
	id: string,
	opts: { log?: Log; timeoutMs?: number } = {},
): Promise<ExecuteResult> {
	const r = await n8nCli(rt, env, ['execute', `--id=${id}`, '--rawOutput'], opts);
	return { ...r, output: extractJson(r.stdout) as RawRun | undefined };
}

/** The JSON of the items a node output on its first run (main output 0). */
export function nodeOutput(
	run: RawRun | undefined,
	nodeName: string,
	outputIndex = 0,
): Array<Record<string, unknown>> {
	const runs = run?.data?.resultData?.runData?.[nodeName];
	if (!runs || runs.length === 0) return [];
	return (runs[0].data?.main?.[outputIndex] ?? []).map((i) => i.json);
}

// ---------------------------------------------------------------------------------------------------------
// `n8n start`

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

// ---------------------------------------------------------------------------------------------------------
// REST API (what the editor uses)

export interface Owner {
	email: string;
	firstName: string;
	lastName: string;
	password: string;
}

export const DEFAULT_OWNER: Owner = {
	email: 'owner@example.com',
	firstName: 'Demo',
	lastName: 'Owner',
	password: 'Assistable-Demo-1',
};

/** What the editor sends in place of a stored secret it never received (n8n-workflow CREDENTIAL_BLANKING_VALUE). */
export const CREDENTIAL_BLANKING_VALUE = '__n8n_BLANK_VALUE_e5362baf-c777-4d57-a609-6eaf1f9e87f6';

export class N8nRest {
	private cookie = '';

	/** n8n ties the auth cookie to a browser id header; any stable string works for a script. */
	private readonly browserId = `assistable-runtime-${randomBytes(6).toString('hex')}`;

	constructor(public readonly baseUrl: string) {}

	/** Headers that authenticate a plain fetch as the logged-in user. */
	authHeaders(): Record<string, string> {
		return { 'browser-id': this.browserId, ...(this.cookie ? { cookie: this.cookie } : {}) };
	}

	async request<T = unknown>(
		method: string,
		route: string,
		body?: unknown,
	): Promise<{ status: number; data: T; raw: string }> {
		const res = await fetch(`${this.baseUrl}/rest${route}`, {
			method,
			headers: {
				'content-type': 'application/json',
				'browser-id': this.browserId,
				...(this.cookie ? { cookie: this.cookie } : {}),
			},
			body: body === undefined ? undefined : JSON.stringify(body),
			signal: AbortSignal.timeout(60_000),
		});
		const setCookies =
			typeof res.headers.getSetCookie === 'function' ? res.headers.getSetCookie() : [];
		for (const c of setCookies) {
			const m = /^(n8n-auth=[^;]*)/.exec(c);
			if (m) this.cookie = m[1];
		}
		const raw = await res.text();
		let data: unknown = raw;
		try {
			data = JSON.parse(raw);
		} catch {
			// not JSON
		}
		return { status: res.status, data: data as T, raw };
	}

	/** Creates the instance owner (first run only) and keeps the session cookie. */
	async setupOwner(owner: Owner = DEFAULT_OWNER): Promise<void> {
		const r = await this.request('POST', '/owner/setup', owner);
		if (r.status !== 200)
			throw new Error(`POST /rest/owner/setup answered ${r.status}: ${r.raw.slice(0, 500)}`);
	}

	async login(owner: Owner = DEFAULT_OWNER): Promise<void> {
		const r = await this.request('POST', '/login', {
			emailOrLdapLoginId: owner.email,
			email: owner.email,
			password: owner.password,
		});
		if (r.status !== 200)
			throw new Error(`POST /rest/login answered ${r.status}: ${r.raw.slice(0, 500)}`);
	}

	/**
	 * Runs a credential's `test` request the way the editor's "Retry"/save does: POST /rest/credentials/test.
	 * With `id` set and data given, n8n merges the given data over the stored (decrypted) credential.
	 */
	async testCredential(cred: {
		id?: string;
		name: string;
		type: string;
		data: Record<string, unknown>;
	}): Promise<{ status: 'OK' | 'Error'; message: string; httpStatus: number; raw: string }> {
		const r = await this.request<{ data?: { status: 'OK' | 'Error'; message: string } }>(
			'POST',
			'/credentials/test',
			{
				credentials: cred,
			},
		);
		if (r.status !== 200 || !r.data || typeof r.data !== 'object' || !r.data.data) {
			throw new Error(`POST /rest/credentials/test answered ${r.status}: ${r.raw.slice(0, 500)}`);
		}
		return { ...r.data.data, httpStatus: r.status, raw: r.raw };
	}
}

/** Absolute path under the OS temp folder, for a Chromium profile etc. */
export function tempDir(label: string): string {
	return fs.mkdtempSync(path.join(os.tmpdir(), `${label}-`));
}
