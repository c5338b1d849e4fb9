import { readFileSync } from 'node:fs';
import path from 'node:path';

import { DEMO_API_KEY, DEMO_CONTACT_IDS, DEMO_LOCATION_ID } from '../../sandbox/server';
import { useSandbox } from '../harness/sandbox-fixture';
import { runAssistable } from '../harness/workflow';

function assistableNode(file: string) {
	const workflow = JSON.parse(readFileSync(path.join(__dirname, '../../examples', file), 'utf8'));
	return workflow.nodes.find((n: { type: string }) => n.type === 'n8n-nodes-assistable.assistable');
}

const sandbox = useSandbox();

// The README's importable examples, with their webhook replaced by the item such a webhook emits.
describe('examples/webhook-update-contact.workflow.json', () => {
	it('adds the form tags to the existing ones and sets email, phone and a custom field', async () => {
		const node = assistableNode('webhook-update-contact.workflow.json');
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
			typeVersion: node.typeVersion,
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

describe('examples/webhook-upsert-contact.workflow.json', () => {
	it('creates a new sign-up, and updates an existing contact found by email without losing its tags', async () => {
		const node = assistableNode('webhook-upsert-contact.workflow.json');
		const parameters = { ...node.parameters, locationId: DEMO_LOCATION_ID };
		const body = (email: string) => ({
			email,
			first_name: 'Ada',
			last_name: 'Lovelace',
			phone: '+44 20 7946 0018',
			plan: 'pro',
			source: 'landing-page',
		});
		const result = await runAssistable({
			items: [{ body: body('new.signup@example.com') }, { body: body('ADA@example.com') }],
			parameters,
			typeVersion: node.typeVersion,
			credentials: { apiKey: DEMO_API_KEY, baseUrl: sandbox.url },
		});

		expect(result.status).toBe('success');
		expect(result.items.map((i) => i.json.action)).toEqual(['created', 'updated']);
		// Node version 1.1: each item is the contact itself.
		expect(result.items[1].json).toEqual({
			...sandbox.getContact(DEMO_CONTACT_IDS.ada),
			action: 'updated',
		});
		const created = sandbox
			.listContacts(DEMO_LOCATION_ID)
			.find((c) => c.email === 'new.signup@example.com')!;
		expect(created).toMatchObject({
			phone_number: '+442079460018',
			tags: ['signup', 'pro'],
			custom_fields: { signup_source: 'landing-page' },
		});
		expect(sandbox.getContact(DEMO_CONTACT_IDS.ada)!.tags).toEqual([
			'lead',
			'newsletter',
			'signup',
			'pro',
		]);
	});
});
