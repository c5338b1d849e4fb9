/**
 * The Assistable node as an AI Agent tool in a REAL n8n 2.41.1: Manual Trigger -> n8n's AI Agent, with an
 * OpenAI Chat Model sub-node whose credential points at a scripted OpenAI stub (test/e2e/openai-stub.ts),
 * and the Assistable node connected as a tool (`ai_tool`), its email and tags filled by the model through
 * $fromAI. Run with `n8n execute`. Asserts what the sandbox received, what the model was offered and sent
 * back, and the agent's final answer.
 */
import { executeWorkflow, nodeOutput, type ExecuteResult } from '../../runtime/n8n';
import { DEMO_API_KEY, DEMO_CONTACT_IDS, DEMO_LOCATION_ID } from '../../sandbox/demo-data';
import { AGENT, AGENT_VERSION, describeAgent, OPENAI_STUB_KEY, useAgentN8n } from './agent-support';
import { FINAL_ANSWER_PREFIX } from './openai-stub';

const WORKFLOW_ID = 'assistableAgent1';

function describeRun(r: ExecuteResult): string {
	return `exit ${r.code}, status ${r.output?.status ?? '(no run data printed)'}\n--- stdout (tail) ---\n${r.stdout.slice(-4000)}\n--- stderr (tail) ---\n${r.stderr.slice(-3000)}`;
}

describeAgent(`n8n ${AGENT_VERSION}: the Assistable node as an AI Agent tool`, () => {
	const n8n = useAgentN8n({
		id: WORKFLOW_ID,
		name: 'E2E: AI Agent tags a contact through the Assistable tool',
		nodeIdPrefix: 'a',
		text: "tag Ada's contact as vip",
		systemMessage: 'You manage Assistable contacts. Ada is ada@example.com.',
		tool: {
			name: 'Tag Assistable Contact',
			parameters: {
				// Fixed by the user: what the tool does and where.
				resource: 'contact',
				operation: 'update',
				matchBy: 'email',
				locationId: DEMO_LOCATION_ID,
				appendTags: true,
				// Filled by the model.
				matchEmail: "={{ $fromAI('email', 'The email address of the contact to tag', 'string') }}",
				updateFields: {
					tags: "={{ $fromAI('tags', 'Comma-separated tags to add to the contact', 'string') }}",
				},
				options: {},
			},
		},
		credentialIds: { assistable: 'assistableSandbx', openAi: 'openAiStubCred01' },
		folder: 'e2e-agent',
		logPrefix: '[e2e agent]',
		script: { email: 'ada@example.com', tags: 'vip' },
	});

	test(`"tag Ada's contact as vip": the model calls the tool, the sandbox gets GET + PATCH, the answer carries the result`, async () => {
		const { rt, env, sandbox, openai } = n8n;
		expect(sandbox.getContact(DEMO_CONTACT_IDS.ada)!.tags).toEqual(['lead', 'newsletter']);

		const r = await executeWorkflow(rt, env, WORKFLOW_ID);
		if (r.output?.status !== 'success')
			throw new Error(`the agent run did not succeed: ${describeRun(r)}`);

		// What the model was offered and sent back (two chat-completions calls, nothing else).
		expect(openai.requests.map((q) => `${q.method} ${q.path}`)).toEqual([
			'POST /v1/chat/completions',
			'POST /v1/chat/completions',
		]);
		for (const q of openai.requests) expect(q.authorization).toBe(`Bearer ${OPENAI_STUB_KEY}`);
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
});
