/**
 * What the concurrent-execution defaults cost (`npm run bench:defaults`, also run by `npm run bench`): Re-Check
 * Tags After Write and the duplicate check after a create, on against off, in one run against the sandbox with
 * latency (in this process, through n8n-core's WorkflowExecute, as the workflow tests do).
 *
 *   node build/bench/defaults-cost.js [--latency 20] [--out bench/DEFAULTS.md] [--baseline DIR]
 *
 * --baseline DIR adds another build (DIR/test/harness/workflow.js, e.g. the previous commit's `build/`) to the
 * one-webhook-at-a-time table, its executions interleaved with this checkout's in the same run.
 *
 * Workloads: a webhook burst (50 executions at once, one item each, appending a tag to one contact); 50 Create
 * or Update executions at once, half existing emails, half new; a bulk run (1000 appends on 200 contacts in one
 * execution, Concurrency 5). Reported: requests per item, wall time, tags lost, duplicates. Then one
 * webhook at a time: the median execution of sequential one-item appends, on against off.
 */
process.env.N8N_LOG_LEVEL ??= 'silent';

import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { IDataObject } from 'n8n-workflow';

import type { Sandbox } from '../sandbox/server';
import { DEMO_LOCATION_ID, startSandbox } from '../sandbox/server';
import { runAssistable } from '../test/harness/workflow';
import { contactId, contactSeed, EXISTING_TAG } from './lib/workloads';

const KEY = 'asst_bench_defaults_key';
const LOC = DEMO_LOCATION_ID;
const SINGLE_RUNS = 31;

interface Row {
	workload: string;
	checks: 'on' | 'off';
	items: number;
	requests: number;
	byRoute: Record<string, number>;
	wallMs: number;
	tagsLost: number;
	duplicates: number;
	failedItems: number;
}

function args(): { latencyMs: number; out?: string; baseline?: string } {
	const argv = process.argv.slice(2);
	const at = (flag: string) => (argv.includes(flag) ? argv[argv.indexOf(flag) + 1] : undefined);
	const baseline = at('--baseline');
	return {
		latencyMs: Number(at('--latency') ?? 20),
		out: at('--out'),
		baseline: baseline && path.resolve(baseline),
	};
}

async function measure(
	sandbox: Sandbox,
	workload: string,
	checks: boolean,
	run: (options: IDataObject) => Promise<IDataObject[][]>,
) {
	sandbox.clearRequests();
	const started = performance.now();
	const outputs = await run({ recheckTags: checks });
	const wallMs = performance.now() - started;
	const byRoute: Record<string, number> = {};
	for (const r of sandbox.requests) byRoute[r.route] = (byRoute[r.route] ?? 0) + 1;
	const failedItems = outputs.flat().filter((json) => 'error' in json).length;
	return {
		workload,
		checks: checks ? 'on' : 'off',
		items: outputs.length,
		requests: sandbox.requests.length,
		byRoute,
		wallMs,
		failedItems,
	} as const;
}

async function main(): Promise<void> {
	const { latencyMs, out, baseline } = args();
	const sandbox = await startSandbox({
		keys: [{ key: KEY, locations: '*' }],
		behaviour: { latencyMs },
	});
	const credentials = { apiKey: KEY, baseUrl: sandbox.url };
	const execute = (
		operation: string,
		parameters: IDataObject,
		items: IDataObject[],
		options: IDataObject,
		run: typeof runAssistable = runAssistable,
	) =>
		run({
			items,
			parameters: { resource: 'contact', operation, ...parameters, options } as never,
			credentials,
			onError: 'continueRegularOutput',
		}).then((run) => run.items.map((item) => item.json));
	const rows: Row[] = [];

	for (const checks of [true, false]) {
		// Webhook burst: 50 executions at once, each appending its own tag to one contact.
		sandbox.reset(contactSeed(1));
		const burst = await measure(
			sandbox,
			'50 executions × 1 append, one contact',
			checks,
			(options) =>
				Promise.all(
					Array.from({ length: 50 }, (_, i) =>
						execute(
							'update',
							{ contactId: contactId(0), updateFields: { tags: `t${i}` } },
							[{}],
							options,
						),
					),
				),
		);
		const tags = sandbox.getContact(contactId(0))!.tags;
		rows.push({
			...burst,
			tagsLost:
				Array.from({ length: 50 }, (_, i) => `t${i}`).filter((t) => !tags.includes(t)).length +
				(tags.includes(EXISTING_TAG) ? 0 : 1),
			duplicates: 0,
		});

		// Create or Update burst: 50 executions at once, 25 existing emails, 25 new ones.
		sandbox.reset(contactSeed(25).map((c, i) => ({ ...c, email: `known${i}@example.com` })));
		const upserts = await measure(
			sandbox,
			'50 executions × 1 Create or Update (25 new)',
			checks,
			(options) =>
				Promise.all(
					Array.from({ length: 50 }, (_, i) =>
						execute(
							'upsert',
							{
								locationId: LOC,
								matchEmail: i % 2 ? `known${i >> 1}@example.com` : `new${i >> 1}@example.com`,
								contactFields: { tags: 'signup' },
							},
							[{}],
							options,
						),
					),
				),
		);
		const emails = sandbox.listContacts(LOC).map((c) => c.email);
		rows.push({ ...upserts, tagsLost: 0, duplicates: emails.length - new Set(emails).size });

		// Bulk: 1000 appends on 200 contacts in one execution.
		sandbox.reset(contactSeed(200));
		const items = Array.from({ length: 1000 }, (_, i) => ({
			id: contactId(i % 200),
			tag: `event-${Math.floor(i / 200)}`,
		}));
		const bulk = await measure(
			sandbox,
			'1 execution × 1000 appends, 200 contacts',
			checks,
			async (options) => [
				await execute(
					'update',
					{ contactId: '={{ $json.id }}', updateFields: { tags: '={{ $json.tag }}' } },
					items,
					{ ...options, concurrency: 5 },
				),
			],
		);
		let lost = 0;
		for (let c = 0; c < 200; c++) {
			const have = sandbox.getContact(contactId(c))!.tags;
			lost += [EXISTING_TAG, ...Array.from({ length: 5 }, (_, r) => `event-${r}`)].filter(
				(t) => !have.includes(t),
			).length;
		}
		rows.push({ ...bulk, items: 1000, tagsLost: lost, duplicates: 0 });
	}

	// One form submission at a time: sequential one-item executions, each appending a tag; the
	// configurations take turns, each on a contact of its own.
	const configs: Array<{ label: string; checks: boolean; run: typeof runAssistable }> = [
		{ label: 'on', checks: true, run: runAssistable },
		{ label: 'off', checks: false, run: runAssistable },
	];
	if (baseline) {
		const harness = path.join(baseline, 'test/harness/workflow.js');
		const other = ((await import(harness)) as { runAssistable: typeof runAssistable })
			.runAssistable;
		// Labelled by the folder above the build (e.g. a worktree named after its commit).
		const label = `on, ${path.basename(path.dirname(baseline))}`;
		configs.splice(1, 0, { label, checks: true, run: other });
	}
	sandbox.reset(contactSeed(configs.length));
	const times = configs.map(() => [] as number[]);
	for (let i = 0; i < SINGLE_RUNS; i++) {
		for (const [c, config] of configs.entries()) {
			const started = performance.now();
			const [json] = await execute(
				'update',
				{ contactId: contactId(c), updateFields: { tags: `s${i}` } },
				[{}],
				{ recheckTags: config.checks },
				config.run,
			);
			times[c].push(performance.now() - started);
			if ('error' in json) throw new Error(`single webhook failed: ${String(json.error)}`);
		}
	}
	const single = configs.map((config, c) => {
		const median = times[c].sort((a, b) => a - b)[Math.floor(SINGLE_RUNS / 2)];
		return `| ${config.label} | ${Math.round(median)} | ${(median / (2 * latencyMs)).toFixed(2)} |`;
	});
	await sandbox.close();

	const table = [
		`Latency ${latencyMs} ms per request (sandbox in this process), one run. Re-Check Tags After Write on (the default) and off; the duplicate check after a Create or Update creates is always on.`,
		'',
		'| workload | Re-Check Tags | requests / item | requests by route | wall ms | wall on / off | tags lost | duplicates | failed items |',
		'|---|---|---|---|---|---|---|---|---|',
		...rows.map((row) => {
			const off = rows.find((r) => r.workload === row.workload && r.checks === 'off')!;
			const ratio = row.checks === 'on' ? (row.wallMs / off.wallMs).toFixed(2) : '';
			const routes = Object.entries(row.byRoute)
				.sort()
				.map(([route, n]) => `${route} ${n}`)
				.join(', ');
			return `| ${row.workload} | ${row.checks} | ${(row.requests / row.items).toFixed(2)} | ${routes} | ${Math.round(row.wallMs)} | ${ratio} | ${row.tagsLost} | ${row.duplicates} | ${row.failedItems} |`;
		}),
		'',
		`One webhook at a time: ${SINGLE_RUNS} sequential executions, each appending one tag to one contact (Update by ID, the defaults); the median execution, and that median over two round trips (2 × ${latencyMs} ms, the read and the write an append needs).`,
		'',
		'| Re-Check Tags | median ms per execution | median / two round trips |',
		'|---|---|---|',
		...single,
	].join('\n');
	process.stdout.write(`${table}\n`);
	if (out)
		writeFileSync(
			out,
			`# What the concurrency defaults cost\n\n\`node build/bench/defaults-cost.js${baseline ? ` --baseline ${baseline}` : ''}\` (${new Date().toISOString().slice(0, 16)} UTC)\n\n${table}\n`,
		);
}

main().catch((error) => {
	process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
	process.exit(1);
});
