/**
 * The Assistable node's Make Call as an AI Agent tool in a REAL n8n 2.41.1: "call Ada about her booking".
 * Manual Trigger -> AI Agent with the scripted OpenAI stub (test/e2e/openai-stub.ts) as its model, and the
 * Assistable tool with Call → Make, the assistant and location fixed by the user, the GHL contact ID filled
 * by the model through $fromAI. Asserts the call the sandbox recorded and what the agent answered.
 */
import { executeWorkflow, nodeOutput } from '../../runtime/n8n';
import { DEMO_API_KEY, DEMO_LOCATION_ID } from '../../sandbox/demo-data';
import { AGENT, AGENT_VERSION, describeAgent, useAgentN8n } from './agent-support';
import { FINAL_ANSWER_PREFIX } from './openai-stub';

const WORKFLOW_ID = 'assistableAgentCall';
const ADA_GHL_ID = 'pQ4x7Ld2Rt9Wm3Kc8Nb1';
const ASSISTANT = 'asst_booking_desk';

describeAgent(`n8n ${AGENT_VERSION}: an AI Agent makes a call with the Assistable tool`, () => {
	const n8n = useAgentN8n({
		id: WORKFLOW_ID,
		name: 'E2E: AI Agent makes a call through the Assistable tool',
		nodeIdPrefix: 'c',
		text: 'call Ada about her booking',
		systemMessage: `You place AI calls with Assistable. Ada's GoHighLevel contact ID is ${ADA_GHL_ID}.`,
		tool: {
			name: 'Call Assistable Contact',
			parameters: {
				resource: 'call',
				operation: 'make',
				assistantId: ASSISTANT,
				ghlLocationId: DEMO_LOCATION_ID,
				ghlContactId:
					"={{ $fromAI('ghl_contact_id', 'The GoHighLevel contact ID of the person to call', 'string') }}",
				options: {},
			},
		},
		credentialIds: { assistable: 'assistableCallSb', openAi: 'openAiStubCall01' },
		folder: 'e2e-agent-call',
		logPrefix: '[e2e agent call]',
		script: { ghl_contact_id: ADA_GHL_ID },
	});

	test('"call Ada about her booking": one call to her GHL contact, and the answer carries its call ID', async () => {
		const { rt, env, sandbox, openai } = n8n;
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
});
