import { DEMO_CONTACT_IDS } from '../../sandbox/server';
import { useRetrySandbox } from './retries-support';

const { ada, grace } = DEMO_CONTACT_IDS;
const { sandbox, run, on } = useRetrySandbox();

/** Another writer, who read Ada before us, writes its own tag list right after our first update. */
function clobberTagsAfterOurFirstPatch() {
	let clobbered = false;
	sandbox.onRequest = (r) => {
		if (r.route === 'patch' && !clobbered) {
			clobbered = true;
			sandbox.updateContactDirect(ada, { tags: ['lead', 'newsletter', 'from-crm'] });
		}
	};
}

describe('ordering and state', () => {
	it('N items appending different tags to one contact end with all N tags, in input order, at concurrency 5', async () => {
		sandbox.setBehaviour({ latencyMs: 5 });
		const items = Array.from({ length: 20 }, (_, i) => ({
			id: i % 4 === 3 ? grace : ada,
			tag: `t${i}`,
		}));
		const result = await run(
			'update',
			{
				contactId: '={{ $json.id }}',
				updateFields: { tags: '={{ $json.tag }}' },
				options: { concurrency: 5 },
			},
			items,
		);

		const adaTags = items.filter((i) => i.id === ada).map((i) => i.tag);
		const graceTags = items.filter((i) => i.id === grace).map((i) => i.tag);
		expect(sandbox.getContact(ada)!.tags).toEqual(['lead', 'newsletter', ...adaTags]);
		expect(sandbox.getContact(grace)!.tags).toEqual(['customer', ...graceTags]);
		expect(result.items.map((i) => i.pairedItem)).toEqual(items.map((_, item) => ({ item })));
		// Each output shows the contact as that item left it.
		const adaOutputs = result.items
			.filter((i) => i.json.id === ada)
			.map((i) => (i.json.tags as string[]).at(-1));
		expect(adaOutputs).toEqual(adaTags);
		// One read per contact for the merges (the later GETs are Re-Check Tags', after the writes).
		const firstPatch = (id: string) => on('patch').find((p) => p.params.contactId === id)!.seq;
		expect(on('get').filter((r) => r.seq < firstPatch(r.params.contactId))).toHaveLength(2);
		expect(sandbox.stats().maxInFlight).toBeLessThanOrEqual(5);
	});

	it('a failed write leaves the contact as it was, and the next item for it reads it afresh', async () => {
		const before = sandbox.getContact(ada)!;
		sandbox.injectFault({ route: 'patch', fault: { kind: 'status', status: 400 } });
		const result = await run(
			'update',
			{ contactId: ada, updateFields: { tags: '={{ $json.tag }}' } },
			[{ tag: 'a' }, { tag: 'b' }],
		);
		expect(result.items[0].json.error).toMatch(/\(400\)/);
		expect(sandbox.getContact(ada)!.tags).toEqual([...before.tags, 'b']);
		// Read, failed PATCH; read again, PATCH, then Re-Check Tags' read.
		expect(sandbox.requests.map((r) => `${r.method} ${r.status}`)).toEqual([
			'GET 200',
			'PATCH 400',
			'GET 200',
			'PATCH 200',
			'GET 200',
		]);
	});

	it('Re-Check Tags re-applies tags a concurrent writer removed', async () => {
		clobberTagsAfterOurFirstPatch();
		const result = await run('update', {
			contactId: ada,
			updateFields: { tags: 'webinar' },
			options: { recheckTags: true },
		});
		expect(sandbox.getContact(ada)!.tags).toEqual(['lead', 'newsletter', 'from-crm', 'webinar']);
		expect(result.items[0].json.tags).toEqual(['lead', 'newsletter', 'from-crm', 'webinar']);
		expect(sandbox.requests.map((r) => `${r.method} ${r.route}`)).toEqual([
			'GET get',
			'PATCH patch',
			'GET get',
			'PATCH patch',
			'GET get',
		]);
	});

	it('without Re-Check Tags the same race loses the tag (what the option is for)', async () => {
		clobberTagsAfterOurFirstPatch();
		await run('update', {
			contactId: ada,
			updateFields: { tags: 'webinar' },
			options: { recheckTags: false },
		});
		expect(sandbox.getContact(ada)!.tags).not.toContain('webinar');
	});
});
