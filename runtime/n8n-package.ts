/** Packing this package and installing the tarball into an n8n user folder, as a community install does. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PACKAGE_NAME, prefixedLog } from './basics';
import { repoRoot, runtimeDir } from './install-n8n';
import { run, tail, type Log } from './process';

/** `npm run build` then `npm pack` into `dest` (default `.runtime/pack/`); returns the tarball's absolute path. */
export async function buildAndPack(
	opts: { log?: Log; build?: boolean; dest?: string } = {},
): Promise<string> {
	const log = opts.log ?? prefixedLog('[pack]');
	const root = repoRoot();
	if (opts.build !== false) {
		log('npm run build');
		const b = await run('npm', ['run', 'build'], { cwd: root, log: (l) => log(`  | ${l}`) });
		if (b.code !== 0)
			throw new Error(`npm run build failed (exit ${b.code}):\n${tail(b.stdout + b.stderr)}`);
	}
	const nodeJs = path.join(root, 'dist', 'nodes', 'Assistable', 'Assistable.node.js');
	if (!fs.existsSync(nodeJs)) throw new Error(`The build did not produce ${nodeJs}`);
	const dest = opts.dest ?? path.join(runtimeDir(), 'pack');
	fs.mkdirSync(dest, { recursive: true });
	log(`npm pack --pack-destination ${dest}`);
	const p = await run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', dest], {
		cwd: root,
	});
	if (p.code !== 0) throw new Error(`npm pack failed (exit ${p.code}):\n${tail(p.stderr)}`);
	const start = p.stdout.indexOf('[');
	const info = JSON.parse(p.stdout.slice(start)) as Array<{
		filename: string;
		files: Array<{ path: string }>;
	}>;
	const tgz = path.join(dest, info[0].filename);
	log(`packed ${path.basename(tgz)} (${info[0].files.length} files)`);
	return tgz;
}

/** Makes a throwaway n8n user folder (its `.n8n` lives inside). */
export function makeUserFolder(label: string): string {
	const base = path.join(runtimeDir(), 'tmp');
	fs.mkdirSync(base, { recursive: true });
	return fs.mkdtempSync(path.join(base, `${label}-`));
}

/** Installs the packed tarball into `<userFolder>/.n8n/nodes`, exactly as n8n's community install lays it out. */
export async function installPackage(
	userFolder: string,
	tgz: string,
	opts: { log?: Log } = {},
): Promise<void> {
	const log = opts.log ?? prefixedLog('[install-package]');
	const nodesDir = path.join(userFolder, '.n8n', 'nodes');
	fs.mkdirSync(nodesDir, { recursive: true });
	const pkgJson = path.join(nodesDir, 'package.json');
	if (!fs.existsSync(pkgJson)) {
		fs.writeFileSync(
			pkgJson,
			`${JSON.stringify({ name: 'installed-nodes', private: true }, null, 2)}\n`,
		);
	}
	log(`npm i --omit=peer --ignore-scripts ${path.basename(tgz)} (in ${nodesDir})`);
	const env = { ...process.env };
	for (const key of Object.keys(env)) if (/^npm_config_/i.test(key)) delete env[key];
	const r = await run(
		'npm',
		['i', '--omit=peer', '--ignore-scripts', '--no-audit', '--no-fund', tgz],
		{ cwd: nodesDir, env },
	);
	if (r.code !== 0)
		throw new Error(
			`Installing ${path.basename(tgz)} into ${nodesDir} failed (exit ${r.code}):\n${tail(r.stderr)}`,
		);
	const installed = path.join(nodesDir, 'node_modules', PACKAGE_NAME, 'package.json');
	if (!fs.existsSync(installed)) throw new Error(`npm i finished but ${installed} is missing`);
}
