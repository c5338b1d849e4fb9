// Keeps README.md, CONTRIBUTING.md and docs/*.md true to the repository:
//  1. every relative link resolves (a file or folder; a `#anchor` must be a heading of the target page);
//  2. every repository path named in backticks exists (`nodes/Assistable/router.ts`, `test/e2e/`, or a bare
//     file name such as `install-n8n.ts`, which must exist somewhere in the repository);
//  3. every generated section is current: the text between
//       <!-- generated from SOURCE#PART by npm run docs:sections ... -->  and  <!-- end generated -->
//     equals what PART of SOURCE gives now (a table or section of an artifact a command writes, such as
//     bench/RESULTS.md, or facts read from the code): scripts/lint-docs-sections.mjs.
// `node scripts/lint-docs.mjs` checks (part of `npm run lint`); `--write` (`npm run docs:sections`) rewrites
// the generated sections; `--root DIR` runs on another copy of the repository (the test does).
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

import { generatedSections } from './lint-docs-sections.mjs';

const args = process.argv.slice(2);
const write = args.includes('--write');
const rootArg = args.indexOf('--root');
const root = resolve(rootArg >= 0 ? args[rootArg + 1] : new URL('..', import.meta.url).pathname);

/** Git-ignored or generated folders: named in docs (e.g. `.runtime/logs/`) but absent from a fresh clone. */
const IGNORED = new Set([
	'node_modules',
	'.git',
	'dist',
	'build',
	'coverage',
	'.runtime',
	'test-artifacts',
]);

function docFiles() {
	const files = ['README.md', 'CONTRIBUTING.md'].filter((f) => existsSync(join(root, f)));
	const docs = join(root, 'docs');
	if (existsSync(docs))
		for (const f of readdirSync(docs).sort()) if (f.endsWith('.md')) files.push(`docs/${f}`);
	return files;
}

/** Every file name in the repository (outside ignored folders), for bare names like `install-n8n.ts`. */
function allNames() {
	const names = new Set();
	const walk = (dir) => {
		for (const entry of readdirSync(dir, { withFileTypes: true })) {
			if (IGNORED.has(entry.name)) continue;
			names.add(entry.name);
			if (entry.isDirectory()) walk(join(dir, entry.name));
		}
	};
	walk(root);
	return names;
}

// ---------------------------------------------------------------------------------------------------------
// Links and paths

/** GitHub's heading anchors. */
function anchors(text) {
	const seen = new Map();
	const out = new Set();
	for (const line of text.replace(/```[\s\S]*?```/g, '').split('\n')) {
		const h = /^#{1,6} (.+)$/.exec(line);
		if (!h) continue;
		let slug = h[1]
			.replace(/`|\*\*|\[|\]\([^)]*\)/g, '')
			.toLowerCase()
			.replace(/[^\p{L}\p{N} _-]/gu, '')
			.replace(/ /g, '-');
		const n = seen.get(slug) ?? 0;
		seen.set(slug, n + 1);
		if (n) slug = `${slug}-${n}`;
		out.add(slug);
	}
	return out;
}

const PATH_EXT = /\.(ts|js|mjs|cjs|json|md|ya?ml|svg|png)$/;

function checkPaths(doc, text, names) {
	const problems = [];
	const here = dirname(join(root, doc));
	const lines = text.split('\n');
	let fence = false;
	lines.forEach((line, index) => {
		if (/^\s*```/.test(line)) fence = !fence;
		if (fence) return;
		const where = `${doc}:${index + 1}`;
		for (const link of line.matchAll(/\]\(([^)\s]+)\)/g)) {
			const target = link[1];
			if (/^[a-z]+:/i.test(target)) continue;
			const [file, anchor] = target.split('#');
			const abs = file ? resolve(here, file) : join(root, doc);
			if (!existsSync(abs)) {
				problems.push(`${where}: link to ${target}: ${relative(root, abs)} does not exist`);
				continue;
			}
			if (anchor && abs.endsWith('.md') && !anchors(readFileSync(abs, 'utf8')).has(anchor))
				problems.push(
					`${where}: link to ${target}: no heading "#${anchor}" in ${relative(root, abs)}`,
				);
		}
		for (const code of line.matchAll(/`([^`\s]+)`/g)) {
			const token = code[1].replace(/[.,;:]$/, '');
			if (/[<>*{}$=@~()|]|^\.\.?\/?$|^[a-z]+:|^\/|^-/.test(token)) continue;
			const first = token.split('/')[0];
			if (IGNORED.has(first)) continue;
			const topLevel = existsSync(join(root, first)) && token.includes('/');
			if (!topLevel && !PATH_EXT.test(token.replace(/\/$/, ''))) continue;
			if (token.includes('/')) {
				if (!existsSync(join(root, token)) && !existsSync(resolve(here, token)))
					problems.push(`${where}: \`${token}\` does not exist`);
			} else if (!names.has(token)) {
				problems.push(`${where}: \`${token}\`: no file of that name in the repository`);
			}
		}
	});
	return problems;
}

// ---------------------------------------------------------------------------------------------------------

const names = allNames();
const problems = [];
let rewritten = 0;
for (const doc of docFiles()) {
	const text = readFileSync(join(root, doc), 'utf8');
	const gen = generatedSections(doc, text, { root, write });
	problems.push(...gen.problems);
	if (write && gen.text !== text) {
		writeFileSync(join(root, doc), gen.text);
		rewritten++;
	}
	problems.push(...checkPaths(doc, gen.text, names));
}
if (write) console.log(`docs:sections: ${rewritten} file(s) rewritten`);
if (problems.length) {
	console.error(
		`lint-docs: ${problems.length} problem(s):\n${problems.map((p) => `  ${p}`).join('\n')}`,
	);
	process.exit(1);
}
console.log(`lint-docs: ${docFiles().length} documents ok (links, paths, generated sections)`);
