/**
 * The trigger examples: their Assistable Trigger served in-process (test/harness/webhook.ts), its item
 * handed to the example's next node. The custom tool example's Code node runs here as a script; in a real
 * n8n, with the answer going back to the caller, in test/e2e/trigger.test.ts.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';

import type { IDataObject } from 'n8n-workflow';

import { DEMO_API_KEY, DEMO_CONTACT_IDS, DEMO_LOCATION_ID } from '../../sandbox/demo-data';
import { useSandbox } from '../harness/sandbox-fixture';
import { startTriggerServer, TRIGGER_TYPE } from '../harness/webhook';
import { runAssistable } from '../harness/workflow';
import { POST_CALL, TOOL_CALL } from './trigger-payloads';

interface ExampleNode {
	type: string;
	typeVersion: number;
	parameters: IDataObject;
}

function nodesOf(file: string): ExampleNode[] {
	const text = readFileSync(path.join(__dirname, '../../examples', file), 'utf8');
	return JSON.parse(text.replace('REPLACE_WITH_YOUR_LOCATION_ID', DEMO_LOCATION_ID)).nodes;
}

const sandbox = useSandbox();

describe('examples/trigger-call-ended-tags.workflow.json', () => {
	it("tags the customer's contact (found by phone) with the outcome and stores the summary", async () => {
		const nodes = nodesOf('trigger-call-ended-tags.workflow.json');
		const trigger = nodes.find((n) => n.type === TRIGGER_TYPE)!;
		const update = nodes.find((n) => n.type === 'n8n-nodes-assistable.assistable')!;
		const server = await startTriggerServer({ parameters: trigger.parameters });
		try {
			// An outbound call to Ada (+15555550101 in the sandbox): the customer is `to`.
			const res = await fetch(server.url, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify(POST_CALL),
			});
			expect(res.status).toBe(200);
		} finally {
			await server.close();
		}
		expect(server.executions).toHaveLength(1);

		const result = await runAssistable({
			items: server.executions[0].map((item) => item.json),
			parameters: update.parameters as never,
			typeVersion: update.typeVersion,
			credentials: { apiKey: DEMO_API_KEY, baseUrl: sandbox.url },
		});

		expect(result.status).toBe('success');
		expect(sandbox.getContact(DEMO_CONTACT_IDS.ada)).toMatchObject({
			tags: ['lead', 'newsletter', 'call-positive', 'task-booked'],
			custom_fields: {
				plan: 'pro',
				score: 42,
				last_call_summary: 'Ada wants a demo next Tuesday at 10am.',
			},
		});
	});
});

describe('examples/trigger-custom-tool-availability.workflow.json', () => {
	it("answers with the last node's JSON and hands the Code node the tool's arguments by name", async () => {
		const nodes = nodesOf('trigger-custom-tool-availability.workflow.json');
		const trigger = nodes.find((n) => n.type === TRIGGER_TYPE)!;
		const code = nodes.find((n) => n.type === 'n8n-nodes-base.code')!;
		const server = await startTriggerServer({ parameters: trigger.parameters });
		try {
			await fetch(server.url, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify(TOOL_CALL),
			});
		} finally {
			await server.close();
		}
		const item = server.executions[0][0].json;
		expect(item).toMatchObject({
			date: '2026-04-21',
			time: '10:00',
			contactId: TOOL_CALL.contact_id,
		});
		// The Code node's script on that item (n8n's Code node runs it the same way: `$input.first()`).
		const answer = (json: IDataObject) =>
			vm.runInNewContext(`(() => {\n${String(code.parameters.jsCode)}\n})()`, {
				$input: { first: () => ({ json }) },
			});
		expect(answer(item)).toEqual([
			{
				json: {
					available: true,
					contactId: TOOL_CALL.contact_id,
					message: '2026-04-21 at 10:00 is free.',
				},
			},
		]);
		// A Saturday.
		expect(answer({ ...item, date: '2026-04-25' })[0].json.available).toBe(false);
	});
});
