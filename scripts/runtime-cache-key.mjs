// Prints the CI cache key of the real-n8n runtime: the pinned Node 24 and n8n versions from
// runtime/install-n8n.ts, so the cache changes exactly when a pinned version does.
import { readFileSync } from 'node:fs';

const source = readFileSync(new URL('../runtime/install-n8n.ts', import.meta.url), 'utf8');
const node = /NODE24_VERSION = '([\d.]+)'/.exec(source)?.[1];
const n8n = [...source.matchAll(/^\t'(\d+\.\d+\.\d+)': \{/gm)].map((m) => m[1]);
if (!node || n8n.length === 0) {
	console.error(
		'runtime-cache-key: cannot find NODE24_VERSION or SUPPORTED_N8N_VERSIONS in runtime/install-n8n.ts',
	);
	process.exit(1);
}
console.log(`n8n-runtime-node${node}-n8n${n8n.join('-')}`);
