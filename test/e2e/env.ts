/** Settings shared by the e2e suites and their global setup. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
	repoRoot,
	runtimeDir,
	SUPPORTED_N8N_VERSIONS,
	type N8nRuntime,
} from '../../runtime/install-n8n';

function versionList(name: string, fallback: string): string[] {
	const raw = (process.env[name] ?? fallback).trim();
	if (raw === '' || raw === 'none') return [];
	const list = raw.split(/[\s,]+/).filter(Boolean);
	for (const v of list) {
		if (!SUPPORTED_N8N_VERSIONS[v]) {
			throw new Error(
				`${name} lists n8n ${v}; supported: ${Object.keys(SUPPORTED_N8N_VERSIONS).join(', ')}`,
			);
		}
	}
	return list;
}

/** n8n versions for the headless suite: E2E_N8N_VERSIONS, default both supported versions. */
export function headlessVersions(): string[] {
	return versionList('E2E_N8N_VERSIONS', '2.41.1,2.8.4');
}

/** n8n versions for the editor (browser) suite: E2E_BROWSER_N8N_VERSIONS, default 2.41.1. */
export function browserVersions(): string[] {
	return versionList('E2E_BROWSER_N8N_VERSIONS', '2.41.1');
}

export interface E2eState {
	tgz: string;
	packSeconds: number;
	runtimes: Record<string, N8nRuntime & { ensureSeconds?: number }>;
}

export function e2eStateFile(): string {
	return path.join(runtimeDir(), 'e2e-state.json');
}

/** What the global setup prepared (installed n8n versions, the packed tarball). */
export function e2eState(): E2eState {
	const file = e2eStateFile();
	if (!fs.existsSync(file))
		throw new Error(`${file} is missing: run the e2e tests with jest -c jest.e2e.config.js`);
	return JSON.parse(fs.readFileSync(file, 'utf8')) as E2eState;
}

export function runtimeFor(version: string): N8nRuntime {
	const rt = e2eState().runtimes[version];
	if (!rt) throw new Error(`n8n ${version} was not prepared by the global setup`);
	return rt;
}

export function artifactsDir(): string {
	const dir = path.join(repoRoot(), 'test-artifacts');
	fs.mkdirSync(dir, { recursive: true });
	return dir;
}
