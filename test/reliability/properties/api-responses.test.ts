/**
 * Property-based tests (fast-check), API responses: generated bodies and statuses served by a tiny local HTTP
 * server to the node, run as an n8n workflow.
 */

import fc from 'fast-check';

import { count, writeCountsAfterAll } from './support';
import {
	KEY,
	CRASH,
	parseBody,
	usableContact,
	usableList,
	api,
	runScenario,
	messagesOf,
} from './scripted-api';
import { scenarios, exchange } from './replies';
writeCountsAfterAll('api-responses');
beforeAll(() => api.start());
afterAll(() => api.close());

describe('API responses (generated bodies through the real transport)', () => {
	const RUNS = 200;

	it('never crashes: the run ends in success or a readable error', async () => {
		await fc.assert(
			fc.asyncProperty(exchange, async (input) => {
				count('responses: readable outcome');
				const result = await runScenario(input);
				expect(['success', 'error']).toContain(result.status);
				if (result.status === 'error') {
					expect(typeof result.error?.message).toBe('string');
					expect(String(result.error?.message).length).toBeGreaterThan(0);
				}
				for (const item of result.items) {
					if ('error' in item.json) expect(typeof item.json.error).toBe('string');
				}
				for (const text of messagesOf(result)) expect(text).not.toMatch(CRASH);
			}),
			{ numRuns: RUNS },
		);
	});

	it('no write after an unusable read, and a write after a read keeps the tags it read', async () => {
		await fc.assert(
			fc.asyncProperty(exchange, async (input) => {
				count('responses: no write after unusable read');
				await runScenario(input);
				let lastRead: { ok: boolean; tags: string[] } | undefined;
				let listOk: boolean | undefined;
				for (const entry of api.log) {
					if (entry.method === 'GET' && entry.path.startsWith('/get-contacts/')) {
						listOk = usableList(
							entry.reply,
							input.scenario.parameters.matchEmail as string | undefined,
						);
					} else if (entry.method === 'GET') {
						const body = parseBody(entry.reply) as { tags?: unknown } | undefined;
						const ok = usableContact(
							entry.reply,
							decodeURIComponent(entry.path.split('/')[2] ?? '').toLowerCase(),
							input.scenario.merges,
						);
						lastRead = { ok, tags: ok && Array.isArray(body?.tags) ? (body.tags as string[]) : [] };
					} else {
						// A write: whatever it depends on was read successfully.
						if (listOk !== undefined)
							expect({ write: `${entry.method} ${entry.path}`, afterUsableList: listOk }).toEqual({
								write: `${entry.method} ${entry.path}`,
								afterUsableList: true,
							});
						// Every scenario here merges onto the contact's current state, so it reads first.
						if (entry.method === 'PATCH') expect(lastRead).toBeDefined();
						if (entry.method === 'PATCH' && lastRead) {
							expect({
								write: `PATCH after ${lastRead.ok ? 'a usable' : 'an unusable'} read`,
							}).toEqual({ write: 'PATCH after a usable read' });
							if (input.scenario.merges === 'tags') {
								const sent = (entry.body as { tags?: unknown }).tags;
								expect(
									Array.isArray(sent) && (sent as unknown[]).every((t) => typeof t === 'string'),
								).toBe(true);
								const removed = input.scenario.removes ?? [];
								for (const tag of lastRead.tags.filter((t) => !removed.includes(t)))
									expect(sent).toContain(tag);
							}
						}
					}
				}
			}),
			{ numRuns: RUNS },
		);
	});

	it('the API key never shows, not even cut short in a quoted answer', async () => {
		// Answers that quote the key at every position around the 200-character cut of quoted text.
		const quoting = fc
			.tuple(
				fc.integer({ min: 150, max: 210 }),
				fc.constantFrom(200, 400, 404, 422),
				fc.constantFrom('text', 'message', 'ok-false'),
				fc.constantFrom(...scenarios),
			)
			.map(([pad, status, style, scenario]) => {
				const text = `${'x'.repeat(pad)} ${KEY} tail`;
				const body =
					style === 'text'
						? text
						: style === 'message'
							? JSON.stringify({ message: text })
							: JSON.stringify({ ok: false, error: text });
				return { scenario, replies: [{ status, body }], continueOnFail: true };
			});
		const fragments = Array.from({ length: KEY.length - 11 }, (_, i) => KEY.slice(0, 12 + i));
		await fc.assert(
			fc.asyncProperty(fc.oneof(quoting, exchange), async (input) => {
				count('responses: key never shown');
				const result = await runScenario(input);
				const leaked = fragments.filter((fragment) => result.serialized.includes(fragment));
				expect(leaked).toEqual([]);
			}),
			{ numRuns: RUNS },
		);
	});
});
