/** What `npm start` prints once everything runs: where to log in, what to try first, the loop, the examples. */
import * as path from 'node:path';
import type { Sandbox } from '../sandbox/server';
import {
	DEMO_API_KEY,
	DEMO_CONTACT_IDS,
	DEMO_GHL_CONTACT_IDS,
	DEMO_LOCATION_ID,
} from '../sandbox/demo-data';
import { EXAMPLES_DIR, LOCATION_PLACEHOLDER, type ExampleWorkflow } from './examples';
import { runtimeDir } from './install-n8n';
import { DEFAULT_OWNER, type WorkflowJson } from './n8n';

export function banner(
	url: string,
	sandbox: Sandbox | undefined,
	demo: WorkflowJson,
	examples: ExampleWorkflow[],
	webhooks: Array<{ example: ExampleWorkflow; active: boolean }>,
	credential: { name: string; baseUrl: string },
): string {
	const lines = [
		'',
		`  n8n with n8n-nodes-assistable is running on ${url}`,
		`  Log in:    ${DEFAULT_OWNER.email}  /  ${DEFAULT_OWNER.password}`,
		'',
	];
	if (sandbox) {
		lines.push(
			'  First:     open the demo workflow',
			`               ${url}/workflow/${demo.id}`,
			'             click "Execute workflow", then double-click "Update Assistable Contact":',
			"             the output shows Ada Lovelace's contact, tags web-form and demo-request appended",
			'             to the lead and newsletter she had.',
		);
		const form = webhooks.find(
			(w) => w.active && w.example.webhookPaths.includes('assistable-form'),
		);
		if (form) {
			const body = JSON.stringify({
				contact_id: DEMO_CONTACT_IDS.ada,
				email: 'ada.lovelace@example.com',
				phone: '+1 (415) 555-0101',
				interest: 'pricing',
				form_name: 'Demo request',
			});
			lines.push(
				`  Then:      send the form webhook ("${form.example.workflow.name}", active):`,
				`               curl -X POST ${url}/webhook/assistable-form -H 'content-type: application/json' \\`,
				`                 -d '${body}'`,
				`             and read Ada's tags back from the sandbox (pricing is added):`,
				`               curl -H 'Authorization: Bearer ${DEMO_API_KEY}' ${sandbox.url}/contacts/${DEMO_CONTACT_IDS.ada}`,
			);
		}
		const callLead = webhooks.find(
			(w) => w.active && w.example.webhookPaths.includes('assistable-call-lead'),
		);
		const callEnded = webhooks.find((w) => w.active && w.example.triggerEvent === 'callEnded');
		if (callLead && callEnded) {
			const body = JSON.stringify({
				contact_id: DEMO_GHL_CONTACT_IDS.ada,
				location: { id: DEMO_LOCATION_ID },
				email: 'ada@example.com',
				first_name: 'Ada',
				phone: '+1 555 555 0101',
				interest: 'demo',
			});
			lines.push(
				`  The loop:  a GoHighLevel form post creates or updates Ada and has the assistant call her`,
				`             ("${callLead.example.workflow.name}"):`,
				`               curl -X POST ${url}/webhook/assistable-call-lead -H 'content-type: application/json' \\`,
				`                 -d '${body}'`,
				'             about 4 s later the simulated call ends: the sandbox POSTs its post-call webhook to',
				`             "${callEnded.example.workflow.name}" (a "[sandbox] simulated call: post-call" line below),`,
				`             which appends call-positive and task-complete to Ada. See both runs in ${url}/home/executions`,
				"             and Ada's tags with the curl above.",
			);
		}
		lines.push(
			'',
			`  Sandbox:   ${sandbox.url}   (Assistable API stand-in, demo data, in memory)`,
			`  Demo key:  ${DEMO_API_KEY}   (location ${DEMO_LOCATION_ID})`,
		);
	} else {
		lines.push(
			`  Assistable: ${credential.baseUrl} (credential "${credential.name}"; the key is stored encrypted in n8n)`,
			'  Note: the example contact id belongs to the sandbox; put one of your contact ids in "Sample Form Submission",',
			`        and your Location ID where the webhook examples say ${LOCATION_PLACEHOLDER}.`,
		);
	}
	lines.push(
		`  Workflows: ${examples.length} imported from ${EXAMPLES_DIR}/, bound to "${credential.name}":`,
	);
	for (const e of examples) {
		const hook = webhooks.find((w) => w.example === e);
		const how = hook
			? ` (webhook ${hook.active ? 'active' : 'inactive'}: POST ${url}/webhook/${e.webhookPaths.join(', ')})`
			: '';
		lines.push(`               "${e.workflow.name}"${how}`);
	}
	lines.push(
		`  n8n data:  ${path.join(runtimeDir(), 'demo')} (recreated on every npm start)`,
		'  Ctrl-C stops everything.',
		'',
	);
	return lines.join('\n');
}
