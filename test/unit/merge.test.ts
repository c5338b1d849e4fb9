import {
	buildContactWrite,
	mergeTags,
	needsCurrentContact,
	unappliedFields,
} from '../../nodes/Assistable/resources/contact/merge';
import type { Contact } from '../../nodes/Assistable/resources/contact/types';

const contact: Contact = {
	id: 'c1',
	tags: ['lead', 'newsletter'],
	custom_fields: { plan: 'pro', score: 1 },
	email: 'A@Example.com',
};

describe('mergeTags', () => {
	it('keeps existing order, then new ones, without duplicates', () => {
		expect(mergeTags(['b', 'a'], ['a', 'c', 'c'], undefined, true)).toEqual(['b', 'a', 'c']);
	});
	it('replaces when append is off and tags are given', () => {
		expect(mergeTags(['b', 'a'], ['c'], undefined, false)).toEqual(['c']);
	});
	it('removes from the existing list when only removals are given, whatever append says', () => {
		expect(mergeTags(['b', 'a'], undefined, ['a'], false)).toEqual(['b']);
		expect(mergeTags(['b', 'a'], undefined, ['a'], true)).toEqual(['b']);
	});
	it('removal wins over addition', () => {
		expect(mergeTags(['x'], ['y'], ['y'], true)).toEqual(['x']);
	});
});

describe('needsCurrentContact', () => {
	const on = { appendTags: true, keepCustomFields: true };
	const off = { appendTags: false, keepCustomFields: false };
	it.each([
		[{ fields: { first_name: 'a' } }, on, false],
		[{ fields: {}, tags: ['a'] }, on, true],
		[{ fields: {}, tags: ['a'] }, off, false],
		[{ fields: {}, removeTags: ['a'] }, off, true],
		[{ fields: {}, customFields: { a: 1 } }, on, true],
		[{ fields: {}, customFields: { a: 1 } }, off, false],
	])('%j with %j -> %p', (changes, options, expected) => {
		expect(needsCurrentContact(changes, options)).toBe(expected);
	});
});

describe('buildContactWrite', () => {
	it('merges tags and custom fields onto the current contact and sends only what was set', () => {
		const write = buildContactWrite(
			{ fields: { last_name: 'L' }, tags: ['vip'], customFields: { score: 2 } },
			{ appendTags: true, keepCustomFields: true },
			contact,
		);
		expect(write).toEqual({
			last_name: 'L',
			tags: ['lead', 'newsletter', 'vip'],
			custom_fields: { plan: 'pro', score: 2 },
		});
	});
});

describe('unappliedFields', () => {
	it('names the fields the returned contact does not show', () => {
		const returned: Contact = {
			id: 'c1',
			tags: ['a'],
			email: 'a@example.com',
			custom_fields: { plan: 'pro' },
			first_name: 'X',
		};
		expect(
			unappliedFields(
				{ tags: ['a'], email: 'A@example.com', custom_fields: { plan: 'pro' } },
				returned,
			),
		).toEqual([]);
		expect(
			unappliedFields(
				{ tags: ['a', 'b'], first_name: 'Y', custom_fields: { plan: 'max' } },
				returned,
			),
		).toEqual(['Tags', 'First Name', 'Custom Fields']);
	});
});
