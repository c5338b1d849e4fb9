/**
 * The README's two webhook examples, imported the way a script or CI imports them, through a REAL n8n's REST
 * API (POST /rest/workflows), as files, unchanged except the Location ID the README tells users to set. They
 * reference the credential by name only; n8n must bind them to the user's "Assistable account" credential.
 * Then each is activated and its production webhook is called, and the sandbox shows the result.
 */
import { CREDENTIAL_TYPE } from '../../runtime/n8n';
import { DEMO_API_KEY, DEMO_CONTACT_IDS, DEMO_LOCATION_ID } from '../../sandbox/demo-data';
import { headlessVersions } from './env';
import {
	activateWorkflow,
	eventually,
	example,
	executionStatuses,
	importWorkflow,
	postWhenRegistered,
	useRestN8n,
	type StoredWorkflow,
} from './rest-support';

const versions = headlessVersions();
const E2E_ASSISTANT_ID = 'asst_e2e_example';

// Every headless version (the newest and the oldest supported n8n by default).
(versions.length ? describe : describe.skip).each(versions.length ? versions : ['none'])(
	'n8n %s: examples imported through the REST API',
	(VERSION) => {
		const n8n = useRestN8n(VERSION, { folder: 'e2e-examples', logPrefix: '[e2e examples]' });
		let credentialId: string;

		beforeAll(async () => {
			// The credential a user makes in the editor, named as the examples expect.
			const created = await n8n.rest.request<{ data: { id: string } }>('POST', '/credentials', {
				name: 'Assistable account',
				type: CREDENTIAL_TYPE,
				data: { apiKey: DEMO_API_KEY, baseUrl: n8n.sandbox.url },
			});
			expect(created.status).toBe(200);
			credentialId = created.data.data.id;
		});

		beforeEach(() => n8n.sandbox.clearRequests());

		/** POST /rest/workflows, check the credential was bound by name, activate. */
		async function importAndActivate(file: string): Promise<StoredWorkflow> {
			const wf = await importWorkflow(n8n.rest, example(file, E2E_ASSISTANT_ID), file);
			const assistable = wf.nodes.find((n) => n.type === 'n8n-nodes-assistable.assistable')!;
			expect(assistable.credentials?.[CREDENTIAL_TYPE]).toEqual({
				id: credentialId,
				name: 'Assistable account',
			});
			await activateWorkflow(n8n.rest, wf, file);
			return wf;
		}

		async function lastExecutionStatus(workflowId: string): Promise<string | undefined> {
			const [status] = await executionStatuses(n8n.rest, workflowId);
			return status && !['new', 'running', 'waiting'].includes(status) ? status : undefined;
		}

		/** POSTs to the production webhook, retried while n8n has not registered it yet. */
		async function postWebhook(pathName: string, body: unknown): Promise<number> {
			const res = await postWhenRegistered(
				`${n8n.server.url}/webhook/${pathName}`,
				JSON.stringify(body),
			);
			if (res.status !== 200)
				process.stdout.write(
					`[e2e examples] POST /webhook/${pathName} answered ${res.status}: ${res.text.slice(0, 500)}\n`,
				);
			return res.status;
		}

		/** Imports and activates the example, POSTs its webhook, waits for a successful run: the requests made. */
		async function submit(file: string, pathName: string, body: unknown): Promise<string[]> {
			const wf = await importAndActivate(file);
			expect(await postWebhook(pathName, body)).toBe(200);
			expect(await eventually('the execution to finish', () => lastExecutionStatus(wf.id))).toBe(
				'success',
			);
			return n8n.sandbox.requests.map((q) => `${q.method} ${q.route}`);
		}

		test('webhook-update-contact: the form post appends its tags to the contact', async () => {
			const requests = await submit('webhook-update-contact.workflow.json', 'assistable-form', {
				contact_id: DEMO_CONTACT_IDS.ada,
				email: 'ada@analytical.example',
				phone: '+1 (415) 555-0101',
				interest: 'pricing',
				form_name: 'Demo request',
			});
			// The last GET is Re-Check Tags (on by default).
			expect(requests).toEqual(['GET get', 'PATCH patch', 'GET get']);
			expect(n8n.sandbox.getContact(DEMO_CONTACT_IDS.ada)).toMatchObject({
				email: 'ada@analytical.example',
				phone_number: '+14155550101',
				tags: ['lead', 'newsletter', 'web-form', 'pricing'],
				custom_fields: expect.objectContaining({ last_form: 'Demo request' }),
			});
		});

		test('webhook-upsert-contact: a new sign-up is created with its tags', async () => {
			const requests = await submit('webhook-upsert-contact.workflow.json', 'assistable-signup', {
				email: 'new.signup@example.com',
				first_name: 'Mary',
				last_name: 'Jackson',
				phone: '+1 757 555 0111',
				plan: 'pro',
				source: 'landing-page',
			});
			// The second list is the duplicate check a moment after the create.
			expect(requests).toEqual(['GET list', 'POST create', 'GET list']);
			const created = n8n.sandbox
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
			const ghlContactId = 'pQ4x7Ld2Rt9Wm3Kc8Nb1';
			const requests = await submit('webhook-contact-call.workflow.json', 'assistable-call-lead', {
				contact_id: ghlContactId,
				location: { id: DEMO_LOCATION_ID },
				email: 'call.me@example.com',
				first_name: 'Dorothy',
				phone: '+1 757 555 0177',
				interest: 'demo',
			});
			expect(requests).toEqual(['GET list', 'POST create', 'GET list', 'POST makeCall']);
			expect(
				n8n.sandbox.listContacts(DEMO_LOCATION_ID).filter((c) => c.email === 'call.me@example.com'),
			).toEqual([expect.objectContaining({ tags: ['web-lead', 'demo'] })]);
			expect(n8n.sandbox.calls().filter((c) => c.contact_id === ghlContactId)).toEqual([
				expect.objectContaining({
					assistant_id: E2E_ASSISTANT_ID,
					location_id: DEMO_LOCATION_ID,
				}),
			]);
		});
	},
);
