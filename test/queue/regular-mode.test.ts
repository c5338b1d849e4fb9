/**
 * Regular mode: one `n8n start` runs every webhook execution itself, many at once. An activated webhook
 * workflow (production URL) takes bursts of concurrent POSTs; the sandbox's final state and n8n's execution
 * records say what happened.
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
} from './harness';
import {
	createCredential,
	WebhookWorkflow,
	createActiveWebhookWorkflow,
	appendTagParameters,
	upsertParameters,
} from './workflows';
import {
	BurstContext,
	runTagBurst,
	runUpsertBurst,
	ModeReport,
	gitCommit,
	writeReport,
	formatReport,
} from './bursts';

describe(`regular mode: n8n ${N8N_VERSION}, one process, webhook bursts`, () => {
	const report: ModeReport = {
		mode: 'regular',
		n8nVersion: N8N_VERSION,
		sandboxLatencyMs: SANDBOX_LATENCY_MS,
		commit: gitCommit(),
	};
	let sandbox: Sandbox | undefined;
	let server: N8nServer | undefined;
	let userFolder: string | undefined;
	let ctx: BurstContext;
	let tagsWf: WebhookWorkflow;
	let upsertWf: WebhookWorkflow;
	const moduleLog = path.join(artifactsDir(), 'module-loads-regular.jsonl');
	const { runtime: rt, tgz } = queueState();

	beforeAll(async () => {
		const started = Date.now();
		fs.rmSync(moduleLog, { force: true });
		sandbox = await startSandbox({ behaviour: { latencyMs: SANDBOX_LATENCY_MS } });
		userFolder = makeUserFolder('concurrency-regular');
		await installPackage(userFolder, tgz, { log: prefixedLog('[regular]') });
		const env = n8nEnv(rt, {
			userFolder,
			port: await freePort(),
			brokerPort: await freePort(),
			logLevel: 'warn',
			extra: moduleProbeEnv(moduleLog),
		});
		server = await startN8n(rt, env);
		const rest = new N8nRest(server.url);
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
		ctx = { rt, rest, sandbox, baseUrl: server.url, label: 'regular' };
		report.setupSeconds = Math.round((Date.now() - started) / 1000);
		report.processes = { 'n8n start': server.process.pid };
		report.executionsPerProcess = {
			main: { pid: server.process.pid, tagBurst: 0, upsertBurst: 0 },
		};
	});

	afterAll(async () => {
		try {
			report.nodeModuleLoadsByPid = nodeModuleLoadsByPid(readModuleLoads(moduleLog));
			const file = writeReport(report);
			process.stdout.write(`${formatReport(report)}\n(figures: ${file})\n`);
		} finally {
			await server?.stop();
			await sandbox?.close();
			if (userFolder && !process.env.E2E_KEEP)
				fs.rmSync(userFolder, { recursive: true, force: true });
		}
	});

	test(`${TAG_BURST} concurrent POSTs append ${TAG_BURST} different tags to one contact: all of them end on it`, async () => {
		const { figures, records } = await runTagBurst(ctx, tagsWf);
		report.tagBurst = figures;
		report.executionsPerProcess!.main.tagBurst = records.length;

		// The burst reached n8n as separate, overlapping executions, each one traceable to its POST.
		expect(figures.unmatchedRequests).toEqual([]);
		expect(figures.executions).toBe(TAG_BURST);
		expect(figures.maxConcurrentExecutions).toBeGreaterThan(1);
		// What a user checks: every tag is on the contact, nothing it had is gone, no execution failed.
		expect(figures.tagsLostSilently).toEqual([]);
		expect(figures.tagsLost).toEqual([]);
		expect(figures.existingTagKept).toBe(true);
		expect(figures.executionsFailed).toBe(0);
	});

	test(`${UPSERT_BURST} concurrent POSTs of Create or Update for one new email: exactly one contact`, async () => {
		const { figures, records } = await runUpsertBurst(ctx, upsertWf);
		report.upsertBurst = figures;
		report.executionsPerProcess!.main.upsertBurst = records.length;

		expect(figures.unmatchedRequests).toEqual([]);
		expect(figures.executions).toBe(UPSERT_BURST);
		expect(figures.maxConcurrentExecutions).toBeGreaterThan(1);
		expect(figures.duplicatesSilent).toBe(0);
		expect(figures.contactsWithEmail).toBe(1);
		expect(figures.executionsFailed).toBe(0);
		// Every execution's tag is on that one contact.
		expect(figures.tagsLost).toEqual([]);
	});

	test('both bursts ran in one n8n process, which loaded the node module once', () => {
		expect(server!.process.exitCode).toBeNull();
		expect(server!.process.signalCode).toBeNull();
		// Exactly one process compiled the node's module, exactly once: the `n8n start` that ran every execution.
		expect(nodeModuleLoadsByPid(readModuleLoads(moduleLog))).toEqual({
			[String(server!.process.pid)]: 1,
		});
	});
});
