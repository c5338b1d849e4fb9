/**
 * What a merge builds on and what a re-check may restore, as other writers see it: a later removal of
 * this process, an API that lower-cases tags, and custom fields named like Object's own properties.
 */
import type { IDataObject } from 'n8n-workflow';

import { state } from '../../nodes/Assistable/shared/state';
import { DEMO_CONTACT_IDS, demoSeed } from '../../sandbox/server';
import { skippingClock } from '../harness/clock';
import { expectIdle } from '../harness/idle';
import { useSandbox } from '../harness/sandbox-fixture';
import { runContact } from '../harness/workflow';

const { ada } = DEMO_CONTACT_IDS;
const sandbox = useSandbox();
afterEach(expectIdle);

const update = (parameters: IDataObject, operation = 'update') =>
	runContact(sandbox, operation, parameters);
/** Succeeded; else the error a person would see, in the failure message. */
function ok(run: { status: string; error?: { message?: string; description?: unknown } }) {
	expect({ status: run.status, error: run.error?.message, hint: run.error?.description }).toEqual({
		status: 'success',
		error: undefined,
		hint: undefined,
	});
}
const patches = () => sandbox.requests.filter((r) => r.method === 'PATCH');

async function until(condition: () => boolean): Promise<void> {
	for (let i = 0; i < 500 && !condition(); i++) await new Promise((r) => setTimeout(r, 2));
	if (!condition()) throw new Error('condition never met');
}

describe('A re-check restores only what no later write of this process changed', () => {
	it('a tag appended, then removed by another execution before the re-check: it stays removed', async () => {
		sandbox.setBehaviour({ latencyMs: 20 });
		const first = update({ contactId: ada, updateFields: { tags: 'promo' } });
		// The second workflow runs once the first one's PATCH is in, before its re-check reads.
		await until(() => patches().length === 1);
		const second = await update({
			contactId: ada,
			updateFields: { removeTags: 'promo' },
			options: { recheckTags: false },
		});
		ok(second);
		ok(await first);
		expect(sandbox.getContact(ada)!.tags).not.toContain('promo');
		// Nobody put it back.
		expect(
			patches().filter((p) => (p.body as IDataObject).tags?.toString().includes('promo')),
		).toHaveLength(1);
	});
});

describe('An API that stores tags lower-cased (as GoHighLevel does)', () => {
	beforeEach(() => sandbox.setBehaviour({ storedTags: 'lowercase' }));

	it('appending "VIP" succeeds with one PATCH: the re-check and Verify Update see "vip" as it', async () => {
		const result = await update({ contactId: ada, updateFields: { tags: 'VIP' } });
		ok(result);
		expect(patches()).toHaveLength(1);
		expect(sandbox.getContact(ada)!.tags).toContain('vip');
	});

	it('never re-sends a tag the contact already has in another case', async () => {
		const before = sandbox.getContact(ada)!.tags;
		sandbox.setBehaviour({ storedTags: 'as-sent' });
		await update({
			contactId: ada,
			updateFields: { tags: 'vip' },
			options: { recheckTags: false },
		});
		sandbox.requests.length = 0;
		const result = await update({ contactId: ada, updateFields: { tags: 'VIP, Webinar' } });
		ok(result);
		const sent = (patches()[0].body as { tags: string[] }).tags;
		expect(sent).toEqual([...before, 'vip', 'Webinar']);
	});

	it('removing "VIP" removes "vip"', async () => {
		await update({
			contactId: ada,
			updateFields: { tags: 'vip' },
			options: { recheckTags: false },
		});
		const result = await update({ contactId: ada, updateFields: { removeTags: 'VIP' } });
		ok(result);
		expect(sandbox.getContact(ada)!.tags).not.toContain('vip');
	});
});

describe.each(['merge', 'replace'] as const)(
	'Custom fields named like Object properties (API %ss custom_fields)',
	(customFields) => {
		beforeEach(() => sandbox.setBehaviour({ customFields }));

		it('stored ones survive a merge write; given ones are sent', async () => {
			const stored = JSON.parse('{"constructor": "kept", "prototype": "kept too"}');
			sandbox.reset(demoSeed().map((c) => (c.id === ada ? { ...c, custom_fields: stored } : c)));
			sandbox.setBehaviour({ customFields });
			const result = await update({
				contactId: ada,
				updateFields: { customFieldsJson: '{"plan": "pro", "__proto__": "p", "toString": "t"}' },
			});
			ok(result);
			// JSON.parse keeps "__proto__" as a key (an object literal would set the prototype).
			const expected = JSON.parse(
				'{"constructor": "kept", "prototype": "kept too", "plan": "pro", "__proto__": "p", "toString": "t"}',
			);
			const entries = (o: object) => Object.entries(o).sort(([a], [b]) => a.localeCompare(b));
			const sent = (patches()[0].body as { custom_fields: object }).custom_fields;
			expect(entries(sent)).toEqual(entries(expected));
			expect(entries(sandbox.getContact(ada)!.custom_fields)).toEqual(entries(sent));
		});

		it('a "constructor" field given by the user is sent', async () => {
			const result = await update({
				contactId: ada,
				updateFields: {
					customFields: { field: [{ key: 'constructor', value: 'x' }] },
				},
				options: { keepCustomFields: false },
			});
			ok(result);
			expect(JSON.parse(JSON.stringify(patches()[0].body))).toEqual({
				custom_fields: { constructor: 'x' },
			});
		});
	},
);

/** Assistable's own write of a tag, at once (the node's waits below pass on a skipping clock). */
function addAiReplying(): void {
	const { tags } = sandbox.getContact(ada)!;
	sandbox.updateContactDirect(ada, { tags: [...tags, 'ai_replying'] });
}

describe('A merge is sent on a state no older than about one round trip, retries included', () => {
	// Backoffs and the 503's doubt window only let time pass: skip them (the state still ages by them).
	beforeEach(() => state.useClock(skippingClock()));
	afterEach(() => state.useClock());

	it('a PATCH retried after a 503 is merged again onto a fresh read: a tag Assistable added meanwhile stays', async () => {
		sandbox.setBehaviour({ latencyMs: 5 });
		sandbox.injectFault({ route: 'patch', fault: { kind: 'status', status: 503 } });
		// Assistable adds a tag of its own while the node waits to retry (its backoff is at least 125 ms).
		sandbox.onRequest = (r) => {
			if (r.route === 'patch' && r.status === 503) addAiReplying();
		};
		const result = await update({
			contactId: ada,
			updateFields: { tags: 'promo' },
			options: { recheckTags: false },
		});
		ok(result);
		expect(sandbox.getContact(ada)!.tags).toEqual(['lead', 'newsletter', 'ai_replying', 'promo']);
		// The retry was built on a read made after the failed attempt.
		expect(sandbox.requests.map((r) => `${r.method} ${r.status}`)).toEqual([
			'GET 200',
			'PATCH 503',
			'GET 200',
			'PATCH 200',
		]);
	});
});

describe("A re-check's re-apply is held to the same rule", () => {
	beforeEach(() => state.useClock(skippingClock()));
	afterEach(() => state.useClock());

	it('a re-apply retried after a 503 is merged again: a tag Assistable added during the backoff stays', async () => {
		sandbox.setBehaviour({ latencyMs: 5 });
		let patched = 0;
		sandbox.onRequest = (r) => {
			if (r.route !== 'patch') return;
			patched++;
			const { tags } = sandbox.getContact(ada)!;
			// Another process takes "promo" off after our write; the re-apply's first attempt gets a 503.
			if (patched === 1) {
				sandbox.updateContactDirect(ada, { tags: tags.filter((t) => t !== 'promo') });
				sandbox.injectFault({ route: 'patch', fault: { kind: 'status', status: 503 } });
			}
			// Assistable adds a tag of its own while the node waits to retry.
			if (r.status === 503) addAiReplying();
		};
		ok(await update({ contactId: ada, updateFields: { tags: 'promo' } }));
		expect(sandbox.getContact(ada)!.tags).toEqual(['lead', 'newsletter', 'ai_replying', 'promo']);
	});
});
