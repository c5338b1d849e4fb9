#!/usr/bin/env node
// npm run release -- <patch | minor | major | X.Y.Z> [--dry-run]
//
// Bumps the version in package.json and package-lock.json, moves CHANGELOG.md's "Unreleased" section into
// a new "[X.Y.Z] - YYYY-MM-DD" section (today, UTC), commits, and tags vX.Y.Z. It pushes nothing: push the
// commit and the tag (git push --follow-tags) and .github/workflows/publish.yml publishes with provenance.
// Works on the git repository in the current folder. Node built-ins only.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';

const SEMVER = /^(\d+)\.(\d+)\.(\d+)$/;

function fail(message) {
	console.error(`release: ${message}`);
	process.exit(1);
}

function git(...args) {
	return execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

function compare(a, b) {
	const [x, y] = [a, b].map((v) => SEMVER.exec(v).slice(1).map(Number));
	for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i] - y[i];
	return 0;
}

function nextVersion(current, bump) {
	const [major, minor, patch] = SEMVER.exec(current).slice(1).map(Number);
	if (bump === 'major') return `${major + 1}.0.0`;
	if (bump === 'minor') return `${major}.${minor + 1}.0`;
	if (bump === 'patch') return `${major}.${minor}.${patch + 1}`;
	if (SEMVER.test(bump)) return bump;
	return fail(`"${bump}" is not patch, minor, major or a version like 1.2.3`);
}

/** CHANGELOG.md with Unreleased moved under a new version heading, and the compare links updated. */
function releaseChangelog(text, version, previous, date, repoUrl) {
	const heading = /^## \[Unreleased\][^\n]*\n/m.exec(text);
	if (!heading) fail('CHANGELOG.md has no "## [Unreleased]" section');
	const start = heading.index + heading[0].length;
	const nextSection = text.slice(start).search(/^## \[/m);
	const linksStart = text.slice(start).search(/^\[[^\]]+\]: /m);
	const ends = [nextSection, linksStart].filter((i) => i !== -1);
	const end = ends.length ? start + Math.min(...ends) : text.length;
	const notes = text.slice(start, end).trim();
	if (!notes) fail('the Unreleased section of CHANGELOG.md is empty: say what changed first');
	if (new RegExp(`^## \\[${version.replace(/\./g, '\\.')}\\]`, 'm').test(text))
		fail(`CHANGELOG.md already has a section for ${version}`);
	let out = `${text.slice(0, start)}\n## [${version}] - ${date}\n\n${notes}\n\n${text.slice(end)}`;
	out = out.replace(/^\[Unreleased\]: .*$/m, '').replace(/\n+$/, '\n');
	const links = [`[Unreleased]: ${repoUrl}/compare/v${version}...HEAD`];
	links.push(
		previous
			? `[${version}]: ${repoUrl}/compare/v${previous}...v${version}`
			: `[${version}]: ${repoUrl}/releases/tag/v${version}`,
	);
	// Keep the older version links under the new ones.
	const older = out.match(/^\[\d+\.\d+\.\d+\]: .*$/gm) ?? [];
	out = out.replace(/^\[\d+\.\d+\.\d+\]: .*\n?/gm, '').replace(/\n+$/, '\n');
	return `${out}\n${[...links, ...older].join('\n')}\n`;
}

function main(argv) {
	const dryRun = argv.includes('--dry-run');
	const bump = argv.find((a) => !a.startsWith('--'));
	if (!bump) fail('usage: npm run release -- <patch | minor | major | X.Y.Z> [--dry-run]');
	try {
		git('rev-parse', '--git-dir');
	} catch {
		fail('not inside a git repository');
	}
	if (git('status', '--porcelain'))
		fail('the working tree has uncommitted changes: commit or stash them first');

	const pkgText = readFileSync('package.json', 'utf8');
	const pkg = JSON.parse(pkgText);
	const current = pkg.version;
	if (!SEMVER.test(current)) fail(`package.json version "${current}" is not X.Y.Z`);
	const tags = git('tag', '--list', 'v*').split('\n').filter(Boolean);
	// The current version counts as released once its tag exists; an untagged one can be released as is.
	const currentReleased = tags.includes(`v${current}`);
	const version = nextVersion(current, bump);
	const order = compare(version, current);
	if (order < 0 || (order === 0 && currentReleased))
		fail(`${version} is not newer than the released ${current}`);
	if (tags.includes(`v${version}`)) fail(`tag v${version} already exists`);
	const released = tags
		.map((t) => t.slice(1))
		.filter((v) => SEMVER.test(v) && compare(v, version) < 0)
		.sort(compare);
	const previous = released.at(-1);

	const repoUrl = String(pkg.repository?.url ?? pkg.repository ?? '')
		.replace(/^git\+/, '')
		.replace(/\.git$/, '');
	if (!/^https:\/\//.test(repoUrl))
		fail('package.json has no https repository url for the changelog links');
	const date = new Date().toISOString().slice(0, 10);
	const changelog = releaseChangelog(
		readFileSync('CHANGELOG.md', 'utf8'),
		version,
		previous,
		date,
		repoUrl,
	);

	if (dryRun) {
		console.log(
			`release: would release ${version} (${date}), previous ${previous ?? 'none'}\n\n${changelog}`,
		);
		return;
	}
	writeFileSync('CHANGELOG.md', changelog);
	writeFileSync('package.json', pkgText.replace(/("version":\s*")[^"]+(")/, `$1${version}$2`));
	const lock = JSON.parse(readFileSync('package-lock.json', 'utf8'));
	lock.version = version;
	if (lock.packages?.['']) lock.packages[''].version = version;
	writeFileSync('package-lock.json', `${JSON.stringify(lock, null, 2)}\n`);
	git('add', 'package.json', 'package-lock.json', 'CHANGELOG.md');
	git('commit', '-m', `Release v${version}`);
	git('tag', '-a', `v${version}`, '-m', `v${version}`);
	console.log(`release: committed and tagged v${version}. Publish it with: git push --follow-tags`);
}

main(process.argv.slice(2));
