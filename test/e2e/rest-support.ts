/**
 * Shared by the e2e tests that drive a running n8n through its REST API, as the editor or a script does
 * (examples-rest.test.ts, trigger.test.ts): polling, the examples as files, one n8n with the packed package
 * and a sandbox, importing and activating workflows, and POSTs to production URLs n8n is still registering.
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
import { repoRoot } from '../../runtime/install-n8n';
import { startSandbox, type Sandbox } from '../../sandbox/server';
import { DEMO_LOCATION_ID, demoSeed } from '../../sandbox/demo-data';
import { e2eState, runtimeFor } from './env';

/** A workflow as n8n stores it (the fields these tests read). */
export interface StoredWorkflow {
	id: string;
	versionId: string;
	nodes: Array<{
		name: string;
		type: string;
		webhookId?: string;
		parameters: Record<string, unknown>;
		credentials?: Record<string, { id: string | null; name: string }>;
	}>;
}

/** An example workflow of examples/, with the Location ID and Assistant ID the README tells users to set. */
export function example<T = Record<string, unknown>>(file: string, assistantId: string): T {
	const text = fs.readFileSync(path.join(repoRoot(), 'examples', file), 'utf8');
	return JSON.parse(
		text
			.replace('REPLACE_WITH_YOUR_LOCATION_ID', DEMO_LOCATION_ID)
			.replace('REPLACE_WITH_YOUR_ASSISTANT_ID', assistantId),
	) as T;
}

/** Waits (polling) until `check` returns a value, or fails with `what`. */
export async function eventually<T>(
	what: string,
	check: () => Promise<T | undefined> | T | undefined,
	timeoutMs = 60_000,
): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await check();
		if (value !== undefined) return value;
		if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
		await new Promise((r) => setTimeout(r, 250));
	}
}

export interface RestN8n {
	sandbox: Sandbox;
	server: N8nServer;
	rest: N8nRest;
}

/**
 * Before the describe's tests: a sandbox with the demo data, a user folder with the packed package, n8n
 * started (`env` may change its environment first) and its owner set up; after them, all of it stopped and
 * removed. The returned object is filled in by then.
 */
export function useRestN8n(
	version: string,
	options: { folder: string; logPrefix: string; env?: (env: NodeJS.ProcessEnv) => void },
): RestN8n {
	const n8n = {} as RestN8n;
	let userFolder: string;

	beforeAll(async () => {
		const rt = runtimeFor(version);
		n8n.sandbox = await startSandbox({ seed: demoSeed() });
		userFolder = makeUserFolder(options.folder);
		await installPackage(userFolder, e2eState().tgz, { log: prefixedLog(options.logPrefix) });
		const env = n8nEnv(rt, { userFolder, port: await freePort(), brokerPort: await freePort() });
		options.env?.(env);
		n8n.server = await startN8n(rt, env);
		n8n.rest = new N8nRest(n8n.server.url);
		await n8n.rest.setupOwner();
	});

	afterAll(async () => {
		await n8n.server?.stop();
		await n8n.sandbox?.close();
		if (userFolder && !process.env.E2E_KEEP)
			fs.rmSync(userFolder, { recursive: true, force: true });
	});

	return n8n;
}

/** POST /rest/workflows; `what` names the workflow in the error. */
export async function importWorkflow(
	rest: N8nRest,
	workflow: unknown,
	what: string,
): Promise<StoredWorkflow> {
	const imported = await rest.request<{ data: StoredWorkflow }>('POST', '/workflows', workflow);
	if (imported.status !== 200)
		throw new Error(
			`POST /rest/workflows of ${what} answered ${imported.status}: ${imported.raw.slice(0, 800)}`,
		);
	return imported.data.data;
}

export async function activateWorkflow(
	rest: N8nRest,
	wf: StoredWorkflow,
	what: string,
): Promise<void> {
	const activated = await rest.request('POST', `/workflows/${wf.id}/activate`, {
		versionId: wf.versionId,
	});
	if (activated.status !== 200)
		throw new Error(
			`activating ${what} answered ${activated.status}: ${activated.raw.slice(0, 800)}`,
		);
}

/** The statuses of the workflow's executions, newest first. */
export async function executionStatuses(rest: N8nRest, workflowId: string): Promise<string[]> {
	const filter = encodeURIComponent(JSON.stringify({ workflowId }));
	const r = await rest.request<{ data: { results: Array<{ status: string }> } }>(
		'GET',
		`/executions?filter=${filter}`,
	);
	return (r.data?.data?.results ?? []).map((e) => e.status);
}

/** POSTs to a production URL; n8n registers it just after activation, so a 404 "not registered" is retried. */
export async function postWhenRegistered(
	url: string,
	body: string,
	headers: Record<string, string> = {},
): Promise<{ status: number; text: string }> {
	return eventually(`POST ${url} to be registered`, async () => {
		const res = await fetch(url, {
			method: 'POST',
			headers: { 'content-type': 'application/json', ...headers },
			body,
		});
		const text = await res.text();
		if (res.status === 404 && /not registered/.test(text)) return undefined;
		return { status: res.status, text };
	});
}
