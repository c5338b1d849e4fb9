/** Where things are, whether running from bench/ (ts) or build/bench/ (compiled). */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';

function findRoot(from: string): string {
	for (let dir = from; ; dir = path.dirname(dir)) {
		const manifest = path.join(dir, 'package.json');
		if (existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).name === 'n8n-nodes-assistable') return dir;
		if (path.dirname(dir) === dir) throw new Error(`bench: cannot find the n8n-nodes-assistable root above ${from}`);
	}
}

export const ROOT = findRoot(__dirname);
export const BENCH_DIR = path.join(ROOT, 'bench');
export const BENCH_MODULES = path.join(BENCH_DIR, 'node_modules');
/** `require` as seen from bench/package.json: reaches bench/node_modules (then the root's). */
export const benchRequire = createRequire(path.join(BENCH_DIR, 'package.json'));
/** `require` as seen from the root package. */
export const rootRequire = createRequire(path.join(ROOT, 'package.json'));
