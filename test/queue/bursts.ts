/** The two bursts of the concurrency tests end to end, and the report of a mode. */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { N8nRest } from '../../runtime/n8n';
import { repoRoot, type N8nRuntime } from '../../runtime/install-n8n';
import { DEMO_LOCATION_ID, type Sandbox } from '../../sandbox/server';
import { TAG_BURST, UPSERT_BURST, artifactsDir } from './harness';
import { WebhookWorkflow } from './workflows';
import { burst, ExecutionRecord, executionRecords } from './executions';
import {
	requestTimeline,
	TagBurstFigures,
	UpsertBurstFigures,
	tagBurstBodies,
	upsertBurstBodies,
	analyseTagBurst,
	analyseUpsertBurst,
} from './analysis';
// ---------------------------------------------------------------------------------------------------------
// The two bursts, end to end

export interface BurstContext {
	rt: N8nRuntime;
	rest: N8nRest;
	sandbox: Sandbox;
	/** Where the production webhooks are served (the main process). */
	baseUrl: string;
	/** Names the requests (request_id) so executions can be told apart. */
	label: string;
}

const EXISTING_TAG = 'existing-customer';

/**
 * One POST that must succeed before a burst. n8n 2.41 may answer 404 for a moment after activation (the
 * webhook is published asynchronously), so a 404 is retried for up to 60 s; any other failure stops the test.
 */
async function warmUp(
	ctx: BurstContext,
	wf: WebhookWorkflow,
	body: Record<string, unknown> & { request_id: string },
): Promise<void> {
	const deadline = Date.now() + 60_000;
	for (;;) {
		const [r] = await burst(ctx.baseUrl, wf, [body]);
		if (r.httpStatus === 200) return;
		if (r.httpStatus !== 404 || Date.now() > deadline) {
			throw new Error(
				`The warm-up POST to /webhook/${wf.path} answered ${r.httpStatus}: ${r.body.slice(0, 500)}`,
			);
		}
		await new Promise((res) => setTimeout(res, 250));
	}
}

/**
 * One execution first (another contact), so the burst meets a warm workflow as a live one would; then the
 * burst against one contact. Returns the figures and the burst's execution records (without the warm-up).
 */
export async function runTagBurst(
	ctx: BurstContext,
	wf: WebhookWorkflow,
): Promise<{ figures: TagBurstFigures; records: ExecutionRecord[] }> {
	const warm = ctx.sandbox.addContact({
		location_id: DEMO_LOCATION_ID,
		first_name: 'Warm',
		last_name: 'Up',
		tags: [],
	});
	const warmId = `${ctx.label}-tags-warmup`;
	await warmUp(ctx, wf, { request_id: warmId, contact_id: warm.id, tag: 'warm-up' });
	const contact = ctx.sandbox.addContact({
		location_id: DEMO_LOCATION_ID,
		first_name: 'Tag',
		last_name: 'Burst',
		tags: [EXISTING_TAG],
	});
	const bodies = tagBurstBodies(contact.id, ctx.label);
	ctx.sandbox.clearRequests();
	const posts = await burst(ctx.baseUrl, wf, bodies);
	const records = (await executionRecords(ctx.rest, ctx.rt, wf.id, bodies.length + 1)).filter(
		(r) => r.requestId !== warmId,
	);
	const finalTags = ctx.sandbox.getContact(contact.id)!.tags;
	const figures = analyseTagBurst(
		bodies,
		posts,
		records,
		finalTags,
		EXISTING_TAG,
		ctx.sandbox.stats().maxInFlight,
	);
	figures.sandboxRequests = requestTimeline(ctx.sandbox.requests);
	return { figures, records };
}

/** A warm-up execution (another email), then the burst of Create or Update for one new email. */
export async function runUpsertBurst(
	ctx: BurstContext,
	wf: WebhookWorkflow,
): Promise<{ figures: UpsertBurstFigures; records: ExecutionRecord[] }> {
	const stamp = `${Date.now()}.${randomUUID().slice(0, 6)}`;
	const warmId = `${ctx.label}-upsert-warmup`;
	await warmUp(ctx, wf, {
		request_id: warmId,
		email: `warm.up.${stamp}@example.com`,
		tag: 'warm-up',
	});
	const email = `new.signup.${stamp}@example.com`;
	const bodies = upsertBurstBodies(email, ctx.label);
	ctx.sandbox.clearRequests();
	const posts = await burst(ctx.baseUrl, wf, bodies);
	const records = (await executionRecords(ctx.rest, ctx.rt, wf.id, bodies.length + 1)).filter(
		(r) => r.requestId !== warmId,
	);
	const group = ctx.sandbox
		.listContacts(DEMO_LOCATION_ID)
		.filter((c) => c.email?.toLowerCase() === email);
	const createRequests = ctx.sandbox.requests.filter(
		(q) => q.route === 'create' && q.status >= 200 && q.status < 300,
	);
	const figures = analyseUpsertBurst(bodies, posts, records, group, createRequests.length);
	if (group.length > 1) {
		const ids = group.map((c) => c.id);
		const creators = createRequests.map((q) => {
			const tags = ((q.body as { tags?: unknown })?.tags ?? []) as string[];
			const body = bodies.find((b) => Array.isArray(tags) && tags.includes(b.tag));
			return records.find((r) => body && r.requestId === body.request_id);
		});
		const naming = creators.filter(
			(r) => r && ids.filter((id) => r.resultText.includes(id)).length >= 2,
		).length;
		figures.creatorsNamingDuplicate = { naming, creators: creators.length };
	}
	figures.sandboxRequests = requestTimeline(ctx.sandbox.requests);
	return { figures, records };
}

// ---------------------------------------------------------------------------------------------------------
// Report

export interface ModeReport {
	mode: 'regular' | 'queue';
	n8nVersion: string;
	sandboxLatencyMs: number;
	commit?: string;
	tagBurst?: TagBurstFigures;
	upsertBurst?: UpsertBurstFigures;
	/** Processes that ran executions (main in regular mode, workers in queue mode) -> executions of each burst. */
	executionsPerProcess?: Record<string, { pid?: number; tagBurst: number; upsertBurst: number }>;
	/** pid -> how often that process compiled Assistable.node.js. */
	nodeModuleLoadsByPid?: Record<string, number>;
	processes?: Record<string, number | undefined>;
	setupSeconds?: number;
	notes?: string[];
}

export function gitCommit(): string | undefined {
	try {
		return execFileSync('git', ['rev-parse', 'HEAD'], { cwd: repoRoot(), encoding: 'utf8' }).trim();
	} catch {
		return undefined;
	}
}

export function writeReport(report: ModeReport): string {
	const file = path.join(artifactsDir(), `concurrency-${report.mode}.json`);
	fs.writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
	return file;
}

/** A short table of the figures, for the test output. */
export function formatReport(r: ModeReport): string {
	const t = r.tagBurst;
	const u = r.upsertBurst;
	const rows: Array<[string, string]> = [];
	if (t) {
		rows.push(
			[`${TAG_BURST} POSTs, Append Tags, one contact`, ''],
			['  tags on the contact', `${t.tagsOnContact}/${t.tagsExpected}`],
			['  tags lost', String(t.tagsLost.length)],
			['  tags lost silently (execution succeeded)', String(t.tagsLostSilently.length)],
			['  failed executions', `${t.executionsFailed}/${t.executions}`],
			['  most executions at once', String(t.maxConcurrentExecutions)],
		);
	}
	if (u) {
		rows.push(
			[`${UPSERT_BURST} POSTs, Create or Update, one new email`, ''],
			['  contacts with that email', String(u.contactsWithEmail)],
			['  duplicates', String(u.duplicates)],
			['  duplicates no execution reports', String(u.duplicatesSilent)],
			...(u.creatorsNamingDuplicate
				? [
						[
							'  creating executions naming the duplicate',
							`${u.creatorsNamingDuplicate.naming}/${u.creatorsNamingDuplicate.creators}`,
						] as [string, string],
					]
				: []),
			['  failed executions', `${u.executionsFailed}/${u.executions}`],
			['  most executions at once', String(u.maxConcurrentExecutions)],
		);
	}
	for (const [name, c] of Object.entries(r.executionsPerProcess ?? {})) {
		rows.push([
			`executions on ${name}${c.pid ? ` (pid ${c.pid})` : ''}`,
			`${c.tagBurst} + ${c.upsertBurst}`,
		]);
	}
	for (const [pid, n] of Object.entries(r.nodeModuleLoadsByPid ?? {}))
		rows.push([`Assistable.node.js loads in pid ${pid}`, String(n)]);
	const width = Math.max(...rows.map(([k]) => k.length));
	return [
		`[concurrency: ${r.mode} mode, n8n ${r.n8nVersion}, sandbox latency ${r.sandboxLatencyMs} ms]`,
		...rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`),
	].join('\n');
}
