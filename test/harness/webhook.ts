/**
 * Serves the Assistable Trigger's webhook on 127.0.0.1 in-process: each request goes to the node's
 * `webhook()` through n8n-core's own WebhookContext (parameters, credentials and expressions resolved by
 * n8n), with the request prepared and the answer completed the way n8n's webhook server does it
 * (n8n 2.41: `parseBody` in middlewares/body-parser.ts, `executeWebhook` in webhooks/webhook-helpers.ts),
 * for the parts the trigger meets: a JSON / text body, no execution without `workflowData`, and the
 * Respond modes of a workflow whose last node is the trigger.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

import { WebhookContext } from 'n8n-core';
import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	INode,
	INodeExecutionData,
	IWebhookData,
	IWorkflowExecuteAdditionalData,
	IWebhookResponseData,
} from 'n8n-workflow';
import { jsonParse, Workflow } from 'n8n-workflow';

import { AssistableTrigger } from '../../nodes/AssistableTrigger/AssistableTrigger.node';
import { TestCredentialsHelper, nodeTypesOf } from './workflow';

export const TRIGGER_TYPE = 'n8n-nodes-assistable.assistableTrigger';

export interface TriggerServer {
	url: string;
	/** What each request that started an execution gave it (the trigger's output items). */
	executions: INodeExecutionData[][];
	/** What the node logged (message and metadata), in order. */
	logs: Array<{ level: string; message: string; meta?: unknown }>;
	close(): Promise<void>;
}

export interface TriggerServerOptions {
	parameters: IDataObject;
	/** The Assistable Webhook Secret credential, when the node has one. */
	secret?: string;
}

/** n8n's parseBody: JSON and text are parsed, malformed JSON is refused by n8n itself (422). */
function parseLikeN8n(req: http.IncomingMessage, raw: Buffer): { body?: unknown; error?: string } {
	const contentType = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
	if (raw.length === 0) return {};
	try {
		if (contentType === 'application/json') return { body: jsonParse(raw.toString('utf8')) };
		if (contentType === 'text/plain') return { body: raw.toString('utf8') };
	} catch {
		return { error: 'Failed to parse request body' };
	}
	return {};
}

function readRaw(req: http.IncomingMessage): Promise<Buffer> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => resolve(Buffer.concat(chunks)));
		req.on('error', reject);
	});
}

function send(res: http.ServerResponse, status: number, data?: unknown): void {
	if (data === undefined) {
		res.writeHead(status).end();
		return;
	}
	res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' });
	res.end(JSON.stringify(data));
}

const LEVELS = ['debug', 'info', 'warn', 'error'] as const;
/** The log lists of the servers running now; n8n's logger is one per process. */
const logSinks = new Set<TriggerServer['logs']>();
let captured = false;

/** Copies what n8n's logger is given into every running server's `logs` (the logger still logs). */
function captureLogs(logger: object): void {
	if (captured) return;
	captured = true;
	const target = logger as Record<string, (message: unknown, meta?: unknown) => void>;
	for (const level of LEVELS) {
		const original = target[level].bind(logger);
		target[level] = (message, meta) => {
			for (const sink of logSinks) sink.push({ level, message: String(message), meta });
			original(message, meta);
		};
	}
}

export async function startTriggerServer(options: TriggerServerOptions): Promise<TriggerServer> {
	const trigger = new AssistableTrigger();
	const description = trigger.description.webhooks![0];
	const node: INode = {
		id: 'trigger-1',
		name: 'Assistable Trigger',
		type: TRIGGER_TYPE,
		typeVersion: 1,
		position: [0, 0],
		webhookId: 'c0ffee00-0000-4000-8000-000000000001',
		parameters: options.parameters as INode['parameters'],
		...(options.secret !== undefined
			? { credentials: { assistableWebhookApi: { id: 'cred-w', name: 'Webhook secret' } } }
			: {}),
	};
	const workflow = new Workflow({
		id: 'wf-trigger',
		nodes: [node],
		connections: {},
		nodeTypes: nodeTypesOf({ [TRIGGER_TYPE]: trigger }),
		active: true,
		settings: { executionOrder: 'v1' },
	});
	const credentials: Record<string, ICredentialDataDecryptedObject> =
		options.secret !== undefined ? { assistableWebhookApi: { secret: options.secret } } : {};
	const executions: INodeExecutionData[][] = [];
	const logs: TriggerServer['logs'] = [];
	logSinks.add(logs);

	const evaluate = (field: 'responseMode' | 'responseData', fallback: string) =>
		workflow.expression.getSimpleParameterValue(
			workflow.getNode(node.name)!,
			description[field] as string,
			'webhook',
			{},
			undefined,
			fallback,
		);

	async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
		const raw = await readRaw(req);
		const parsed = parseLikeN8n(req, raw);
		if (parsed.error) return send(res, 422, { code: 422, message: parsed.error });
		const url = new URL(req.url ?? '/', 'http://127.0.0.1');
		Object.assign(req, {
			rawBody: raw,
			body: parsed.body,
			query: Object.fromEntries(url.searchParams),
			params: {},
		});
		const base = 'http://127.0.0.1:5678/';
		const additionalData = {
			credentialsHelper: new TestCredentialsHelper(credentials),
			httpRequest: req,
			httpResponse: res,
			variables: {},
			restApiUrl: `${base}rest`,
			instanceBaseUrl: base,
			webhookBaseUrl: `${base}webhook`,
			webhookWaitingBaseUrl: `${base}webhook-waiting`,
			webhookTestBaseUrl: `${base}webhook-test`,
			formWaitingBaseUrl: `${base}form-waiting`,
		} as unknown as IWorkflowExecuteAdditionalData;
		const webhookData: IWebhookData = {
			httpMethod: 'POST',
			node: node.name,
			path: `${node.webhookId}/webhook`,
			webhookDescription: description,
			workflowId: workflow.id,
			workflowExecuteAdditionalData: additionalData,
		};
		const context = new WebhookContext(
			workflow,
			node,
			additionalData,
			'webhook',
			webhookData,
			[],
			null,
		);
		captureLogs(context.logger);
		let result: IWebhookResponseData;
		try {
			result = await trigger.webhook.call(context);
		} catch (error) {
			// n8n answers 500 and records a failed execution.
			executions.push([{ json: { error: (error as Error).message } }]);
			return send(res, 500, { code: 0, message: 'Error in workflow' });
		}
		if (result.noWebhookResponse) return;
		if (!result.workflowData) {
			return send(res, 200, result.webhookResponse ?? { message: 'Webhook call received' });
		}
		const items = result.workflowData[0];
		executions.push(items);
		const mode = evaluate('responseMode', 'onReceived');
		const data = evaluate('responseData', 'firstEntryJson');
		if (mode === 'onReceived') return send(res, 200, data === 'noData' ? undefined : data);
		// The workflow's last node is the trigger itself: its first item answers.
		if (mode === 'lastNode' && data === 'firstEntryJson') return send(res, 200, items[0].json);
		return send(res, 500, { message: `response mode ${String(mode)} is not served in-process` });
	}

	const server = http.createServer((req, res) => {
		handle(req, res).catch((error: Error) => send(res, 500, { message: error.message }));
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}/webhook/${node.webhookId}/webhook`,
		executions,
		logs,
		close: () =>
			new Promise<void>((resolve) => {
				logSinks.delete(logs);
				server.close(() => resolve());
			}),
	};
}
