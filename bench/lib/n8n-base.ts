/**
 * Loads n8n's own HTTP Request and Code nodes from bench/node_modules/n8n-nodes-base (installed by
 * bench/setup.js), and checks they share the root's single copy of n8n-workflow and n8n-core.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import type { INodeType, IVersionedNodeType } from 'n8n-workflow';

import { BENCH_MODULES, ROOT, benchRequire, rootRequire } from './paths';

const manifestVersion = (dir: string): string => JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')).version;

export const NODES_BASE_VERSION = '2.41.1';

export interface BaseNodes {
	httpRequest: IVersionedNodeType;
	code: INodeType;
	/** The HTTP Request version a new node gets in the editor. */
	httpRequestVersion: number;
	codeVersion: number;
	versions: Record<string, string>;
}

export class MissingBenchDeps extends Error {}

export function loadBaseNodes(): BaseNodes {
	const base = path.join(BENCH_MODULES, 'n8n-nodes-base');
	if (!existsSync(path.join(base, 'package.json'))) {
		throw new MissingBenchDeps('bench/node_modules/n8n-nodes-base is not installed: run `node bench/setup.js` first (or pass --no-http).');
	}
	const fromBase = createRequire(path.join(base, 'dist', 'nodes', 'HttpRequest', 'HttpRequest.node.js'));
	const fromRunner = createRequire(path.join(BENCH_MODULES, '@n8n', 'task-runner', 'dist', 'index.js'));
	for (const [name, req] of [['n8n-nodes-base', fromBase], ['@n8n/task-runner', fromRunner]] as const) {
		for (const pkg of ['n8n-workflow', 'n8n-core']) {
			if (req(pkg) !== rootRequire(pkg)) {
				throw new Error(`bench: ${name} loads its own ${pkg} (${req.resolve(pkg)}), not the root's; re-run node bench/setup.js`);
			}
		}
	}
	const { HttpRequest } = benchRequire('n8n-nodes-base/dist/nodes/HttpRequest/HttpRequest.node.js') as {
		HttpRequest: new () => IVersionedNodeType;
	};
	const { Code } = benchRequire('n8n-nodes-base/dist/nodes/Code/Code.node.js') as { Code: new () => INodeType };
	const httpRequest = new HttpRequest();
	const code = new Code();
	const codeDefault = (code.description as { defaultVersion?: number }).defaultVersion;
	const versions: Record<string, string> = {};
	for (const pkg of ['n8n-nodes-base', '@n8n/task-runner']) versions[pkg] = manifestVersion(path.join(BENCH_MODULES, pkg));
	for (const pkg of ['n8n-workflow', 'n8n-core']) versions[pkg] = manifestVersion(path.join(ROOT, 'node_modules', pkg));
	return {
		httpRequest,
		code,
		httpRequestVersion: httpRequest.description.defaultVersion ?? httpRequest.currentVersion,
		codeVersion: codeDefault ?? 2,
		versions,
	};
}
