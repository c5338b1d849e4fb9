import { DEMO_CONTACT_IDS } from '../../sandbox/server';
import { useRetrySandbox } from './retries-support';

const { ada, grace } = DEMO_CONTACT_IDS;
const { run, on, sandbox } = useRetrySandbox();

describe('rate limiting', () => {
	it('Requests per Second spaces requests out', async () => {
		const items = Array.from({ length: 5 }, () => ({}));
		await run('get', { contactId: ada, options: { requestsPerSecond: 5, concurrency: 5 } }, items);
		const starts = on('get').map((r) => r.startedAt);
		// 4 gaps of 200 ms; the slack absorbs a first request held up on a busy machine.
		expect(starts.at(-1)! - starts[0]).toBeGreaterThan(600);
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
