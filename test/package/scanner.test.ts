/**
 * n8n's community package scanner (@n8n/scan-community-package, the gate of n8n's verification), run
 * offline: its source patterns on this repository, and `**\/*.js` + package.json on the packed tarball.
 * The bundle must need nothing at run time but what n8n provides (n8n-workflow, luxon).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const root = path.resolve(__dirname, '../..');
const scanner = path.join(root, 'node_modules/@n8n/scan-community-package/scanner/scanner.mjs');

/** analyzePackage is ESM only: run it in a child process and read its result. */
function analyze(
	dir: string,
	patterns: string[] | 'source',
): { passed: boolean; message?: string; details?: string } {
	const script = [
		`import { analyzePackage, SOURCE_FILE_PATTERNS } from ${JSON.stringify(scanner)};`,
		`const patterns = ${patterns === 'source' ? 'SOURCE_FILE_PATTERNS' : JSON.stringify(patterns)};`,
		`const result = await analyzePackage(${JSON.stringify(dir)}, patterns);`,
		'process.stdout.write(JSON.stringify({ passed: result.passed, message: result.message, details: result.details }));',
	].join('\n');
	// Without jest's NODE_ENV=test, under which eslint-plugin-n8n-nodes-base treats every file as a trigger node.
	const env = { ...process.env };
	delete env.NODE_ENV;
	const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
		cwd: root,
		env,
		encoding: 'utf8',
		maxBuffer: 16 * 1024 * 1024,
	});
	return JSON.parse(out);
}

describe('community package scanner', () => {
	let unpacked: string;
	let work: string;

	beforeAll(() => {
		expect(existsSync(path.join(root, 'dist/nodes/Assistable/Assistable.node.js'))).toBe(true);
		work = mkdtempSync(path.join(tmpdir(), 'assistable-pack-'));
		execFileSync('npm', ['pack', '--silent', '--ignore-scripts', '--pack-destination', work], {
			cwd: root,
			encoding: 'utf8',
		});
		const tarball = readdirSync(work).find((file) => file.endsWith('.tgz'))!;
		unpacked = path.join(work, 'package');
		execFileSync('tar', ['-xzf', path.join(work, tarball), '-C', work]);
	}, 60_000);
	afterAll(() => rmSync(work, { recursive: true, force: true }));

	it('finds nothing in the source (package.json, nodes/, credentials/)', () => {
		const result = analyze(root, 'source');
		expect(result.details ?? '').toBe('');
		expect(result.passed).toBe(true);
	}, 120_000);

	it('finds nothing in the packed tarball (**/*.js and package.json)', () => {
		expect(existsSync(path.join(unpacked, 'dist/nodes/Assistable/Assistable.node.js'))).toBe(true);
		const result = analyze(unpacked, ['**/*.js', 'package.json']);
		expect(result.details ?? '').toBe('');
		expect(result.passed).toBe(true);
	}, 120_000);

	it('ships the phone library inside the bundle: the only modules required are the ones n8n provides', () => {
		const files = readdirSync(path.join(unpacked, 'dist'), {
			recursive: true,
			encoding: 'utf8',
		}).filter((file) => file.endsWith('.js'));
		expect(files.sort()).toEqual([
			'credentials/AssistableApi.credentials.js',
			'credentials/AssistableWebhookApi.credentials.js',
			'nodes/Assistable/Assistable.node.js',
			'nodes/AssistableTrigger/AssistableTrigger.node.js',
		]);
		const required = new Set<string>();
		for (const file of files) {
			const code = readFileSync(path.join(unpacked, 'dist', file), 'utf8');
			for (const match of code.matchAll(/require\(["']([^"']+)["']\)/g)) required.add(match[1]);
		}
		// crypto: Node's built-in, on the verification allow-list (hashes the API key into a pacing scope;
		// the trigger compares webhook secrets in constant time).
		expect([...required].sort()).toEqual(['crypto', 'luxon', 'n8n-workflow']);
		const pkg = JSON.parse(readFileSync(path.join(unpacked, 'package.json'), 'utf8'));
		expect(pkg.dependencies).toBeUndefined();
	});
});
