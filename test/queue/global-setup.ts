/**
 * Runs once before the concurrency tests: ensures n8n 2.41.1 (cached in the runtime folder) and packs this
 * package into a folder of its own (other checkouts may pack into the shared runtime folder at the same time).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ensureN8n } from '../../runtime/install-n8n';
import { buildAndPack, prefixedLog } from '../../runtime/n8n';
import { N8N_VERSION, QueueState, queueStateFile, artifactsDir } from './harness';

export default async function globalSetup(): Promise<void> {
	const started = Date.now();
	const runtime = await ensureN8n(N8N_VERSION, {
		log: prefixedLog(`[queue setup: n8n ${N8N_VERSION}]`),
	});
	const dest = path.join(artifactsDir(), 'pack');
	fs.rmSync(dest, { recursive: true, force: true });
	const tgz = await buildAndPack({ log: prefixedLog('[queue setup: pack]'), dest });
	const state: QueueState = { tgz, runtime };
	fs.writeFileSync(queueStateFile(), JSON.stringify(state, null, 2));
	process.stdout.write(`[queue setup] ready in ${Math.round((Date.now() - started) / 1000)} s\n`);
}
