/**
 * What webhook-shaped Create or Update executions cost in location lists: executions of one item each
 * (Create or Update by email, Append Tags), half for emails the location has, half for new ones, run
 * in-process with n8n-core's WorkflowExecute in waves of concurrent executions, against the sandbox
 * seeded with one large location and given latency.
 *
 *   npm run bench:lists -- [--contacts 5000] [--executions 100] [--wave 10] [--latency 20]
 *                          [--pause MS] [--build DIR] [--out FILE]
 *
 * --build DIR runs the node of another build (e.g. main's: DIR/test/harness/workflow.js), to compare.
 * Exit code 1 when an execution failed, a contact was created twice or a tag was lost.
 */
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';

import type { Contact } from '../sandbox/server';
import { DEMO_LOCATION_ID, startSandbox } from '../sandbox/server';

type Harness = typeof import('../test/harness/workflow');

interface Options {
	contacts: number;
	executions: number;
	wave: number;
	latencyMs: number;
	pauseMs: number;
	build?: string;
	out?: string;
}

const KEY = 'asst_bench_lists_key_7f3a';
const LOC = DEMO_LOCATION_ID;
const EXISTING_TAG = 'existing';

function die(message: string): never {
	process.stderr.write(
		`${message}\nusage: node build/bench/location-lists.js [--contacts N] [--executions N] [--wave N] [--latency MS] [--pause MS] [--build DIR] [--out FILE]\n`,
	);
	process.exit(2);
}

function parseArgs(argv: string[]): Options {
	const options: Options = { contacts: 5000, executions: 100, wave: 10, latencyMs: 20, pauseMs: 0 };
	const int = (flag: string, value: string | undefined, min: number) => {
		if (value === undefined || !/^\d+$/.test(value) || Number(value) < min)
			die(`${flag} needs a whole number >= ${min}`);
		return Number(value);
	};
	for (let i = 0; i < argv.length; i++) {
		const flag = argv[i];
		const value = argv[i + 1];
		if (flag === '--contacts') options.contacts = int(flag, value, 1);
		else if (flag === '--executions') options.executions = int(flag, value, 2);
		else if (flag === '--wave') options.wave = int(flag, value, 1);
		else if (flag === '--latency') options.latencyMs = int(flag, value, 0);
		else if (flag === '--pause') options.pauseMs = int(flag, value, 0);
		else if (flag === '--build' && value) options.build = path.resolve(value);
		else if (flag === '--out' && value) options.out = value;
		else die(`unknown argument ${flag}`);
		i++;
	}
	if (options.executions / 2 > options.contacts)
		die('--contacts must be at least half --executions');
	return options;
}

const existingEmail = (i: number) => `person${i}@example.com`;

function seed(count: number): Array<Partial<Contact>> {
	return Array.from({ length: count }, (_, i) => ({
		id: `b3c0a000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`,
		location_id: LOC,
		first_name: `Person ${i}`,
		last_name: 'Bench',
		email: existingEmail(i),
		tags: [EXISTING_TAG],
	}));
}

async function main(): Promise<void> {
	const options = parseArgs(process.argv.slice(2));
	const harnessPath = options.build
		? path.join(options.build, 'test/harness/workflow.js')
		: '../test/harness/workflow';
	const { runAssistable } = (await import(harnessPath)) as Harness;
	const sandbox = await startSandbox({
		seed: seed(options.contacts),
		keys: [{ key: KEY, locations: '*' }],
		behaviour: { latencyMs: options.latencyMs },
	});
	// Executions alternate: an email the location has (spread over the list), then a new one.
	const stride = Math.max(1, Math.floor(options.contacts / Math.ceil(options.executions / 2)));
	const items = Array.from({ length: options.executions }, (_, i) => ({
		email:
			i % 2 === 0 ? existingEmail((i / 2) * stride) : `new${i}.${options.contacts}@example.com`,
		tag: `form-${i}`,
	}));
	const statuses: string[] = [];
	const started = performance.now();
	try {
		for (let from = 0; from < items.length; from += options.wave) {
			const wave = items.slice(from, from + options.wave);
			const runs = await Promise.all(
				wave.map((item) =>
					runAssistable({
						items: [item],
						parameters: {
							resource: 'contact',
							operation: 'upsert',
							locationId: LOC,
							matchEmail: '={{ $json.email }}',
							appendTags: true,
							contactFields: { tags: '={{ $json.tag }}' },
						},
						credentials: { apiKey: KEY, baseUrl: sandbox.url },
					}),
				),
			);
			statuses.push(...runs.map((run) => run.status));
			if (options.pauseMs) await new Promise((resolve) => setTimeout(resolve, options.pauseMs));
		}
		const wallMs = Math.round(performance.now() - started);
		const requests = sandbox.requests;
		const on = (route: string) => requests.filter((r) => r.route === route);
		const contacts = sandbox.listContacts(LOC);
		const byEmail = new Map<string, Contact[]>();
		for (const contact of contacts) {
			const key = contact.email?.toLowerCase() ?? '';
			byEmail.set(key, [...(byEmail.get(key) ?? []), contact]);
		}
		let duplicates = 0;
		for (const same of byEmail.values()) duplicates += same.length - 1;
		let tagsLost = 0;
		for (const [i, item] of items.entries()) {
			const tags = (byEmail.get(item.email) ?? []).flatMap((c) => c.tags);
			if (!tags.includes(item.tag)) tagsLost++;
			if (i % 2 === 0 && !tags.includes(EXISTING_TAG)) tagsLost++;
		}
		const per100 = (n: number) => +((n * 100) / options.executions).toFixed(1);
		const listBytes = on('list').reduce((sum, r) => sum + r.responseBytes, 0);
		const result = {
			build: options.build ?? 'this checkout',
			contacts: options.contacts,
			executions: options.executions,
			wave: options.wave,
			latencyMs: options.latencyMs,
			pauseMs: options.pauseMs,
			failedExecutions: statuses.filter((status) => status !== 'success').length,
			per100Executions: {
				listDownloads: per100(on('list').length),
				listMB: +((listBytes * 100) / options.executions / 1024 / 1024).toFixed(2),
				gets: per100(on('get').length),
				patches: per100(on('patch').length),
				creates: per100(on('create').length),
				allRequests: per100(requests.length),
			},
			duplicatesCreated: duplicates,
			tagsLost,
			wallMs,
		};
		const text = JSON.stringify(result, null, 2);
		process.stdout.write(`${text}\n`);
		if (options.out) writeFileSync(options.out, `${text}\n`);
		if (result.failedExecutions || duplicates || tagsLost) process.exitCode = 1;
	} finally {
		await sandbox.close();
	}
}

main().catch((error) => {
	process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : error}\n`);
	process.exit(1);
});
