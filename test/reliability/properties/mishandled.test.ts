/** One example of each API answer the property-based tests found mishandled, through a real workflow. */

import type { IDataObject } from 'n8n-workflow';

import { parseContactChanges } from '../../../nodes/Assistable/resources/contact/fields';

import { runAssistable } from '../../harness/workflow';
import { count, writeCountsAfterAll, validated } from './support';
import { isJsonValue } from './parameters';
import { KEY, TARGET, CRASH, api, messagesOf } from './scripted-api';
writeCountsAfterAll('mishandled');
beforeAll(() => api.start());
afterAll(() => api.close());

describe('answers the properties found mishandled (one example each)', () => {
	const OTHER = '00000000-0000-4000-8000-000000000000';
	const tagsUpdate = { tags: 'vip' };
	const fieldsUpdate = { customFields: { field: [{ key: 'seats', value: '3' }] } };
	const cases: Array<[string, object, IDataObject]> = [
		['tags as text', { id: TARGET, tags: 'lead,newsletter' }, tagsUpdate],
		['tags as a number', { id: TARGET, tags: 5 }, tagsUpdate],
		['tags as an object', { id: TARGET, tags: { lead: true } }, tagsUpdate],
		['tags with entries that are not text', { id: TARGET, tags: [['lead'], 1] }, tagsUpdate],
		['custom_fields as text', { id: TARGET, custom_fields: 'abc' }, fieldsUpdate],
		['custom_fields as a list', { id: TARGET, custom_fields: [1, 2] }, fieldsUpdate],
		['custom_fields as a number', { id: TARGET, custom_fields: 7 }, fieldsUpdate],
		['another contact (a different id)', { id: OTHER, tags: ['someone-else'] }, tagsUpdate],
	];

	it.each(cases)(
		'a read of the contact answering %s is not merged into a PATCH, and the error says why',
		async (_name, answer, updateFields) => {
			count('examples');
			api.reset([{ status: 200, body: JSON.stringify(answer) }]);
			const result = await runAssistable({
				items: [{}],
				parameters: {
					resource: 'contact',
					operation: 'update',
					contactId: TARGET,
					updateFields: updateFields as never,
					options: { maxAttempts: 1 },
				},
				credentials: { apiKey: KEY, baseUrl: api.url },
				onError: 'continueRegularOutput',
			});
			expect(api.log.map((e) => e.method)).toEqual(['GET']);
			expect(result.items).toHaveLength(1);
			expect(result.items[0].json.error).toEqual(expect.any(String));
			for (const text of messagesOf(result)) expect(text).not.toMatch(CRASH);
		},
	);

	it.each(['text', 'message', 'ok-false'])(
		'the API key quoted just before the 200-character cut of a %s answer is not shown, even in part',
		async (style) => {
			count('examples');
			const text = `${'x'.repeat(170)} ${KEY} tail`;
			const body =
				style === 'text'
					? text
					: style === 'message'
						? JSON.stringify({ message: text })
						: JSON.stringify({ ok: false, error: text });
			api.reset([{ status: style === 'message' ? 400 : 200, body }]);
			const result = await runAssistable({
				items: [{}],
				parameters: {
					resource: 'contact',
					operation: 'get',
					contactId: TARGET,
					options: { maxAttempts: 1 },
				},
				credentials: { apiKey: KEY, baseUrl: api.url },
				onError: 'continueRegularOutput',
			});
			expect(result.items[0].json.error).toEqual(expect.any(String));
			expect(result.serialized).not.toContain(KEY.slice(0, 12));
		},
	);

	it.each([
		['JSON', { customFieldsJson: '{"__proto__": "x", "plan": "pro"}' }],
		[
			'list',
			{
				customFields: {
					field: [
						{ key: '__proto__', value: 'x' },
						{ key: 'plan', value: 'pro' },
					],
				},
			},
		],
	])(
		'a custom field named __proto__ (%s) is sent or refused, never silently dropped',
		(_form, fields) => {
			count('examples');
			const parsed = validated(() => parseContactChanges(fields as IDataObject));
			if (!parsed.ok) return;
			const sent = parsed.value.customFields!;
			expect(Object.keys(sent).sort()).toEqual(['__proto__', 'plan']);
			expect(Object.getOwnPropertyDescriptor(sent, '__proto__')?.value).toBe('x');
			expect(JSON.parse(JSON.stringify(sent))).toEqual({ ['__proto__']: 'x', plan: 'pro' });
		},
	);

	it.each([NaN, Infinity, -Infinity])(
		'a custom field value of %s is refused or sent as text, never as null',
		(value) => {
			count('examples');
			for (const fields of [
				{ customFieldsJson: { score: value } },
				{ customFields: { field: [{ key: 'score', value }] } },
			]) {
				const parsed = validated(() => parseContactChanges(fields as unknown as IDataObject));
				if (!parsed.ok) continue;
				expect(isJsonValue(parsed.value.customFields?.score)).toBe(true);
			}
		},
	);
});
