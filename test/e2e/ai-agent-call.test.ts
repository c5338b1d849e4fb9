/**
 * The Assistable node's Make Call as an AI Agent tool in a REAL n8n 2.41.1: "call Ada about her booking".
 * Manual Trigger -> AI Agent with the scripted OpenAI stub (test/e2e/openai-stub.ts) as its model, and the
 * Assistable tool with Call → Make, the assistant and location fixed by the user, the GHL contact ID filled
 * by the model through $fromAI. Asserts the call the sandbox recorded and what the agent answered.
 */
import * as fs from 'node:fs';
import {
	executeWorkflow,
	freePort,
	importAnyCredentials,
	importCredentials,
	importWorkflows,
	installPackage,
	makeUserFolder,
	n8nEnv,
	nodeOutput,
	prefixedLog,
	CREDENTIAL_TYPE,
	type WorkflowJson,
} from '../../runtime/n8n';
import type { N8nRuntime } from '../../runtime/install-n8n';
import { startSandbox, type Sandbox } from '../../sandbox/server';
import { DEMO_API_KEY, DEMO_LOCATION_ID, demoSeed } from '../../sandbox/demo-data';
import { e2eState, runtimeFor } from './env';
import { FINAL_ANSWER_PREFIX, startOpenAiStub, type OpenAiStub } from './openai-stub';

const VERSION = '2.41.1';
const ASSISTABLE = { id: 'assistableCallSb', name: 'Assistable (sandbox)' };
const OPENAI = { id: 'openAiStubCall01', name: 'OpenAI (stub)' };
const WORKFLOW_ID = 'assistableAgentCall';
const AGENT = 'AI Agent';
const TOOL = 'Call Assistable Contact';
const ADA_GHL_ID = 'pQ4x7Ld2Rt9Wm3Kc8Nb1';
const ASSISTANT = 'asst_booking_desk';

function agentWorkflow(): WorkflowJson {
	return {
		id: WORKFLOW_ID,
		name: 'E2E: AI Agent makes a call through the Assistable tool',
		nodes: [
			{
				id: 'c1',
				name: 'Start',
				type: 'n8n-nodes-base.manualTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			},
			{
				id: 'c2',
				name: AGENT,
				type: '@n8n/n8n-nodes-langchain.agent',
				typeVersion: 3.1,
				position: [240, 0],
				parameters: {
					promptType: 'define',
					text: 'call Ada about her booking',
					options: {
						systemMessage: `You place AI calls with Assistable. Ada's GoHighLevel contact ID is ${ADA_GHL_ID}.`,
						enableStreaming: false,
					},
				},
			},
			{
				id: 'c3',
				name: 'OpenAI Chat Model',
				type: '@n8n/n8n-nodes-langchain.lmChatOpenAi',
				typeVersion: 1.3,
				position: [160, 220],
				parameters: {
					model: { __rl: true, mode: 'id', value: 'gpt-4o-mini' },
					responsesApiEnabled: false,
					options: {},
				},
				credentials: { openAiApi: OPENAI },
			},
			{
				id: 'c4',
				name: TOOL,
				type: 'n8n-nodes-assistable.assistableTool',
				typeVersion: 1.1,
				position: [400, 220],
				parameters: {
					resource: 'call',
					operation: 'make',
					assistantId: ASSISTANT,
					ghlLocationId: DEMO_LOCATION_ID,
					ghlContactId:
						"={{ $fromAI('ghl_contact_id', 'The GoHighLevel contact ID of the person to call', 'string') }}",
					options: {},
				},
				credentials: { [CREDENTIAL_TYPE]: ASSISTABLE },
			},
		],
		connections: {
			Start: { main: [[{ node: AGENT, type: 'main', index: 0 }]] },
			'OpenAI Chat Model': {
				ai_languageModel: [[{ node: AGENT, type: 'ai_languageModel', index: 0 }]],
			},
			[TOOL]: { ai_tool: [[{ node: AGENT, type: 'ai_tool', index: 0 }]] },
		},
		settings: { executionOrder: 'v1' },
	};
}

const prepared = (() => {
	try {
		return Boolean(e2eState().runtimes[VERSION]);
	} catch {
		return false;
	}
})();

(prepared ? describe : describe.skip)(
	`n8n ${VERSION}: an AI Agent makes a call with the Assistable tool`,
	() => {
		let rt: N8nRuntime;
		let sandbox: Sandbox;
		let openai: OpenAiStub;
		let userFolder: string;
		let env: NodeJS.ProcessEnv;

		beforeAll(async () => {
			rt = runtimeFor(VERSION);
			sandbox = await startSandbox({ seed: demoSeed() });
			openai = await startOpenAiStub({ ghl_contact_id: ADA_GHL_ID });
			userFolder = makeUserFolder('e2e-agent-call');
			await installPackage(userFolder, e2eState().tgz, { log: prefixedLog('[e2e agent call]') });
			env = n8nEnv(rt, {
				userFolder,
				port: await freePort(),
				brokerPort: await freePort(),
				extra: { N8N_COMMUNITY_PACKAGES_ALLOW_TOOL_USAGE: 'true' },
			});
			await importCredentials(rt, env, [
				{ ...ASSISTABLE, apiKey: DEMO_API_KEY, baseUrl: sandbox.url },
			]);
			await importAnyCredentials(rt, env, [
				{
					...OPENAI,
					type: 'openAiApi',
					data: { apiKey: 'sk-stub-not-a-real-key', url: openai.url },
				},
			]);
			await importWorkflows(rt, env, [agentWorkflow()]);
		});

		afterAll(async () => {
			await sandbox?.close();
			await openai?.close();
			if (userFolder && !process.env.E2E_KEEP)
				fs.rmSync(userFolder, { recursive: true, force: true });
		});

		test('"call Ada about her booking": one call to her GHL contact, and the answer carries its call ID', async () => {
			const r = await executeWorkflow(rt, env, WORKFLOW_ID);
			if (r.output?.status !== 'success')
				throw new Error(
					`the agent run did not succeed: exit ${r.code}\n${r.stdout.slice(-4000)}\n${r.stderr.slice(-3000)}`,
				);
			const [first] = openai.requests.map((q) => q.body!);
			// Only the $fromAI field is the model's to fill; assistant and location are the user's.
			expect(Object.keys(first.tools![0].function.parameters?.properties ?? {})).toEqual([
				'ghl_contact_id',
			]);

			expect(sandbox.requests.map((q) => `${q.method} ${q.route}`)).toEqual(['POST makeCall']);
			expect(sandbox.requests[0].body).toEqual({
				assistant_id: ASSISTANT,
				location_id: DEMO_LOCATION_ID,
				contact_id: ADA_GHL_ID,
			});
			const calls = sandbox.calls();
			expect(calls).toHaveLength(1);
			const answer = nodeOutput(r.output, AGENT);
			expect(answer).toHaveLength(1);
			expect(String(answer[0].output)).toContain(FINAL_ANSWER_PREFIX);
			expect(String(answer[0].output)).toContain(calls[0].call_id);
			expect(r.stdout + r.stderr).not.toContain(DEMO_API_KEY);
		});
	},
);
