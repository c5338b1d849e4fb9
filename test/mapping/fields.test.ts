import { DEMO_CONTACT_IDS } from '../../sandbox/server';
import { bodiesOf } from './support';
import { useSandbox } from '../harness/sandbox-fixture';
import { runContact } from '../harness/workflow';

const { ada } = DEMO_CONTACT_IDS;
const sandbox = useSandbox();
const patchBodies = () => bodiesOf(sandbox, 'patch');
const update = (updateFields: object, items?: object[], extra: object = {}) =>
	runContact(sandbox, 'update', { contactId: ada, updateFields, ...extra } as never, {
		items: items as never,
	});

describe('custom fields: what is sent is what the user gave', () => {
	it('keeps text from Custom Fields (JSON) as text', async () => {
		const result = await update(
			{
				customFieldsJson:
					'{"zip":"94103","version":"1.10","code":"1e3","flag":"true","none":"null"}',
			},
			undefined,
			{
				options: { keepCustomFields: false },
			},
		);
		expect(result.status).toBe('success');
		const sent = { zip: '94103', version: '1.10', code: '1e3', flag: 'true', none: 'null' };
		expect(patchBodies()).toEqual([{ custom_fields: sent }]);
		expect(sandbox.getContact(ada)!.custom_fields).toMatchObject(sent);
	});

	it('keeps text typed in the Custom Fields list as text, leading zero or not', async () => {
		const field = (key: string, value: string) => ({ key, value });
		await update(
			{
				customFields: {
					field: [
						field('zip', '94103'),
						field('zip2', '02134'),
						field('ratio', '1.10'),
						field('big', '1e3'),
					],
				},
			},
			undefined,
			{
				options: { keepCustomFields: false },
			},
		);
		expect(patchBodies()[0].custom_fields).toEqual({
			zip: '94103',
			zip2: '02134',
			ratio: '1.10',
			big: '1e3',
		});
	});

	it('sends numbers, booleans and null only when the value is one, and never rounds JSON numbers', async () => {
		await update(
			{
				customFieldsJson:
					'{"seats": 3, "ratio": 1.10, "id": 12345678901234567890, "pi": 3.14159265358979323846, "trial": true, "gone": null}',
				customFields: {
					field: [
						{ key: 'score', value: '={{ $json.score }}' },
						{ key: 'vip', value: '={{ $json.vip }}' },
					],
				},
			},
			[{ score: 42, vip: false }],
			{ options: { keepCustomFields: false } },
		);
		expect(patchBodies()[0].custom_fields).toEqual({
			seats: 3,
			ratio: 1.1,
			id: '12345678901234567890',
			pi: '3.14159265358979323846',
			trial: true,
			gone: null,
			score: 42,
			vip: false,
		});
	});

	it('leaves out keys whose value is undefined instead of blanking them', async () => {
		const result = await update(
			{ customFieldsJson: '={{ { plan: $json.plan, seats: $json.seats } }}' },
			[{ seats: 5 }],
		);
		expect(result.status).toBe('success');
		const sent = patchBodies()[0].custom_fields as Record<string, unknown>;
		expect(sent).not.toHaveProperty('plan', '');
		expect(sent).toEqual({ plan: 'pro', score: 42, seats: 5 });
		expect(sandbox.getContact(ada)!.custom_fields.plan).toBe('pro');
	});

	it('leaves out a list entry whose expression gives undefined', async () => {
		await update(
			{
				customFields: {
					field: [
						{ key: 'plan', value: '={{ $json.plan }}' },
						{ key: 'seats', value: '={{ $json.seats }}' },
					],
				},
			},
			[{ seats: 2 }],
			{
				options: { keepCustomFields: false },
			},
		);
		expect(patchBodies()[0].custom_fields).toEqual({ seats: 2 });
	});

	it('sends lists and objects as JSON values, dates as ISO text', async () => {
		await update(
			{
				customFieldsJson:
					'={{ { colours: ["red", "blue"], address: { zip: "02134", floor: 3, note: $json.none }, signed: $json.when } }}',
			},
			[{ when: '2025-12-01T10:00:00.000Z' }],
			{ options: { keepCustomFields: false } },
		);
		const expected = {
			colours: ['red', 'blue'],
			address: { zip: '02134', floor: 3 },
			signed: '2025-12-01T10:00:00.000Z',
		};
		expect(patchBodies()[0].custom_fields).toEqual(expected);
		expect(sandbox.getContact(ada)!.custom_fields).toMatchObject(expected);
	});

	it('refuses a list with a missing entry, naming the key, before any request', async () => {
		const result = await update({ customFieldsJson: '={{ { colours: ["red", $json.none] } }}' });
		expect(result.status).toBe('error');
		expect(result.error?.message).toBe(
			'Custom field "colours" has no value at position 2 of its list',
		);
		expect(sandbox.requests).toHaveLength(0);
	});
});

describe('tags: lists from expressions', () => {
	it('clears the tags with an empty list when Append Tags is off', async () => {
		const result = await update({ tags: '={{ [] }}' }, undefined, { appendTags: false });
		expect(result.status).toBe('success');
		expect(patchBodies()).toEqual([{ tags: [] }]);
		expect(sandbox.getContact(ada)!.tags).toEqual([]);
	});

	it('clears them with an expression resolving to an empty array (a CRM contact with no tags)', async () => {
		await update({ tags: '={{ $json.crm.tags }}' }, [{ crm: { tags: [] } }], { appendTags: false });
		expect(sandbox.getContact(ada)!.tags).toEqual([]);
	});

	it('changes nothing for an empty list when appending, and treats an empty text field as not set', async () => {
		const appended = await update({ tags: '={{ [] }}', firstName: 'Ada' });
		expect(appended.status).toBe('success');
		expect(patchBodies()).toEqual([{ first_name: 'Ada' }]);
		await update({ tags: '', firstName: 'Augusta' }, undefined, { appendTags: false });
		expect(patchBodies()[1]).toEqual({ first_name: 'Augusta' });
		expect(sandbox.getContact(ada)!.tags).toEqual(['lead', 'newsletter']);
	});

	it('drops missing entries of an array and sends numbers as text', async () => {
		const result = await update({ tags: '={{ [$json.a, $json.b, $json.year, null, ""] }}' }, [
			{ a: 'webinar', year: 2025 },
		]);
		expect(result.status).toBe('success');
		expect(patchBodies()).toEqual([{ tags: ['lead', 'newsletter', 'webinar', '2025'] }]);
		await update({ tags: '={{ $json.year }}' }, [{ year: 2026 }]);
		expect(sandbox.getContact(ada)!.tags).toEqual([
			'lead',
			'newsletter',
			'webinar',
			'2025',
			'2026',
		]);
	});
});
