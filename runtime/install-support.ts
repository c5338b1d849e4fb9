/** What installing n8n needs besides npm: the repository's folders, install logs, a lock, progress lines. */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The repository root: the nearest folder above this file whose package.json is this package. */
export function repoRoot(): string {
	let dir = __dirname;
	for (;;) {
		const pkg = path.join(dir, 'package.json');
		if (fs.existsSync(pkg)) {
			try {
				const name = (JSON.parse(fs.readFileSync(pkg, 'utf8')) as { name?: string }).name;
				if (name === 'n8n-nodes-assistable') return dir;
			} catch {
				// not ours, keep looking
			}
		}
		const parent = path.dirname(dir);
		if (parent === dir)
			throw new Error(`Cannot find the n8n-nodes-assistable repository root above ${__dirname}`);
		dir = parent;
	}
}

export function runtimeDir(): string {
	return process.env.ASSISTABLE_RUNTIME_DIR
		? path.resolve(process.env.ASSISTABLE_RUNTIME_DIR)
		: path.join(repoRoot(), '.runtime');
}

/**
 * A log file under `<runtime>/logs/` for one install's npm output (warnings, native build output): the
 * console gets the progress lines and this path instead.
 */
export function installLog(name: string): { file: string; write: (line: string) => void } {
	const dir = path.join(runtimeDir(), 'logs');
	fs.mkdirSync(dir, { recursive: true });
	const file = path.join(dir, `${name}.log`);
	fs.writeFileSync(file, `# ${new Date().toISOString()} ${name}\n`);
	return { file, write: (line) => fs.appendFileSync(file, `${line}\n`) };
}

export function freeBytes(dir: string): number | undefined {
	try {
		const st = fs.statfsSync(dir);
		return st.bavail * st.bsize;
	} catch {
		return undefined;
	}
}

export function versionOf(
	nodeBin: string,
	args: string[] = ['--version'],
	env?: NodeJS.ProcessEnv,
): string | undefined {
	const r = spawnSync(nodeBin, args, {
		encoding: 'utf8',
		env: env ?? process.env,
		timeout: 120_000,
	});
	if (r.status !== 0) return undefined;
	return r.stdout.trim().split(/\r?\n/).pop()?.trim();
}

/** Simple cross-process lock (a folder), so two runs never install into the same folder at once. */
export async function withLock<T>(
	name: string,
	log: (l: string) => void,
	fn: () => Promise<T>,
): Promise<T> {
	const lockDir = path.join(runtimeDir(), `${name}.lock`);
	fs.mkdirSync(runtimeDir(), { recursive: true });
	let waitedMs = 0;
	for (;;) {
		try {
			fs.mkdirSync(lockDir);
			fs.writeFileSync(path.join(lockDir, 'pid'), String(process.pid));
			break;
		} catch (err) {
			if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
			let holder = NaN;
			try {
				holder = Number(fs.readFileSync(path.join(lockDir, 'pid'), 'utf8'));
			} catch {
				// being written right now
			}
			let alive = false;
			if (Number.isInteger(holder) && holder > 0) {
				try {
					process.kill(holder, 0);
					alive = true;
				} catch {
					alive = false;
				}
			}
			if (!alive && (Number.isInteger(holder) || waitedMs > 5_000)) {
				log(`removing stale lock ${lockDir}`);
				fs.rmSync(lockDir, { recursive: true, force: true });
				continue;
			}
			if (waitedMs % 30_000 === 0)
				log(`waiting for another install (pid ${holder}) holding ${lockDir}`);
			await new Promise((r) => setTimeout(r, 1_000));
			waitedMs += 1_000;
		}
	}
	try {
		return await fn();
	} finally {
		fs.rmSync(lockDir, { recursive: true, force: true });
	}
}

/**
 * What npm is doing, read from its own output (`--loglevel=http` prints one line per request; install
 * scripts print `> pkg@version script` under `--foreground-scripts`), so the progress line moves from the
 * first second: package manifests while npm resolves the tree, tarballs and megabytes while it fetches and
 * unpacks them, then the install script that is running.
 */
export class InstallProgress {
	manifests = 0;
	tarballs = 0;
	cached = 0;
	script: string | undefined;

	see(line: string): void {
		const http = /npm http (?:fetch GET \d+|cache) (\S+).*\(cache (\w+)\)/.exec(line);
		if (http) {
			if (/\.tgz$/.test(http[1])) this.tarballs++;
			else this.manifests++;
			if (http[2] === 'hit' || http[2] === 'revalidated') this.cached++;
			return;
		}
		const script = /^\s*[|!]?\s*> (\S+@\S+) (\S+)$/.exec(line);
		if (script) this.script = `${script[1]} ${script[2]}`;
	}

	summary(): string {
		const parts = [`${this.manifests} package manifests`, `${this.tarballs} packages fetched`];
		if (this.cached) parts.push(`${this.cached} answered from the npm cache`);
		let text = parts.join(', ');
		if (this.script) text += `; running install script ${this.script}`;
		else if (this.tarballs === 0) text += ' (resolving the dependency tree)';
		return text;
	}
}
