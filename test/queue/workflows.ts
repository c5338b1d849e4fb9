/** The credential and the activated webhook workflows of the concurrency tests, through the REST API (what the editor does). */
import { randomUUID } from 'node:crypto';
import { CREDENTIAL_TYPE, N8nRest, NODE_TYPE } from '../../runtime/n8n';
import { DEMO_API_KEY, DEMO_LOCATION_ID, type Sandbox } from '../../sandbox/server';
import { ASSISTABLE, WEBHOOK } from './harness';
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
