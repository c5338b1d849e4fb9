/**
 * The Assistable node as an AI Agent tool in a REAL n8n 2.41.1: Manual Trigger -> n8n's AI Agent, with an
 * OpenAI Chat Model sub-node whose credential points at a scripted OpenAI stub (test/e2e/openai-stub.ts),
 * and the Assistable node connected as a tool (`ai_tool`), its email and tags filled by the model through
 * $fromAI. Run with `n8n execute`. Asserts what the sandbox received, what the model was offered and sent
 * back, and the agent's final answer.
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
	type ExecuteResult,
	type WorkflowJson,
} from '../../runtime/n8n';
import type { N8nRuntime } from '../../runtime/install-n8n';
import { startSandbox, type Sandbox } from '../../sandbox/server';
import {
	DEMO_API_KEY,
	DEMO_CONTACT_IDS,
	DEMO_LOCATION_ID,
	demoSeed,
} from '../../sandbox/demo-data';
import { e2eState, runtimeFor } from './env';
import { FINAL_ANSWER_PREFIX, startOpenAiStub, type OpenAiStub } from './openai-stub';

const VERSION = '2.41.1';
const TOOL_TYPE = 'n8n-nodes-assistable.assistableTool';
const ASSISTABLE = { id: 'assistableSandbx', name: 'Assistable (sandbox)' };
const OPENAI = { id: 'openAiStubCred01', name: 'OpenAI (stub)' };
const OPENAI_KEY = 'sk-stub-not-a-real-key';
const WORKFLOW_ID = 'assistableAgent1';
const AGENT = 'AI Agent';
const TOOL = 'Tag Assistable Contact';

function agentWorkflow(): WorkflowJson {
	return {
		id: WORKFLOW_ID,
		name: 'E2E: AI Agent tags a contact through the Assistable tool',
		nodes: [
			{
				id: 'a1',
				name: 'Start',
				type: 'n8n-nodes-base.manualTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			},
			{
				id: 'a2',
				name: AGENT,
				type: '@n8n/n8n-nodes-langchain.agent',
				typeVersion: 3.1,
				position: [240, 0],
				parameters: {
					promptType: 'define',
					text: "tag Ada's contact as vip",
					options: {
						systemMessage: 'You manage Assistable contacts. Ada is ada@example.com.',
						enableStreaming: false,
					},
				},
			},
			{
				id: 'a3',
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
				id: 'a4',
				name: TOOL,
				type: TOOL_TYPE,
				typeVersion: 1.1,
				position: [400, 220],
				parameters: {
					// Fixed by the user: what the tool does and where.
					resource: 'contact',
					operation: 'update',
					matchBy: 'email',
					locationId: DEMO_LOCATION_ID,
					appendTags: true,
					// Filled by the model.
					matchEmail:
						"={{ $fromAI('email', 'The email address of the contact to tag', 'string') }}",
					updateFields: {
						tags: "={{ $fromAI('tags', 'Comma-separated tags to add to the contact', 'string') }}",
					},
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

function describeRun(r: ExecuteResult): string {
	return `exit ${r.code}, status ${r.output?.status ?? '(no run data printed)'}\n--- stdout (tail) ---\n${r.stdout.slice(-4000)}\n--- stderr (tail) ---\n${r.stderr.slice(-3000)}`;
}

const prepared = (() => {
	try {
		return Boolean(e2eState().runtimes[VERSION]);
	} catch {
		return false;
	}
})();

// Runs whenever the e2e setup prepared n8n 2.41.1 (the default); E2E_N8N_VERSIONS without it skips it.
(prepared ? describe : describe.skip)(
	`n8n ${VERSION}: the Assistable node as an AI Agent tool`,
	() => {
		let rt: N8nRuntime;
		let sandbox: Sandbox;
		let openai: OpenAiStub;
		let userFolder: string;
		let env: NodeJS.ProcessEnv;

		beforeAll(async () => {
			rt = runtimeFor(VERSION);
			sandbox = await startSandbox({ seed: demoSeed() });
			openai = await startOpenAiStub({ email: 'ada@example.com', tags: 'vip' });
			userFolder = makeUserFolder('e2e-agent');
			await installPackage(userFolder, e2eState().tgz, { log: prefixedLog('[e2e agent]') });
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
				{ ...OPENAI, type: 'openAiApi', data: { apiKey: OPENAI_KEY, url: openai.url } },
			]);
			await importWorkflows(rt, env, [agentWorkflow()]);
		});

		afterAll(async () => {
			await sandbox?.close();
			await openai?.close();
			if (userFolder && !process.env.E2E_KEEP)
				fs.rmSync(userFolder, { recursive: true, force: true });
		});

		test(`"tag Ada's contact as vip": the model calls the tool, the sandbox gets GET + PATCH, the answer carries the result`, async () => {
			expect(sandbox.getContact(DEMO_CONTACT_IDS.ada)!.tags).toEqual(['lead', 'newsletter']);

			const r = await executeWorkflow(rt, env, WORKFLOW_ID);
			if (r.output?.status !== 'success')
				throw new Error(`the agent run did not succeed: ${describeRun(r)}`);

			// What the model was offered and sent back (two chat-completions calls, nothing else).
			expect(openai.requests.map((q) => `${q.method} ${q.path}`)).toEqual([
				'POST /v1/chat/completions',
				'POST /v1/chat/completions',
			]);
			for (const q of openai.requests) expect(q.authorization).toBe(`Bearer ${OPENAI_KEY}`);
			const [first, second] = openai.requests.map((q) => q.body!);
			expect(
				first.messages!.some(
					(m) => m.role === 'user' && String(m.content).includes("tag Ada's contact as vip"),
				),
			).toBe(true);
			expect(first.tools).toHaveLength(1);
			// $fromAI fields become the tool's parameters; fixed fields (Location ID, Match By) do not.
			const offered = first.tools![0].function;
			expect(Object.keys(offered.parameters?.properties ?? {}).sort()).toEqual(['email', 'tags']);
			const toolMessage = second.messages!.find((m) => m.role === 'tool');
			expect(toolMessage).toBeDefined();

			// What reached the Assistable API: look Ada up by email, read her, one PATCH with vip appended.
			const calls = sandbox.requests.map((q) => `${q.method} ${q.route}`);
			// The last GET is Re-Check Tags (on by default): the tag is still there a moment after the write.
			expect(calls).toEqual(['GET list', 'GET get', 'PATCH patch', 'GET get']);
			const patch = sandbox.requests[2];
			expect(patch.path).toBe(`/v2/contacts/${DEMO_CONTACT_IDS.ada}`);
			expect(patch.body).toEqual({ tags: ['lead', 'newsletter', 'vip'] });
			for (const q of sandbox.requests) expect(q.authorization).toBe(`Bearer ${DEMO_API_KEY}`);
			const ada = sandbox.getContact(DEMO_CONTACT_IDS.ada)!;
			expect(ada.tags).toEqual(['lead', 'newsletter', 'vip']);

			// The tool handed the model the updated contact, and the agent's answer carries it.
			const toolResult = String(toolMessage!.content);
			expect(toolResult).toContain(DEMO_CONTACT_IDS.ada);
			expect(toolResult).toMatch(/"lead",\s*"newsletter",\s*"vip"/);
			expect(toolResult).not.toContain(DEMO_API_KEY);
			const answer = nodeOutput(r.output, AGENT);
			expect(answer).toHaveLength(1);
			expect(answer[0].output).toBe(`${FINAL_ANSWER_PREFIX}${toolResult}`);
			expect(r.stdout + r.stderr).not.toContain(DEMO_API_KEY);
		});
	},
);
