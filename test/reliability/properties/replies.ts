/** Generated API answers (random JSON, text, arrays, objects without id, ok:false, nested garbage) and scenarios. */

import fc from 'fast-check';

import { KEY, TARGET, LOCATION, Reply, Scenario } from './scripted-api';
/** Contact-shaped bodies with every field possibly of the wrong type (undefined: left out). */
const contactLike = fc.record(
	{
		id: fc.oneof(
			{ weight: 6, arbitrary: fc.constant(TARGET) },
			{ weight: 1, arbitrary: fc.uuid({ version: 4 }) },
			{ weight: 1, arbitrary: fc.constantFrom('', 0, null, undefined, TARGET.toUpperCase()) },
		),
		email: fc.oneof(
			fc.constant('ada@example.com'),
			fc.constant(null),
			fc.constant(undefined),
			fc.anything(),
		),
		tags: fc.oneof(
			{
				weight: 3,
				arbitrary: fc.array(fc.constantFrom('lead', 'newsletter', 'vip', 'customer'), {
					maxLength: 4,
				}),
			},
			{ weight: 1, arbitrary: fc.constantFrom(undefined, null) },
			{
				weight: 3,
				arbitrary: fc.oneof(
					fc.string({ maxLength: 8 }),
					fc.integer(),
					fc.object({ maxDepth: 1 }),
					fc.array(fc.anything(), { minLength: 1, maxLength: 3 }),
				),
			},
		),
		custom_fields: fc.oneof(
			{
				weight: 3,
				arbitrary: fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 1 }), {
					maxKeys: 3,
				}),
			},
			{ weight: 1, arbitrary: fc.constantFrom(undefined, null) },
			{
				weight: 3,
				arbitrary: fc.oneof(
					fc.string({ maxLength: 6 }),
					fc.integer(),
					fc.array(fc.jsonValue({ maxDepth: 1 }), { minLength: 1, maxLength: 3 }),
				),
			},
		),
		ok: fc.constantFrom(undefined, undefined, true, false),
		first_name: fc.oneof(fc.string({ maxLength: 8 }), fc.constant(null), fc.anything()),
	},
	{ requiredKeys: ['id', 'tags', 'custom_fields', 'ok'] },
);

const replyBody = fc.oneof(
	{ weight: 5, arbitrary: contactLike.map((c) => JSON.stringify(c)) },
	{
		weight: 2,
		arbitrary: fc.array(contactLike, { maxLength: 3 }).map((list) => JSON.stringify(list)),
	},
	{ weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)) },
	{ weight: 1, arbitrary: fc.string({ maxLength: 40 }) },
	{
		weight: 1,
		arbitrary: fc.constantFrom(
			'',
			'<html>oops</html>',
			'Unauthorized',
			'null',
			'[]',
			'{}',
			'{"id":',
			`Bearer ${KEY}`,
		),
	},
	{
		weight: 1,
		arbitrary: fc
			.record({
				ok: fc.constant(false),
				error: fc.oneof(fc.jsonValue({ maxDepth: 1 }), fc.constant(`bad key ${KEY}`)),
			})
			.map((v) => JSON.stringify(v)),
	},
	{
		weight: 1,
		arbitrary: fc
			.record({ message: fc.oneof(fc.string(), fc.constant(`Bearer ${KEY} rejected`)) })
			.map((v) => JSON.stringify(v)),
	},
	{
		weight: 1,
		arbitrary: fc
			.jsonValue({ maxDepth: 2 })
			.map((v) =>
				JSON.stringify({ id: TARGET, nested: { deeper: [v, { tags: v }] }, tags: [[v]] }),
			),
	},
);
const anyStatus = fc.constantFrom(
	200,
	200,
	200,
	200,
	201,
	204,
	400,
	401,
	403,
	404,
	409,
	422,
	429,
	503,
);
const reply: fc.Arbitrary<Reply> = fc
	.oneof(
		// Mostly answers that look right at first sight, where wrong field types hide best.
		{
			weight: 5,
			arbitrary: fc.tuple(
				fc.constant(200),
				contactLike.map((c) => JSON.stringify(c)),
			),
		},
		{
			weight: 2,
			arbitrary: fc.tuple(
				fc.constant(200),
				fc.array(contactLike, { maxLength: 3 }).map((list) => JSON.stringify(list)),
			),
		},
		{ weight: 3, arbitrary: fc.tuple(anyStatus, replyBody) },
	)
	.map(([status, body]) => ({
		status,
		body,
		headers: status === 429 || status === 503 ? { 'retry-after': '0' } : undefined,
	}));
const mergingScenarios: Scenario[] = [
	{
		name: 'update by id, append tags',
		merges: 'tags',
		parameters: { operation: 'update', contactId: TARGET, updateFields: { tags: 'vip' } },
	},
	{
		name: 'update by id, keep custom fields',
		merges: 'custom_fields',
		parameters: {
			operation: 'update',
			contactId: TARGET,
			updateFields: { customFields: { field: [{ key: 'seats', value: '3' }] } },
		},
	},
	{
		name: 'update by email',
		merges: 'tags',
		removes: ['newsletter'],
		parameters: {
			operation: 'update',
			matchBy: 'email',
			locationId: LOCATION,
			matchEmail: 'ada@example.com',
			updateFields: { tags: 'vip', removeTags: 'newsletter' },
		},
	},
	{
		name: 'upsert by email',
		merges: 'tags',
		parameters: {
			operation: 'upsert',
			matchBy: 'email',
			locationId: LOCATION,
			matchEmail: 'ada@example.com',
			contactFields: { tags: 'vip' },
		},
	},
];
const otherScenarios: Scenario[] = [
	{ name: 'get by id', parameters: { operation: 'get', contactId: TARGET } },
	{ name: 'get many', parameters: { operation: 'getAll', locationId: LOCATION, returnAll: true } },
	{
		name: 'create',
		parameters: {
			operation: 'create',
			locationId: LOCATION,
			contactFields: { email: 'new@example.com', tags: 'vip' },
		},
	},
];
export const scenarios = [...mergingScenarios, ...otherScenarios];

export const exchange = fc.record({
	scenario: fc.oneof(
		{ weight: 3, arbitrary: fc.constantFrom(...mergingScenarios) },
		{ weight: 1, arbitrary: fc.constantFrom(...otherScenarios) },
	),
	replies: fc.array(reply, { minLength: 1, maxLength: 4 }),
	continueOnFail: fc.boolean(),
});
