/**
 * Shared by the AI Agent tests (ai-agent.test.ts, ai-agent-call.test.ts): Manual Trigger -> n8n's AI Agent with
 * an OpenAI Chat Model sub-node whose credential points at the scripted OpenAI stub (openai-stub.ts), and the
 * Assistable node connected as a tool (`ai_tool`); and one n8n with the packed package, a sandbox and the stub.
 */
import * as fs from 'node:fs';
import {
	freePort,
	importAnyCredentials,
	importCredentials,
	importWorkflows,
	installPackage,
	makeUserFolder,
	n8nEnv,
	prefixedLog,
	CREDENTIAL_TYPE,
	type WorkflowJson,
} from '../../runtime/n8n';
import type { N8nRuntime } from '../../runtime/install-n8n';
import { startSandbox, type Sandbox } from '../../sandbox/server';
import { DEMO_API_KEY, demoSeed } from '../../sandbox/demo-data';
import { e2eState, runtimeFor } from './env';
import { startOpenAiStub, type OpenAiStub } from './openai-stub';

export const AGENT_VERSION = '2.41.1';
export const AGENT = 'AI Agent';
const TOOL_TYPE = 'n8n-nodes-assistable.assistableTool';

interface Credential {
	id: string;
	name: string;
}

interface AgentWorkflowSpec {
	id: string;
	name: string;
	/** Node ids are `<prefix>1` to `<prefix>4`. */
	nodeIdPrefix: string;
	/** The user's prompt and the agent's system message. */
	text: string;
	systemMessage: string;
	tool: { name: string; parameters: Record<string, unknown> };
	assistable: Credential;
	openAi: Credential;
}

function agentWorkflow(spec: AgentWorkflowSpec): WorkflowJson {
	const id = (n: number) => `${spec.nodeIdPrefix}${n}`;
	return {
		id: spec.id,
		name: spec.name,
		nodes: [
			{
				id: id(1),
				name: 'Start',
				type: 'n8n-nodes-base.manualTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			},
			{
				id: id(2),
				name: AGENT,
				type: '@n8n/n8n-nodes-langchain.agent',
				typeVersion: 3.1,
				position: [240, 0],
				parameters: {
					promptType: 'define',
					text: spec.text,
					options: {
						systemMessage: spec.systemMessage,
						enableStreaming: false,
					},
				},
			},
			{
				id: id(3),
				name: 'OpenAI Chat Model',
				type: '@n8n/n8n-nodes-langchain.lmChatOpenAi',
				typeVersion: 1.3,
				position: [160, 220],
				parameters: {
					model: { __rl: true, mode: 'id', value: 'gpt-4o-mini' },
					responsesApiEnabled: false,
					options: {},
				},
				credentials: { openAiApi: spec.openAi },
			},
			{
				id: id(4),
				name: spec.tool.name,
				type: TOOL_TYPE,
				typeVersion: 1.1,
				position: [400, 220],
				parameters: spec.tool.parameters,
				credentials: { [CREDENTIAL_TYPE]: spec.assistable },
			},
		],
		connections: {
			Start: { main: [[{ node: AGENT, type: 'main', index: 0 }]] },
			'OpenAI Chat Model': {
				ai_languageModel: [[{ node: AGENT, type: 'ai_languageModel', index: 0 }]],
			},
			[spec.tool.name]: { ai_tool: [[{ node: AGENT, type: 'ai_tool', index: 0 }]] },
		},
		settings: { executionOrder: 'v1' },
	};
}

/** Whether the e2e setup prepared the agent tests' n8n version (E2E_N8N_VERSIONS without it skips them). */
const agentN8nPrepared = (() => {
	try {
		return Boolean(e2eState().runtimes[AGENT_VERSION]);
	} catch {
		return false;
	}
})();

/** A describe that runs whenever the e2e setup prepared n8n 2.41.1 (the default), and is skipped otherwise. */
export function describeAgent(title: string, tests: () => void): void {
	(agentN8nPrepared ? describe : describe.skip)(title, tests);
}

/** The API key of the OpenAI credential the agent tests import (the stub accepts any). */
export const OPENAI_STUB_KEY = 'sk-stub-not-a-real-key';

export interface AgentN8n {
	rt: N8nRuntime;
	sandbox: Sandbox;
	openai: OpenAiStub;
	env: NodeJS.ProcessEnv;
}

export interface AgentTestSpec extends Omit<AgentWorkflowSpec, 'assistable' | 'openAi'> {
	/** IDs of the two credentials: "Assistable (sandbox)" (the demo key) and "OpenAI (stub)" (OPENAI_STUB_KEY). */
	credentialIds: { assistable: string; openAi: string };
	/** The user folder's name and the install log's prefix. */
	folder: string;
	logPrefix: string;
	/** What the OpenAI stub's model fills in. */
	script: Parameters<typeof startOpenAiStub>[0];
}

/**
 * Before the describe's tests: a sandbox, the OpenAI stub with `script`, a user folder with the packed package
 * (tool usage allowed), both credentials and the agent workflow of `spec` imported; after them, all of it
 * closed and removed. The returned object is filled in by then.
 */
export function useAgentN8n(spec: AgentTestSpec): AgentN8n {
	const { credentialIds, folder, logPrefix, script, ...workflowSpec } = spec;
	const assistable = { id: credentialIds.assistable, name: 'Assistable (sandbox)' };
	const openAi = { id: credentialIds.openAi, name: 'OpenAI (stub)' };
	const n8n = {} as AgentN8n;
	let userFolder: string;

	beforeAll(async () => {
		n8n.rt = runtimeFor(AGENT_VERSION);
		n8n.sandbox = await startSandbox({ seed: demoSeed() });
		n8n.openai = await startOpenAiStub(script);
		userFolder = makeUserFolder(folder);
		await installPackage(userFolder, e2eState().tgz, { log: prefixedLog(logPrefix) });
		n8n.env = n8nEnv(n8n.rt, {
			userFolder,
			port: await freePort(),
			brokerPort: await freePort(),
			extra: { N8N_COMMUNITY_PACKAGES_ALLOW_TOOL_USAGE: 'true' },
		});
		await importCredentials(n8n.rt, n8n.env, [
			{ ...assistable, apiKey: DEMO_API_KEY, baseUrl: n8n.sandbox.url },
		]);
		await importAnyCredentials(n8n.rt, n8n.env, [
			{ ...openAi, type: 'openAiApi', data: { apiKey: OPENAI_STUB_KEY, url: n8n.openai.url } },
		]);
		await importWorkflows(n8n.rt, n8n.env, [
			agentWorkflow({ ...workflowSpec, assistable, openAi }),
		]);
	});

	afterAll(async () => {
		await n8n.sandbox?.close();
		await n8n.openai?.close();
		if (userFolder && !process.env.E2E_KEEP)
			fs.rmSync(userFolder, { recursive: true, force: true });
	});

	return n8n;
}
