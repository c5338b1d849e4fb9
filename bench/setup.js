#!/usr/bin/env node
/**
 * Installs the benchmark's own dependencies (n8n-nodes-base and @n8n/task-runner, for the HTTP Request route)
 * into bench/node_modules, once. Idempotent: does nothing when the install matches bench/package.json and
 * bench/package-lock.json and still checks out. `--force` reinstalls.
 *
 * They are NOT dependencies of the published package. n8n-workflow and n8n-core are not installed here:
 * bench/package.json overrides both with bench/shim/*, which re-export the root's copies, so the n8n nodes
 * loaded by the benchmark share the single n8n-workflow / n8n-core of the root (instanceof checks, errors).
 * Install scripts are skipped (--ignore-scripts, and denied in "allowScripts"): none is needed here, and some
 * (isolated-vm, @confluentinc/kafka-javascript, oracledb, ...) build natively or download binaries.
 */
'use strict';
const { spawn, spawnSync } = require('node:child_process');
const { createHash } = require('node:crypto');
const fs = require('node:fs');
const { createRequire } = require('node:module');
const path = require('node:path');

const BENCH = __dirname;
const ROOT = path.dirname(BENCH);
const MODULES = path.join(BENCH, 'node_modules');
const MARKER = path.join(MODULES, '.bench-setup.json');
const PINNED = { 'n8n-nodes-base': '2.41.1', '@n8n/task-runner': '2.41.1' };
const SHARED = ['n8n-workflow', 'n8n-core'];

const say = (msg) => process.stdout.write(`bench/setup: ${msg}\n`);
const fail = (msg) => {
	process.stderr.write(`bench/setup: ${msg}\n`);
	process.exit(1);
};

function fingerprint() {
	const hash = createHash('sha256');
	for (const file of ['package.json', 'package-lock.json', 'shim/n8n-workflow/index.js', 'shim/n8n-core/index.js']) {
		const full = path.join(BENCH, file);
		hash.update(file).update(fs.existsSync(full) ? fs.readFileSync(full) : '');
	}
	return hash.digest('hex');
}

/** Returns a list of problems with the current install (empty when usable). */
function verify() {
	const problems = [];
	const rootRequire = createRequire(path.join(ROOT, 'package.json'));
	for (const [name, version] of Object.entries(PINNED)) {
		const manifest = path.join(MODULES, name, 'package.json');
		if (!fs.existsSync(manifest)) {
			problems.push(`${name} is not installed`);
			continue;
		}
		const got = JSON.parse(fs.readFileSync(manifest, 'utf8')).version;
		if (got !== version) problems.push(`${name} is ${got}, want ${version}`);
	}
	if (problems.length) return problems;
	const from = {
		'n8n-nodes-base': createRequire(path.join(MODULES, 'n8n-nodes-base', 'dist', 'nodes', 'HttpRequest', 'HttpRequest.node.js')),
		'@n8n/task-runner': createRequire(path.join(MODULES, '@n8n', 'task-runner', 'dist', 'index.js')),
	};
	process.env.N8N_LOG_LEVEL = process.env.N8N_LOG_LEVEL || 'silent';
	for (const shared of SHARED) {
		const rootCopy = rootRequire(shared);
		for (const [name, req] of Object.entries(from)) {
			if (req(shared) !== rootCopy) problems.push(`${name} resolves its own ${shared} (${req.resolve(shared)}), not the root's`);
		}
	}
	return problems;
}

function npmCommand() {
	// Under `npm run`, npm_execpath is npm's own CLI: use the same npm.
	const execPath = process.env.npm_execpath;
	if (execPath && /npm-cli\.js$/.test(execPath)) return { cmd: process.execPath, pre: [execPath] };
	return { cmd: process.platform === 'win32' ? 'npm.cmd' : 'npm', pre: [] };
}

/** The environment for the nested npm: none of the outer `npm run`'s project settings. */
function npmEnv() {
	const env = { ...process.env };
	for (const key of Object.keys(env)) {
		if (/^npm_(package_|lifecycle_|config_local_prefix$|config_prefix$)/i.test(key)) delete env[key];
	}
	return env;
}

function run(args, { quiet = false } = {}) {
	const { cmd, pre } = npmCommand();
	return spawnSync(cmd, [...pre, ...args], { cwd: BENCH, env: npmEnv(), encoding: 'utf8', stdio: quiet ? 'pipe' : 'inherit' });
}

async function install() {
	const lock = path.join(BENCH, 'package-lock.json');
	const packages = fs.existsSync(lock) ? Object.keys(JSON.parse(fs.readFileSync(lock, 'utf8')).packages ?? {}).length - 1 : undefined;
	const args = [
		fs.existsSync(lock) ? 'ci' : 'install',
		'--prefix', BENCH, '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=http',
	];
	say(`npm ${args.join(' ')}${packages ? ` (${packages} packages, ~750 MB; a few minutes the first time)` : ''}`);
	const { cmd, pre } = npmCommand();
	const started = Date.now();
	const child = spawn(cmd, [...pre, ...args], { cwd: BENCH, env: npmEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
	say('resolving the tree…');
	let fetched = 0, lastShown = 0, tail = '';
	const engines = new Set();
	const onData = (chunk) => {
		const text = chunk.toString();
		tail = (tail + text).slice(-6000);
		fetched += (text.match(/npm http (fetch GET 200|cache) \S+\.tgz/g) ?? []).length;
		if (fetched - lastShown >= 50 || (Date.now() - started > 0 && /added \d+ packages/.test(text))) {
			lastShown = fetched;
			say(`${fetched}${packages ? `/${packages}` : ''} packages fetched (${Math.round((Date.now() - started) / 1000)} s)`);
		}
		for (const m of text.matchAll(/package: '([^']+)'/g)) engines.add(m[1]);
		for (const line of text.split('\n')) {
			if (/^(added|removed|changed) \d+ packages|npm (warn|error) (?!deprecated|EBADENGINE)/.test(line)) say(line.trim());
		}
	};
	child.stdout.on('data', onData);
	child.stderr.on('data', onData);
	const code = await new Promise((resolve) => child.on('close', resolve));
	if (code !== 0) fail(`npm exited with ${code}:\n${tail}`);
	if (engines.size) say(`note: ${engines.size} packages ask for a newer Node than ${process.version} (npm EBADENGINE warnings); the benchmark does not load them`);
	say(`installed in ${Math.round((Date.now() - started) / 1000)} s`);
}

async function main() {
	const force = process.argv.includes('--force');
	for (const shared of SHARED) {
		if (!fs.existsSync(path.join(ROOT, 'node_modules', shared, 'package.json'))) fail(`the root has no ${shared}: run \`npm ci\` in ${ROOT} first`);
	}
	const want = fingerprint();
	if (!force && fs.existsSync(MARKER)) {
		const marker = JSON.parse(fs.readFileSync(MARKER, 'utf8'));
		if (marker.fingerprint === want) {
			const problems = verify();
			if (!problems.length) {
				say(`already set up (${Object.entries(PINNED).map(([n, v]) => `${n}@${v}`).join(', ')}; sharing the root's ${SHARED.join(' and ')})`);
				return;
			}
			say(`reinstalling: ${problems.join('; ')}`);
		}
	}
	const spec = `n8n-nodes-base@${PINNED['n8n-nodes-base']}`;
	const view = run(['view', spec, 'version'], { quiet: true });
	if (view.status !== 0 || view.stdout.trim() !== PINNED['n8n-nodes-base']) {
		fail(`the registry has no ${spec}: ${(view.stderr || view.stdout || '').trim().split('\n').slice(-3).join(' ')}`);
	}
	say(`${spec} is in the registry`);
	await install();
	const problems = verify();
	if (problems.length) fail(`install does not check out:\n- ${problems.join('\n- ')}`);
	fs.writeFileSync(MARKER, JSON.stringify({ fingerprint: want, at: new Date().toISOString(), ...PINNED }, null, 2));
	say(`ready: ${Object.entries(PINNED).map(([n, v]) => `${n}@${v}`).join(', ')}, one copy each of ${SHARED.join(' and ')} (the root's)`);
}

main().catch((error) => fail(error && error.stack ? error.stack : String(error)));
