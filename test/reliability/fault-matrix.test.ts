/**
 * Fault matrix: every fault the sandbox can inject × every operation × Append Tags on/off × every route
 * the operation uses, run as real n8n workflows. Each case checks what a user would check afterwards:
 * the contacts in Assistable (no tag lost, nothing half-written, no duplicate), the node's output or
 * error item, the requests Assistable received, and that the API key is nowhere in the stored run.
 *
 * The cases run concurrently, each on a sandbox of its own (see "running the cases"); a summary goes
 * to test-artifacts/fault-matrix-summary.json.
 */

import type { Sandbox } from '../../sandbox/server';
import { demoSeed } from '../../sandbox/server';
import { runAssistable } from '../harness/workflow';
import {
	KEY,
	RELAXED_TIMEOUT_MS,
	MAX_ATTEMPTS,
	LEAK,
	operations,
	ada,
} from './fault-matrix/operations';
import { allCases } from './fault-matrix/faults';
import { pool, observations, summary, observeAll, closeAll } from './fault-matrix/run';
import { check } from './fault-matrix/check';

beforeAll(observeAll);
afterAll(closeAll);

describe.each(operations)('$name', (op) => {
	describe.each(op.routes)('fault on %s', (route) => {
		it.each(allCases.filter((c) => c.op === op && c.route === route))(
			'$label',
			async (c) => {
				check(c, await observations.get(c)!);
			},
			120_000,
		);
	});
});

describe('Retry-After', () => {
	const update = {
		operation: 'update',
		contactId: ada,
		appendTags: false,
		updateFields: { tags: 'vip' },
	};
	const runUpdate = (sandbox: Sandbox) =>
		runAssistable({
			items: [{}],
			parameters: {
				resource: 'contact',
				...update,
				options: { maxAttempts: MAX_ATTEMPTS, timeout: RELAXED_TIMEOUT_MS },
			},
			credentials: { apiKey: KEY, baseUrl: sandbox.url },
			onError: 'continueRegularOutput',
		});

	it.concurrent.each([429, 503])('%s with Retry-After 1 waits a second, then succeeds', (code) =>
		pool.with(demoSeed(), async (sandbox) => {
			summary.casesRun++;
			sandbox.injectFault({
				route: 'patch',
				fault: {
					kind: 'status',
					status: code,
					headers: { 'retry-after': '1' },
					body: { message: LEAK },
				},
			});
			const result = await runUpdate(sandbox);
			const [first, second] = sandbox.requests;
			// The last request is Re-Check Tags' read.
			expect(sandbox.requests.map((r) => `${r.route} ${r.status}`)).toEqual([
				`patch ${code}`,
				'patch 200',
				'get 200',
			]);
			expect(second.startedAt - first.endedAt).toBeGreaterThanOrEqual(950);
			expect(result.items.map((i) => i.json)).toEqual([sandbox.getContact(ada)]);
			expect(sandbox.getContact(ada)!.tags).toEqual(['vip']);
			expect(result.serialized).not.toContain(KEY);
		}),
	);

	it.concurrent('a Retry-After longer than the node waits fails at once, saying so', () =>
		pool.with(demoSeed(), async (sandbox) => {
			summary.casesRun++;
			const before = sandbox.listContacts();
			sandbox.injectFault({
				route: 'patch',
				fault: { kind: 'status', status: 429, headers: { 'retry-after': '120' } },
				times: Infinity,
			});
			const result = await runUpdate(sandbox);
			expect(sandbox.requests).toHaveLength(1);
			expect(result.items[0].json.error).toMatch(/rate limit reached \(429\)/);
			expect(result.items[0].json.description).toMatch(/asked to wait 120 s/);
			expect(sandbox.listContacts()).toEqual(before);
			expect(result.serialized).not.toContain(KEY);
		}),
	);
});
