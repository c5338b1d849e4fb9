/** The sandbox's routes: unknown ones, its own table from the API notes, object-internal keys and hostile ids. */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

import type { Contact } from '../../sandbox/server';
import { SANDBOX_ROUTES } from '../../sandbox/routes';
import { DEMO_LOCATION_ID, demoSeed } from '../../sandbox/server';
import { ADA, sb, useSandboxPerTest, call, raw } from './client';
useSandboxPerTest();

describe('unknown routes', () => {
	it('404s with the method and raw path echoed', async () => {
		const cases: [string, string][] = [
			['GET', '/v2/contacts'],
			['DELETE', `/v2/contacts/${ADA}`],
			['GET', `/v2/contacts/${ADA}/extra`],
			['GET', `/v2/contacts/${ADA}/`],
			['POST', `/v2/contacts/${ADA}`],
			['GET', '/v3/contacts?x=1'],
			['PATCH', '/v2/contacts/create-contact/x'],
		];
		for (const [method, path] of cases) {
			const r = await raw(
				sb,
				method,
				path,
				method === 'GET' || method === 'DELETE' ? undefined : '{}',
			);
			expect([r.status, r.json]).toEqual([404, { message: `Route ${method}:${path} not found` }]);
		}
		expect(sb.requests.every((q) => q.route === 'unknown' && q.status === 404)).toBe(true);
		expect(sb.stats().byRoute).toEqual({ unknown: cases.length });
	});
});

describe('routes: its own table, written from the API notes', () => {
	it('serves the documented contact and call endpoints under /v2 (conversations and assistants: their own test file)', () => {
		const elsewhere = [
			'get-conversation',
			'/create-message',
			'chat-completion',
			'-assistant',
			'/create-flow',
		];
		const contactRoutes = SANDBOX_ROUTES.filter(
			(r) => !elsewhere.some((part) => r.path.includes(part)),
		);
		expect(contactRoutes.map((r) => `${r.method} ${r.path} ${r.route}`)).toEqual([
			'PATCH /v2/contacts/{contactId} patch',
			'GET /v2/contacts/{contactId} get',
			'POST /v2/contacts/create-contact/{locationId} create',
			'GET /v2/get-contacts/{locationId} list',
			'POST /v2/ghl/make-call makeCall',
		]);
	});

	it("imports nothing from the node's code, so a wrong path in the node cannot pass", () => {
		const dir = path.join(__dirname, '../../sandbox');
		for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
			const source = readFileSync(path.join(dir, file), 'utf8');
			const imports = [...source.matchAll(/(?:from|import|require)\s*\(?\s*'([^']+)'/g)].map(
				(m) => m[1],
			);
			expect(imports.filter((i) => /(^|\/)(nodes|credentials)(\/|$)/.test(i))).toEqual([]);
		}
	});

	// A Fastify router with its defaults (the 404 body above is Fastify's): case-sensitive, no trailing-slash
	// or duplicate-slash folding, a parameter never empty (find-my-way 9 passes an empty one to the handler;
	// its maintainers call that a bug to be fixed: a 404 either way).
	it('answers 404 "Route ... not found" for paths the docs do not have, however close', async () => {
		const cases: [string, string][] = [
			['GET', `/v2/contact/${ADA}`],
			['GET', `/v2/contacts/${ADA}/`],
			['PATCH', `/v2/contacts/${ADA}/`],
			['GET', `/v2//contacts/${ADA}`],
			['GET', `/v2/Contacts/${ADA}`],
			['GET', `/contacts/${ADA}`],
			['GET', `/v2/v2/contacts/${ADA}`],
			['PUT', `/v2/contacts/${ADA}`],
			['GET', '/v2/contacts/'],
			['GET', '/v2/get-contacts/'],
			['POST', '/v2/contacts/create-contact/'],
			['POST', `/v2/create-contact/${DEMO_LOCATION_ID}`],
			['POST', `/v2/contacts/create-contact/${DEMO_LOCATION_ID}/`],
			['GET', `/v2/contacts/create-contact/${DEMO_LOCATION_ID}`],
			['GET', `/v2/get-contacts%2F${DEMO_LOCATION_ID}`],
			['GET', `/v2/get-contact/${DEMO_LOCATION_ID}`],
			['GET', `/v2/contacts?contact_id=${ADA}`],
		];
		for (const [method, p] of cases) {
			const r = await raw(sb, method, p, method === 'GET' ? undefined : '{"first_name":"X"}');
			expect([method, p, r.status, r.json]).toEqual([
				method,
				p,
				404,
				{ message: `Route ${method}:${p} not found` },
			]);
		}
		expect(sb.requests.map((q) => q.route)).toEqual(cases.map(() => 'unknown'));
		expect(sb.listContacts()).toEqual(demoSeed().map((c) => sb.getContact(c.id!)));
		expect(sb.getContact(ADA)!.first_name).toBe('Ada');
	});

	it('decodes each segment on its own, static ones included; an encoded "/" stays in its segment', async () => {
		const encodedAda = ADA.replace(/^3/, '%33');
		expect((await raw(sb, 'GET', `/v2/%63ontacts/${encodedAda}`)).status).toBe(200);
		expect(sb.requests[0]).toMatchObject({ route: 'get', params: { contactId: ADA } });
		const r = await raw(sb, 'GET', `/v2/contacts/a%2Fb`);
		expect([r.status, r.json]).toEqual([404, { message: 'Contact not found' }]);
		expect(sb.requests[1]).toMatchObject({ route: 'get', params: { contactId: 'a/b' } });
		expect((await raw(sb, 'GET', `/v2/get-contacts/${DEMO_LOCATION_ID}?x=%2F`)).status).toBe(200);
		expect(sb.requests[2]).toMatchObject({
			route: 'list',
			path: `/v2/get-contacts/${DEMO_LOCATION_ID}`,
			params: { locationId: DEMO_LOCATION_ID },
		});
	});
});

describe('custom field keys that name object internals', () => {
	const KEYS = { constructor: 'x', prototype: 'y' };
	/**
	 * Plain data: JSON values only (objects whose prototype is an Object.prototype, own enumerable data
	 * properties), equal to what a JSON round trip gives back. Realm-agnostic: the sandbox's structuredClone
	 * copies come from outside jest's test context.
	 */
	const isPlain = (v: unknown): boolean => {
		if (v === null || ['string', 'number', 'boolean'].includes(typeof v)) return true;
		if (Array.isArray(v)) return v.every(isPlain);
		if (typeof v !== 'object') return false;
		const proto = Object.getPrototypeOf(v);
		return (
			proto !== null &&
			Object.getPrototypeOf(proto) === null &&
			Object.values(Object.getOwnPropertyDescriptors(v)).every(
				(d) => 'value' in d && d.enumerable && isPlain(d.value),
			)
		);
	};
	const expectPlain = (contact: unknown) => {
		expect(isPlain(contact)).toBe(true);
		expect(contact).toEqual(JSON.parse(JSON.stringify(contact)));
	};

	it('PATCH stores and returns "constructor" and "prototype" as any other key, merged or replaced', async () => {
		const merged = await call('PATCH', `/contacts/${ADA}`, { custom_fields: KEYS });
		expect(merged.status).toBe(200);
		expect(merged.json.custom_fields).toEqual({ plan: 'pro', score: 42, ...KEYS });
		expect(Object.keys(merged.json.custom_fields)).toEqual([
			'plan',
			'score',
			'constructor',
			'prototype',
		]);
		const read = await call('GET', `/contacts/${ADA}`);
		expect(read.json.custom_fields).toEqual({ plan: 'pro', score: 42, ...KEYS });
		expect(sb.getContact(ADA)!.custom_fields).toEqual({ plan: 'pro', score: 42, ...KEYS });
		expect(sb.getContact(ADA)!.custom_fields.constructor).toBe('x');
		expectPlain(sb.getContact(ADA));

		// merge onto keys of those names: the new value wins, as for any key
		await call('PATCH', `/contacts/${ADA}`, { custom_fields: { constructor: 'x2' } });
		expect(sb.getContact(ADA)!.custom_fields).toEqual({
			plan: 'pro',
			score: 42,
			constructor: 'x2',
			prototype: 'y',
		});

		sb.setBehaviour({ customFields: 'replace' });
		const replaced = await call('PATCH', `/contacts/${ADA}`, undefined, {
			rawBody: '{"custom_fields":{"prototype":"p","__proto__":{"polluted":1},"constructor":"c"}}',
		});
		expect(replaced.status).toBe(200);
		expect(replaced.text).toContain(
			'"custom_fields":{"prototype":"p","__proto__":{"polluted":1},"constructor":"c"}',
		);
		const cf = sb.getContact(ADA)!.custom_fields;
		expect(Object.keys(cf)).toEqual(['prototype', '__proto__', 'constructor']);
		expect(Object.getOwnPropertyDescriptor(cf, '__proto__')?.value).toEqual({ polluted: 1 });
		expect((cf as { polluted?: unknown }).polluted).toBeUndefined();
		expectPlain(sb.getContact(ADA));
		expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
	});

	it('create stores them too, and tags of those names are plain strings', async () => {
		const r = await call('POST', `/contacts/create-contact/${DEMO_LOCATION_ID}`, undefined, {
			rawBody:
				'{"first_name":"Obj","tags":["constructor","__proto__","prototype"],"custom_fields":{"constructor":"x","prototype":"y","__proto__":"z"}}',
		});
		expect(r.status).toBe(201);
		const stored = sb.getContact(r.json.id)!;
		expect(stored.tags).toEqual(['constructor', '__proto__', 'prototype']);
		expect(Object.keys(stored.custom_fields)).toEqual(['constructor', 'prototype', '__proto__']);
		expect(Object.getOwnPropertyDescriptor(stored.custom_fields, '__proto__')?.value).toBe('z');
		expect(r.json.custom_fields).toEqual(JSON.parse(JSON.stringify(stored.custom_fields)));
		const listed = (await call('GET', `/get-contacts/${DEMO_LOCATION_ID}`)).json as Contact[];
		expect(listed.find((c) => c.id === r.json.id)).toEqual(stored);
		for (const contact of sb.listContacts()) expectPlain(contact);
	});
});

describe('hostile ids', () => {
	it('never treats encoded or literal dot segments and slashes as navigation', async () => {
		const list = `get-contacts%2F${DEMO_LOCATION_ID}`;
		const r1 = await raw(sb, 'GET', `/v2/contacts/..%2F${list}`);
		expect([r1.status, r1.json]).toEqual([404, { message: 'Contact not found' }]);
		expect(sb.requests[0].params).toEqual({ contactId: `../get-contacts/${DEMO_LOCATION_ID}` });
		expect((await raw(sb, 'GET', '/v2/contacts/%2e%2e')).json).toEqual({
			message: 'Contact not found',
		});
		// literal '..' is not resolved either: it is just more segments
		expect((await raw(sb, 'GET', `/v2/contacts/../get-contacts/${DEMO_LOCATION_ID}`)).status).toBe(
			404,
		);
		expect((await raw(sb, 'GET', '/v2/contacts/%E0%A4%A')).json).toEqual({
			message: 'Contact not found',
		});
		expect(sb.requests[3].params).toEqual({ contactId: '%E0%A4%A' });
	});

	it('404s a location id that decodes to a path and creates nothing', async () => {
		for (const loc of ['..', '%2E%2E', `x%2F${DEMO_LOCATION_ID}`, '%00']) {
			const r = await raw(sb, 'POST', `/v2/contacts/create-contact/${loc}`, '{"first_name":"x"}');
			expect(r.status).toBe(404);
			expect((await raw(sb, 'GET', `/v2/get-contacts/${loc}`)).status).toBe(404);
		}
		expect(sb.listContacts().length).toBe(4);
	});

	it('keeps a "__proto__" custom field as plain data', async () => {
		const r = await call('PATCH', `/contacts/${ADA}`, undefined, {
			rawBody: '{"custom_fields":{"__proto__":{"polluted":1},"k":"v"}}',
		});
		expect(r.status).toBe(200);
		const cf = sb.getContact(ADA)!.custom_fields;
		expect(Object.prototype.hasOwnProperty.call(cf, '__proto__')).toBe(true);
		expect(Object.keys(cf)).toEqual(['plan', 'score', '__proto__', 'k']);
		expect((cf as any).polluted).toBeUndefined(); // the prototype was not swapped
		expect(({} as any).polluted).toBeUndefined();
	});
});
