import type { IDataObject } from 'n8n-workflow';

import { DEMO_API_KEY, DEMO_CONTACT_IDS, DEMO_LOCATION_ID } from '../../sandbox/server';
import { pathSegment } from '../../nodes/Assistable/shared/credential';
import { useSandbox } from '../harness/sandbox-fixture';
import { contactRunner } from '../harness/workflow';

const HOSTILE = [
	'../get-contacts/x',
	`${DEMO_CONTACT_IDS.ada}/../../get-contacts/${DEMO_LOCATION_ID}`,
	'a/b',
	'%2e%2e',
	'..',
	'.',
	'?x=1',
	'#',
	`${DEMO_CONTACT_IDS.ada}?x=1`,
	`${DEMO_CONTACT_IDS.ada}#frag`,
	'ünïcödé-☃-🙂',
	'x'.repeat(10_000),
	' ',
	'\u0000',
];

const sandbox = useSandbox();
const runner = contactRunner(sandbox, { onError: 'continueRegularOutput' });
/** One item `{ id }` through the operation. */
const run = (operation: string, parameters: IDataObject, id: string) =>
	runner(operation, parameters, { items: [{ id }] });

describe('hostile IDs never reach another route', () => {
	it.each(HOSTILE.map((id) => [JSON.stringify(id).slice(0, 40), id]))(
		'contact ID %s is refused before any request',
		async (_label, id) => {
			for (const operation of ['update', 'get']) {
				const result = await run(
					operation,
					{ contactId: '={{ $json.id }}', updateFields: { firstName: 'X' } },
					id,
				);
				expect(result.items[0].json.error).toMatch(
					/Contact ID (is empty|.* is not an Assistable contact ID)/,
				);
				expect((result.items[0].json.error as string).length).toBeLessThan(200);
			}
			expect(sandbox.requests).toEqual([]);
		},
	);

	it.each(HOSTILE.map((id) => [JSON.stringify(id).slice(0, 40), id]))(
		'location ID %s is refused before any request',
		async (_label, id) => {
			for (const [operation, extra] of [
				['create', { contactFields: { firstName: 'X' } }],
				['getAll', {}],
				['upsert', { matchEmail: 'a@example.com' }],
				[
					'update',
					{ matchBy: 'email', matchEmail: 'a@example.com', updateFields: { firstName: 'X' } },
				],
			] as const) {
				const result = await run(operation, { locationId: '={{ $json.id }}', ...extra }, id);
				expect(result.items[0].json.error).toMatch(
					/Location ID (is empty|.* is not a location ID)/,
				);
			}
			expect(sandbox.requests).toEqual([]);
		},
	);

	const SENDABLE = HOSTILE.filter((value) => !['.', '..'].includes(value));

	it.each(SENDABLE)('the transport keeps %j inside one path segment', (value) => {
		const url = new URL(`http://127.0.0.1/v2/contacts/${pathSegment(value)}`);
		const segments = url.pathname.split('/');
		expect(segments.slice(0, 3)).toEqual(['', 'v2', 'contacts']);
		expect(segments).toHaveLength(4);
		expect(decodeURIComponent(segments[3])).toBe(value);
		expect(url.search).toBe('');
		expect(url.hash).toBe('');
	});

	it.each(['', '.', '..'])('the transport never sends %j as a segment', (value) => {
		expect(pathSegment(value)).toBeUndefined();
	});

	it('hostile segments sent for real arrive on the intended route only', async () => {
		for (const value of SENDABLE) {
			const response = await fetch(`${sandbox.url}/contacts/${pathSegment(value)}`, {
				headers: { authorization: `Bearer ${DEMO_API_KEY}` },
			});
			expect(response.status).toBe(404);
		}
		expect(sandbox.requests.map((r) => r.route)).toEqual(SENDABLE.map(() => 'get'));
	});
});
