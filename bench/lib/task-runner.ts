/**
 * The Code node's execution path as the n8n app runs it (internal task-runner mode): the real
 * `@n8n/task-runner` JS runner in a child process, started the way n8n's JsTaskRunnerProcess starts it,
 * connected over a WebSocket to a small task broker here that plays the n8n main process's part
 * (TaskBroker + TaskRequester: offers, task settings, data requests, node types, RPC).
 *
 * The data-request answer follows n8n's DataRequestResponseBuilder / DataRequestResponseStripper
 * (packages/cli/src/task-runners/task-managers), so the runner gets what it would get in the app,
 * serialised over a WebSocket like in the app.
 *
 * n8n-nodes-base's Code node 2.x only runs JavaScript through `additionalData.startRunnerTask`; the
 * harness passes the broker's in through runWorkflow's additionalData.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import type {
	EnvProviderState,
	IDataObject,
	IExecuteData,
	IExecuteFunctions,
	INode,
	INodeExecutionData,
	INodeParameters,
	INodeTypes,
	IRunExecutionData,
	ITaskDataConnections,
	IWorkflowExecuteAdditionalData,
	Workflow,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import { createRunExecutionData } from 'n8n-workflow';

/** n8n's Result (from @n8n/utils): what startRunnerTask resolves to. */
type Result<T, E> = { ok: true; result: T } | { ok: false; error: E };
const createResultOk = <T>(result: T) => ({ ok: true as const, result });
const createResultError = <E>(error: E) => ({ ok: false as const, error });

import { BENCH_MODULES, benchRequire } from './paths';

/* Minimal shapes of the `ws` package (bench/node_modules; no @types installed). */
interface WsSocket {
	send(data: string): void;
	on(event: 'message', cb: (data: Buffer) => void): void;
	on(event: 'close', cb: () => void): void;
	close(): void;
	terminate(): void;
}
interface WsServer {
	on(event: 'connection', cb: (socket: WsSocket) => void): void;
	on(event: 'listening' | 'error', cb: (arg?: unknown) => void): void;
	address(): { port: number };
	close(cb?: () => void): void;
	clients: Set<WsSocket>;
}

interface TaskData {
	executeFunctions: IExecuteFunctions;
	inputData: ITaskDataConnections;
	node: INode;
	workflow: Workflow;
	runExecutionData: IRunExecutionData;
	runIndex: number;
	itemIndex: number;
	activeNodeName: string;
	connectionInputData: INodeExecutionData[];
	siblingParameters: INodeParameters;
	mode: WorkflowExecuteMode;
	envProviderState: EnvProviderState;
	executeData?: IExecuteData;
	defaultReturnRunIndex: number;
	selfData: IDataObject;
	contextNodeName: string;
	additionalData: IWorkflowExecuteAdditionalData;
}
interface DataRequestParams {
	dataOfNodes: string[] | 'all';
	prevNode: boolean;
	input: { include: boolean; chunk?: { startIndex: number; count: number } };
	env: boolean;
}
interface TaskResultData {
	result: unknown;
	customData?: Record<string, string>;
	staticData?: IDataObject;
}
interface Task {
	taskId: string;
	settings: unknown;
	data: TaskData;
	accepted: { resolve: () => void; reject: (reason: string) => void };
	done: { resolve: (data: TaskResultData) => void; reject: (error: unknown) => void };
}
type RunnerMessage = { type: string; [key: string]: unknown };

export interface BrokerStats {
	tasks: number;
	/** Bytes of task data sent to the runner (JSON over the WebSocket). */
	bytesToRunner: number;
	/** Time spent building and serialising task data in this process. */
	serializeMs: number;
}

export class LocalTaskBroker {
	readonly stats: BrokerStats = { tasks: 0, bytesToRunner: 0, serializeMs: 0 };
	private socket?: WsSocket;
	private readonly offers = new Map<string, number>();
	private offerWaiters: Array<() => void> = [];
	private readonly tasks = new Map<string, Task>();
	private runnerOutput = '';
	private closed = false;

	private constructor(
		private readonly server: WsServer,
		private readonly child: ChildProcess,
		private readonly nodeTypes: INodeTypes,
		private readonly rpcMethods: readonly string[],
	) {}

	/** The runner process's id. */
	get pid(): number | undefined {
		return this.child.pid;
	}

	/** Starts the broker and the runner process; resolves once the runner offers to take tasks. */
	static async start(nodeTypes: INodeTypes, options: { verbose?: boolean; maxConcurrency?: number } = {}): Promise<LocalTaskBroker> {
		const { WebSocketServer } = benchRequire('ws') as { WebSocketServer: new (o: object) => WsServer };
		const { AVAILABLE_RPC_METHODS } = benchRequire('@n8n/task-runner') as { AVAILABLE_RPC_METHODS: readonly string[] };
		const server = new WebSocketServer({ host: '127.0.0.1', port: 0, path: '/runners/_ws', maxPayload: 1024 ** 3 });
		await new Promise<void>((resolve, reject) => {
			server.on('listening', () => resolve());
			server.on('error', (e) => reject(e));
		});
		const uri = `http://127.0.0.1:${server.address().port}`;
		// As n8n's JsTaskRunnerProcess.startProcess (secure mode flags, a minimal environment).
		const child = spawn(
			process.execPath,
			['--disallow-code-generation-from-strings', '--disable-proto=delete', path.join(BENCH_MODULES, '@n8n', 'task-runner', 'dist', 'start.js')],
			{
				env: {
					PATH: process.env.PATH,
					HOME: process.env.HOME,
					GENERIC_TIMEZONE: 'UTC',
					N8N_RUNNERS_ID: randomUUID(),
					N8N_RUNNERS_GRANT_TOKEN: 'bench-grant-token',
					N8N_RUNNERS_TASK_BROKER_URI: uri,
					N8N_RUNNERS_MAX_PAYLOAD: String(1024 ** 3),
					N8N_RUNNERS_MAX_CONCURRENCY: String(options.maxConcurrency ?? 10),
					N8N_RUNNERS_TASK_TIMEOUT: '300',
				},
				stdio: ['ignore', 'pipe', 'pipe'],
			},
		);
		const broker = new LocalTaskBroker(server, child, nodeTypes, AVAILABLE_RPC_METHODS);
		const keep = (chunk: Buffer) => {
			broker.runnerOutput = (broker.runnerOutput + chunk.toString()).slice(-4000);
			if (options.verbose) process.stderr.write(`[task-runner] ${chunk}`);
		};
		child.stdout?.on('data', keep);
		child.stderr?.on('data', keep);
		const exited = new Promise<never>((_, reject) =>
			child.once('exit', (code) => {
				if (!broker.closed) reject(new Error(`task runner exited (${code}) before it was ready:\n${broker.runnerOutput}`));
			}),
		);
		server.on('connection', (socket) => broker.attach(socket));
		const ready = broker.waitForOffer();
		const timeout = new Promise<never>((_, reject) => {
			const t = setTimeout(() => reject(new Error(`task runner did not connect within 20 s:\n${broker.runnerOutput}`)), 20_000);
			void ready.finally(() => clearTimeout(t));
		});
		try {
			await Promise.race([ready, exited, timeout]);
		} catch (error) {
			await broker.close();
			throw error;
		}
		return broker;
	}

	private attach(socket: WsSocket): void {
		this.socket = socket;
		socket.on('message', (raw) => this.onMessage(JSON.parse(raw.toString()) as RunnerMessage));
		socket.on('close', () => {
			for (const task of this.tasks.values()) task.done.reject(new Error('task runner disconnected'));
		});
		this.send({ type: 'broker:inforequest' });
	}

	private send(message: object): number {
		const text = JSON.stringify(message);
		this.socket?.send(text);
		return text.length;
	}

	private waitForOffer(): Promise<void> {
		return new Promise((resolve) => this.offerWaiters.push(resolve));
	}

	private takeOffer(): string | undefined {
		const now = Date.now();
		for (const [id, validUntil] of this.offers) {
			this.offers.delete(id);
			if (validUntil > now) return id;
		}
		return undefined;
	}

	private onMessage(message: RunnerMessage): void {
		const task = typeof message.taskId === 'string' ? this.tasks.get(message.taskId) : undefined;
		switch (message.type) {
			case 'runner:info':
				this.send({ type: 'broker:runnerregistered' });
				break;
			case 'runner:taskoffer':
				this.offers.set(message.offerId as string, Date.now() + (message.validFor as number));
				for (const wake of this.offerWaiters.splice(0)) wake();
				break;
			case 'runner:taskaccepted':
				task?.accepted.resolve();
				break;
			case 'runner:taskrejected':
				task?.accepted.reject(String(message.reason));
				break;
			case 'runner:taskdatarequest':
				if (task) this.sendTaskData(task, message.requestId as string, message.requestParams as DataRequestParams);
				break;
			case 'runner:nodetypesrequest':
				if (task) {
					const wanted = message.requestParams as Array<{ name: string; version: number }>;
					const nodeTypes = wanted.map(({ name, version }) => this.nodeTypes.getByNameAndVersion(name, version).description);
					this.send({ type: 'broker:nodetypes', taskId: task.taskId, requestId: message.requestId, nodeTypes });
				}
				break;
			case 'runner:rpc':
				if (task) void this.handleRpc(task, message.callId as string, message.name as string, message.params as unknown[]);
				break;
			case 'runner:taskdone':
				task?.done.resolve(message.data as TaskResultData);
				break;
			case 'runner:taskerror':
				task?.done.reject(message.error);
				break;
		}
	}

	/** As n8n's TaskRequester.sendTaskData: build the full answer, strip it to what was asked, send. */
	private sendTaskData(task: Task, requestId: string, params: DataRequestParams): void {
		const started = performance.now();
		const data = stripDataResponse(buildDataResponse(task.data), params);
		this.stats.bytesToRunner += this.send({ type: 'broker:taskdataresponse', taskId: task.taskId, requestId, data });
		this.stats.serializeMs += performance.now() - started;
	}

	private async handleRpc(task: Task, callId: string, name: string, params: unknown[]): Promise<void> {
		const reply = (status: 'success' | 'error', data: unknown) =>
			this.send({ type: 'broker:rpcresponse', taskId: task.taskId, callId, status, data });
		if (!this.rpcMethods.includes(name)) return void reply('error', 'Method not allowed');
		let target: unknown = task.data.executeFunctions;
		for (const part of name.split('.')) target = (target as Record<string, unknown> | undefined)?.[part];
		if (typeof target !== 'function') return void reply('error', 'Could not find method');
		try {
			reply('success', await (target as (...a: unknown[]) => unknown).call(task.data.executeFunctions, ...params));
		} catch (error) {
			reply('error', error);
		}
	}

	/** `additionalData.startRunnerTask` as the n8n app wires it (TaskRequester.startTask). */
	readonly startRunnerTask = async <T, E = unknown>(
		additionalData: IWorkflowExecuteAdditionalData,
		jobType: string,
		settings: unknown,
		executeFunctions: IExecuteFunctions,
		inputData: ITaskDataConnections,
		node: INode,
		workflow: Workflow,
		runExecutionData: IRunExecutionData,
		runIndex: number,
		itemIndex: number,
		activeNodeName: string,
		connectionInputData: INodeExecutionData[],
		siblingParameters: INodeParameters,
		mode: WorkflowExecuteMode,
		envProviderState: EnvProviderState,
		executeData?: IExecuteData,
	): Promise<Result<T, E>> => {
		if (jobType !== 'javascript') throw new Error(`bench task broker: no ${jobType} runner`);
		const data: TaskData = {
			workflow, runExecutionData, runIndex, connectionInputData, inputData, node, executeFunctions, itemIndex,
			siblingParameters, mode, envProviderState, executeData, defaultReturnRunIndex: -1, selfData: {},
			contextNodeName: activeNodeName, activeNodeName, additionalData,
		};
		this.stats.tasks++;
		for (let attempt = 0; ; attempt++) {
			let offerId = this.takeOffer();
			while (!offerId) {
				await this.waitForOffer();
				offerId = this.takeOffer();
			}
			const taskId = randomUUID();
			let task!: Task;
			const accepted = new Promise<void>((resolve, reject) => {
				task = { taskId, settings, data, accepted: { resolve, reject }, done: { resolve: () => {}, reject: () => {} } };
			});
			const done = new Promise<TaskResultData>((resolve, reject) => {
				task.done = { resolve, reject };
			});
			this.tasks.set(taskId, task);
			this.send({ type: 'broker:taskofferaccept', taskId, offerId });
			try {
				await accepted;
			} catch (reason) {
				this.tasks.delete(taskId);
				if (attempt < 5) continue;
				return createResultError(new Error(`task runner rejected the task: ${String(reason)}`) as E);
			}
			try {
				this.send({ type: 'broker:tasksettings', taskId, settings });
				const result = await done;
				if (result.customData) {
					runExecutionData.resultData.metadata ??= {};
					Object.assign(runExecutionData.resultData.metadata, result.customData);
				}
				if (result.staticData) workflow.overrideStaticData(result.staticData);
				return createResultOk(result.result as T);
			} catch (error) {
				return createResultError(error as E);
			} finally {
				this.tasks.delete(taskId);
			}
		}
	};

	async close(): Promise<void> {
		if (this.closed) return;
		this.closed = true;
		const exited = new Promise<void>((resolve) => {
			if (this.child.exitCode !== null || this.child.signalCode !== null) resolve();
			else this.child.once('exit', () => resolve());
		});
		this.child.kill('SIGTERM');
		const killTimer = setTimeout(() => this.child.kill('SIGKILL'), 3000);
		for (const client of this.server.clients) client.terminate();
		await new Promise<void>((resolve) => this.server.close(() => resolve()));
		await exited;
		clearTimeout(killTimer);
	}
}

/** n8n's DataRequestResponseBuilder.buildFromTaskData. */
function buildDataResponse(t: TaskData) {
	const red = t.runExecutionData;
	const ad = t.additionalData;
	return {
		workflow: {
			id: t.workflow.id,
			name: t.workflow.name,
			active: t.workflow.active,
			connections: t.workflow.connectionsBySourceNode,
			nodes: Object.values(t.workflow.nodes),
			pinData: t.workflow.pinData,
			settings: t.workflow.settings,
			staticData: t.workflow.staticData,
		},
		inputData: t.inputData,
		connectionInputSource: t.executeData?.source ?? null,
		itemIndex: t.itemIndex,
		activeNodeName: t.activeNodeName,
		contextNodeName: t.contextNodeName,
		defaultReturnRunIndex: t.defaultReturnRunIndex,
		mode: t.mode,
		envProviderState: t.envProviderState,
		node: t.node,
		runExecutionData: createRunExecutionData({
			startData: red.startData,
			resultData: red.resultData,
			executionData: red.executionData
				? {
						contextData: red.executionData.contextData,
						metadata: red.executionData.metadata,
						nodeExecutionStack: [],
						waitingExecution: {},
						waitingExecutionSource: null,
					}
				: undefined,
		}),
		runIndex: t.runIndex,
		selfData: t.selfData,
		siblingParameters: t.siblingParameters,
		additionalData: {
			formWaitingBaseUrl: ad.formWaitingBaseUrl,
			instanceBaseUrl: ad.instanceBaseUrl,
			restApiUrl: ad.restApiUrl,
			variables: ad.variables,
			webhookBaseUrl: ad.webhookBaseUrl,
			webhookTestBaseUrl: ad.webhookTestBaseUrl,
			webhookWaitingBaseUrl: ad.webhookWaitingBaseUrl,
			currentNodeParameters: ad.currentNodeParameters,
			executionId: ad.executionId,
			executionTimeoutTimestamp: ad.executionTimeoutTimestamp,
			restartExecutionId: ad.restartExecutionId,
			userId: ad.userId,
		},
	};
}

/** n8n's DataRequestResponseStripper.strip. */
function stripDataResponse(dr: ReturnType<typeof buildDataResponse>, params: DataRequestParams) {
	const names = new Set(params.dataOfNodes === 'all' ? [] : params.dataOfNodes);
	if (params.prevNode && params.dataOfNodes !== 'all') {
		names.add(dr.connectionInputSource?.main?.[0]?.previousNode ?? '');
	}
	const pick = <T extends object>(obj: T | undefined): T | undefined => {
		if (!obj || params.dataOfNodes === 'all') return obj;
		return Object.fromEntries(Object.entries(obj).filter(([name]) => names.has(name))) as T;
	};
	const red = dr.runExecutionData;
	let inputData: ITaskDataConnections = {};
	if (params.input.include) {
		const chunk = params.input.chunk;
		const items = dr.inputData.main?.[0];
		inputData = chunk && items ? { ...dr.inputData, main: [items.slice(chunk.startIndex, chunk.startIndex + chunk.count)] } : dr.inputData;
	}
	return {
		...dr,
		inputData,
		envProviderState: params.env
			? dr.envProviderState
			: { env: {}, isEnvAccessBlocked: dr.envProviderState.isEnvAccessBlocked, isProcessAvailable: dr.envProviderState.isProcessAvailable },
		runExecutionData:
			params.dataOfNodes === 'all'
				? red
				: {
						version: 1,
						startData: red.startData,
						resultData: {
							error: red.resultData.error,
							lastNodeExecuted: red.resultData.lastNodeExecuted,
							metadata: red.resultData.metadata,
							runData: pick(red.resultData.runData) ?? {},
							pinData: pick(red.resultData.pinData),
						},
						executionData: red.executionData,
					},
	};
}
