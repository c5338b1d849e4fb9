/** The n8n process environment, and n8n's CLI: importing credentials and workflows, `n8n execute`. */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CREDENTIAL_TYPE } from './basics';
import { SUPPORTED_N8N_VERSIONS, type N8nRuntime } from './install-n8n';
import { run, tail, type Log, type ProcResult } from './process';

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
