/** The sandbox must honour the Assistable v2 contract (see the API notes); these tests use it as a client would. */
import { readdirSync, readFileSync } from 'node:fs';
import * as http from 'node:http';
import path from 'node:path';

import type { Contact } from '../../sandbox/server';
import { SANDBOX_ROUTES } from '../../sandbox/routes';
import {
	DEMO_API_KEY,
	DEMO_CONTACT_IDS,
	DEMO_LOCATION_ID,
	DEMO_OTHER_LOCATION_ID,
	Sandbox,
	SandboxOptions,
	demoSeed,
	startSandbox,
} from '../../sandbox/server';

const AUTH = `Bearer ${DEMO_API_KEY}`;
const ADA = DEMO_CONTACT_IDS.ada;
const MARGARET = DEMO_CONTACT_IDS.margaret; // lives in DEMO_OTHER_LOCATION_ID
const STAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}\+00:00$/;
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const JSON_CT = 'application/json; charset=utf-8';

let sb: Sandbox;
const open: Sandbox[] = [];
async function start(options: SandboxOptions = {}): Promise<Sandbox> {
	const s = await startSandbox({ seed: demoSeed(), ...options });
	open.push(s);
	return s;
}
beforeEach(async () => {
	sb = await start();
});
afterEach(async () => {
	await Promise.all(open.splice(0).map((s) => s.close()));
});

interface Res {
	status: number;
	headers: Headers;
	text: string;
	json: any;
}
async function call(
	method: string,
	path: string,
	body?: unknown,
	opts: { auth?: string | null; base?: Sandbox; rawBody?: string } = {},
): Promise<Res> {
	const headers: Record<string, string> = {};
	const auth = opts.auth === undefined ? AUTH : opts.auth;
	if (auth !== null) headers.authorization = auth;
	let payload: string | undefined = opts.rawBody;
	if (body !== undefined) {
		payload = JSON.stringify(body);
		headers['content-type'] = 'application/json';
	}
	const res = await fetch(`${(opts.base ?? sb).url}${path}`, { method, headers, body: payload });
	const text = await res.text();
	let json: any;
	try {
		json = JSON.parse(text);
	} catch {
		json = undefined;
	}
	return { status: res.status, headers: res.headers, text, json };
}

/** A request whose path is sent byte for byte (fetch would normalise '..' and '%2e%2e'). */
function raw(
	s: Sandbox,
	method: string,
	path: string,
	body?: string,
): Promise<{ status: number; json: any }> {
	return new Promise((resolve, reject) => {
		const req = http.request(
			{
				host: '127.0.0.1',
				port: s.port,
				method,
				path,
				agent: false,
				headers: { authorization: AUTH },
			},
			(res) => {
				let text = '';
				res.setEncoding('utf8');
				res.on('data', (d) => (text += d));
				res.on('end', () =>
					resolve({ status: res.statusCode ?? 0, json: text ? JSON.parse(text) : undefined }),
				);
			},
		);
		req.on('error', reject);
		req.end(body);
	});
}

describe('auth', () => {
	it('answers 401 text/plain "Unauthorized" for a missing, wrong or non-Bearer key, and logs it', async () => {
		for (const auth of [null, 'Bearer nope', `Basic ${DEMO_API_KEY}`, DEMO_API_KEY]) {
			const r = await call('GET', `/contacts/${ADA}`, undefined, { auth });
			expect(r.status).toBe(401);
			expect(r.text).toBe('Unauthorized');
			expect(r.headers.get('content-type')).toMatch(/^text\/plain/);
		}
		expect(sb.requests.map((q) => [q.status, q.authorization])).toEqual([
			[401, undefined],
			[401, 'Bearer nope'],
			[401, `Basic ${DEMO_API_KEY}`],
			[401, DEMO_API_KEY],
		]);
	});

	it('checks auth before the route and before any state change, whatever the error style', async () => {
		sb.setBehaviour({ errorStyle: 'ok-false' });
		expect((await call('GET', '/nowhere', undefined, { auth: 'Bearer x' })).status).toBe(401);
		expect(
			(await call('PATCH', `/contacts/${ADA}`, { first_name: 'Eve' }, { auth: 'Bearer x' })).status,
		).toBe(401);
		expect(sb.getContact(ADA)!.first_name).toBe('Ada');
	});

	it('accepts a configured key with a location grant and rejects other keys', async () => {
		const s = await start({ keys: [{ key: 'asst_a', locations: [DEMO_LOCATION_ID] }] });
		expect(
			(await call('GET', `/contacts/${ADA}`, undefined, { base: s, auth: 'Bearer asst_a' })).status,
		).toBe(200);
		expect((await call('GET', `/contacts/${ADA}`, undefined, { base: s })).status).toBe(401);
	});
});

describe('GET /contacts/{id}', () => {
	it('returns the whole contact as JSON', async () => {
		const r = await call('GET', `/contacts/${ADA}`);
		expect(r.status).toBe(200);
		expect(r.headers.get('content-type')).toBe(JSON_CT);
		expect(r.json).toEqual({
			id: ADA,
			workspace_id: 'ws_sandbox',
			location_id: DEMO_LOCATION_ID,
			first_name: 'Ada',
			last_name: 'Lovelace',
			phone_number: '+15555550101',
			email: 'ada@example.com',
			tags: ['lead', 'newsletter'],
			meta: {},
			custom_fields: { plan: 'pro', score: 42 },
			attribution: {},
			integration: {},
			dnd: {},
			created_at: '2025-11-20T14:03:11.482913+00:00',
			updated_at: '2025-12-01T09:15:42.107356+00:00',
		});
		expect(sb.requests[0]).toMatchObject({
			route: 'get',
			params: { contactId: ADA },
			status: 200,
			method: 'GET',
		});
	});

	it('404s an unknown id, a non-UUID, and a location id used as a contact id', async () => {
		for (const id of ['00000000-0000-4000-8000-000000000000', 'not-a-uuid', DEMO_LOCATION_ID]) {
			const r = await call('GET', `/contacts/${id}`);
			expect([r.status, r.json]).toEqual([404, { message: 'Contact not found' }]);
		}
	});

	it('403s a contact in a location the key may not see', async () => {
		const s = await start({ keys: [{ key: 'k1', locations: [DEMO_LOCATION_ID] }] });
		const r = await call('GET', `/contacts/${MARGARET}`, undefined, { base: s, auth: 'Bearer k1' });
		expect(r.status).toBe(403);
		expect(r.json).toEqual({
			message: "Forbidden: this API key's sub-account cannot access this contact",
		});
	});

	it('ignores a query string on a known route', async () => {
		expect((await call('GET', `/contacts/${ADA}?x=1`)).status).toBe(200);
		expect(sb.requests[0]).toMatchObject({
			rawPath: `/v2/contacts/${ADA}?x=1`,
			path: `/v2/contacts/${ADA}`,
			route: 'get',
		});
	});
});

describe('GET /get-contacts/{location}', () => {
	it('returns a bare array of all contacts of that location, in insertion order', async () => {
		const r = await call('GET', `/get-contacts/${DEMO_LOCATION_ID}`);
		expect(r.status).toBe(200);
		expect(r.json.map((c: any) => c.id)).toEqual([
			ADA,
			DEMO_CONTACT_IDS.grace,
			DEMO_CONTACT_IDS.linus,
		]);
		expect(
			(await call('GET', `/get-contacts/${DEMO_OTHER_LOCATION_ID}`)).json.map((c: any) => c.id),
		).toEqual([MARGARET]);
	});

	it('returns [] for a visible location with no contacts and 403 for a hidden one', async () => {
		expect((await call('GET', '/get-contacts/EmptyLocation0000000')).json).toEqual([]);
		const s = await start({ keys: [{ key: 'k1', locations: [DEMO_LOCATION_ID] }] });
		const r = await call('GET', `/get-contacts/${DEMO_OTHER_LOCATION_ID}`, undefined, {
			base: s,
			auth: 'Bearer k1',
		});
		expect(r.status).toBe(403);
		expect(r.json.message).toMatch(/^Forbidden/);
	});
});

describe('POST /contacts/create-contact/{location}', () => {
	it('creates a contact with a new UUID v4, answers 201 by default, and stores it', async () => {
		const before = sb.listContacts().length;
		const r = await call('POST', `/contacts/create-contact/${DEMO_LOCATION_ID}`, {
			first_name: 'Alan',
			phone_number: '+15555550199',
			tags: ['new'],
			custom_fields: { a: 1 },
			dnd: { sms: true },
			id: 'forced-id',
			location_id: 'elsewhere',
		});
		expect(r.status).toBe(201);
		expect(r.json.id).toMatch(UUID_V4);
		expect(r.json).toMatchObject({
			workspace_id: 'ws_sandbox',
			location_id: DEMO_LOCATION_ID,
			first_name: 'Alan',
			last_name: null,
			phone_number: '+15555550199',
			email: null,
			tags: ['new'],
			custom_fields: { a: 1 },
			meta: {},
			dnd: { sms: true },
		});
		expect(r.json.created_at).toMatch(STAMP);
		expect(r.json.updated_at).toBe(r.json.created_at);
		expect(sb.getContact(r.json.id)).toEqual(r.json);
		expect(sb.listContacts().length).toBe(before + 1);
		expect(sb.requests[0]).toMatchObject({
			route: 'create',
			params: { locationId: DEMO_LOCATION_ID },
			status: 201,
		});
	});

	it('answers 200 when createStatus is 200', async () => {
		sb.setBehaviour({ createStatus: 200 });
		expect(
			(await call('POST', `/contacts/create-contact/${DEMO_LOCATION_ID}`, { first_name: 'B' }))
				.status,
		).toBe(200);
	});

	it('400s a body that is not a JSON object, and 403s a hidden location', async () => {
		const r = await call('POST', `/contacts/create-contact/${DEMO_LOCATION_ID}`, [1]);
		expect([r.status, r.json]).toEqual([400, { message: 'Body must be a JSON object' }]);
		const s = await start({ keys: [{ key: 'k1', locations: [DEMO_LOCATION_ID] }] });
		const f = await call(
			'POST',
			`/contacts/create-contact/${DEMO_OTHER_LOCATION_ID}`,
			{ first_name: 'X' },
			{ base: s, auth: 'Bearer k1' },
		);
		expect(f.status).toBe(403);
		expect(s.listContacts(DEMO_OTHER_LOCATION_ID).length).toBe(1);
	});
});

describe('PATCH /contacts/{id}', () => {
	it('changes only the fields sent and answers the whole updated contact', async () => {
		const before = sb.getContact(ADA)!;
		const r = await call('PATCH', `/contacts/${ADA}`, { last_name: 'King' });
		expect(r.status).toBe(200);
		expect(r.json).toEqual({ ...before, last_name: 'King', updated_at: r.json.updated_at });
		expect(sb.getContact(ADA)).toEqual(r.json);
		expect(sb.requests[0]).toMatchObject({
			route: 'patch',
			body: { last_name: 'King' },
			status: 200,
		});
	});

	it('replaces the whole tag list, stored as sent (no dedupe)', async () => {
		await call('PATCH', `/contacts/${ADA}`, { tags: ['b', 'b', 'c'] });
		expect(sb.getContact(ADA)!.tags).toEqual(['b', 'b', 'c']);
		await call('PATCH', `/contacts/${ADA}`, { tags: [] });
		expect(sb.getContact(ADA)!.tags).toEqual([]);
	});

	it('merges custom_fields key by key by default, replaces them when configured', async () => {
		await call('PATCH', `/contacts/${ADA}`, { custom_fields: { score: 7, color: 'red' } });
		expect(sb.getContact(ADA)!.custom_fields).toEqual({ plan: 'pro', score: 7, color: 'red' });
		sb.setBehaviour({ customFields: 'replace' });
		await call('PATCH', `/contacts/${ADA}`, { custom_fields: { only: true } });
		expect(sb.getContact(ADA)!.custom_fields).toEqual({ only: true });
	});

	it('stores null as null and does not validate phone or email', async () => {
		const r = await call('PATCH', `/contacts/${ADA}`, {
			email: null,
			phone_number: '0123 not e164',
		});
		expect(r.status).toBe(200);
		expect(sb.getContact(ADA)).toMatchObject({ email: null, phone_number: '0123 not e164' });
	});

	it('refreshes updated_at (same format, strictly later) on every PATCH, even back to back', async () => {
		const created = sb.getContact(ADA)!.created_at;
		const stamps = [sb.getContact(ADA)!.updated_at];
		const answers = await Promise.all(
			Array.from({ length: 20 }, () => call('PATCH', `/contacts/${ADA}`, {})),
		);
		for (const a of answers) stamps.push(a.json.updated_at);
		stamps.sort();
		for (const st of stamps) expect(st).toMatch(STAMP);
		expect(new Set(stamps).size).toBe(stamps.length);
		expect(stamps[0]).toBe('2025-12-01T09:15:42.107356+00:00');
		expect(sb.getContact(ADA)!.updated_at).toBe(stamps[stamps.length - 1]);
		expect(sb.getContact(ADA)!.created_at).toBe(created);
	});

	it('400s non-object bodies and badly typed fields without touching state', async () => {
		const before = sb.getContact(ADA);
		const bad: [string | undefined, string][] = [
			['[1,2]', 'Body must be a JSON object'],
			['"x"', 'Body must be a JSON object'],
			['not json', 'Body must be a JSON object'],
			[undefined, 'Body must be a JSON object'],
			['{"tags":"a"}', 'tags must be an array of strings'],
			['{"tags":[1]}', 'tags must be an array of strings'],
			['{"custom_fields":[]}', 'custom_fields must be an object'],
			['{"first_name":5}', 'first_name must be a string or null'],
		];
		for (const [rawBody, message] of bad) {
			const r = await call('PATCH', `/contacts/${ADA}`, undefined, { rawBody });
			expect([r.status, r.json]).toEqual([400, { message }]);
		}
		expect(sb.getContact(ADA)).toEqual(before);
		expect(sb.requests.map((q) => q.body)).toEqual([
			[1, 2],
			'x',
			'not json',
			undefined,
			{ tags: 'a' },
			{ tags: [1] },
			{ custom_fields: [] },
			{ first_name: 5 },
		]);
	});

	it('ignores unknown fields by default (id cannot change), rejects them when configured', async () => {
		const r = await call('PATCH', `/contacts/${ADA}`, {
			id: 'x',
			location_id: 'y',
			nickname: 'z',
			first_name: 'A',
		});
		expect(r.status).toBe(200);
		expect(r.json).toMatchObject({ id: ADA, location_id: DEMO_LOCATION_ID, first_name: 'A' });
		expect(r.json.nickname).toBeUndefined();
		sb.setBehaviour({ unknownFields: 'reject' });
		const f = await call('PATCH', `/contacts/${ADA}`, { nickname: 'z', first_name: 'B' });
		expect([f.status, f.json]).toEqual([400, { message: 'Unknown field: nickname' }]);
		expect(sb.getContact(ADA)!.first_name).toBe('A');
	});

	it('accepts and replaces meta, attribution, integration and dnd', async () => {
		sb.updateContactDirect(ADA, { meta: { a: 1, b: 2 } });
		await call('PATCH', `/contacts/${ADA}`, { meta: { c: 3 }, dnd: { all: true } });
		expect(sb.getContact(ADA)).toMatchObject({ meta: { c: 3 }, dnd: { all: true } });
	});

	it('404s a location id and 403s a hidden contact, without changing anything', async () => {
		expect((await call('PATCH', `/contacts/${DEMO_LOCATION_ID}`, { first_name: 'X' })).status).toBe(
			404,
		);
		const s = await start({ keys: [{ key: 'k1', locations: [DEMO_LOCATION_ID] }] });
		expect(
			(
				await call(
					'PATCH',
					`/contacts/${MARGARET}`,
					{ first_name: 'X' },
					{ base: s, auth: 'Bearer k1' },
				)
			).status,
		).toBe(403);
		expect(s.getContact(MARGARET)!.first_name).toBe('Margaret');
	});
});

describe('error style ok-false', () => {
	it('answers business errors as HTTP 200 {ok:false,error}', async () => {
		const s = await start({
			keys: [{ key: 'k1', locations: [DEMO_LOCATION_ID] }],
			behaviour: { errorStyle: 'ok-false' },
		});
		const opts = { base: s, auth: 'Bearer k1' };
		expect((await call('GET', '/contacts/nope', undefined, opts)).json).toEqual({
			ok: false,
			error: 'Contact not found',
		});
		const forbidden = await call('PATCH', `/contacts/${MARGARET}`, { first_name: 'X' }, opts);
		expect(forbidden.status).toBe(200);
		expect(forbidden.json).toEqual({
			ok: false,
			error: "Forbidden: this API key's sub-account cannot access this contact",
		});
		const invalid = await call('PATCH', `/contacts/${ADA}`, { tags: 'x' }, opts);
		expect([invalid.status, invalid.json]).toEqual([
			200,
			{ ok: false, error: 'tags must be an array of strings' },
		]);
		// an unknown route stays a real 404
		expect((await call('GET', '/contacts', undefined, opts)).status).toBe(404);
	});
});

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

describe('fault injection', () => {
	it('status fault: answers the injected status/headers/body, does not touch state, then runs out', async () => {
		sb.injectFault({
			route: 'patch',
			fault: {
				kind: 'status',
				status: 429,
				headers: { 'retry-after': '2' },
				body: { message: 'slow down' },
			},
			times: 2,
		});
		const body = { first_name: 'Z' };
		const a = await call('GET', `/contacts/${ADA}`); // other route: untouched
		const b = await call('PATCH', `/contacts/${ADA}`, body);
		const c = await call('PATCH', `/contacts/${ADA}`, body);
		expect(a.status).toBe(200);
		expect([b.status, b.headers.get('retry-after'), b.json]).toEqual([
			429,
			'2',
			{ message: 'slow down' },
		]);
		expect(c.status).toBe(429);
		expect(sb.getContact(ADA)!.first_name).toBe('Ada');
		expect((await call('PATCH', `/contacts/${ADA}`, body)).status).toBe(200);
		expect(sb.requests.map((q) => q.fault)).toEqual([undefined, 'status', 'status', undefined]);
		sb.injectFault({ fault: { kind: 'status', status: 503 } });
		expect((await call('GET', `/contacts/${ADA}`)).json).toEqual({ message: 'Injected 503' });
	});

	it('phase "after": the change is applied, then the answer is replaced', async () => {
		sb.injectFault({ route: 'create', fault: { kind: 'status', status: 504 }, phase: 'after' });
		const r = await call('POST', `/contacts/create-contact/${DEMO_LOCATION_ID}`, {
			first_name: 'Ghost',
		});
		expect(r.status).toBe(504);
		expect(sb.listContacts(DEMO_LOCATION_ID).map((c) => c.first_name)).toContain('Ghost');
		sb.injectFault({ route: 'patch', fault: { kind: 'drop' }, phase: 'after' });
		await expect(call('PATCH', `/contacts/${ADA}`, { last_name: 'Lost' })).rejects.toThrow();
		expect(sb.getContact(ADA)!.last_name).toBe('Lost');
	});

	it('drop: destroys the socket, logged with status 0', async () => {
		sb.injectFault({ fault: { kind: 'drop' } });
		await expect(call('PATCH', `/contacts/${ADA}`, { last_name: 'X' })).rejects.toThrow();
		expect(sb.getContact(ADA)!.last_name).toBe('Lovelace');
		await new Promise((r) => setTimeout(r, 20));
		expect(sb.requests[0]).toMatchObject({ status: 0, fault: 'drop', route: 'patch' });
		expect(sb.requests[0].endedAt).toBeGreaterThanOrEqual(sb.requests[0].startedAt);
	});

	it('delay: waits, then answers normally; a client timeout leaves status 0', async () => {
		sb.injectFault({ fault: { kind: 'delay', ms: 150 } });
		const t0 = Date.now();
		expect((await call('GET', `/contacts/${ADA}`)).status).toBe(200);
		expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
		sb.injectFault({ fault: { kind: 'delay', ms: 300 } });
		const aborted = fetch(`${sb.url}/contacts/${ADA}`, {
			headers: { authorization: AUTH },
			signal: AbortSignal.timeout(50),
		});
		await expect(aborted).rejects.toThrow();
		await new Promise((r) => setTimeout(r, 350));
		expect(sb.requests[1]).toMatchObject({ status: 0, fault: 'delay' });
	});

	it('malformed, truncated, wrong-shape, ok-false and huge bodies', async () => {
		sb.injectFault({ fault: { kind: 'malformed' } });
		const m = await call('GET', `/contacts/${ADA}`);
		expect([m.status, m.json]).toEqual([200, undefined]);
		sb.injectFault({ fault: { kind: 'truncated' } });
		const t = await call('GET', `/contacts/${ADA}`);
		expect([t.status, t.headers.get('content-type'), t.json]).toEqual([200, JSON_CT, undefined]);
		expect(t.text.startsWith('{"id":')).toBe(true);
		sb.injectFault({ fault: { kind: 'wrong-shape' } });
		expect(Array.isArray((await call('GET', `/contacts/${ADA}`)).json)).toBe(true);
		sb.injectFault({ route: 'list', fault: { kind: 'wrong-shape' } });
		expect(Array.isArray((await call('GET', `/get-contacts/${DEMO_LOCATION_ID}`)).json)).toBe(
			false,
		);
		sb.injectFault({ fault: { kind: 'ok-false', error: 'boom' } });
		const o = await call('PATCH', `/contacts/${ADA}`, { first_name: 'Q' });
		expect([o.status, o.json]).toEqual([200, { ok: false, error: 'boom' }]);
		expect(sb.getContact(ADA)!.first_name).toBe('Ada');
		sb.injectFault({ fault: { kind: 'huge', bytes: 3_000_000 } });
		const h = await call('GET', `/contacts/${ADA}`);
		expect(Buffer.byteLength(h.text)).toBe(3_000_000);
		expect(h.json.id).toBe('huge');
		sb.injectFault({ fault: { kind: 'huge' } });
		expect(Buffer.byteLength((await call('GET', `/contacts/${ADA}`)).text)).toBe(20 * 1024 * 1024);
		expect(sb.requests.map((q) => q.fault)).toEqual([
			'malformed',
			'truncated',
			'wrong-shape',
			'wrong-shape',
			'ok-false',
			'huge',
			'huge',
		]);
	});

	it('rules apply in injection order; Infinity lasts; clearFaults removes them', async () => {
		sb.injectFault({ route: 'get', fault: { kind: 'status', status: 500 } });
		sb.injectFault({ fault: { kind: 'status', status: 502 }, times: Infinity });
		expect((await call('GET', `/contacts/${ADA}`)).status).toBe(500);
		for (let i = 0; i < 3; i++) expect((await call('GET', `/contacts/${ADA}`)).status).toBe(502);
		sb.clearFaults();
		expect((await call('GET', `/contacts/${ADA}`)).status).toBe(200);
	});

	it('rate: a deterministic share of requests, same seed same pattern', async () => {
		const pattern = async (s: Sandbox) => {
			s.injectFault({ fault: { kind: 'status', status: 503 }, rate: 0.3, seed: 42 });
			const out: number[] = [];
			for (let i = 0; i < 60; i++)
				out.push((await call('GET', `/contacts/${ADA}`, undefined, { base: s })).status);
			return out;
		};
		const a = await pattern(sb);
		const b = await pattern(await start());
		expect(a).toEqual(b);
		const failed = a.filter((x) => x === 503).length;
		expect(failed).toBeGreaterThan(6);
		expect(failed).toBeLessThan(36);
	});
});

describe('rate limit', () => {
	it('429s with Retry-After beyond the limit, per API key', async () => {
		const s = await start({
			keys: [
				{ key: 'a', locations: '*' },
				{ key: 'b', locations: '*' },
			],
			behaviour: { rateLimit: { limit: 3, windowMs: 1500 } },
		});
		const statuses: number[] = [];
		for (let i = 0; i < 4; i++)
			statuses.push(
				(await call('GET', `/contacts/${ADA}`, undefined, { base: s, auth: 'Bearer a' })).status,
			);
		expect(statuses).toEqual([200, 200, 200, 429]);
		const limited = await call('GET', `/contacts/${ADA}`, undefined, { base: s, auth: 'Bearer a' });
		expect(limited.json).toEqual({ message: 'Too many requests' });
		const retry = limited.headers.get('retry-after')!;
		expect(retry).toMatch(/^\d+$/);
		expect(Number(retry)).toBeGreaterThanOrEqual(1);
		expect(
			(await call('GET', `/contacts/${ADA}`, undefined, { base: s, auth: 'Bearer b' })).status,
		).toBe(200);
	});
});

describe('latency, concurrency and stats', () => {
	it('holds a thousand concurrent requests open and counts them', async () => {
		const s = await start({ behaviour: { latencyMs: 400 } });
		const t0 = Date.now();
		const all = await Promise.all(
			Array.from({ length: 1000 }, () => raw(s, 'GET', `/v2/contacts/${ADA}`)),
		);
		expect(all.every((r) => r.status === 200)).toBe(true);
		expect(Date.now() - t0).toBeGreaterThanOrEqual(390);
		expect(s.stats()).toEqual({
			total: 1000,
			maxInFlight: expect.any(Number),
			byRoute: { get: 1000 },
		});
		expect(s.stats().maxInFlight).toBeGreaterThan(200);
		expect(s.requests.map((q) => q.seq)).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1));
		s.clearRequests();
		expect([s.requests.length, s.stats().total]).toEqual([0, 0]);
	});
});

describe('request log', () => {
	it('records raw path, lower-cased headers, parsed or raw body, status and timings', async () => {
		const log = sb.requests;
		await call('PATCH', `/contacts/${ADA}?trace=1`, { tags: ['x'] });
		await call('POST', `/contacts/create-contact/${DEMO_LOCATION_ID}`, undefined, {
			rawBody: 'oops',
		});
		expect(log).toBe(sb.requests);
		expect(log[0]).toMatchObject({
			seq: 1,
			method: 'PATCH',
			rawPath: `/v2/contacts/${ADA}?trace=1`,
			path: `/v2/contacts/${ADA}`,
			route: 'patch',
			params: { contactId: ADA },
			authorization: AUTH,
			body: { tags: ['x'] },
			status: 200,
		});
		expect(log[0].headers['content-type']).toBe('application/json');
		expect(log[0].headers.authorization).toBe(AUTH);
		expect(log[1]).toMatchObject({ seq: 2, body: 'oops', status: 400 });
		for (const q of log) expect(q.endedAt).toBeGreaterThanOrEqual(q.startedAt);
	});
});

describe('direct state API', () => {
	it('copies, adds, updates like a concurrent writer, and resets', async () => {
		const copy = sb.getContact(ADA)!;
		copy.tags.push('mutated');
		expect(sb.getContact(ADA)!.tags).toEqual(['lead', 'newsletter']);
		const added = sb.addContact({ first_name: 'Added', location_id: DEMO_OTHER_LOCATION_ID });
		expect(added).toMatchObject({
			id: expect.stringMatching(UUID_V4),
			last_name: null,
			tags: [],
			custom_fields: {},
		});
		expect(sb.listContacts(DEMO_OTHER_LOCATION_ID).map((c) => c.id)).toEqual([MARGARET, added.id]);
		expect(() => sb.addContact({ id: ADA })).toThrow();
		const old = sb.getContact(ADA)!.updated_at;
		const upd = sb.updateContactDirect(ADA, { tags: ['server-side'] });
		expect(upd.updated_at > old).toBe(true);
		expect((await call('GET', `/contacts/${ADA}`)).json.tags).toEqual(['server-side']);
		expect(() => sb.updateContactDirect('nope', {})).toThrow();

		sb.setBehaviour({ createStatus: 200 });
		sb.injectFault({ fault: { kind: 'status', status: 500 } });
		sb.reset();
		expect(sb.requests).toEqual([]);
		expect(sb.listContacts().length).toBe(4);
		expect(sb.getContact(ADA)!.tags).toEqual(['lead', 'newsletter']);
		expect((await call('POST', `/contacts/create-contact/${DEMO_LOCATION_ID}`, {})).status).toBe(
			201,
		); // no fault, default behaviour
		sb.reset([{ first_name: 'Solo' }]);
		expect(sb.listContacts().map((c) => [c.first_name, c.location_id])).toEqual([
			['Solo', DEMO_LOCATION_ID],
		]);
	});

	it('close() ends promptly even with a request still held open', async () => {
		const s = await start({ behaviour: { latencyMs: 60_000 } });
		const pending = fetch(`${s.url}/contacts/${ADA}`, { headers: { authorization: AUTH } }).catch(
			(e: Error) => e,
		);
		await new Promise((r) => setTimeout(r, 50));
		const t0 = Date.now();
		await s.close();
		expect(Date.now() - t0).toBeLessThan(1000);
		expect(String(await pending)).toMatch(/fetch failed/);
		expect(s.stats().total).toBe(1);
	});
});
