/**
 * Runs once before the e2e suites: installs every n8n version they need (cached in .runtime/) and packs the
 * package once. A version that cannot be installed fails the whole run with the reason.
 */
import * as fs from 'node:fs';
import { ensureN8n } from '../../runtime/install-n8n';
import { buildAndPack, prefixedLog } from '../../runtime/n8n';
import { browserVersions, e2eStateFile, headlessVersions, type E2eState } from './env';

export default async function globalSetup(): Promise<void> {
	const started = Date.now();
	const versions = [...new Set([...headlessVersions(), ...browserVersions()])];
	const runtimes: E2eState['runtimes'] = {};
	for (const v of versions) {
		const t = Date.now();
		runtimes[v] = await ensureN8n(v, { log: prefixedLog(`[e2e setup: n8n ${v}]`) });
		runtimes[v].ensureSeconds = Math.round((Date.now() - t) / 1000);
	}
	const t = Date.now();
	const tgz = await buildAndPack({ log: prefixedLog('[e2e setup: pack]') });
	const state: E2eState = { tgz, runtimes, packSeconds: Math.round((Date.now() - t) / 1000) };
	fs.writeFileSync(e2eStateFile(), JSON.stringify(state, null, 2));
	process.stdout.write(
		`[e2e setup] ready in ${Math.round((Date.now() - started) / 1000)} s (n8n ${versions.join(', ')})\n`,
	);
}
