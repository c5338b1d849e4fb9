import { createServer } from 'node:net';

import { DEMO_CONTACT_IDS, DEMO_LOCATION_ID } from '../../sandbox/server';
import { KEY, useRetrySandbox } from './retries-support';

const { ada } = DEMO_CONTACT_IDS;
const { sandbox, run, on } = useRetrySandbox();

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
