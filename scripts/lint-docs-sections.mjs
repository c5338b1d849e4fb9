// The generated sections of scripts/lint-docs.mjs (its check 3): the text between
//   <!-- generated from SOURCE#PART by npm run docs:sections ... -->  and  <!-- end generated -->
// must equal what PART of SOURCE gives now (a table or section of an artifact a command writes, such as
// bench/RESULTS.md, or facts read from the code).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The markdown tables of a text, each as its lines. */
function tables(text) {
	const out = [];
	let current;
	for (const line of text.split('\n')) {
		if (line.startsWith('|')) (current ??= []).push(line);
		else if (current) {
			out.push(current);
			current = undefined;
		}
	}
	if (current) out.push(current);
	return out;
}

/** The body of the section whose heading starts with `prefix` (up to the next heading of its level or above). */
function section(text, prefix) {
	const lines = text.split('\n');
	const start = lines.findIndex((l) => /^#+ /.test(l) && l.replace(/^#+ /, '').startsWith(prefix));
	if (start < 0) return undefined;
	const level = /^#+/.exec(lines[start])[0].length;
	let end = lines.findIndex(
		(l, i) => i > start && /^#+ /.test(l) && /^#+/.exec(l)[0].length <= level,
	);
	if (end < 0) end = lines.length;
	return lines.slice(start + 1, end).join('\n');
}

/** A TypeScript `export const NAME = 'text'` (or a number) from a source file. */
function constant(source, name) {
	const m = new RegExp(`export const ${name}(?::[^=]+)? = ('([^']*)'|"([^"]*)"|([\\d_.]+))`).exec(
		source,
	);
	if (!m) throw new Error(`no \`export const ${name}\``);
	return m[2] ?? m[3] ?? m[4];
}

/**
 * What PART of SOURCE gives:
 *   table-N                the N-th table (1-based) of the file
 *   section-N-table-M      the M-th table of the N-th `## ` section
 *   line-N                 the N-th non-empty line after the title (e.g. the run's date and machine)
 *   install-facts          the pinned n8n versions and the first-install estimate, from runtime/install-n8n.ts
 *   targets                the benchmark's targets, met or missed, read from bench/RESULTS.md's tables
 */
function generate(root, sourcePath, part) {
	const file = join(root, sourcePath);
	if (!existsSync(file)) throw new Error(`its source ${sourcePath} does not exist`);
	const text = readFileSync(file, 'utf8');
	let m;
	if ((m = /^table-(\d+)$/.exec(part))) {
		const t = tables(text)[Number(m[1]) - 1];
		if (!t) throw new Error(`${sourcePath} has no table ${m[1]}`);
		return t.join('\n');
	}
	if ((m = /^section-(\d+)-table-(\d+)$/.exec(part))) {
		const heads = text.split('\n').filter((l) => /^## /.test(l));
		const head = heads[Number(m[1]) - 1];
		if (!head) throw new Error(`${sourcePath} has no section ${m[1]}`);
		const t = tables(section(text, head.slice(3)))[Number(m[2]) - 1];
		if (!t) throw new Error(`${sourcePath} section "${head.slice(3)}" has no table ${m[2]}`);
		return t.join('\n');
	}
	if ((m = /^line-(\d+)$/.exec(part))) {
		const lines = text
			.split('\n')
			.filter((l) => l.trim() && !/^# /.test(l))
			.map((l) => l.trim());
		const line = lines[Number(m[1]) - 1];
		if (!line) throw new Error(`${sourcePath} has no line ${m[1]}`);
		return line;
	}
	if (part === 'install-facts') {
		const versions = [...text.matchAll(/^\t'(\d+\.\d+\.\d+)': \{/gm)].map((v) => v[1]);
		const def = constant(text, 'DEFAULT_N8N_VERSION');
		const node24 = constant(
			readFileSync(join(root, 'runtime/node24.ts'), 'utf8'),
			'NODE24_VERSION',
		);
		const estimate = constant(text, 'FIRST_INSTALL_ESTIMATE');
		return [
			`- n8n versions \`npm start\` and the end-to-end tests install: ${versions.map((v) => (v === def ? `**${v}** (default, on Node ${node24} from the npm registry)` : v)).join(', ')}.`,
			`- The first install of n8n ${def} takes ${estimate} (the installer prints the same estimate); later starts reuse it.`,
		].join('\n');
	}
	if (part === 'targets') return targets(text);
	throw new Error(`unknown part "${part}" (table-N, section-N-table-M, line-N, install-facts)`);
}

/** The rows of a markdown table as objects keyed by its header cells. */
function rows(table) {
	const cells = (line) =>
		line
			.split('|')
			.slice(1, -1)
			.map((c) => c.trim());
	const head = cells(table[0]);
	return table.slice(2).map((line) => Object.fromEntries(cells(line).map((c, i) => [head[i], c])));
}

/**
 * The bench's targets, each row met or missed:
 *  - no overhead beyond n8n's own: ours / the HTTP Request route at most 1.00 at the same concurrency (section 1);
 *  - Concurrency Auto, first and next run, within 1.15 of the best fixed setting with under 1 % 429s (section 2).
 * A table or column the bench no longer writes is said, not guessed.
 */
function targets(text) {
	const heads = text.split('\n').filter((l) => /^## /.test(l));
	const tableOf = (n) => tables(section(text, heads[n - 1]?.slice(3) ?? '\0') ?? '')[0];
	const out = [];
	const fixed = tableOf(1);
	const ratio = 'Ours / theirs time';
	if (!fixed || !fixed[0].includes(ratio))
		out.push(`- Section 1 has no "${ratio}" column: see bench/RESULTS.md.`);
	else
		for (const r of rows(fixed).filter((r) => /^\d/.test(r[ratio] ?? ''))) {
			const v = Number(r[ratio]);
			out.push(
				`- ${r.Workload}, ${r.Route.replace(/\*\*/g, '')}: ours / HTTP route ${r[ratio]}, target ≤ 1.00: **${v <= 1 ? 'met' : 'missed'}**`,
			);
		}
	const auto = tableOf(2);
	const rel = 'Time / best fixed';
	if (!auto || !auto[0].includes(rel))
		out.push(`- Section 2 has no "${rel}" column: see bench/RESULTS.md.`);
	else
		for (const r of rows(auto).filter((r) => /Auto/.test(r.Route ?? ''))) {
			const v = Number(r[rel]);
			const share = Number(/\(([\d.]+) %\)/.exec(r['429s'] ?? '')?.[1] ?? NaN);
			const ok = v <= 1.15 && !(share >= 1);
			out.push(
				`- ${r.Sandbox}, ${r.Route.replace(/\*\*/g, '')}: ${r[rel]} × the best fixed setting, 429s ${r['429s'] ?? '?'}, target ≤ 1.15 and < 1 %: **${ok ? 'met' : 'missed'}**`,
			);
		}
	return out.join('\n');
}

const BEGIN = /^<!-- generated from (\S+?)#(\S+) by npm run docs:sections[^>]*-->/;
const END = '<!-- end generated -->';

/** Checks (or rewrites) the generated sections of one document; returns its problems. */
export function generatedSections(doc, text, { root, write }) {
	const problems = [];
	const lines = text.split('\n');
	const out = [];
	for (let i = 0; i < lines.length; i++) {
		out.push(lines[i]);
		const m = BEGIN.exec(lines[i]);
		if (!m) continue;
		const end = lines.findIndex((l, j) => j > i && l.trim() === END);
		if (end < 0) {
			problems.push(`${doc}:${i + 1}: generated section without "${END}"`);
			continue;
		}
		const current = lines.slice(i + 1, end).join('\n');
		let fresh;
		try {
			fresh = generate(root, m[1], m[2]);
		} catch (err) {
			problems.push(`${doc}:${i + 1}: generated section from ${m[1]}#${m[2]}: ${err.message}`);
			fresh = current;
		}
		if (fresh !== current && !write)
			problems.push(
				`${doc}:${i + 1}: generated section from ${m[1]}#${m[2]} is stale: run \`npm run docs:sections\``,
			);
		out.push(...fresh.split('\n'), END);
		i = end;
	}
	return { problems, text: out.join('\n') };
}
