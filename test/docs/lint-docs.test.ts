/**
 * scripts/lint-docs.mjs (part of `npm run lint`) on a temporary copy of the repository: it passes on the copy as
 * it is, and fails naming the problem when a named path or a link does not exist or a generated section no longer
 * matches the artifact it comes from; `--write` (`npm run docs:sections`) brings the section back in line.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const repo = path.resolve(__dirname, '../..');
const script = path.join(repo, 'scripts', 'lint-docs.mjs');
const skip = new Set([
	'node_modules',
	'.git',
	'dist',
	'build',
	'.runtime',
	'test-artifacts',
	'coverage',
]);
let copy: string;

function lint(...args: string[]): { code: number | null; out: string } {
	const r = spawnSync(process.execPath, [script, '--root', copy, ...args], { encoding: 'utf8' });
	return { code: r.status, out: r.stdout + r.stderr };
}

function edit(file: string, change: (text: string) => string): void {
	const abs = path.join(copy, file);
	fs.writeFileSync(abs, change(fs.readFileSync(abs, 'utf8')));
}

beforeEach(() => {
	copy = fs.mkdtempSync(path.join(os.tmpdir(), 'lint-docs-'));
	fs.cpSync(repo, copy, {
		recursive: true,
		filter: (src) => !skip.has(path.basename(src)) || path.dirname(src) !== repo,
	});
});

afterEach(() => fs.rmSync(copy, { recursive: true, force: true }));

test('passes on the repository as it is', () => {
	const r = lint();
	expect(r.out).toMatch(/lint-docs: \d+ documents ok/);
	expect(r.code).toBe(0);
});

test('fails when a path named in backticks does not exist', () => {
	edit('README.md', (t) => `${t}\nSee \`nodes/Assistable/shared/directory.ts\` and \`gone.ts\`.\n`);
	const r = lint();
	expect(r.code).toBe(1);
	expect(r.out).toContain('`nodes/Assistable/shared/directory.ts` does not exist');
	expect(r.out).toContain('`gone.ts`: no file of that name in the repository');
});

test('fails when a file a page names is renamed', () => {
	fs.renameSync(path.join(copy, 'scripts/release.mjs'), path.join(copy, 'scripts/ship.mjs'));
	const r = lint();
	expect(r.code).toBe(1);
	expect(r.out).toMatch(/docs\/releasing\.md:\d+: .*release\.mjs/);
});

test('fails on a relative link to a missing file or heading', () => {
	edit(
		'docs/sandbox.md',
		(t) => `${t}\n[gone](missing.md) and [no heading](../README.md#no-such-heading)\n`,
	);
	const r = lint();
	expect(r.code).toBe(1);
	expect(r.out).toContain('link to missing.md: docs/missing.md does not exist');
	expect(r.out).toContain('no heading "#no-such-heading" in README.md');
});

test('fails when a generated section is stale, and --write refreshes it', () => {
	edit('bench/DEFAULTS.md', (t) => t.replace(/\| 0 \|\n/, '| 1 |\n'));
	const r = lint();
	expect(r.code).toBe(1);
	expect(r.out).toMatch(
		/docs\/concurrency\.md:\d+: generated section from bench\/DEFAULTS\.md#table-1 is stale/,
	);

	expect(lint('--write').code).toBe(0);
	// The first table of the artifact, as the section quotes it.
	const lines = fs.readFileSync(path.join(copy, 'bench/DEFAULTS.md'), 'utf8').split('\n');
	const start = lines.findIndex((l) => l.startsWith('|'));
	const end = lines.findIndex((l, i) => i > start && !l.startsWith('|'));
	const firstTable = lines.slice(start, end).join('\n');
	expect(firstTable).toContain('| 1 |');
	expect(fs.readFileSync(path.join(copy, 'docs/concurrency.md'), 'utf8')).toContain(firstTable);
	expect(lint().code).toBe(0);
});
