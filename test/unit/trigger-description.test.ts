/** What the editor and n8n's webhook server read from the Assistable Trigger's description. */
import type { INode, INodeProperties, INodePropertyOptions } from 'n8n-workflow';
import { Workflow } from 'n8n-workflow';

import { AssistableWebhookApi } from '../../credentials/AssistableWebhookApi.credentials';
import { AssistableTrigger } from '../../nodes/AssistableTrigger/AssistableTrigger.node';
import { testWebhookSecret } from '../../nodes/AssistableTrigger/credential-test';
import { TRIGGER_TYPE } from '../harness/webhook';
import { nodeTypesOf } from '../harness/workflow';

const trigger = new AssistableTrigger();
const description = trigger.description;

/** Evaluates a description expression for a node with these parameters, as n8n does (defaults filled in). */
function evaluate(expression: string, parameters: Record<string, string>): unknown {
	const node: INode = {
		id: '1',
		name: 'Assistable Trigger',
		type: TRIGGER_TYPE,
		typeVersion: 1,
		position: [0, 0],
		parameters,
	};
	const workflow = new Workflow({
		nodes: [node],
		connections: {},
		active: false,
		nodeTypes: nodeTypesOf({ [TRIGGER_TYPE]: trigger }),
	});
	return workflow.expression.getSimpleParameterValue(
		workflow.getNode(node.name)!,
		expression,
		'internal',
		{},
		undefined,
		'',
	);
}

test.each([
	['callStarted', 'Call Started'],
	['callEnded', 'Call Ended'],
	['customToolCall', 'Custom Tool Call'],
])('the subtitle of %s is "%s"', (event, text) => {
	expect(evaluate(description.subtitle!, { event })).toBe(text);
});

test("n8n's webhook server answers call webhooks at once with an empty body, tool calls as Respond says", () => {
	const [webhook] = description.webhooks!;
	const answerOf = (parameters: Record<string, string>) => [
		evaluate(webhook.responseMode as string, parameters),
		evaluate(webhook.responseData as string, parameters),
	];
	expect(answerOf({ event: 'callEnded' })).toEqual(['onReceived', 'noData']);
	expect(answerOf({ event: 'callStarted', responseMode: 'lastNode' })).toEqual([
		'onReceived',
		'noData',
	]);
	// The default Respond of a tool: the last node's first item as JSON.
	expect(answerOf({ event: 'customToolCall' })).toEqual(['lastNode', 'firstEntryJson']);
	expect(answerOf({ event: 'customToolCall', responseMode: 'onReceived' })).toEqual([
		'onReceived',
		'noData',
	]);
	// n8n's Respond to Webhook node refuses to run after any trigger but n8n's own: not offered.
	const respond = description.properties.find((p: INodeProperties) => p.name === 'responseMode');
	expect(respond?.options?.map((o) => (o as { value: string }).value)).toEqual([
		'onReceived',
		'lastNode',
	]);
	expect(webhook).toMatchObject({ name: 'default', httpMethod: 'POST', path: 'webhook' });
});

test('every options list is alphabetical', () => {
	const lists = [...description.properties, ...new AssistableWebhookApi().properties]
		.filter((p: INodeProperties) => p.type === 'options')
		.map((p) => ({
			where: p.displayName,
			labels: (p.options as INodePropertyOptions[]).map((o) => o.name),
		}));
	expect(lists.map((l) => l.where)).toEqual(['Event', 'Authentication', 'Respond']);
	for (const { where, labels } of lists)
		expect({ where, labels }).toEqual({
			where,
			labels: [...labels].sort((a, b) => a.localeCompare(b)),
		});
});

test('the credential is asked for only with Authentication: Webhook Secret, and the secret is a password field', () => {
	expect(description.credentials).toEqual([
		expect.objectContaining({
			name: 'assistableWebhookApi',
			required: true,
			displayOptions: { show: { authentication: ['secret'] } },
		}),
	]);
	expect(new AssistableWebhookApi().properties[0]).toMatchObject({
		name: 'secret',
		typeOptions: { password: true },
	});
});

test("the credential's Test refuses a short secret and never shows it", async () => {
	const run = (secret: unknown) =>
		testWebhookSecret.call({} as never, {
			id: '1',
			name: 'c',
			type: 'assistableWebhookApi',
			data: { secret } as never,
		});
	expect(await run('short-one')).toEqual({
		status: 'Error',
		message: 'The secret has 9 characters; use at least 16 random ones.',
	});
	expect(await run(undefined)).toMatchObject({ status: 'Error' });
	const long = 'a-long-random-secret-value';
	const ok = await run(long);
	expect(ok).toEqual({ status: 'OK', message: `The secret is set (${long.length} characters).` });
	expect(ok.message).not.toContain(long);
	expect(trigger.methods.credentialTest.assistableWebhookSecretTest).toBe(testWebhookSecret);
});
