/**
 * The Assistable Trigger in a REAL n8n (the packed package, production URLs, activated workflows): the two
 * trigger examples imported through the REST API. A custom tool call with the right key gets the Code node's
 * answer as its response body; a wrong key, a malformed, empty or oversized body get 4xx and n8n records no
 * execution; a post-call webhook reaches the Call Ended workflow and the customer's contact gets its outcome
 * tags in the sandbox.
 */
import { randomUUID } from 'node:crypto';
import { CREDENTIAL_TYPE } from '../../runtime/n8n';
import {
	DEMO_API_KEY,
	DEMO_ASSISTANT_ID,
	DEMO_CONTACT_IDS,
	DEMO_GHL_CONTACT_IDS,
	DEMO_LOCATION_ID,
	demoSeed,
} from '../../sandbox/demo-data';
import { POST_CALL, TOOL_CALL } from '../workflow/trigger-payloads';
import { headlessVersions } from './env';
import {
	activateWorkflow,
	eventually,
	example as exampleFile,
	executionStatuses,
	importWorkflow,
	postWhenRegistered as post,
	useRestN8n,
	type StoredWorkflow as WorkflowJson,
} from './rest-support';

const versions = headlessVersions();
const SECRET = 'e2e-tool-secret-5f1c9a7e3b2d4c6a';

const example = (file: string) => exampleFile<WorkflowJson>(file, DEMO_ASSISTANT_ID);

// Every headless version (the newest and the oldest supported n8n by default).
(versions.length ? describe : describe.skip).each(versions.length ? versions : ['none'])(
	'n8n %s: Assistable Trigger on production URLs',
	(VERSION) => {
		const n8n = useRestN8n(VERSION, {
			folder: 'e2e-trigger',
			logPrefix: '[e2e trigger]',
			// n8n's body limit in MB (default 16), lowered so the oversized request stays small.
			env: (env) => (env.N8N_PAYLOAD_SIZE_MAX = '1'),
		});
		let webhookCredentialId: string;

		beforeAll(async () => {
			const api = await n8n.rest.request('POST', '/credentials', {
				name: 'Assistable account',
				type: CREDENTIAL_TYPE,
				data: { apiKey: DEMO_API_KEY, baseUrl: n8n.sandbox.url },
			});
			expect(api.status).toBe(200);
			const secret = await n8n.rest.request<{ data: { id: string } }>('POST', '/credentials', {
				name: 'Assistable webhook secret',
				type: 'assistableWebhookApi',
				data: { secret: SECRET },
			});
			expect(secret.status).toBe(200);
			webhookCredentialId = secret.data.data.id;
		});

		async function importAndActivate(workflow: WorkflowJson): Promise<{ id: string; url: string }> {
			const wf = await importWorkflow(n8n.rest, workflow, 'the workflow');
			await activateWorkflow(n8n.rest, wf, 'the workflow');
			const trigger = wf.nodes.find((n) => n.type === 'n8n-nodes-assistable.assistableTrigger');
			const form = wf.nodes.find((n) => n.type === 'n8n-nodes-base.webhook');
			const hook = trigger ? `${trigger.webhookId}/webhook` : String(form?.parameters.path);
			return { id: wf.id, url: `${n8n.server.url}/webhook/${hook}` };
		}

		/** Waits until n8n has recorded `count` finished executions of the workflow, and returns their statuses. */
		const recorded = (workflowId: string, count: number) =>
			eventually(`${count} executions of ${workflowId}`, async () => {
				const list = await executionStatuses(n8n.rest, workflowId);
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
			expect(n8n.server.logs()).not.toContain(SECRET);
		});

		test('a post-call webhook reaches the Call Ended workflow: the contact gets its outcome tags', async () => {
			const { id, url } = await importAndActivate(example('trigger-call-ended-tags.workflow.json'));
			// A pre-call payload to the Call Ended URL: 200, nothing runs.
			const ignored = await post(url, JSON.stringify({ to: '+15555550101', from: '+14155550199' }));
			expect(ignored.status).toBe(200);
			const answer = await post(url, JSON.stringify(POST_CALL));
			expect(answer).toEqual({ status: 200, text: '' });
			expect(await recorded(id, 1)).toEqual(['success']);
			expect(n8n.sandbox.getContact(DEMO_CONTACT_IDS.ada)).toMatchObject({
				tags: ['lead', 'newsletter', 'call-positive', 'task-booked'],
				custom_fields: expect.objectContaining({
					last_call_summary: 'Ada wants a demo next Tuesday at 10am.',
				}),
			});
		});

		test('the whole loop: a GHL form post updates Ada and calls her; the simulated call ends in the Call Ended workflow; Ada gets the outcome tags', async () => {
			n8n.sandbox.reset(demoSeed());
			const ended = example('trigger-call-ended-tags.workflow.json');
			// A webhook path of its own: the Call Ended example is already active from the test above.
			ended.nodes.find((n) => n.type === 'n8n-nodes-assistable.assistableTrigger')!.webhookId =
				randomUUID();
			const callEnded = await importAndActivate(ended);
			const form = await importAndActivate(example('webhook-contact-call.workflow.json'));
			n8n.sandbox.setBehaviour({ callStartAfterMs: 100, callDurationMs: 300 });
			n8n.sandbox.setCallWebhooks('*', { post: callEnded.url });

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

			const calls = n8n.sandbox.calls();
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
			expect(n8n.sandbox.getContact(DEMO_CONTACT_IDS.ada)).toMatchObject({
				tags: ['lead', 'newsletter', 'web-lead', 'demo', 'call-positive', 'task-complete'],
				custom_fields: expect.objectContaining({
					last_call_summary: 'The contact answered and booked a follow-up.',
				}),
			});
		});
	},
);
