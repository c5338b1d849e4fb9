const fs = require('fs');
const path = require('path');
const { task, src, dest } = require('gulp');

// Copies the SVG icons next to the compiled code, where the `file:` icon paths point.
task('build:icons', () =>
	src(path.join('icons', '*.svg'), { encoding: false }).pipe(dest(path.join('dist', 'icons'))),
);

// Bundles each node into one file, so its dev dependencies (libphonenumber-js) ship inside dist: n8n allows
// no runtime dependencies. Only n8n-workflow and luxon (both provided by n8n) stay outside. tsc's separate
// files for nodes/ are removed, so the package holds no import the bundle does not resolve.
task('build:bundle', async () => {
	const esbuild = require('esbuild');
	const nodesDir = path.join('dist', 'nodes');
	for (const file of fs.readdirSync(nodesDir, { recursive: true, encoding: 'utf8' })) {
		if (/\.js(\.map)?$/.test(file)) fs.rmSync(path.join(nodesDir, file));
	}
	await esbuild.build({
		entryPoints: {
			'Assistable/Assistable.node': path.join('nodes', 'Assistable', 'Assistable.node.ts'),
			'AssistableTrigger/AssistableTrigger.node': path.join(
				'nodes',
				'AssistableTrigger',
				'AssistableTrigger.node.ts',
			),
		},
		outdir: nodesDir,
		bundle: true,
		platform: 'node',
		format: 'cjs',
		target: 'node20',
		external: ['n8n-workflow', 'luxon'],
		sourcemap: true,
		sourcesContent: false,
		legalComments: 'inline',
		logLevel: 'warning',
	});
});
