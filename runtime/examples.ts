/** The workflows in examples/ as `npm start` imports them, and activating one through the REST API. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from './install-n8n';
import { n8nId, type N8nRest, type WorkflowJson } from './n8n';

export const EXAMPLES_DIR = 'examples';
export const EXAMPLE_WORKFLOW = 'examples/sandbox-demo.workflow.json';
export const SANDBOX_CREDENTIAL = { id: 'assistableSandbx', name: 'Assistable (sandbox)' };
/** The placeholder the webhook examples carry where a user puts their Location ID. */
export const LOCATION_PLACEHOLDER = 'REPLACE_WITH_YOUR_LOCATION_ID';

export interface ExampleWorkflow {
	file: string;
	workflow: WorkflowJson;
	/** Paths of its Webhook and Assistable Trigger nodes (production URL `/webhook/<path>` once active). */
	webhookPaths: string[];
}

/**
 * Reads every workflow in examples/ and points its Assistable node(s) at the given credential. Examples
 * without an id get one derived from the file name; `locationId` replaces the Location ID placeholder.
 */
export function loadExampleWorkflows(
	credential: { id: string; name: string },
	locationId?: string,
): ExampleWorkflow[] {
	const dir = path.join(repoRoot(), EXAMPLES_DIR);
	const files = fs
		.readdirSync(dir)
		.filter((f) => f.endsWith('.workflow.json'))
		.sort((a, b) => (a === path.basename(EXAMPLE_WORKFLOW) ? -1 : a.localeCompare(b)));
	return files.map((name) => {
		let text = fs.readFileSync(path.join(dir, name), 'utf8');
		if (locationId) text = text.split(LOCATION_PLACEHOLDER).join(locationId);
		const wf = JSON.parse(text) as WorkflowJson;
		if (!wf.id) wf.id = n8nId(name.replace(/\.workflow\.json$/, ''));
		const webhookPaths: string[] = [];
		for (const node of wf.nodes as Array<{
			type?: string;
			webhookId?: string;
			parameters?: { path?: string };
			credentials?: Record<string, { id: string | null; name: string }>;
		}>) {
			if (node.credentials?.assistableApi) node.credentials.assistableApi = { ...credential };
			if (node.type === 'n8n-nodes-base.webhook' && node.parameters?.path)
				webhookPaths.push(node.parameters.path);
			// The Assistable Trigger's production path: <webhookId>/webhook.
			if (node.type === 'n8n-nodes-assistable.assistableTrigger' && node.webhookId)
				webhookPaths.push(`${node.webhookId}/webhook`);
		}
		return { file: `${EXAMPLES_DIR}/${name}`, workflow: wf, webhookPaths };
	});
}

/** The demo workflow alone (examples/sandbox-demo.workflow.json), bound to the given credential. */
export function loadExampleWorkflow(credential: { id: string; name: string }): WorkflowJson {
	return loadExampleWorkflows(credential).find((e) => e.file === EXAMPLE_WORKFLOW)!.workflow;
}

/** Activates a workflow through the REST API (what the editor's Active toggle does); undefined when it worked. */
export async function activate(rest: N8nRest, id: string): Promise<string | undefined> {
	const got = await rest.request<{ data?: { versionId?: string } }>('GET', `/workflows/${id}`);
	if (got.status !== 200) return `GET /rest/workflows/${id} answered ${got.status}`;
	const r = await rest.request('POST', `/workflows/${id}/activate`, {
		versionId: got.data.data?.versionId,
	});
	return r.status === 200 ? undefined : `activation answered ${r.status}: ${r.raw.slice(0, 200)}`;
}
