import { readFileSync } from 'node:fs';
import path from 'node:path';

import type { Sandbox } from '../../sandbox/server';
import { DEMO_API_KEY, DEMO_CONTACT_IDS, demoSeed, startSandbox } from '../../sandbox/server';
import { runAssistable } from '../harness/workflow';

// The README's importable example, with its webhook replaced by the item such a webhook emits.
describe('examples/webhook-update-contact.workflow.json', () => {
	let sandbox: Sandbox;
	beforeAll(async () => {
		sandbox = await startSandbox({ seed: demoSeed() });
	});
	afterAll(async () => sandbox.close());

	it('adds the form tags to the existing ones and sets email, phone and a custom field', async () => {
		const workflow = JSON.parse(readFileSync(path.join(__dirname, '../../examples/webhook-update-contact.workflow.json'), 'utf8'));
		const node = workflow.nodes.find((n: { type: string }) => n.type === 'n8n-nodes-assistable.assistable');
		const body = {
			contact_id: DEMO_CONTACT_IDS.ada,
			email: 'ada@analytical.example',
			phone: '+1 (415) 555-0101',
			interest: 'pricing',
			form_name: 'Demo request',
		};
		const result = await runAssistable({
			items: [{ headers: {}, params: {}, query: {}, body }],
			parameters: node.parameters,
			credentials: { apiKey: DEMO_API_KEY, baseUrl: sandbox.url },
		});

		expect(result.status).toBe('success');
		const contact = sandbox.getContact(DEMO_CONTACT_IDS.ada)!;
		expect(contact).toMatchObject({
			email: 'ada@analytical.example',
			phone_number: '+14155550101',
			tags: ['lead', 'newsletter', 'web-form', 'pricing'],
			custom_fields: { plan: 'pro', score: 42, last_form: 'Demo request' },
		});
		expect(result.items[0].json).toEqual(contact);
	});
});
