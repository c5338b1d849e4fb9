import {
	customFieldValue,
	parseCustomFields,
} from '../../nodes/Assistable/resources/contact/custom-fields';
import { parseContactId, parseTags } from '../../nodes/Assistable/resources/contact/validation';
import {
	InputError,
	parseDefaultCountry,
	parseEmail,
	parsePhone,
} from '../../nodes/Assistable/shared/validation';

function inputError(fn: () => unknown): InputError {
	try {
		fn();
	} catch (error) {
		if (error instanceof InputError) return error;
		throw error;
	}
	throw new Error('expected an InputError');
}

describe('contact ID', () => {
	it('accepts a UUID, trimmed and lower-cased', () => {
		expect(parseContactId(' 3F6C2A1E-8B4D-4C7A-9E21-5D0B7F4A9C13 ')).toBe(
			'3f6c2a1e-8b4d-4c7a-9e21-5d0b7f4a9c13',
		);
	});
	it.each(['', '   ', undefined, null])('rejects an empty one (%p)', (value) => {
		expect(inputError(() => parseContactId(value))).toMatchObject({
			parameter: 'Contact ID',
			message: 'Contact ID is empty',
		});
	});
	it.each(['Qm7vTzR2kLp9XwN4bHs8', '3f6c2a1e-8b4d-4c7a-9e21', '../get-contacts/x', 42, { id: 1 }])(
		'rejects %p with the location hint',
		(value) => {
			const error = inputError(() => parseContactId(value));
			expect(error.message).toMatch(/is not an Assistable contact ID/);
			expect(error.hint).toMatch(/location \(sub-account\) ID is not a contact ID/);
		},
	);
	it('keeps messages short for huge values', () => {
		expect(inputError(() => parseContactId('x'.repeat(10_000))).message.length).toBeLessThan(120);
	});
});

describe('phone number', () => {
	it.each([
		['+14155550101', '+14155550101'],
		['+1 (415) 555-0101', '+14155550101'],
		[' +44 7700.900.123 ', '+447700900123'],
		['+4915112345678', '+4915112345678'],
		['+44 (0)20 7946 0958', '+442079460958'],
	])('normalises %p', (input, expected) => {
		expect(parsePhone(input)).toBe(expected);
	});
	it.each([
		'4155550101',
		'+0415555',
		'+1234567890123456',
		'+1 555 CALL',
		'++14155550101',
		'00447700900123',
		'+',
		'+1',
		'+1 415 555 0101 ext. 5',
	])('rejects %p', (input) => {
		expect(inputError(() => parsePhone(input))).toMatchObject({ parameter: 'Phone Number' });
	});
	it('reads numbers without + in the Default Country', () => {
		expect(parsePhone('757-555-0199', 'Phone Number', parseDefaultCountry(' us '))).toBe(
			'+17575550199',
		);
		expect(parsePhone('020 7946 0958', 'Phone Number', parseDefaultCountry('GB'))).toBe(
			'+442079460958',
		);
		expect(parsePhone('+49 151 12345678', 'Phone Number', parseDefaultCountry('US'))).toBe(
			'+4915112345678',
		);
		expect(inputError(() => parsePhone('757-555-0199')).hint).toMatch(/Default Country/);
		expect(inputError(() => parseDefaultCountry('USA'))).toMatchObject({
			parameter: 'Default Country',
		});
	});
	it('treats blank as not set', () => {
		expect(parsePhone('  ')).toBeUndefined();
	});
});

describe('email', () => {
	it('accepts and trims', () =>
		expect(parseEmail(' a.b+c@example.co.uk ')).toBe('a.b+c@example.co.uk'));
	it.each(['a@', '@b.com', 'a b@c.com', 'a@b', 'a@b.', 'a@@b.com'])('rejects %p', (input) => {
		expect(inputError(() => parseEmail(input)).message).toMatch(/is not a valid email address/);
	});
});

describe('tags', () => {
	it('splits, trims, drops empties and duplicates, keeps order', () => {
		expect(parseTags(' vip, ,webinar,vip , new ')).toEqual(['vip', 'webinar', 'new']);
		expect(parseTags(['b', ' a ', 'b', ''])).toEqual(['b', 'a']);
	});
	it('drops missing entries of a list and sends numbers as text', () => {
		expect(parseTags(['a', undefined, null, '', 2025, ' b '])).toEqual(['a', '2025', 'b']);
		expect(parseTags(2025)).toEqual(['2025']);
	});
	it('treats empty text as not set, and an empty list as an empty list', () => {
		expect(parseTags('')).toBeUndefined();
		expect(parseTags(' , ')).toBeUndefined();
		expect(parseTags(undefined)).toBeUndefined();
		expect(parseTags([])).toEqual([]);
		expect(parseTags([undefined, ''])).toEqual([]);
	});
	it.each([[{ a: 1 }], [[{ a: 1 }]], [['a', true]], [true], [NaN]])('rejects %p', (value) => {
		expect(inputError(() => parseTags(value, 'Tags')).parameter).toBe('Tags');
	});
});

describe('custom fields', () => {
	it.each([
		['42', '42'],
		['1.10', '1.10'],
		['1e3', '1e3'],
		['true', 'true'],
		['null', 'null'],
		['007', '007'],
		['pro', 'pro'],
		['', ''],
		[7, 7],
		[false, false],
		[null, null],
		[undefined, undefined],
		[{ a: 1, b: undefined }, { a: 1 }],
		[
			['x', 2],
			['x', 2],
		],
		[new Date('2025-12-01T00:00:00Z'), '2025-12-01T00:00:00.000Z'],
	])('sends %p as %p', (input, expected) => {
		expect(customFieldValue(input, 'k')).toEqual(expected);
	});
	it('keeps numbers of JSON text exactly, as text when a JavaScript number would round them', () => {
		expect(
			parseCustomFields(
				undefined,
				'{"a": 1.10, "b": 12345678901234567890, "c": 0.1, "d": "94103"}',
			),
		).toEqual({
			a: 1.1,
			b: '12345678901234567890',
			c: 0.1,
			d: '94103',
		});
	});
	it('names the key of a list with a missing entry or a non-finite number', () => {
		expect(inputError(() => customFieldValue(['a', undefined], 'colours')).message).toMatch(
			/"colours" has no value at position 2/,
		);
		expect(inputError(() => customFieldValue(Infinity, 'score')).message).toMatch(
			/"score" is Infinity/,
		);
	});
	it('merges the JSON object and the list, the list winning', () => {
		expect(
			parseCustomFields({ field: [{ key: ' plan ', value: 'pro' }] }, '{"plan":"free","seats":2}'),
		).toEqual({ plan: 'pro', seats: 2 });
		expect(parseCustomFields(undefined, { a: 'x' })).toEqual({ a: 'x' });
		expect(parseCustomFields({ field: [] }, '{}')).toBeUndefined();
	});
	it('rejects empty keys and non-objects', () => {
		expect(
			inputError(() =>
				parseCustomFields(
					{
						field: [
							{ key: 'a', value: 1 },
							{ key: '', value: 2 },
						],
					},
					undefined,
				),
			).message,
		).toBe('Custom field #2 has an empty key');
		expect(inputError(() => parseCustomFields(undefined, '[1,2]')).parameter).toBe(
			'Custom Fields (JSON)',
		);
		expect(inputError(() => parseCustomFields(undefined, '{nope')).message).toMatch(
			/not valid JSON/,
		);
	});
});
