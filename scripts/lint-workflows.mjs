// Validates every GitHub Actions workflow in .github/workflows against the workflow schema
// (@action-validator/cli), so a broken workflow file fails `npm run lint`, not the first release; and checks
// that only publish.yml publishes, on version tags, with provenance.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const dir = new URL('../.github/workflows/', import.meta.url).pathname;
const files = readdirSync(dir)
	.filter((f) => /\.ya?ml$/.test(f))
	.sort();
if (files.length === 0) {
	console.error(`lint-workflows: no workflow files in ${dir}`);
	process.exit(1);
}
const cli = createRequire(import.meta.url).resolve('@action-validator/cli/cli.mjs');
let failed = 0;
for (const file of files) {
	const r = spawnSync(process.execPath, [cli, join(dir, file)], { encoding: 'utf8' });
	if (r.status === 0) {
		console.log(`lint-workflows: .github/workflows/${file} ok`);
	} else {
		failed++;
		console.error(
			`lint-workflows: .github/workflows/${file} is not a valid workflow:\n${r.stdout}${r.stderr}`,
		);
	}
}
// Releases: only publish.yml publishes, and only with provenance from an OIDC token.
for (const file of files) {
	const text = readFileSync(join(dir, file), 'utf8');
	const publishes = /npm publish/.test(text);
	const problems = [];
	if (publishes && file !== 'publish.yml')
		problems.push('runs npm publish; only publish.yml may publish');
	if (file === 'publish.yml') {
		if (!/npm publish --provenance --access public/.test(text))
			problems.push('must run `npm publish --provenance --access public`');
		if (!/^\s+id-token: write\s*$/m.test(text))
			problems.push('needs `permissions: id-token: write` for provenance');
		if (!/^\s+tags:\s*\n\s+- 'v\*'/m.test(text))
			problems.push("must run on version tags only (`on: push: tags: ['v*']`)");
	}
	for (const problem of problems) {
		failed++;
		console.error(`lint-workflows: .github/workflows/${file} ${problem}`);
	}
}
process.exit(failed ? 1 : 0);
