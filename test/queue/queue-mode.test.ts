/**
 * Queue mode (n8n's scaling mode): `n8n start` with EXECUTIONS_MODE=queue receives the webhooks and puts the
 * executions on a Redis queue; two `n8n worker` processes take them and run them, several at once each. All
 * share one PostgreSQL database and one encryption key; each loads this package from its own user folder.
 * Redis and PostgreSQL come from Debian packages and are started here on free loopback ports with throwaway
 * data directories; everything is stopped afterwards, also when a step fails.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
	freePort,
	installPackage,
	makeUserFolder,
	N8nRest,
	n8nEnv,
	prefixedLog,
	startN8n,
	type N8nServer,
} from '../../runtime/n8n';
import { startSandbox, type Sandbox } from '../../sandbox/server';
import {
	N8N_VERSION,
	SANDBOX_LATENCY_MS,
	TAG_BURST,
	UPSERT_BURST,
	queueState,
	artifactsDir,
	moduleProbeEnv,
	readModuleLoads,
	nodeModuleLoadsByPid,
	N8nWorker,
	startWorker,
} from './harness';
import {
	createCredential,
	WebhookWorkflow,
	createActiveWebhookWorkflow,
	appendTagParameters,
	upsertParameters,
} from './workflows';
import { ExecutionRecord } from './executions';
import {
	BurstContext,
	runTagBurst,
	runUpsertBurst,
	ModeReport,
	gitCommit,
	writeReport,
	formatReport,
} from './bursts';
import { Service, startRedis } from './services';
import { Postgres, startPostgres } from './postgres';

const WORKERS = 2;
const WORKER_CONCURRENCY = 5;

describe(`queue mode: n8n ${N8N_VERSION} main + ${WORKERS} workers, Redis, PostgreSQL, webhook bursts`, () => {
	const report: ModeReport = {
		mode: 'queue',
		n8nVersion: N8N_VERSION,
		sandboxLatencyMs: SANDBOX_LATENCY_MS,
		commit: gitCommit(),
		notes: [
			`workers: ${WORKERS} x n8n worker --concurrency=${WORKER_CONCURRENCY}`,
			'webhooks are received by the main process (production URL), executions run on the workers',
			'main runs with OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS=true, so it starts no task runner of its own',
		],
	};
	let sandbox: Sandbox | undefined;
	let redis: Service | undefined;
	let postgres: Postgres | undefined;
	let main: N8nServer | undefined;
	const workers: N8nWorker[] = [];
	const userFolders: string[] = [];
	let ctx: BurstContext;
	let tagsWf: WebhookWorkflow;
	let upsertWf: WebhookWorkflow;
	const moduleLog = path.join(artifactsDir(), 'module-loads-queue.jsonl');
	const { runtime: rt, tgz } = queueState();

	/** Which worker logged each of these executions as started. */
	function perWorker(records: ExecutionRecord[]): Record<string, number> {
		const out: Record<string, number> = {};
		for (const w of workers) {
			const started = new Set(w.startedExecutions());
			out[w.name] = records.filter((r) => started.has(r.id)).length;
		}
		return out;
	}

	beforeAll(async () => {
		const started = Date.now();
		fs.rmSync(moduleLog, { force: true });
		sandbox = await startSandbox({ behaviour: { latencyMs: SANDBOX_LATENCY_MS } });
		[redis, postgres] = await Promise.all([startRedis(), startPostgres()]);
		const shared = {
			EXECUTIONS_MODE: 'queue',
			QUEUE_BULL_REDIS_HOST: '127.0.0.1',
			QUEUE_BULL_REDIS_PORT: String(redis.port),
			DB_TYPE: 'postgresdb',
			DB_POSTGRESDB_HOST: '127.0.0.1',
			DB_POSTGRESDB_PORT: String(postgres.port),
			DB_POSTGRESDB_DATABASE: postgres.database,
			DB_POSTGRESDB_USER: postgres.user,
			DB_POSTGRESDB_PASSWORD: postgres.password,
			...moduleProbeEnv(moduleLog),
		};
		const names = ['main', ...Array.from({ length: WORKERS }, (_, i) => `worker-${i + 1}`)];
		for (const name of names) {
			const folder = makeUserFolder(`concurrency-queue-${name}`);
			userFolders.push(folder);
			await installPackage(folder, tgz, { log: prefixedLog(`[queue ${name}]`) });
		}

		// The main process runs the database migrations; the workers start once it serves the editor.
		const mainEnv = n8nEnv(rt, {
			userFolder: userFolders[0],
			port: await freePort(),
			brokerPort: await freePort(),
			logLevel: 'warn',
			extra: { ...shared, OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS: 'true' },
		});
		main = await startN8n(rt, mainEnv);
		const workerEnvs = [];
		for (let i = 1; i <= WORKERS; i++) {
			workerEnvs.push(
				n8nEnv(rt, {
					userFolder: userFolders[i],
					port: await freePort(),
					brokerPort: await freePort(),
					// "Worker started execution <id>" is logged at info
					logLevel: 'info',
					extra: shared,
				}),
			);
		}
		workers.push(
			...(await Promise.all(
				workerEnvs.map((env, i) =>
					startWorker(rt, env, { name: names[i + 1], concurrency: WORKER_CONCURRENCY }),
				),
			)),
		);

		const rest = new N8nRest(main.url);
		await rest.setupOwner();
		const credential = await createCredential(rest, sandbox);
		tagsWf = await createActiveWebhookWorkflow(
			rest,
			credential,
			'Burst append tags',
			appendTagParameters(),
		);
		upsertWf = await createActiveWebhookWorkflow(
			rest,
			credential,
			'Burst create or update',
			upsertParameters(),
		);
		ctx = { rt, rest, sandbox, baseUrl: main.url, label: 'queue' };
		report.setupSeconds = Math.round((Date.now() - started) / 1000);
		report.processes = {
			'n8n start (main)': main.process.pid,
			...Object.fromEntries(workers.map((w) => [`n8n worker (${w.name})`, w.process.pid])),
			'redis-server': redis.pid,
			postgres: postgres.pid,
		};
		report.executionsPerProcess = Object.fromEntries(
			workers.map((w) => [w.name, { pid: w.process.pid, tagBurst: 0, upsertBurst: 0 }]),
		);
	});

	afterAll(async () => {
		try {
			report.nodeModuleLoadsByPid = nodeModuleLoadsByPid(readModuleLoads(moduleLog));
			const file = writeReport(report);
			process.stdout.write(`${formatReport(report)}\n(figures: ${file})\n`);
		} finally {
			// Workers first (they hold jobs), then the main, then the services they use.
			await Promise.all(workers.map((w) => w.stop().catch(() => undefined)));
			await main?.stop().catch(() => undefined);
			await Promise.all(
				[redis?.stop(), postgres?.stop(), sandbox?.close()].map((p) => p?.catch(() => undefined)),
			);
			if (!process.env.E2E_KEEP)
				for (const f of userFolders) fs.rmSync(f, { recursive: true, force: true });
		}
	});

	test(`${TAG_BURST} concurrent POSTs append ${TAG_BURST} different tags to one contact: no tag lost silently`, async () => {
		const { figures, records } = await runTagBurst(ctx, tagsWf);
		report.tagBurst = figures;
		const counts = perWorker(records);
		for (const w of workers) report.executionsPerProcess![w.name].tagBurst = counts[w.name];

		// The burst reached n8n as separate, overlapping executions, each traceable to its POST, all run by workers.
		expect(figures.unmatchedRequests).toEqual([]);
		expect(figures.executions).toBe(TAG_BURST);
		expect(figures.maxConcurrentExecutions).toBeGreaterThan(1);
		expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(TAG_BURST);
		// The target across processes: a tag may be missing only if its execution failed and said so.
		expect(figures.tagsLostSilently).toEqual([]);
		expect(figures.existingTagKept).toBe(true);
	});

	test(`${UPSERT_BURST} concurrent POSTs of Create or Update for one new email: no duplicate goes unreported`, async () => {
		const { figures, records } = await runUpsertBurst(ctx, upsertWf);
		report.upsertBurst = figures;
		const counts = perWorker(records);
		for (const w of workers) report.executionsPerProcess![w.name].upsertBurst = counts[w.name];

		expect(figures.unmatchedRequests).toEqual([]);
		expect(figures.executions).toBe(UPSERT_BURST);
		expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(UPSERT_BURST);
		expect(figures.contactsWithEmail).toBeGreaterThanOrEqual(1);
		expect(figures.duplicatesSilent).toBe(0);
		// A duplicate is detected after the create: the later of two creates always sees the earlier contact,
		// so at least one creating execution must name the other contact (in its output or its error).
		if (figures.duplicates > 0)
			expect(figures.creatorsNamingDuplicate!.naming).toBeGreaterThanOrEqual(1);
	});

	test('executions ran on both workers, and each worker loaded the node module once', () => {
		const ranSome = (name: string) =>
			report.executionsPerProcess![name].tagBurst + report.executionsPerProcess![name].upsertBurst >
			0;
		expect(Object.fromEntries(workers.map((w) => [w.name, ranSome(w.name)]))).toEqual(
			Object.fromEntries(workers.map((w) => [w.name, true])),
		);
		for (const w of workers) expect(w.process.exitCode).toBeNull();
		expect(main!.process.exitCode).toBeNull();
		const loads = nodeModuleLoadsByPid(readModuleLoads(moduleLog));
		for (const w of workers)
			expect({ pid: w.process.pid, loads: loads[String(w.process.pid)] }).toEqual({
				pid: w.process.pid,
				loads: 1,
			});
		// No other process loaded it, and none more than once (the main may load it for the editor and webhooks).
		const ours = new Set([main!.process.pid, ...workers.map((w) => w.process.pid)].map(String));
		for (const [pid, n] of Object.entries(loads))
			expect({ pid, ours: ours.has(pid), loads: n }).toEqual({ pid, ours: true, loads: 1 });
	});
});
