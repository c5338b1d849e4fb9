/**
 * The Assistable Trigger in a REAL n8n (the packed package, production URLs, activated workflows): the two
 * trigger examples imported through the REST API. A custom tool call with the right key gets the Code node's
 * answer as its response body; a wrong key, a malformed, empty or oversized body get 4xx and n8n records no
 * execution; a post-call webhook reaches the Call Ended workflow and the customer's contact gets its outcome
 * tags in the sandbox.
 */
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
	CREDENTIAL_TYPE,
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
import {
	DEMO_API_KEY,
	DEMO_ASSISTANT_ID,
	DEMO_CONTACT_IDS,
	DEMO_GHL_CONTACT_IDS,
	DEMO_LOCATION_ID,
	demoSeed,
} from '../../sandbox/demo-data';
import { POST_CALL, TOOL_CALL } from '../workflow/trigger-payloads';
import { e2eState, headlessVersions, runtimeFor } from './env';

const VERSION = '2.41.1';
const SECRET = 'e2e-tool-secret-5f1c9a7e3b2d4c6a';

interface WorkflowJson {
	id?: string;
	versionId?: string;
	nodes: Array<{
		name: string;
		type: string;
		webhookId?: string;
		parameters: Record<string, unknown>;
		credentials?: Record<string, { id: string | null; name: string }>;
	}>;
}

function example(file: string): WorkflowJson {
	const text = fs.readFileSync(path.join(repoRoot(), 'examples', file), 'utf8');
	return JSON.parse(
		text
			.replace('REPLACE_WITH_YOUR_LOCATION_ID', DEMO_LOCATION_ID)
			.replace('REPLACE_WITH_YOUR_ASSISTANT_ID', DEMO_ASSISTANT_ID),
	) as WorkflowJson;
}

async function eventually<T>(
	what: string,
	check: () => Promise<T | undefined>,
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

(headlessVersions().includes(VERSION) ? describe : describe.skip)(
	`n8n ${VERSION}: Assistable Trigger on production URLs`,
	() => {
		let sandbox: Sandbox;
		let userFolder: string;
		let server: N8nServer;
		let rest: N8nRest;
		let webhookCredentialId: string;

		beforeAll(async () => {
			const rt = runtimeFor(VERSION);
			sandbox = await startSandbox({ seed: demoSeed() });
			userFolder = makeUserFolder('e2e-trigger');
			await installPackage(userFolder, e2eState().tgz, { log: prefixedLog('[e2e trigger]') });
			const env = n8nEnv(rt, { userFolder, port: await freePort(), brokerPort: await freePort() });
			// n8n's body limit in MB (default 16), lowered so the oversized request stays small.
			env.N8N_PAYLOAD_SIZE_MAX = '1';
			server = await startN8n(rt, env);
			rest = new N8nRest(server.url);
			await rest.setupOwner();
			const api = await rest.request('POST', '/credentials', {
				name: 'Assistable account',
				type: CREDENTIAL_TYPE,
				data: { apiKey: DEMO_API_KEY, baseUrl: sandbox.url },
			});
			expect(api.status).toBe(200);
			const secret = await rest.request<{ data: { id: string } }>('POST', '/credentials', {
				name: 'Assistable webhook secret',
				type: 'assistableWebhookApi',
				data: { secret: SECRET },
			});
			expect(secret.status).toBe(200);
			webhookCredentialId = secret.data.data.id;
		});

		afterAll(async () => {
			await server?.stop();
			await sandbox?.close();
			if (userFolder && !process.env.E2E_KEEP)
				fs.rmSync(userFolder, { recursive: true, force: true });
		});

		async function importAndActivate(workflow: WorkflowJson): Promise<{ id: string; url: string }> {
			const imported = await rest.request<{ data: WorkflowJson }>('POST', '/workflows', workflow);
			if (imported.status !== 200)
				throw new Error(
					`POST /rest/workflows answered ${imported.status}: ${imported.raw.slice(0, 800)}`,
				);
			const wf = imported.data.data;
			const activated = await rest.request('POST', `/workflows/${wf.id}/activate`, {
				versionId: wf.versionId,
			});
			if (activated.status !== 200)
				throw new Error(`activation answered ${activated.status}: ${activated.raw.slice(0, 800)}`);
			const trigger = wf.nodes.find((n) => n.type === 'n8n-nodes-assistable.assistableTrigger');
			const form = wf.nodes.find((n) => n.type === 'n8n-nodes-base.webhook');
			const hook = trigger ? `${trigger.webhookId}/webhook` : String(form?.parameters.path);
			return { id: wf.id!, url: `${server.url}/webhook/${hook}` };
		}

		/** POSTs to a production URL; n8n registers it just after activation, so "not registered" is retried. */
		async function post(
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

		async function executions(workflowId: string): Promise<string[]> {
			const filter = encodeURIComponent(JSON.stringify({ workflowId }));
			const r = await rest.request<{ data: { results: Array<{ status: string }> } }>(
				'GET',
				`/executions?filter=${filter}`,
			);
			return (r.data?.data?.results ?? []).map((e) => e.status);
		}

		/** Waits until n8n has recorded `count` finished executions of the workflow, and returns their statuses. */
		const recorded = (workflowId: string, count: number) =>
			eventually(`${count} executions of ${workflowId}`, async () => {
				const list = await executions(workflowId);
				const finished = list.filter((s) => !['new', 'running', 'waiting'].includes(s));
				return finished.length >= count ? list : undefined;
			});

		test("custom tool call: the right key gets the workflow's answer; a wrong or missing key gets 401 and no execution", async () => {
			const workflow = example('trigger-custom-tool-availability.workflow.json');
			const trigger = workflow.nodes.find(
				(n) => n.type === 'n8n-nodes-assistable.assistableTrigger',
			)!;
			trigger.parameters.authentication = 'secret';
			trigger.credentials = {
				assistableWebhookApi: { id: webhookCredentialId, name: 'Assistable webhook secret' },
			};
			const { id, url } = await importAndActivate(workflow);
			const body = JSON.stringify(TOOL_CALL);

			const ok = await post(url, body, { authorization: `Bearer ${SECRET}` });
			expect(ok.status).toBe(200);
			expect(JSON.parse(ok.text)).toEqual({
				available: true,
				contactId: TOOL_CALL.contact_id,
				message: '2026-04-21 at 10:00 is free.',
			});
			expect(await recorded(id, 1)).toEqual(['success']);

			for (const headers of [{ authorization: `Bearer ${SECRET}-not` }, {}] as Array<
				Record<string, string>
			>) {
				const refused = await post(url, body, headers);
				expect(refused.status).toBe(401);
				expect(refused.text).not.toContain(SECRET);
			}
			// Malformed JSON: n8n refuses application/json it cannot parse before the trigger runs; sent as
			// text, the trigger answers 400 itself. Neither starts an execution.
			const auth = { authorization: `Bearer ${SECRET}` };
			const malformedJson = await post(url, '{"Arguments": {', auth);
			expect(malformedJson.status).toBe(422);
			expect(malformedJson.text).toContain('Failed to parse request body');
			const malformedText = await post(url, '{"Arguments": {', {
				...auth,
				'content-type': 'text/plain',
			});
			expect(malformedText).toEqual({
				status: 400,
				text: JSON.stringify({
					message: 'The request body is not valid JSON: Assistable sends a JSON object.',
				}),
			});
			const empty = await post(url, '', auth);
			expect(empty).toEqual({
				status: 400,
				text: JSON.stringify({
					message: 'The request body is empty: Assistable sends a JSON object.',
				}),
			});
			// Over n8n's body limit (N8N_PAYLOAD_SIZE_MAX): refused by n8n while reading the body, before the
			// trigger runs. n8n 2.41.1 answers 500 there (it does not pass on the body reader's 413).
			const oversized = await post(
				url,
				JSON.stringify({ ...TOOL_CALL, padding: 'x'.repeat(1_200_000) }),
				auth,
			);
			expect(oversized.status).toBe(500);
			expect(oversized.text).toContain('There was a problem executing the workflow');
			// A Saturday, with the right key: the second recorded execution. Nothing was recorded in between.
			const saturday = await post(
				url,
				JSON.stringify({ ...TOOL_CALL, Arguments: { date: '2026-04-25', time: '10:00' } }),
				auth,
			);
			expect(JSON.parse(saturday.text)).toMatchObject({ available: false });
			expect(await recorded(id, 2)).toEqual(['success', 'success']);
			expect(server.logs()).not.toContain(SECRET);
		});

		test('a post-call webhook reaches the Call Ended workflow: the contact gets its outcome tags', async () => {
			const { id, url } = await importAndActivate(example('trigger-call-ended-tags.workflow.json'));
			// A pre-call payload to the Call Ended URL: 200, nothing runs.
			const ignored = await post(url, JSON.stringify({ to: '+15555550101', from: '+14155550199' }));
			expect(ignored.status).toBe(200);
			const answer = await post(url, JSON.stringify(POST_CALL));
			expect(answer).toEqual({ status: 200, text: '' });
			expect(await recorded(id, 1)).toEqual(['success']);
			expect(sandbox.getContact(DEMO_CONTACT_IDS.ada)).toMatchObject({
				tags: ['lead', 'newsletter', 'call-positive', 'task-booked'],
				custom_fields: expect.objectContaining({
					last_call_summary: 'Ada wants a demo next Tuesday at 10am.',
				}),
			});
		});

		test('the whole loop: a GHL form post updates Ada and calls her; the simulated call ends in the Call Ended workflow; Ada gets the outcome tags', async () => {
			sandbox.reset(demoSeed());
			const ended = example('trigger-call-ended-tags.workflow.json');
			// A webhook path of its own: the Call Ended example is already active from the test above.
			ended.nodes.find((n) => n.type === 'n8n-nodes-assistable.assistableTrigger')!.webhookId =
				randomUUID();
			const callEnded = await importAndActivate(ended);
			const form = await importAndActivate(example('webhook-contact-call.workflow.json'));
			sandbox.setBehaviour({ callStartAfterMs: 100, callDurationMs: 300 });
			sandbox.setCallWebhooks('*', { post: callEnded.url });

			const posted = await post(
				form.url,
				JSON.stringify({
					contact_id: DEMO_GHL_CONTACT_IDS.ada,
					location: { id: DEMO_LOCATION_ID },
					email: 'ada@example.com',
					first_name: 'Ada',
					phone: '+1 555 555 0101',
					interest: 'demo',
				}),
			);
			expect(posted.status).toBe(200);
			expect(await recorded(form.id, 1)).toEqual(['success']);
			expect(await recorded(callEnded.id, 1)).toEqual(['success']);

			const calls = sandbox.calls();
			expect(calls).toEqual([
				expect.objectContaining({
					assistant_id: DEMO_ASSISTANT_ID,
					contact_id: DEMO_GHL_CONTACT_IDS.ada,
					status: 'ended',
				}),
			]);
			expect(calls[0].deliveries).toEqual([
				expect.objectContaining({ event: 'post-call', url: callEnded.url, status: 200 }),
			]);
			expect(sandbox.getContact(DEMO_CONTACT_IDS.ada)).toMatchObject({
				tags: ['lead', 'newsletter', 'web-lead', 'demo', 'call-positive', 'task-complete'],
				custom_fields: expect.objectContaining({
					last_call_summary: 'The contact answered and booked a follow-up.',
				}),
			});
		});
	},
);
