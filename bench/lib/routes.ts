/**
 * The two ways to run a workload through n8n, as real workflows in the n8n engine (test/harness):
 *  - ours: Webhook → Assistable (Contact → Update, Append Tags on);
 *  - http: what a user builds today with n8n's own nodes:
 *      A: Webhook → HTTP Request (PATCH /contacts/{id}, Bearer credential);
 *      B: Webhook → HTTP Request (GET /contacts/{id}) → Code (merge the item's tag into the contact's tags)
 *         → HTTP Request (PATCH /contacts/{id} with the merged tags).
 */
import type { IConnections, IExecuteFunctions, INode, INodeType, INodeTypes, IVersionedNodeType, IWorkflowExecuteAdditionalData } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { DEMO_API_KEY } from '../../sandbox/server';
import { nodeTypesOf, runWorkflow, type WorkflowRun } from '../../test/harness/workflow';
import { Assistable } from '../../nodes/Assistable/Assistable.node';
import type { BaseNodes } from './n8n-base';
import type { LocalTaskBroker } from './task-runner';
import type { Workload } from './workloads';

export type RouteName = 'ours' | 'http';

export interface RouteSetup {
	/** Sandbox base URL (…/v2). */
	baseUrl: string;
	/** The node's Concurrency option (ours), or the HTTP Request batch size (http); undefined = HTTP Request defaults (no batching). */
	concurrency?: number;
	/** HTTP Request batch interval in ms (http only; must be > 0 for batching to apply). */
	batchIntervalMs?: number;
	base?: BaseNodes;
	broker?: LocalTaskBroker;
}

export interface RouteRun {
	run: WorkflowRun;
	/** Wall time of the whole workflow run. */
	wallMs: number;
	/** process.cpuUsage() over the run (this process). */
	cpuMs: number;
	/** Wall and CPU time inside the Assistable node's execute() (ours only). */
	node?: NodeTiming;
}

const SOURCE: INode = { id: 'src', name: 'Webhook', type: 'test.itemsSource', typeVersion: 1, position: [0, 0], parameters: {} };

/** The merge a user writes in the Code node (Run Once for All Items): the contact's tags plus this item's. */
export const MERGE_TAGS_CODE = [
	"// Keep the contact's tags and add the tag from the webhook item this contact was read for",
	'return $input.all().map((item, i) => {',
	"  const tag = $('Webhook').itemMatching(i).json.tag;",
	'  return { json: { id: item.json.id, tags: [...new Set([...(item.json.tags ?? []), tag])] } };',
	'});',
].join('\n');

const link = (from: string, to: string): IConnections => ({
	[from]: { main: [[{ node: to, type: NodeConnectionTypes.Main, index: 0 }]] },
});

interface NodeTiming {
	ms: number;
	cpuMs: number;
}

/** Wraps a node type to time its execute() (wall and CPU), without changing what it does. */
function timed(inner: INodeType, sink: NodeTiming): INodeType {
	return {
		description: inner.description,
		async execute(this: IExecuteFunctions) {
			const started = performance.now();
			const cpu0 = process.cpuUsage();
			try {
				return await inner.execute!.call(this);
			} finally {
				const cpu = process.cpuUsage(cpu0);
				sink.cpuMs += (cpu.user + cpu.system) / 1000;
				sink.ms += performance.now() - started;
			}
		},
	};
}

function oursWorkflow(w: Workload, setup: RouteSetup): { nodes: INode[]; connections: IConnections } {
	const updateFields = w.kind === 'A' ? { firstName: '={{ $json.firstName }}' } : { tags: '={{ $json.tag }}' };
	const node: INode = {
		id: 'assistable',
		name: 'Assistable',
		type: 'n8n-nodes-assistable.assistable',
		typeVersion: 1,
		position: [200, 0],
		parameters: {
			resource: 'contact',
			operation: 'update',
			contactId: '={{ $json.contactId }}',
			appendTags: true,
			updateFields,
			options: setup.concurrency === undefined ? {} : { concurrency: setup.concurrency },
		},
		credentials: { assistableApi: { id: 'cred-assistable', name: 'Assistable (sandbox)' } },
	};
	return { nodes: [SOURCE, node], connections: link('Webhook', 'Assistable') };
}

/** An HTTP Request node with a Bearer credential and, when a concurrency is set, its Batching option. */
function httpNode(name: string, position: number, setup: RouteSetup, parameters: Record<string, unknown>): INode {
	const batching =
		setup.concurrency === undefined
			? {}
			: { batching: { batch: { batchSize: setup.concurrency, batchInterval: setup.batchIntervalMs ?? 1 } } };
	return {
		id: name,
		name,
		type: 'n8n-nodes-base.httpRequest',
		typeVersion: setup.base!.httpRequestVersion,
		position: [position, 0],
		parameters: {
			authentication: 'genericCredentialType',
			genericAuthType: 'httpBearerAuth',
			...parameters,
			options: batching,
		} as INode['parameters'],
		credentials: { httpBearerAuth: { id: 'cred-bearer', name: 'Assistable bearer token' } },
	};
}

function httpWorkflow(w: Workload, setup: RouteSetup): { nodes: INode[]; connections: IConnections } {
	const contactUrl = (field: string) => `=${setup.baseUrl}/contacts/{{ $json.${field} }}`;
	if (w.kind === 'A') {
		const patch = httpNode('Update contact', 200, setup, {
			method: 'PATCH',
			url: contactUrl('contactId'),
			sendBody: true,
			specifyBody: 'json',
			jsonBody: '={ "first_name": "{{ $json.firstName }}" }',
		});
		return { nodes: [SOURCE, patch], connections: link('Webhook', 'Update contact') };
	}
	const get = httpNode('Get contact', 200, setup, { method: 'GET', url: contactUrl('contactId') });
	const code: INode = {
		id: 'code',
		name: 'Merge tags',
		type: 'n8n-nodes-base.code',
		typeVersion: setup.base!.codeVersion,
		position: [400, 0],
		parameters: { mode: 'runOnceForAllItems', language: 'javaScript', jsCode: MERGE_TAGS_CODE },
	};
	const patch = httpNode('Update tags', 600, setup, {
		method: 'PATCH',
		url: contactUrl('id'),
		sendBody: true,
		specifyBody: 'json',
		jsonBody: '={ "tags": {{ JSON.stringify($json.tags) }} }',
	});
	return {
		nodes: [SOURCE, get, code, patch],
		connections: { ...link('Webhook', 'Get contact'), ...link('Get contact', 'Merge tags'), ...link('Merge tags', 'Update tags') },
	};
}

function nodeTypesFor(route: RouteName, setup: RouteSetup, nodeTiming: NodeTiming): INodeTypes {
	if (route === 'ours') return nodeTypesOf({ 'n8n-nodes-assistable.assistable': timed(new Assistable(), nodeTiming) });
	const base = setup.base!;
	const extra: Record<string, INodeType | IVersionedNodeType> = { 'n8n-nodes-base.httpRequest': base.httpRequest };
	if (setup.broker) extra['n8n-nodes-base.code'] = base.code;
	return nodeTypesOf(extra);
}

/** Node types for a route's workflow without a task broker (for loading checks). */
export function httpNodeTypes(base: BaseNodes): INodeTypes {
	return nodeTypesOf({ 'n8n-nodes-base.httpRequest': base.httpRequest, 'n8n-nodes-base.code': base.code });
}

/** Runs one workload through one route as a real workflow and measures it. */
export async function runRoute(route: RouteName, w: Workload, setup: RouteSetup): Promise<RouteRun> {
	const nodeTiming: NodeTiming = { ms: 0, cpuMs: 0 };
	const { nodes, connections } = route === 'ours' ? oursWorkflow(w, setup) : httpWorkflow(w, setup);
	const nodeTypes = nodeTypesFor(route, setup, nodeTiming);
	const credentials = {
		assistableApi: { apiKey: DEMO_API_KEY, baseUrl: setup.baseUrl },
		httpBearerAuth: { token: DEMO_API_KEY },
	};
	// The n8n app hands the Code node its task runner through the additional data.
	const additionalData = setup.broker
		? { startRunnerTask: setup.broker.startRunnerTask as IWorkflowExecuteAdditionalData['startRunnerTask'] }
		: undefined;
	const cpu0 = process.cpuUsage();
	const t0 = performance.now();
	const run = await runWorkflow({ nodes, connections, items: w.items, credentials, nodeTypes, additionalData });
	const wallMs = performance.now() - t0;
	const cpu = process.cpuUsage(cpu0);
	return { run, wallMs, cpuMs: (cpu.user + cpu.system) / 1000, node: route === 'ours' ? nodeTiming : undefined };
}

/** A one-line reason a run failed, from n8n's stored error. */
export function runError(run: WorkflowRun): string | undefined {
	if (run.status === 'success') return undefined;
	const e = run.error;
	return `${run.status}: ${e?.message ?? 'unknown error'}${e?.httpCode ? ` (HTTP ${e.httpCode})` : ''}`;
}
