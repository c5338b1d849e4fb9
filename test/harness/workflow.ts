/**
 * Runs real n8n workflows in-process with n8n-core's WorkflowExecute: the app's engine, expression
 * resolver, credential application and HTTP stack. Used by the workflow tests and the benchmark.
 * The node types and the credentials helper are in ./node-types (re-exported here).
 */
import { ExecutionLifecycleHooks, WorkflowExecute } from 'n8n-core';
import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	INode,
	INodeExecutionData,
	INodeTypes,
	IRun,
	IWorkflowBase,
	IWorkflowExecuteAdditionalData,
	IConnections,
	INodeParameters,
	IWorkflowSettings,
} from 'n8n-workflow';
import { createRunExecutionData, NodeConnectionTypes, Workflow } from 'n8n-workflow';

import { Assistable } from '../../nodes/Assistable/Assistable.node';
import { DEMO_API_KEY } from '../../sandbox/demo-data';
import { nodeTypesOf, TestCredentialsHelper } from './node-types';

export { nodeTypesOf, TestCredentialsHelper } from './node-types';

interface WorkflowRun {
	run: IRun;
	status: IRun['status'];
	/** Output items of each node, by node name (first run, first output). */
	outputs: Record<string, INodeExecutionData[]>;
	/** The workflow error as n8n stores it (a plain object), if the run failed. */
	error?: IDataObject & {
		message?: string;
		description?: string;
		httpCode?: string;
		context?: IDataObject;
	};
	/** The whole run as n8n would store it, for scanning for secrets (serialized on first read). */
	readonly serialized: string;
}

interface WorkflowSpec {
	nodes: INode[];
	connections: IConnections;
	/** Items the start node (the first one) emits. */
	items: IDataObject[];
	credentials?: Record<string, ICredentialDataDecryptedObject>;
	nodeTypes?: INodeTypes;
	/** Merged into the additional data n8n hands every node (e.g. the app's `startRunnerTask`). */
	additionalData?: Partial<IWorkflowExecuteAdditionalData>;
	/** Cancels the execution, as n8n's "Stop" does. */
	signal?: AbortSignal;
	/** Workflow settings on top of `executionOrder: 'v1'`, e.g. `{ timezone: 'America/Los_Angeles' }`. */
	settings?: IWorkflowSettings;
}

let executionCount = 0;

export async function runWorkflow(spec: WorkflowSpec): Promise<WorkflowRun> {
	const nodeTypes = spec.nodeTypes ?? nodeTypesOf();
	const settings: IWorkflowSettings = { executionOrder: 'v1', ...spec.settings };
	const workflowData: IWorkflowBase = {
		id: 'wf-test',
		name: 'test',
		active: false,
		isArchived: false,
		nodes: spec.nodes,
		connections: spec.connections,
		settings,
		createdAt: new Date(),
		updatedAt: new Date(),
	} as IWorkflowBase;
	const workflow = new Workflow({
		id: workflowData.id,
		nodes: spec.nodes,
		connections: spec.connections,
		nodeTypes,
		active: false,
		settings,
	});
	const executionId = `exec-${++executionCount}`;
	const hooks = new ExecutionLifecycleHooks('manual', executionId, workflowData);
	const finished = new Promise<IRun>((resolve) =>
		hooks.addHandler('workflowExecuteAfter', (run) => resolve(run)),
	);
	const url = 'http://127.0.0.1:5678/';
	const additionalData = {
		credentialsHelper: new TestCredentialsHelper(spec.credentials ?? {}),
		hooks,
		variables: {},
		currentNodeExecutionIndex: 0,
		executionId,
		restApiUrl: `${url}rest`,
		instanceBaseUrl: url,
		formWaitingBaseUrl: `${url}form-waiting`,
		webhookBaseUrl: `${url}webhook`,
		webhookWaitingBaseUrl: `${url}webhook-waiting`,
		webhookTestBaseUrl: `${url}webhook-test`,
		executeWorkflow: async () => {
			throw new Error('not used');
		},
		userId: 'test-user',
		...spec.additionalData,
	} as unknown as IWorkflowExecuteAdditionalData;

	const start = spec.nodes[0];
	const runData = createRunExecutionData({
		executionData: {
			nodeExecutionStack: [
				{ node: start, data: { main: [spec.items.map((json) => ({ json }))] }, source: null },
			],
		},
	});
	const execution = new WorkflowExecute(additionalData, 'manual', runData).processRunExecutionData(
		workflow,
	);
	spec.signal?.addEventListener('abort', () => execution.cancel(), { once: true });
	await execution.catch(() => undefined);
	const run = await finished;
	const outputs: Record<string, INodeExecutionData[]> = {};
	for (const [name, tasks] of Object.entries(run.data.resultData.runData)) {
		outputs[name] = tasks[0]?.data?.main?.[0] ?? [];
	}
	const error = run.data.resultData.error as unknown as WorkflowRun['error'];
	let serialized: string | undefined;
	return {
		run,
		status: run.status,
		outputs,
		error,
		get serialized() {
			serialized ??= JSON.stringify(run);
			return serialized;
		},
	};
}

export interface AssistableRunSpec {
	items: IDataObject[];
	parameters: INodeParameters;
	credentials: { apiKey: string; baseUrl: string };
	/** 'continueRegularOutput' is n8n's "Continue On Fail". */
	onError?: INode['onError'];
	signal?: AbortSignal;
	settings?: IWorkflowSettings;
	/** The Assistable node's version (default: the newest, what a node added in the editor gets). */
	typeVersion?: number;
	/** Node types to run with (default: this process's); another module instance is another n8n process. */
	nodeTypes?: INodeTypes;
}

export interface AssistableRun extends WorkflowRun {
	/** The Assistable node's output items. */
	items: INodeExecutionData[];
}

const ASSISTABLE_NODE = 'Assistable';
/** The Assistable node's newest version. */
const NEWEST_VERSION = Math.max(...[new Assistable().description.version].flat());

/** Webhook-like source -> Assistable node, run in-process. */
export async function runAssistable(spec: AssistableRunSpec): Promise<AssistableRun> {
	const nodes: INode[] = [
		{
			id: '1',
			name: 'Webhook',
			type: 'test.itemsSource',
			typeVersion: 1,
			position: [0, 0],
			parameters: {},
		},
		{
			id: '2',
			name: ASSISTABLE_NODE,
			type: 'n8n-nodes-assistable.assistable',
			typeVersion: spec.typeVersion ?? NEWEST_VERSION,
			position: [200, 0],
			parameters: spec.parameters,
			credentials: { assistableApi: { id: 'cred-1', name: 'Assistable (sandbox)' } },
			...(spec.onError ? { onError: spec.onError } : {}),
		},
	];
	const connections: IConnections = {
		Webhook: { main: [[{ node: ASSISTABLE_NODE, type: NodeConnectionTypes.Main, index: 0 }]] },
	};
	const result = await runWorkflow({
		nodes,
		connections,
		items: spec.items,
		credentials: { assistableApi: spec.credentials },
		signal: spec.signal,
		settings: spec.settings,
		nodeTypes: spec.nodeTypes,
	});
	return Object.assign(result, { items: result.outputs[ASSISTABLE_NODE] ?? [] });
}

export interface ContactRunOptions {
	/** The items the webhook-like source emits (default: one empty item). */
	items?: IDataObject[];
	/** Default: the sandbox's demo key. */
	apiKey?: string;
	/** Default: the API's url. */
	baseUrl?: string;
	onError?: INode['onError'];
	settings?: IWorkflowSettings;
	signal?: AbortSignal;
	typeVersion?: number;
	nodeTypes?: INodeTypes;
}

/** Runs one Contact operation of the Assistable node in a real workflow against `api` (a sandbox). */
export function runContact(
	api: { url: string },
	operation: string,
	parameters: IDataObject,
	options: ContactRunOptions = {},
): Promise<AssistableRun> {
	const { items = [{}], apiKey = DEMO_API_KEY, baseUrl = api.url, ...rest } = options;
	return runAssistable({
		...rest,
		items,
		parameters: { resource: 'contact', operation, ...parameters },
		credentials: { apiKey, baseUrl },
	});
}

/** `runContact` on `api` with a test file's own defaults (its key, Continue On Fail, ...). */
export const contactRunner =
	(api: { url: string }, defaults: ContactRunOptions = {}) =>
	(operation: string, parameters: IDataObject, options: ContactRunOptions = {}) =>
		runContact(api, operation, parameters, { ...defaults, ...options });
