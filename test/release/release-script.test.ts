/**
 * `npm run release` (scripts/release.mjs) on a throwaway git repository: what a maintainer checks afterwards is
 * the commit, the tag, package.json / package-lock.json versions and the CHANGELOG sections.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const root = path.resolve(__dirname, '../..');
const script = path.join(root, 'scripts', 'release.mjs');
const gitEnv = {
	...process.env,
	GIT_AUTHOR_NAME: 'Test',
	GIT_AUTHOR_EMAIL: 't@example.com',
	GIT_COMMITTER_NAME: 'Test',
	GIT_COMMITTER_EMAIL: 't@example.com',
};
const repoUrl = 'https://github.com/assistable-community/n8n-nodes-assistable';

let dir: string;
const git = (...args: string[]) =>
	execFileSync('git', args, { cwd: dir, env: gitEnv, encoding: 'utf8' }).trim();
const release = (...args: string[]) =>
	spawnSync(process.execPath, [script, ...args], { cwd: dir, env: gitEnv, encoding: 'utf8' });
const read = (file: string) => fs.readFileSync(path.join(dir, file), 'utf8');

beforeEach(() => {
	dir = fs.mkdtempSync(path.join(os.tmpdir(), 'release-test-'));
	git('init', '-q', '-b', 'main');
	const pkg = {
		name: 'n8n-nodes-assistable',
		version: '0.1.0',
		repository: { type: 'git', url: `git+${repoUrl}.git` },
	};
	fs.writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
	fs.writeFileSync(
		path.join(dir, 'package-lock.json'),
		`${JSON.stringify({ name: pkg.name, version: '0.1.0', lockfileVersion: 3, packages: { '': { name: pkg.name, version: '0.1.0' } } }, null, 2)}\n`,
	);
	// The repository's own changelog, so its format is what the script is tested on.
	fs.copyFileSync(path.join(root, 'CHANGELOG.md'), path.join(dir, 'CHANGELOG.md'));
	git('add', '-A');
	git('commit', '-qm', 'init');
});

afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

test('first release of the untagged version, then a patch: commits, tags, dated sections, compare links', () => {
	const today = new Date().toISOString().slice(0, 10);
	const unreleased = /## \[Unreleased\]\n\n([\s\S]*?)\n\n\[Unreleased\]/.exec(
		read('CHANGELOG.md'),
	)?.[1];
	expect(unreleased).toMatch(/### Added/);

	const first = release('0.1.0');
	expect(first.stderr).toBe('');
	expect(first.status).toBe(0);
	expect(git('tag', '--list')).toBe('v0.1.0');
	expect(git('log', '-1', '--format=%s')).toBe('Release v0.1.0');
	expect(git('status', '--porcelain')).toBe('');
	let changelog = read('CHANGELOG.md');
	expect(changelog).toContain(`## [Unreleased]\n\n## [0.1.0] - ${today}\n\n${unreleased}`);
	expect(changelog).toContain(`[Unreleased]: ${repoUrl}/compare/v0.1.0...HEAD`);
	expect(changelog).toContain(`[0.1.0]: ${repoUrl}/releases/tag/v0.1.0`);

	// Nothing new under Unreleased: refused, nothing changes.
	const empty = release('patch');
	expect(empty.status).toBe(1);
	expect(empty.stderr).toMatch(/Unreleased section of CHANGELOG.md is empty/);
	expect(git('tag', '--list')).toBe('v0.1.0');

	fs.writeFileSync(
		path.join(dir, 'CHANGELOG.md'),
		changelog.replace('## [Unreleased]\n', '## [Unreleased]\n\n### Fixed\n- A fix.\n'),
	);
	git('commit', '-qam', 'notes');
	const patch = release('patch');
	expect(patch.status).toBe(0);
	expect(git('tag', '--list').split('\n')).toEqual(['v0.1.0', 'v0.1.1']);
	expect(JSON.parse(read('package.json')).version).toBe('0.1.1');
	const lock = JSON.parse(read('package-lock.json'));
	expect([lock.version, lock.packages[''].version]).toEqual(['0.1.1', '0.1.1']);
	changelog = read('CHANGELOG.md');
	expect(changelog).toContain(
		`## [Unreleased]\n\n## [0.1.1] - ${today}\n\n### Fixed\n- A fix.\n\n## [0.1.0] - ${today}`,
	);
	expect(changelog).toContain(`[Unreleased]: ${repoUrl}/compare/v0.1.1...HEAD`);
	expect(changelog).toContain(`[0.1.1]: ${repoUrl}/compare/v0.1.0...v0.1.1`);
	expect(changelog).toContain(`[0.1.0]: ${repoUrl}/releases/tag/v0.1.0`);
	expect(changelog.match(/^\[Unreleased\]:/gm)).toHaveLength(1);
});

test('refuses a dirty working tree, an older version and a bad argument, and changes nothing', () => {
	fs.writeFileSync(path.join(dir, 'stray.txt'), 'x');
	expect(release('patch').stderr).toMatch(/uncommitted changes/);
	fs.rmSync(path.join(dir, 'stray.txt'));
	expect(release('0.0.9').stderr).toMatch(/0\.0\.9 is not newer than the released 0\.1\.0/);
	expect(release('next').stderr).toMatch(/"next" is not patch, minor, major or a version/);
	expect(git('tag', '--list')).toBe('');
	expect(git('log', '--format=%s')).toBe('init');
});
