import { createServer } from 'node:net';

import type { IDataObject } from 'n8n-workflow';

import { DEMO_CONTACT_IDS, DEMO_LOCATION_ID } from '../../sandbox/server';
import { state } from '../../nodes/Assistable/shared/state';
import { useSandbox } from '../harness/sandbox-fixture';
import { contactRunner } from '../harness/workflow';

const KEY = 'asst_SECRET_retry_key_5c4b3a';
const { ada, grace } = DEMO_CONTACT_IDS;
const sandbox = useSandbox({ keys: [{ key: KEY, locations: '*' }] });
// Each test starts as a new process: no pace or pause learnt from an earlier test's 429s.
beforeEach(() => state.reset());
const runner = contactRunner(sandbox, { apiKey: KEY, onError: 'continueRegularOutput' });

async function run(
	operation: string,
	parameters: IDataObject,
	items?: IDataObject[],
	baseUrl?: string,
) {
	const result = await runner(operation, parameters, { items, baseUrl });
	// Whatever happened, the key is nowhere in what n8n stores.
	expect(result.serialized).not.toContain(KEY);
	return result;
}
const on = (route: string) => sandbox.requests.filter((r) => r.route === route);

describe('retries', () => {
	it('with default settings, one 429 and one 503 in a row still end in success', async () => {
		sandbox.injectFault({
			route: 'patch',
			fault: { kind: 'status', status: 429, headers: { 'retry-after': '0' } },
		});
		sandbox.injectFault({ route: 'patch', fault: { kind: 'status', status: 503 } });
		const result = await run('update', {
			contactId: ada,
			appendTags: false,
			updateFields: { tags: 'vip' },
		});

		expect(result.items[0].json).toEqual(sandbox.getContact(ada));
		expect(on('patch').map((r) => r.status)).toEqual([429, 503, 200]);
		expect(sandbox.getContact(ada)!.tags).toEqual(['vip']);
	});

	it('honours Retry-After given as an HTTP date', async () => {
		const at = new Date(Date.now() + 1500).toUTCString();
		sandbox.injectFault({
			route: 'get',
			fault: { kind: 'status', status: 429, headers: { 'retry-after': at } },
		});
		await run('get', { contactId: ada });
		const [first, second] = on('get');
		expect(second.status).toBe(200);
		// An HTTP date has 1 s resolution: at least ~0.5 s must have passed.
		expect(second.startedAt - first.endedAt).toBeGreaterThan(450);
	});

	it('fails at once when Retry-After asks for longer than the cap, saying so', async () => {
		sandbox.injectFault({
			route: 'get',
			fault: { kind: 'status', status: 429, headers: { 'retry-after': '3600' } },
		});
		const result = await run('get', { contactId: ada });
		expect(result.items[0].json.error).toBe('Assistable rate limit reached (429)');
		expect(result.items[0].json.description).toMatch(
			/asked to wait 3600 s .* longer than the 60 s/,
		);
		expect(on('get')).toHaveLength(1);
	});

	it('when retries run out the message says what happened and how many attempts were made', async () => {
		sandbox.injectFault({ route: 'get', fault: { kind: 'status', status: 503 }, times: Infinity });
		const result = await run('update', {
			contactId: ada,
			updateFields: { tags: 'vip' },
			options: { maxAttempts: 3 },
		});
		expect(result.items[0].json.error).toBe(
			'Assistable had a server error (503) (gave up after 3 attempts)',
		);
		expect(on('get')).toHaveLength(3);
		expect(on('patch')).toHaveLength(0);
	});

	it.each([400, 401, 403, 404, 422])('%i is not retried', async (status) => {
		sandbox.injectFault({ route: 'patch', fault: { kind: 'status', status }, times: Infinity });
		const result = await run('update', { contactId: ada, updateFields: { firstName: 'X' } });
		expect(result.items[0].json.error).toMatch(new RegExp(`\\(${status}\\)`));
		expect(on('patch')).toHaveLength(1);
		expect(sandbox.getContact(ada)!.first_name).toBe('Ada');
	});

	it('408 and a timeout are retried', async () => {
		sandbox.injectFault({ route: 'patch', fault: { kind: 'status', status: 408 } });
		sandbox.injectFault({ route: 'patch', fault: { kind: 'delay', ms: 1500 } });
		const result = await run('update', {
			contactId: ada,
			updateFields: { firstName: 'X' },
			options: { timeout: 300 },
		});
		expect(result.items[0].json.first_name).toBe('X');
		expect(on('patch')).toHaveLength(3);
	});

	it('a timeout that never ends says so', async () => {
		sandbox.injectFault({ route: 'get', fault: { kind: 'delay', ms: 2000 }, times: Infinity });
		const result = await run('get', { contactId: ada, options: { timeout: 200, maxAttempts: 2 } });
		expect(result.items[0].json.error).toBe(
			'Assistable did not answer within 200 ms after 2 attempts',
		);
	});

	it('a refused connection is retried, then reported', async () => {
		const closedPort = await new Promise<number>((resolve) => {
			const probe = createServer().listen(0, '127.0.0.1', () => {
				const { port } = probe.address() as { port: number };
				probe.close(() => resolve(port));
			});
		});
		const result = await run(
			'update',
			{ contactId: ada, updateFields: { firstName: 'X' }, options: { maxAttempts: 2 } },
			[{}],
			`http://127.0.0.1:${closedPort}/v2`,
		);
		expect(result.items[0].json.error).toBe('Assistable refused the connection after 2 attempts');
	});
});

describe('create is retried only when the request certainly did not reach the server', () => {
	const create = () =>
		run('create', { locationId: DEMO_LOCATION_ID, contactFields: { email: 'once@example.com' } });
	const created = () =>
		sandbox.listContacts(DEMO_LOCATION_ID).filter((c) => c.email === 'once@example.com');

	it('a lost answer (connection dropped after the server created it) is not retried: no duplicate', async () => {
		sandbox.injectFault({ route: 'create', fault: { kind: 'drop' }, phase: 'after' });
		const result = await create();
		expect(result.items[0].json.error).toBe('Assistable could not be reached');
		expect(result.items[0].json.description).toMatch(/may or may not have been created/);
		expect(on('create')).toHaveLength(1);
		expect(created()).toHaveLength(1);
	});

	it('a 503 is not retried', async () => {
		sandbox.injectFault({ route: 'create', fault: { kind: 'status', status: 503 } });
		const result = await create();
		expect(result.items[0].json.description).toMatch(/may or may not have been created/);
		expect(on('create')).toHaveLength(1);
	});

	it('a 429 is retried and creates exactly one contact', async () => {
		sandbox.injectFault({
			route: 'create',
			fault: { kind: 'status', status: 429, headers: { 'retry-after': '0' } },
		});
		const result = await create();
		expect(result.items[0].json.email).toBe('once@example.com');
		expect(on('create').map((r) => r.status)).toEqual([429, 201]);
		expect(created()).toHaveLength(1);
	});
});

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

describe('rate limiting', () => {
	it('Requests per Second spaces requests out', async () => {
		const items = Array.from({ length: 6 }, () => ({}));
		await run('get', { contactId: ada, options: { requestsPerSecond: 10, concurrency: 6 } }, items);
		const starts = on('get').map((r) => r.startedAt);
		expect(starts.at(-1)! - starts[0]).toBeGreaterThan(450);
	});

	it('rate-limit headers, when Assistable sends them, make the node wait for the reset instead of running into a 429', async () => {
		sandbox.setBehaviour({ rateLimit: { limit: 4, windowMs: 1000 }, rateLimitHeaders: true });
		const items = Array.from({ length: 10 }, () => ({}));
		const result = await run('get', { contactId: ada, options: { concurrency: 1 } }, items);
		expect(result.items.map((i) => i.json.id)).toEqual(items.map(() => ada));
		expect(on('get').map((r) => r.status)).toEqual(items.map(() => 200));
	});

	it('Concurrency: Auto (the default) against an API taking 10 requests per second: every item succeeds, in order per contact', async () => {
		sandbox.setBehaviour({ rateLimit: { limit: 10, windowMs: 1000 }, latencyMs: 5 });
		const items = Array.from({ length: 30 }, (_, i) => ({ i, tag: `t${i}` }));
		const result = await run(
			'update',
			{
				contactId: `={{ $json.i % 2 === 0 ? '${ada}' : '${grace}' }}`,
				updateFields: { tags: '={{ $json.tag }}' },
			},
			items,
		);
		expect(result.items.map((i) => i.json.error)).toEqual(items.map(() => undefined));
		expect(on('patch').filter((r) => r.status === 200)).toHaveLength(30);
		const adaTags = sandbox.getContact(ada)!.tags;
		expect(adaTags.filter((t) => /^t\d+$/.test(t))).toEqual(
			items.filter((i) => i.i % 2 === 0).map((i) => i.tag),
		);
	});

	it('a 429 pauses the whole node, not just the one request', async () => {
		sandbox.injectFault({
			route: 'get',
			fault: { kind: 'status', status: 429, headers: { 'retry-after': '1' } },
		});
		sandbox.setBehaviour({ latencyMs: 20 });
		const items = Array.from({ length: 8 }, () => ({}));
		const result = await run('get', { contactId: ada, options: { concurrency: 3 } }, items);
		expect(result.items.every((i) => i.json.id === ada)).toBe(true);
		const gets = on('get');
		const limited = gets.find((r) => r.status === 429)!;
		// Requests already under way may finish; none may start during the pause (a few ms of slack for those racing it).
		const startedDuringPause = gets.filter(
			(r) => r.startedAt > limited.endedAt + 15 && r.startedAt < limited.endedAt + 900,
		);
		expect(startedDuringPause).toEqual([]);
		expect(gets.filter((r) => r.startedAt >= limited.endedAt + 900).length).toBeGreaterThanOrEqual(
			4,
		);
	});
});

describe('the API key never leaks', () => {
	it('is redacted when an error body echoes it', async () => {
		sandbox.injectFault({
			route: 'patch',
			fault: {
				kind: 'status',
				status: 400,
				body: { message: `Key ${KEY} is not allowed to do that` },
			},
		});
		const result = await run('update', { contactId: ada, updateFields: { firstName: 'X' } });
		expect(result.items[0].json.description).toBe(
			'Assistable said: Key *** is not allowed to do that.',
		);
	});
});
