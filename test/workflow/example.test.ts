import { readFileSync } from 'node:fs';
import path from 'node:path';

import { DEMO_API_KEY, DEMO_CONTACT_IDS, DEMO_LOCATION_ID } from '../../sandbox/server';
import { useSandbox } from '../harness/sandbox-fixture';
import { runAssistable, runWorkflow } from '../harness/workflow';
import { state } from '../../nodes/Assistable/shared/state';

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

describe('examples/webhook-contact-call.workflow.json', () => {
	it('creates or updates the contact, then the assistant calls its GHL contact once; the same form posted again is skipped', async () => {
		state.reset();
		const text = readFileSync(
			path.join(__dirname, '../../examples/webhook-contact-call.workflow.json'),
			'utf8',
		)
			.replace('REPLACE_WITH_YOUR_LOCATION_ID', DEMO_LOCATION_ID)
			.replace('REPLACE_WITH_YOUR_ASSISTANT_ID', 'asst_demo');
		const workflow = JSON.parse(text);
		// The webhook replaced by the item such a webhook emits (a GoHighLevel workflow webhook's fields).
		const nodes = workflow.nodes.map((n: { type: string }) =>
			n.type === 'n8n-nodes-base.webhook'
				? { ...n, type: 'test.itemsSource', typeVersion: 1, parameters: {} }
				: n,
		);
		const body = {
			contact_id: 'pQ4x7Ld2Rt9Wm3Kc8Nb1',
			location: { id: DEMO_LOCATION_ID },
			email: 'new.lead@example.com',
			first_name: 'Katherine',
			phone: '+1 757 555 0142',
			interest: 'pricing',
		};
		const run = () =>
			runWorkflow({
				nodes,
				connections: workflow.connections,
				items: [{ headers: {}, params: {}, query: {}, body }],
				credentials: { assistableApi: { apiKey: DEMO_API_KEY, baseUrl: sandbox.url } },
			});

		const first = await run();
		expect(first.status).toBe('success');
		const contact = sandbox
			.listContacts(DEMO_LOCATION_ID)
			.find((c) => c.email === 'new.lead@example.com')!;
		expect(contact).toMatchObject({ phone_number: '+17575550142', tags: ['web-lead', 'pricing'] });
		const calls = sandbox.calls();
		expect(calls).toEqual([
			expect.objectContaining({
				assistant_id: 'asst_demo',
				location_id: DEMO_LOCATION_ID,
				contact_id: 'pQ4x7Ld2Rt9Wm3Kc8Nb1',
			}),
		]);
		expect(first.outputs['Call the Lead'].map((i) => i.json)).toEqual([
			expect.objectContaining({ callId: calls[0].call_id, skipped: false }),
		]);

		const second = await run();
		expect(second.status).toBe('success');
		expect(sandbox.calls()).toHaveLength(1);
		expect(second.outputs['Call the Lead'][0].json).toMatchObject({
			skipped: true,
			callId: calls[0].call_id,
		});
	});
});
