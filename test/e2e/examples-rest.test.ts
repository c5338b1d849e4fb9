/**
 * The README's two webhook examples, imported the way a script or CI imports them, through a REAL n8n's REST
 * API (POST /rest/workflows), as files, unchanged except the Location ID the README tells users to set. They
 * reference the credential by name only; n8n must bind them to the user's "Assistable account" credential.
 * Then each is activated and its production webhook is called, and the sandbox shows the result.
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
	CREDENTIAL_TYPE,
	type N8nServer,
} from '../../runtime/n8n';
import { repoRoot } from '../../runtime/install-n8n';
import { startSandbox, type Sandbox } from '../../sandbox/server';
import {
	DEMO_API_KEY,
	DEMO_CONTACT_IDS,
	DEMO_LOCATION_ID,
	demoSeed,
} from '../../sandbox/demo-data';
import { e2eState, headlessVersions, runtimeFor } from './env';

const VERSION = '2.41.1';
const E2E_ASSISTANT_ID = 'asst_e2e_example';

interface StoredWorkflow {
	id: string;
	versionId: string;
	nodes: Array<{
		name: string;
		type: string;
		credentials?: Record<string, { id: string | null; name: string }>;
	}>;
}

function example(file: string): Record<string, unknown> {
	const text = fs.readFileSync(path.join(repoRoot(), 'examples', file), 'utf8');
	return JSON.parse(
		text
			.replace('REPLACE_WITH_YOUR_LOCATION_ID', DEMO_LOCATION_ID)
			.replace('REPLACE_WITH_YOUR_ASSISTANT_ID', E2E_ASSISTANT_ID),
	) as Record<string, unknown>;
}

/** Waits (polling) until `check` returns a value, or fails with `what`. */
async function eventually<T>(
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

(headlessVersions().includes(VERSION) ? describe : describe.skip)(
	`n8n ${VERSION}: examples imported through the REST API`,
	() => {
		let sandbox: Sandbox;
		let userFolder: string;
		let server: N8nServer;
		let rest: N8nRest;
		let credentialId: string;

		beforeAll(async () => {
			const rt = runtimeFor(VERSION);
			sandbox = await startSandbox({ seed: demoSeed() });
			userFolder = makeUserFolder('e2e-examples');
			await installPackage(userFolder, e2eState().tgz, { log: prefixedLog('[e2e examples]') });
			const env = n8nEnv(rt, { userFolder, port: await freePort(), brokerPort: await freePort() });
			server = await startN8n(rt, env);
			rest = new N8nRest(server.url);
			await rest.setupOwner();
			// The credential a user makes in the editor, named as the examples expect.
			const created = await rest.request<{ data: { id: string } }>('POST', '/credentials', {
				name: 'Assistable account',
				type: CREDENTIAL_TYPE,
				data: { apiKey: DEMO_API_KEY, baseUrl: sandbox.url },
			});
			expect(created.status).toBe(200);
			credentialId = created.data.data.id;
		});

		afterAll(async () => {
			await server?.stop();
			await sandbox?.close();
			if (userFolder && !process.env.E2E_KEEP)
				fs.rmSync(userFolder, { recursive: true, force: true });
		});

		beforeEach(() => sandbox.clearRequests());

		/** POST /rest/workflows, check the credential was bound by name, activate. */
		async function importAndActivate(file: string): Promise<StoredWorkflow> {
			const imported = await rest.request<{ data: StoredWorkflow }>(
				'POST',
				'/workflows',
				example(file),
			);
			if (imported.status !== 200)
				throw new Error(
					`POST /rest/workflows of ${file} answered ${imported.status}: ${imported.raw.slice(0, 800)}`,
				);
			const wf = imported.data.data;
			const assistable = wf.nodes.find((n) => n.type === 'n8n-nodes-assistable.assistable')!;
			expect(assistable.credentials?.[CREDENTIAL_TYPE]).toEqual({
				id: credentialId,
				name: 'Assistable account',
			});
			const activated = await rest.request('POST', `/workflows/${wf.id}/activate`, {
				versionId: wf.versionId,
			});
			if (activated.status !== 200)
				throw new Error(
					`activating ${file} answered ${activated.status}: ${activated.raw.slice(0, 800)}`,
				);
			return wf;
		}

		async function lastExecutionStatus(workflowId: string): Promise<string | undefined> {
			const filter = encodeURIComponent(JSON.stringify({ workflowId }));
			const r = await rest.request<{ data: { results: Array<{ status: string }> } }>(
				'GET',
				`/executions?filter=${filter}`,
			);
			const status = r.data?.data?.results?.[0]?.status;
			return status && !['new', 'running', 'waiting'].includes(status) ? status : undefined;
		}

		/** POSTs to the production webhook; n8n registers it just after activation, so a 404 "not registered" is retried. */
		async function postWebhook(pathName: string, body: unknown): Promise<number> {
			return eventually(`POST /webhook/${pathName} to be registered`, async () => {
				const res = await fetch(`${server.url}/webhook/${pathName}`, {
					method: 'POST',
					headers: { 'content-type': 'application/json' },
					body: JSON.stringify(body),
				});
				const text = await res.text();
				if (res.status === 404 && /not registered/.test(text)) return undefined;
				if (res.status !== 200)
					process.stdout.write(
						`[e2e examples] POST /webhook/${pathName} answered ${res.status}: ${text.slice(0, 500)}\n`,
					);
				return res.status;
			});
		}

		test('webhook-update-contact: the form post appends its tags to the contact', async () => {
			const wf = await importAndActivate('webhook-update-contact.workflow.json');
			const status = await postWebhook('assistable-form', {
				contact_id: DEMO_CONTACT_IDS.ada,
				email: 'ada@analytical.example',
				phone: '+1 (415) 555-0101',
				interest: 'pricing',
				form_name: 'Demo request',
			});
			expect(status).toBe(200);
			expect(await eventually('the execution to finish', () => lastExecutionStatus(wf.id))).toBe(
				'success',
			);
			// The last GET is Re-Check Tags (on by default).
			expect(sandbox.requests.map((q) => `${q.method} ${q.route}`)).toEqual([
				'GET get',
				'PATCH patch',
				'GET get',
			]);
			expect(sandbox.getContact(DEMO_CONTACT_IDS.ada)).toMatchObject({
				email: 'ada@analytical.example',
				phone_number: '+14155550101',
				tags: ['lead', 'newsletter', 'web-form', 'pricing'],
				custom_fields: expect.objectContaining({ last_form: 'Demo request' }),
			});
		});

		test('webhook-upsert-contact: a new sign-up is created with its tags', async () => {
			const wf = await importAndActivate('webhook-upsert-contact.workflow.json');
			const status = await postWebhook('assistable-signup', {
				email: 'new.signup@example.com',
				first_name: 'Mary',
				last_name: 'Jackson',
				phone: '+1 757 555 0111',
				plan: 'pro',
				source: 'landing-page',
			});
			expect(status).toBe(200);
			expect(await eventually('the execution to finish', () => lastExecutionStatus(wf.id))).toBe(
				'success',
			);
			// The second list is the duplicate check a moment after the create.
			expect(sandbox.requests.map((q) => `${q.method} ${q.route}`)).toEqual([
				'GET list',
				'POST create',
				'GET list',
			]);
			const created = sandbox
				.listContacts(DEMO_LOCATION_ID)
				.find((c) => c.email === 'new.signup@example.com');
			expect(created).toMatchObject({
				first_name: 'Mary',
				last_name: 'Jackson',
				phone_number: '+17575550111',
				tags: ['signup', 'pro'],
				custom_fields: { signup_source: 'landing-page' },
			});
		});

		test('webhook-contact-call: a GoHighLevel form post creates the contact and the assistant calls it once', async () => {
			const wf = await importAndActivate('webhook-contact-call.workflow.json');
			const ghlContactId = 'pQ4x7Ld2Rt9Wm3Kc8Nb1';
			const status = await postWebhook('assistable-call-lead', {
				contact_id: ghlContactId,
				location: { id: DEMO_LOCATION_ID },
				email: 'call.me@example.com',
				first_name: 'Dorothy',
				phone: '+1 757 555 0177',
				interest: 'demo',
			});
			expect(status).toBe(200);
			expect(await eventually('the execution to finish', () => lastExecutionStatus(wf.id))).toBe(
				'success',
			);
			expect(sandbox.requests.map((q) => `${q.method} ${q.route}`)).toEqual([
				'GET list',
				'POST create',
				'GET list',
				'POST makeCall',
			]);
			expect(
				sandbox.listContacts(DEMO_LOCATION_ID).filter((c) => c.email === 'call.me@example.com'),
			).toEqual([expect.objectContaining({ tags: ['web-lead', 'demo'] })]);
			expect(sandbox.calls().filter((c) => c.contact_id === ghlContactId)).toEqual([
				expect.objectContaining({
					assistant_id: E2E_ASSISTANT_ID,
					location_id: DEMO_LOCATION_ID,
				}),
			]);
		});
	},
);
