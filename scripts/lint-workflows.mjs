// Validates every GitHub Actions workflow in .github/workflows against the workflow schema
// (@action-validator/cli), so a broken workflow file fails `npm run lint`, not the first release.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const dir = new URL('../.github/workflows/', import.meta.url).pathname;
const files = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort();
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
		console.error(`lint-workflows: .github/workflows/${file} is not a valid workflow:\n${r.stdout}${r.stderr}`);
	}
}
process.exit(failed ? 1 : 0);
