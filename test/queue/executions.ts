/** The bursts of concurrent POSTs, and n8n's execution records of them (REST API). */
import * as http from 'node:http';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { N8nRest } from '../../runtime/n8n';
import { type N8nRuntime } from '../../runtime/install-n8n';
import { ASSISTABLE, WEBHOOK } from './harness';
import { WebhookWorkflow } from './workflows';
// ---------------------------------------------------------------------------------------------------------
// Bursts

export interface PostResult {
	requestId: string;
	httpStatus: number;
	body: string;
}

/**
 * POSTs all bodies at once to the production webhook URL, each on its own connection: every connection is opened
 * and its headers sent first, then all bodies are written in the same tick, so n8n gets the requests complete at
 * (nearly) the same moment. Each answer arrives when its execution is over.
 */
export async function burst(
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
export async function executionRecords(
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
export function maxOverlap(records: ExecutionRecord[]): number {
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
