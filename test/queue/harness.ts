/**
 * Shared by the regular-mode and queue-mode concurrency tests: a real n8n with the packed package, an activated
 * webhook workflow per burst (Webhook, responding when the last node finishes, -> Assistable), the bursts of
 * concurrent POSTs to the production URL, and the analysis of what happened, from the sandbox's final state and
 * n8n's own execution records (REST API), never from the node's internals.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { CREDENTIAL_TYPE, N8nRest, NODE_TYPE, type Log } from '../../runtime/n8n';
import { killTree, tail, track } from '../../runtime/process';
import { repoRoot, type N8nRuntime } from '../../runtime/install-n8n';
import { DEMO_API_KEY, DEMO_LOCATION_ID, type Sandbox } from '../../sandbox/server';

export const N8N_VERSION = '2.41.1';
/** Sandbox latency per request; ASSISTABLE_BURST_LATENCY_MS overrides it for experiments. */
export const SANDBOX_LATENCY_MS = Number(process.env.ASSISTABLE_BURST_LATENCY_MS ?? 20);
export const TAG_BURST = 20;
export const UPSERT_BURST = 10;
const ASSISTABLE = 'Assistable';
const WEBHOOK = 'Webhook';

// ---------------------------------------------------------------------------------------------------------
// What the global setup prepared

export interface QueueState {
	tgz: string;
	runtime: N8nRuntime;
}

export function queueStateFile(): string {
	return path.join(artifactsDir(), 'queue-test-state.json');
}

export function queueState(): QueueState {
	const file = queueStateFile();
	if (!fs.existsSync(file))
		throw new Error(`${file} is missing: run these tests with npm run test:queue`);
	return JSON.parse(fs.readFileSync(file, 'utf8')) as QueueState;
}

export function artifactsDir(): string {
	const dir = path.join(repoRoot(), 'test-artifacts');
	fs.mkdirSync(dir, { recursive: true });
	return dir;
}

/** Environment that makes an n8n process record every compile of this package's files (see module-load-probe.js). */
export function moduleProbeEnv(logFile: string): Record<string, string> {
	return {
		NODE_OPTIONS: `--require=${path.join(repoRoot(), 'test', 'queue', 'module-load-probe.js')}`,
		ASSISTABLE_MODULE_LOAD_LOG: logFile,
	};
}

export interface ModuleLoad {
	pid: number;
	file: string;
}

export function readModuleLoads(logFile: string): ModuleLoad[] {
	if (!fs.existsSync(logFile)) return [];
	return fs
		.readFileSync(logFile, 'utf8')
		.split('\n')
		.filter(Boolean)
		.map((l) => JSON.parse(l) as ModuleLoad);
}

/** How often each process compiled the node's main module (Assistable.node.js). */
export function nodeModuleLoadsByPid(loads: ModuleLoad[]): Record<string, number> {
	const out: Record<string, number> = {};
	for (const l of loads) {
		if (!/[\\/]Assistable\.node\.js$/.test(l.file)) continue;
		out[l.pid] = (out[l.pid] ?? 0) + 1;
	}
	return out;
}

// ---------------------------------------------------------------------------------------------------------
// `n8n worker`

export interface N8nWorker {
	name: string;
	process: ChildProcess;
	logs(): string;
	/** Execution ids this worker logged as started ("Worker started execution <id> (job <n>)"). */
	startedExecutions(): string[];
	stop(): Promise<void>;
}

/** Starts `n8n worker --concurrency=<n>` and waits for "n8n worker is now ready" (needs log level info). */
export async function startWorker(
	rt: N8nRuntime,
	env: NodeJS.ProcessEnv,
	opts: { name: string; concurrency: number; log?: Log; timeoutMs?: number },
): Promise<N8nWorker> {
	const child = spawn(rt.nodeBin, [rt.n8nBin, 'worker', `--concurrency=${opts.concurrency}`], {
		cwd: env.N8N_USER_FOLDER,
		env,
		stdio: ['ignore', 'pipe', 'pipe'],
		detached: true,
	});
	track(child);
	let logs = '';
	let exited: string | undefined;
	const exit = new Promise<void>((resolve) => {
		child.once('exit', (code, signal) => {
			exited = String(code ?? signal);
			resolve();
		});
	});
	const onData = (chunk: Buffer) => {
		const text = chunk.toString('utf8');
		logs += text;
		if (logs.length > 4_000_000) logs = logs.slice(-2_000_000);
		if (opts.log) for (const line of text.split(/\r?\n/)) if (line.trim()) opts.log(line);
	};
	child.stdout!.on('data', onData);
	child.stderr!.on('data', onData);
	const stop = async () => {
		if (exited === undefined) {
			killTree(child, 'SIGTERM');
			const timer = setTimeout(() => killTree(child, 'SIGKILL'), 20_000);
			await exit;
			clearTimeout(timer);
		}
		killTree(child, 'SIGKILL');
	};
	const worker: N8nWorker = {
		name: opts.name,
		process: child,
		logs: () => logs,
		startedExecutions: () =>
			[...logs.matchAll(/Worker started execution (\d+) \(job/g)].map((m) => m[1]),
		stop,
	};
	const deadline = Date.now() + (opts.timeoutMs ?? 180_000);
	while (Date.now() < deadline) {
		if (/n8n worker is now ready/.test(logs)) return worker;
		if (exited !== undefined)
			throw new Error(
				`n8n worker ${opts.name} exited (${exited}) before it was ready:\n${tail(logs)}`,
			);
		await new Promise((r) => setTimeout(r, 250));
	}
	await stop();
	throw new Error(
		`n8n worker ${opts.name} was not ready within ${opts.timeoutMs ?? 180_000} ms:\n${tail(logs)}`,
	);
}

// ---------------------------------------------------------------------------------------------------------
// Credential and workflows through the REST API (what the editor does)

export async function createCredential(
	rest: N8nRest,
	sandbox: Sandbox,
): Promise<{ id: string; name: string }> {
	const name = 'Assistable (sandbox)';
	const r = await rest.request<{ data: { id: string } }>('POST', '/credentials', {
		name,
		type: CREDENTIAL_TYPE,
		data: { apiKey: DEMO_API_KEY, baseUrl: sandbox.url },
	});
	if (r.status !== 200 || !r.data?.data?.id)
		throw new Error(`POST /rest/credentials answered ${r.status}: ${r.raw.slice(0, 500)}`);
	return { id: r.data.data.id, name };
}

export interface WebhookWorkflow {
	id: string;
	name: string;
	path: string;
}

/** Webhook (POST, responds when the last node finishes) -> Assistable with the given parameters; then activated. */
export async function createActiveWebhookWorkflow(
	rest: N8nRest,
	credential: { id: string; name: string },
	name: string,
	assistableParameters: Record<string, unknown>,
): Promise<WebhookWorkflow> {
	const webhookPath = `assistable-${name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}-${randomUUID().slice(0, 8)}`;
	const body = {
		name,
		nodes: [
			{
				id: randomUUID(),
				name: WEBHOOK,
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2,
				position: [0, 0],
				webhookId: randomUUID(),
				parameters: {
					httpMethod: 'POST',
					path: webhookPath,
					responseMode: 'lastNode',
					responseData: 'firstEntryJson',
					options: {},
				},
			},
			{
				id: randomUUID(),
				name: ASSISTABLE,
				type: NODE_TYPE,
				typeVersion: 1,
				position: [260, 0],
				parameters: assistableParameters,
				credentials: { [CREDENTIAL_TYPE]: credential },
			},
		],
		connections: { [WEBHOOK]: { main: [[{ node: ASSISTABLE, type: 'main', index: 0 }]] } },
		settings: {
			executionOrder: 'v1',
			saveDataSuccessExecution: 'all',
			saveDataErrorExecution: 'all',
		},
	};
	const created = await rest.request<{ data: { id: string; versionId: string } }>(
		'POST',
		'/workflows',
		body,
	);
	if (created.status !== 200 || !created.data?.data?.id) {
		throw new Error(
			`POST /rest/workflows answered ${created.status}: ${created.raw.slice(0, 500)}`,
		);
	}
	const { id, versionId } = created.data.data;
	const activated = await rest.request<{ data: { active?: boolean; activeVersionId?: string } }>(
		'POST',
		`/workflows/${id}/activate`,
		{ versionId },
	);
	if (activated.status !== 200)
		throw new Error(
			`POST /rest/workflows/${id}/activate answered ${activated.status}: ${activated.raw.slice(0, 800)}`,
		);
	return { id, name, path: webhookPath };
}

/** Update by contact ID with Append Tags on; the tag comes from the webhook body. Everything else: defaults. */
export function appendTagParameters(): Record<string, unknown> {
	return {
		resource: 'contact',
		operation: 'update',
		contactId: '={{ $json.body.contact_id }}',
		appendTags: true,
		updateFields: { tags: '={{ $json.body.tag }}' },
		options: {},
	};
}

/** Create or Update by email, adding the body's tag. Everything else: defaults. */
export function upsertParameters(): Record<string, unknown> {
	return {
		resource: 'contact',
		operation: 'upsert',
		locationId: DEMO_LOCATION_ID,
		matchBy: 'email',
		matchEmail: '={{ $json.body.email }}',
		appendTags: true,
		contactFields: { firstName: 'Burst', tags: '={{ $json.body.tag }}' },
		options: {},
	};
}

// ---------------------------------------------------------------------------------------------------------
// Bursts

interface PostResult {
	requestId: string;
	httpStatus: number;
	body: string;
}

/**
 * POSTs all bodies at once to the production webhook URL, each on its own connection: every connection is opened
 * and its headers sent first, then all bodies are written in the same tick, so n8n gets the requests complete at
 * (nearly) the same moment. Each answer arrives when its execution is over.
 */
async function burst(
	baseUrl: string,
	wf: WebhookWorkflow,
	bodies: Array<Record<string, unknown> & { request_id: string }>,
): Promise<PostResult[]> {
	const url = new URL(`${baseUrl}/webhook/${wf.path}`);
	const pending = bodies.map((b) => {
		const payload = Buffer.from(JSON.stringify(b));
		const req = http.request({
			host: url.hostname,
			port: url.port,
			path: url.pathname,
			method: 'POST',
			agent: false,
			headers: { 'content-type': 'application/json', 'content-length': String(payload.length) },
			timeout: 240_000,
		});
		const connected = new Promise<void>((resolve) => {
			req.once('socket', (socket) =>
				socket.connecting ? socket.once('connect', () => resolve()) : resolve(),
			);
			req.once('error', () => resolve());
		});
		const answer = new Promise<PostResult>((resolve) => {
			const fail = (err: Error) =>
				resolve({ requestId: b.request_id, httpStatus: 0, body: `request failed: ${err.message}` });
			req.once('error', fail);
			req.once('timeout', () => req.destroy(new Error('no answer within 240 s')));
			req.once('response', (res) => {
				const chunks: Buffer[] = [];
				res.on('data', (c: Buffer) => chunks.push(c));
				res.once('error', fail);
				res.once('end', () =>
					resolve({
						requestId: b.request_id,
						httpStatus: res.statusCode ?? 0,
						body: Buffer.concat(chunks).toString('utf8'),
					}),
				);
			});
		});
		req.flushHeaders();
		return { req, payload, connected, answer };
	});
	await Promise.all(pending.map((p) => p.connected));
	for (const p of pending) p.req.end(p.payload);
	return Promise.all(pending.map((p) => p.answer));
}

// ---------------------------------------------------------------------------------------------------------
// n8n's execution records

export interface ExecutionRecord {
	id: string;
	status: string;
	startedAt?: string;
	stoppedAt?: string;
	/** request_id from the webhook body this execution received. */
	requestId?: string;
	/** The Assistable node's error (message + description), if any. */
	error?: string;
	/** The Assistable node's output items and error as JSON text (what a user sees of this execution). */
	resultText: string;
}

type Flatted = { parse(text: string): unknown };

/** n8n stores run data in the `flatted` format; use n8n's own copy of the library to read it. */
function flatted(rt: N8nRuntime): Flatted {
	return createRequire(path.join(rt.dir, 'node_modules', 'n8n', 'package.json'))(
		'flatted',
	) as Flatted;
}

interface RunData {
	resultData?: {
		error?: { message?: string; description?: string };
		runData?: Record<
			string,
			Array<{
				error?: { message?: string; description?: string };
				data?: { main?: Array<Array<{ json: Record<string, unknown> }> | null> };
			}>
		>;
	};
}

/** Every finished execution of a workflow, with its run data; waits (bounded) until `expected` have finished. */
async function executionRecords(
	rest: N8nRest,
	rt: N8nRuntime,
	workflowId: string,
	expected: number,
): Promise<ExecutionRecord[]> {
	const filter = encodeURIComponent(JSON.stringify({ workflowId }));
	type Summary = { id: string; status: string; startedAt?: string; stoppedAt?: string };
	let summaries: Summary[] = [];
	const deadline = Date.now() + 60_000;
	for (;;) {
		const r = await rest.request<{ data: { results?: Summary[] } }>(
			'GET',
			`/executions?filter=${filter}&limit=100`,
		);
		if (r.status !== 200)
			throw new Error(`GET /rest/executions answered ${r.status}: ${r.raw.slice(0, 500)}`);
		summaries = r.data.data.results ?? [];
		const finished = summaries.filter((s) => !['new', 'running', 'waiting'].includes(s.status));
		if (finished.length >= expected || Date.now() > deadline) break;
		await new Promise((res) => setTimeout(res, 500));
	}
	const parser = flatted(rt);
	const out: ExecutionRecord[] = [];
	for (const s of summaries) {
		const r = await rest.request<{ data: { id: string; status: string; data: string } }>(
			'GET',
			`/executions/${s.id}`,
		);
		if (r.status !== 200)
			throw new Error(`GET /rest/executions/${s.id} answered ${r.status}: ${r.raw.slice(0, 500)}`);
		const run = parser.parse(r.data.data.data) as RunData;
		const webhookItems = run.resultData?.runData?.[WEBHOOK]?.[0]?.data?.main?.[0] ?? [];
		const body = webhookItems[0]?.json?.body as { request_id?: string } | undefined;
		const nodeRuns = run.resultData?.runData?.[ASSISTABLE] ?? [];
		const nodeError = nodeRuns.find((x) => x.error)?.error ?? run.resultData?.error;
		const outputs = nodeRuns.flatMap((x) => x.data?.main?.[0] ?? []).map((i) => i.json);
		out.push({
			id: String(s.id),
			status: r.data.data.status ?? s.status,
			startedAt: s.startedAt,
			stoppedAt: s.stoppedAt,
			requestId: body?.request_id,
			error: nodeError
				? `${nodeError.message ?? ''}${nodeError.description ? ` | ${nodeError.description}` : ''}`
				: undefined,
			resultText: JSON.stringify({ outputs, error: nodeError ?? null }),
		});
	}
	return out;
}

/** The most executions of these that were running at the same moment (from n8n's start/stop timestamps). */
function maxOverlap(records: ExecutionRecord[]): number {
	const events: Array<[number, number]> = [];
	for (const r of records) {
		if (!r.startedAt || !r.stoppedAt) continue;
		events.push([Date.parse(r.startedAt), 1], [Date.parse(r.stoppedAt), -1]);
	}
	events.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
	let now = 0;
	let max = 0;
	for (const [, d] of events) max = Math.max(max, (now += d));
	return max;
}

// ---------------------------------------------------------------------------------------------------------
// Analysis

/** The sandbox's request log of a burst, compact: [ms from the first request's start, ms it took, method, route, status]. */
function requestTimeline(
	requests: Sandbox['requests'],
): Array<[number, number, string, string, number]> {
	const t0 = requests.length ? Math.min(...requests.map((q) => q.startedAt)) : 0;
	return requests.map((q) => [
		Math.round(q.startedAt - t0),
		Math.round((q.endedAt || q.startedAt) - q.startedAt),
		q.method,
		q.route,
		q.status,
	]);
}

export interface TagBurstFigures {
	posts: number;
	executions: number;
	executionsSucceeded: number;
	executionsFailed: number;
	httpStatuses: Record<string, number>;
	/** Distinct answers other than 200 (status: body). */
	httpErrors: string[];
	tagsExpected: number;
	tagsOnContact: number;
	tagsLost: string[];
	/** Lost tags whose execution reported success. */
	tagsLostSilently: string[];
	existingTagKept: boolean;
	maxConcurrentExecutions: number;
	sandboxMaxInFlight: number;
	errors: string[];
	unmatchedRequests: string[];
	sandboxRequests?: ReturnType<typeof requestTimeline>;
}

export interface UpsertBurstFigures {
	posts: number;
	executions: number;
	executionsSucceeded: number;
	executionsFailed: number;
	httpStatuses: Record<string, number>;
	/** Distinct answers other than 200 (status: body). */
	httpErrors: string[];
	contactsWithEmail: number;
	contactIds: string[];
	duplicates: number;
	/** Duplicates no execution's output or error names together with another contact of that email. */
	duplicatesSilent: number;
	creates: number;
	/**
	 * Of the executions whose create succeeded (found by the tag in the create request's body), how many name
	 * another contact with that email in their output or error (only counted when there is a duplicate).
	 */
	creatorsNamingDuplicate?: { naming: number; creators: number };
	/** Tags (one per POST) on none of the contacts with that email. */
	tagsLost: string[];
	maxConcurrentExecutions: number;
	errors: string[];
	unmatchedRequests: string[];
	sandboxRequests?: ReturnType<typeof requestTimeline>;
}

function countBy<T>(items: T[], key: (t: T) => string): Record<string, number> {
	const out: Record<string, number> = {};
	for (const i of items) out[key(i)] = (out[key(i)] ?? 0) + 1;
	return out;
}

function httpErrors(posts: PostResult[]): string[] {
	return [
		...new Set(
			posts
				.filter((p) => p.httpStatus !== 200)
				.map((p) => `${p.httpStatus}: ${p.body.slice(0, 300)}`),
		),
	];
}

function distinctErrors(records: ExecutionRecord[]): string[] {
	return [...new Set(records.filter((r) => r.error).map((r) => r.error!.slice(0, 300)))];
}

function tagBurstBodies(
	contactId: string,
	label: string,
): Array<{ request_id: string; contact_id: string; tag: string }> {
	return Array.from({ length: TAG_BURST }, (_, i) => ({
		request_id: `${label}-tags-${String(i + 1).padStart(2, '0')}`,
		contact_id: contactId,
		tag: `burst-tag-${String(i + 1).padStart(2, '0')}`,
	}));
}

function upsertBurstBodies(
	email: string,
	label: string,
): Array<{ request_id: string; email: string; tag: string }> {
	return Array.from({ length: UPSERT_BURST }, (_, i) => ({
		request_id: `${label}-upsert-${String(i + 1).padStart(2, '0')}`,
		email,
		tag: `upsert-tag-${String(i + 1).padStart(2, '0')}`,
	}));
}

/** What every burst reports about its POSTs and executions. */
function executionFigures(posts: PostResult[], records: ExecutionRecord[]) {
	return {
		posts: posts.length,
		executions: records.length,
		executionsSucceeded: records.filter((r) => r.status === 'success').length,
		executionsFailed: records.filter((r) => r.status !== 'success').length,
		httpStatuses: countBy(posts, (p) => String(p.httpStatus)),
		httpErrors: httpErrors(posts),
	};
}

function analyseTagBurst(
	bodies: Array<{ request_id: string; tag: string }>,
	posts: PostResult[],
	records: ExecutionRecord[],
	finalTags: string[],
	existingTag: string,
	sandboxMaxInFlight: number,
): TagBurstFigures {
	const byRequest = new Map(records.filter((r) => r.requestId).map((r) => [r.requestId!, r]));
	const lost = bodies.filter((b) => !finalTags.includes(b.tag));
	return {
		...executionFigures(posts, records),
		tagsExpected: bodies.length,
		tagsOnContact: bodies.length - lost.length,
		tagsLost: lost.map((b) => b.tag),
		tagsLostSilently: lost
			.filter((b) => byRequest.get(b.request_id)?.status === 'success')
			.map((b) => b.tag),
		existingTagKept: finalTags.includes(existingTag),
		maxConcurrentExecutions: maxOverlap(records),
		sandboxMaxInFlight,
		errors: distinctErrors(records),
		unmatchedRequests: bodies.filter((b) => !byRequest.has(b.request_id)).map((b) => b.request_id),
	};
}

function analyseUpsertBurst(
	bodies: Array<{ request_id: string; tag: string }>,
	posts: PostResult[],
	records: ExecutionRecord[],
	group: Array<{ id: string; tags: string[] }>,
	creates: number,
): UpsertBurstFigures {
	const contactIds = group.map((c) => c.id);
	const tagsOnGroup = new Set(group.flatMap((c) => c.tags));
	const byRequest = new Set(records.map((r) => r.requestId));
	// A contact of the group is "named" when some execution's result (or its HTTP answer) names it together with another one.
	const texts = [...records.map((r) => r.resultText), ...posts.map((p) => p.body)];
	const named = contactIds.filter((id) =>
		texts.some(
			(t) => t.includes(id) && contactIds.some((other) => other !== id && t.includes(other)),
		),
	);
	const duplicates = Math.max(0, contactIds.length - 1);
	return {
		...executionFigures(posts, records),
		contactsWithEmail: contactIds.length,
		contactIds,
		duplicates,
		duplicatesSilent: duplicates === 0 ? 0 : Math.min(duplicates, contactIds.length - named.length),
		creates,
		tagsLost: bodies.filter((b) => !tagsOnGroup.has(b.tag)).map((b) => b.tag),
		maxConcurrentExecutions: maxOverlap(records),
		errors: distinctErrors(records),
		unmatchedRequests: bodies.filter((b) => !byRequest.has(b.request_id)).map((b) => b.request_id),
	};
}

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
