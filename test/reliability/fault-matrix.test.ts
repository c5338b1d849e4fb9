/**
 * Fault matrix: every fault the sandbox can inject × every operation × Append Tags on/off × every route
 * the operation uses, run as real n8n workflows. Each case checks what a user would check afterwards:
 * the contacts in Assistable (no tag lost, nothing half-written, no duplicate), the node's output or
 * error item, the requests Assistable received, and that the API key is nowhere in the stored run.
 *
 * The cases run concurrently, each on a sandbox of its own (see "running the cases"); a summary goes
 * to test-artifacts/fault-matrix-summary.json.
 */
import type { IDataObject } from 'n8n-workflow';

import type {
	Contact,
	Fault,
	RecordedRequest,
	Sandbox,
	SandboxRoute as Route,
} from '../../sandbox/server';
import { DEMO_CONTACT_IDS, DEMO_LOCATION_ID, demoSeed } from '../../sandbox/server';
import type { AssistableRun } from '../harness/workflow';
import { runAssistable } from '../harness/workflow';
import {
	MAX_CONTACT_BYTES,
	MAX_LIST_BYTES,
} from '../../nodes/Assistable/resources/contact/endpoints';
import { CRASH_TEXT, SandboxPool, SharedLock, sleep, writeArtifact } from './matrix-support';

const KEY = 'asst_SECRET_matrix_key_9f8e7d';
const LOC = DEMO_LOCATION_ID;
const { ada } = DEMO_CONTACT_IDS;
const ADA_EMAIL = 'ada@example.com';
const NEW_EMAIL = 'nova.new@example.com';
/** Response size limits of the node (transport.ts). */
const CONTACT_LIMIT = MAX_CONTACT_BYTES;
const LIST_LIMIT = MAX_LIST_BYTES;
/** Per-request timeout in the delay cases, and how long the sandbox holds the answer back. */
const TIMEOUT_MS = 500;
const DELAY_MS = 1000;
/** Timeout for every other case: long enough that a busy machine never times out a healthy request. */
const RELAXED_TIMEOUT_MS = 15_000;
const MAX_ATTEMPTS = 2;
/** Error bodies echo the key, as a careless proxy might: the node must redact it. */
const LEAK = `Injected failure for Bearer ${KEY}`;

// ---------------------------------------------------------------- operations

type Effect = 'update' | 'upsert-update' | 'upsert-create' | 'create' | 'get' | 'getAll';

interface Operation {
	name: string;
	effect: Effect;
	/** undefined where Append Tags does not apply. */
	append?: boolean;
	/** The requests a fault-free run sends, in order (a fault hits the first request on its route). */
	routes: Route[];
	/** The route that changes Assistable's state, if any. */
	write?: 'patch' | 'create';
	parameters: IDataObject;
}

/** Update: add vip, remove newsletter, rename. Ada starts with tags lead, newsletter. */
const CHANGES = { tags: 'vip', removeTags: 'newsletter', firstName: 'Augusta' };
const CREATE_FIELDS = { tags: 'vip', firstName: 'Nova' };

const operations: Operation[] = [
	...[true, false].flatMap((append): Operation[] => {
		const onOff = `Append Tags ${append ? 'on' : 'off'}`;
		// Each write of tags is followed by Re-Check Tags' read (on by default).
		const lookup = append
			? (['list', 'get', 'patch', 'get'] as Route[])
			: (['list', 'patch', 'get'] as Route[]);
		return [
			{
				name: `update by id, ${onOff}`,
				effect: 'update',
				append,
				routes: append ? ['get', 'patch', 'get'] : ['patch', 'get'],
				write: 'patch',
				parameters: {
					operation: 'update',
					matchBy: 'id',
					contactId: ada,
					appendTags: append,
					updateFields: CHANGES,
				},
			},
			{
				name: `update by email, ${onOff}`,
				effect: 'update',
				append,
				routes: lookup,
				write: 'patch',
				parameters: {
					operation: 'update',
					matchBy: 'email',
					locationId: LOC,
					matchEmail: 'ADA@example.com',
					appendTags: append,
					updateFields: CHANGES,
				},
			},
			{
				name: `upsert an existing contact, ${onOff}`,
				effect: 'upsert-update',
				append,
				routes: lookup,
				write: 'patch',
				parameters: {
					operation: 'upsert',
					matchBy: 'email',
					locationId: LOC,
					matchEmail: ADA_EMAIL,
					appendTags: append,
					contactFields: CHANGES,
				},
			},
		];
	}),
	{
		name: 'upsert a new contact',
		effect: 'upsert-create',
		// The second list is the duplicate check a moment after the create.
		routes: ['list', 'create', 'list'],
		write: 'create',
		parameters: {
			operation: 'upsert',
			matchBy: 'email',
			locationId: LOC,
			matchEmail: NEW_EMAIL,
			contactFields: CREATE_FIELDS,
		},
	},
	{
		name: 'create',
		effect: 'create',
		routes: ['create'],
		write: 'create',
		parameters: {
			operation: 'create',
			locationId: LOC,
			contactFields: { ...CREATE_FIELDS, email: NEW_EMAIL },
		},
	},
	{
		name: 'get by id',
		effect: 'get',
		routes: ['get'],
		parameters: { operation: 'get', matchBy: 'id', contactId: ada },
	},
	{
		name: 'get by email',
		effect: 'get',
		routes: ['list', 'get'],
		parameters: { operation: 'get', matchBy: 'email', locationId: LOC, matchEmail: ADA_EMAIL },
	},
	{
		name: 'get many',
		effect: 'getAll',
		routes: ['list'],
		parameters: { operation: 'getAll', locationId: LOC, returnAll: true },
	},
];

// ---------------------------------------------------------------- faults

interface FaultSpec {
	label: string;
	fault: (route: Route) => Fault;
	phase: 'before' | 'after';
	/** Which requests the node may retry after this fault. */
	retry: 'always' | 'idempotent' | 'never';
	message: (route: Route) => RegExp;
}

const status = (code: number, headers?: Record<string, string>) => (): Fault => ({
	kind: 'status',
	status: code,
	headers,
	body: { message: LEAK },
});
const serverError = (code: number): FaultSpec => ({
	label: `${code}`,
	fault: status(code),
	phase: 'before',
	retry: 'idempotent',
	message: () => new RegExp(`server error \\(${code}\\)`),
});
const delay: FaultSpec = {
	label: 'delay past the timeout',
	fault: () => ({ kind: 'delay', ms: DELAY_MS }),
	phase: 'before',
	retry: 'idempotent',
	message: () => new RegExp(`did not answer within ${TIMEOUT_MS} ms`),
};
const drop: FaultSpec = {
	label: 'drop',
	fault: () => ({ kind: 'drop' }),
	phase: 'before',
	retry: 'idempotent',
	message: () => /could not be reached/,
};
const malformed: FaultSpec = {
	label: 'malformed',
	fault: () => ({ kind: 'malformed' }),
	phase: 'before',
	retry: 'never',
	message: () => /answered 200 with a body that is not JSON/,
};

const FAULTS: FaultSpec[] = [
	{
		label: '429 with Retry-After 0',
		fault: status(429, { 'retry-after': '0' }),
		phase: 'before',
		retry: 'always',
		message: () => /rate limit reached \(429\)/,
	},
	serverError(500),
	serverError(502),
	serverError(503),
	serverError(504),
	{
		label: '400',
		fault: status(400),
		phase: 'before',
		retry: 'never',
		message: () => /rejected the request \(400\)/,
	},
	{
		label: '404',
		fault: status(404),
		phase: 'before',
		retry: 'never',
		message: (route) =>
			route === 'get' || route === 'patch'
				? /Contact not found \(404\)/
				: /no such route or location \(404\)/,
	},
	{
		label: '408',
		fault: status(408),
		phase: 'before',
		retry: 'idempotent',
		message: () => /\(408\)/,
	},
	delay,
	drop,
	malformed,
	{
		label: 'truncated',
		fault: () => ({ kind: 'truncated' }),
		phase: 'before',
		retry: 'never',
		message: () => /answered 200 with a body that is not JSON/,
	},
	{
		label: 'wrong-shape',
		fault: () => ({ kind: 'wrong-shape' }),
		phase: 'before',
		retry: 'never',
		message: () => /unexpected shape/,
	},
	{
		label: 'huge',
		fault: (route) => ({
			kind: 'huge',
			bytes: (route === 'list' ? LIST_LIMIT : CONTACT_LIMIT) + 1024,
		}),
		phase: 'before',
		retry: 'never',
		message: () => /answer is too large/,
	},
	{
		label: 'ok-false',
		fault: () => ({ kind: 'ok-false', error: LEAK }),
		phase: 'before',
		retry: 'never',
		message: () => /Assistable reported an error: Injected failure for Bearer \*\*\*/,
	},
];

/** Faults that hit a write after Assistable applied it: the answer is lost, the change is not. */
const AFTER_FAULTS: FaultSpec[] = [drop, delay, serverError(500), malformed].map((spec) => ({
	...spec,
	label: `${spec.label}, after the write is applied`,
	phase: 'after',
}));

// ---------------------------------------------------------------- cases

interface Case {
	op: Operation;
	route: Route;
	spec: FaultSpec;
	/** once: the fault hits the first request on the route only; always: every request on it. */
	variant: 'once' | 'always';
	label: string;
}

function retried(spec: FaultSpec, route: Route): boolean {
	return spec.retry === 'always' || (spec.retry === 'idempotent' && route !== 'create');
}

function casesFor(op: Operation, route: Route): Case[] {
	const specs = [...FAULTS, ...(route === op.write ? AFTER_FAULTS : [])];
	return specs.flatMap((spec) => {
		const variants: Array<Case['variant']> = retried(spec, route) ? ['once', 'always'] : ['once'];
		return variants.map((variant) => ({
			op,
			route,
			spec,
			variant,
			label: `${spec.label}, ${variant === 'once' ? 'once' : 'on every attempt'}`,
		}));
	});
}

const allCases = operations.flatMap((op) => op.routes.map((route) => casesFor(op, route)).flat());

// ---------------------------------------------------------------- running the cases

/**
 * All cases are started up front (a few at a time, each on a sandbox of its own); every test then
 * awaits its own case's observation and checks it. Waiting (timeouts, backoff) overlaps, so the ~500
 * cases take seconds, not minutes.
 */
const CONCURRENCY = 8;
const DELAY_CONCURRENCY = 14;
const pool = new SandboxPool();
/** The list-size cases move over 50 MB each: they run alone, never next to a case with a short timeout. */
const stalls = new SharedLock();

/** What a user could see after one case: the run, the requests Assistable got, the contacts. */
interface Observation {
	result: AssistableRun;
	requests: RecordedRequest[];
	before: Contact[];
	after: Contact[];
}

const observations = new Map<Case, Promise<Observation>>();

const summary = {
	/** The matrix, plus the three Retry-After cases at the end. */
	casesPlanned: allCases.length + 3,
	casesRun: 0,
	succeeded: 0,
	errorItems: 0,
	faultsTried: [...new Set(allCases.map((c) => c.spec.label))].sort(),
	operations: operations.map((op) => op.name),
	requestsSent: 0,
	retriedRequests: 0,
	tagsLost: 0,
	duplicateCreates: 0,
	keyLeaks: 0,
	crashMessages: 0,
	durationMs: 0,
};
const started = performance.now();

const kindOf = (c: Case) => c.spec.fault(c.route).kind;
function leavesDoubt(c: Case): boolean {
	if (c.route !== c.op.write) return false;
	const fault = c.spec.fault(c.route);
	return (
		c.spec.phase === 'after' ||
		fault.kind === 'delay' ||
		fault.kind === 'drop' ||
		(fault.kind === 'status' && [408, 500, 502, 503, 504].includes(fault.status))
	);
}
const isHeavy = (c: Case) => kindOf(c) === 'huge' && c.route === 'list';

/**
 * A held-back ('delay') request is still processed by the sandbox after the client gave up: before
 * the write it waits DELAY_MS, applies the change, then waits DELAY_MS again. Waits until the change is
 * in, and keeps the sandbox out of the pool until it has let go of the request.
 */
async function settle(sandbox: Sandbox, hold: (ms: number) => void): Promise<void> {
	const delayed = sandbox.requests.filter((r) => r.fault === 'delay');
	if (!delayed.length) return;
	const last = Math.max(...delayed.map((r) => r.startedAt));
	hold(last + 2 * DELAY_MS + 1000 - performance.now());
	if (delayed.some((r) => r.route === 'patch' || r.route === 'create'))
		await sleep(last + DELAY_MS + 400 - performance.now());
}

function observe(c: Case): Promise<Observation> {
	const body = () =>
		pool.with(demoSeed(), async (sandbox, hold) => {
			const before = sandbox.listContacts();
			sandbox.injectFault({
				route: c.route,
				fault: c.spec.fault(c.route),
				phase: c.spec.phase,
				times: c.variant === 'once' ? 1 : Infinity,
			});
			const timeout = kindOf(c) === 'delay' ? TIMEOUT_MS : RELAXED_TIMEOUT_MS;
			const result = await runAssistable({
				items: [{}],
				parameters: {
					resource: 'contact',
					...c.op.parameters,
					options: { maxAttempts: MAX_ATTEMPTS, timeout },
				},
				credentials: { apiKey: KEY, baseUrl: sandbox.url },
				onError: 'continueRegularOutput',
				typeVersion: 1, // the expected outputs below are version 1's ({ action, contact } for upsert)
			});
			await settle(sandbox, hold);
			// After a write whose outcome is unknown the process waits before writing that contact (or creating
			// that email) again, for up to 5 s: the next case on this sandbox (same API) starts after that.
			if (leavesDoubt(c)) hold(5_500);
			return {
				result,
				requests: structuredClone(sandbox.requests),
				before,
				after: sandbox.listContacts(),
			};
		});
	if (isHeavy(c)) return stalls.exclusive(body);
	if (kindOf(c) === 'delay') return stalls.shared(body);
	return body();
}

/** Runs `tasks` with at most `limit` at once, in order. */
function limited<T>(tasks: Array<() => Promise<T>>, limit: number): Array<Promise<T>> {
	let next = 0;
	const results = tasks.map(() => {
		let done!: { resolve: (v: T) => void; reject: (e: unknown) => void };
		const promise = new Promise<T>((resolve, reject) => (done = { resolve, reject }));
		promise.catch(() => undefined);
		return { promise, done };
	});
	const worker = async () => {
		while (next < tasks.length) {
			const index = next++;
			await tasks[index]().then(results[index].done.resolve, results[index].done.reject);
		}
	};
	for (let i = 0; i < limit; i++) void worker();
	return results.map((r) => r.promise);
}

beforeAll(async () => {
	await pool.start(DELAY_CONCURRENCY + CONCURRENCY + 8, {
		keys: [{ key: KEY, locations: '*' }],
		seed: demoSeed(),
	});
	const heavy = allCases.filter(isHeavy);
	const delayed = allCases.filter((c) => kindOf(c) === 'delay');
	const rest = allCases.filter((c) => !isHeavy(c) && kindOf(c) !== 'delay');
	const start = (cases: Case[], limit: number) => {
		const observed = limited(
			cases.map((c) => () => observe(c)),
			limit,
		);
		observed.forEach((promise, i) => observations.set(cases[i], promise));
		return observed;
	};
	// The delay cases mostly wait, so many run at once; the others mostly compute. The list-size cases
	// run one after another once the short-timeout (delay) cases are done.
	const delays = start(delayed, DELAY_CONCURRENCY);
	start(rest, CONCURRENCY);
	let chain: Promise<unknown> = Promise.allSettled(delays);
	for (const c of heavy) {
		const observed = chain.then(() => observe(c));
		observed.catch(() => undefined);
		observations.set(c, observed);
		chain = observed.catch(() => undefined);
	}
});

afterAll(async () => {
	await Promise.allSettled(observations.values());
	await pool.close();
	summary.durationMs = Math.round(performance.now() - started);
	writeArtifact('fault-matrix-summary.json', summary);
});

// ---------------------------------------------------------------- checks

const routesOf = (requests: RecordedRequest[]) => requests.map((r) => r.route);
const withoutStamp = ({ updated_at: _u, ...rest }: Contact) => rest;
const stripStamps = (value: unknown): unknown =>
	JSON.parse(JSON.stringify(value), (key, v: unknown) => (key === 'updated_at' ? undefined : v));
const withEmail = (contacts: Contact[], email: string) =>
	contacts.filter((c) => c.email?.toLowerCase() === email);

function check(c: Case, { result, requests, before, after }: Observation): void {
	const { op, route, spec, variant } = c;
	const adaBefore = before.find((x) => x.id === ada)!;
	const adaAfter = after.find((x) => x.id === ada)!;
	const isRetried = retried(spec, route);
	const attempts = isRetried ? MAX_ATTEMPTS : 1;
	const succeeds = isRetried && variant === 'once';
	const faulted = op.routes.indexOf(route);
	// A fault on a request after the write (Re-Check Tags' read): the write is in, the check failed.
	const afterWrite = op.write !== undefined && faulted > op.routes.indexOf(op.write);
	// The write reached Assistable: the run succeeded, or the fault hit the write itself after (or while)
	// Assistable applied it, or a later request. A held-back ('delay') request is still processed by the server.
	const applied =
		op.write !== undefined &&
		(succeeds ||
			afterWrite ||
			(route === op.write && (spec.phase === 'after' || kindOf(c) === 'delay')));

	// Bookkeeping for the summary, before any assertion can stop the case.
	summary.casesRun++;
	summary.requestsSent += requests.length;
	summary.retriedRequests += attempts - 1;
	const removedOnPurpose =
		applied && op.write === 'patch' ? (op.append ? ['newsletter'] : adaBefore.tags) : [];
	const lost = before.flatMap((contact) => {
		const now = after.find((a) => a.id === contact.id);
		const allowed = contact.id === ada ? removedOnPurpose : [];
		return contact.tags.filter((tag) => !allowed.includes(tag) && !now?.tags.includes(tag));
	});
	summary.tagsLost += lost.length;
	if (withEmail(after, NEW_EMAIL).length > 1 || withEmail(after, ADA_EMAIL).length > 1)
		summary.duplicateCreates++;
	if (result.serialized.includes(KEY)) summary.keyLeaks++;
	const errorItem = result.items[0]?.json as { error?: string; description?: string } | undefined;
	const errorText = `${errorItem?.error ?? ''}\n${errorItem?.description ?? ''}\n${result.error?.message ?? ''}\n${result.error?.description ?? ''}`;
	if (CRASH_TEXT.test(errorText)) summary.crashMessages++;
	if (succeeds) summary.succeeded++;
	else summary.errorItems++;

	// --- final state in Assistable
	expect(lost).toEqual([]);
	expect(withEmail(after, ADA_EMAIL)).toHaveLength(1);
	expect(withEmail(after, NEW_EMAIL).length).toBeLessThanOrEqual(1);
	if (!applied) {
		// Nothing was written: every contact is exactly as before, down to updated_at.
		expect(after).toEqual(before);
	} else if (op.write === 'patch') {
		expect(withoutStamp(adaAfter)).toEqual({
			...withoutStamp(adaBefore),
			first_name: 'Augusta',
			tags: op.append ? ['lead', 'vip'] : ['vip'],
		});
		expect(after.filter((x) => x.id !== ada)).toEqual(before.filter((x) => x.id !== ada));
	} else {
		// Exactly one new contact, even when the create was answered with a fault.
		const created = withEmail(after, NEW_EMAIL);
		expect(created).toHaveLength(1);
		expect(created[0]).toMatchObject({ location_id: LOC, first_name: 'Nova', tags: ['vip'] });
		expect(after.filter((x) => x.email !== NEW_EMAIL)).toEqual(before);
	}

	// --- requests Assistable received
	const expectedRoutes = [
		...op.routes.slice(0, faulted),
		...Array<Route>(attempts).fill(route),
		...(succeeds ? op.routes.slice(faulted + 1) : []),
	];
	expect(routesOf(requests)).toEqual(expectedRoutes);
	expect(requests.every((r) => r.authorization === `Bearer ${KEY}`)).toBe(true);
	const onRoute = requests.filter((r) => r.route === route);
	// A retry repeats the same request: same path, same body.
	for (const repeat of onRoute.slice(1)) {
		expect({ path: repeat.path, body: repeat.body }).toEqual({
			path: onRoute[0].path,
			body: onRoute[0].body,
		});
	}
	if (spec.retry === 'never') expect(onRoute).toHaveLength(1);
	if ((route === 'get' || route === 'list') && !succeeds && !afterWrite) {
		// A failed read is never followed by a write.
		expect(requests.filter((r) => r.route === 'patch' || r.route === 'create')).toEqual([]);
	}

	// --- the output
	expect(result.status).toBe('success');
	expect(result.items.every((item) => (item.pairedItem as { item: number }).item === 0)).toBe(true);
	if (succeeds) {
		const json = result.items.map((item) => item.json);
		expect(json.some((item) => 'error' in item)).toBe(false);
		const created = withEmail(after, NEW_EMAIL)[0];
		const expected: Record<Effect, () => unknown[]> = {
			update: () => [adaAfter],
			'upsert-update': () => [{ action: 'updated', contact: adaAfter }],
			'upsert-create': () => [{ action: 'created', contact: created }],
			create: () => [created],
			get: () => [adaAfter],
			getAll: () => after.filter((x) => x.location_id === LOC),
		};
		if (route === op.write && kindOf(c) === 'delay' && spec.phase === 'before') {
			// The held-back first attempt reached Assistable after the retry was answered, so the contact's
			// updated_at moved on once more; everything else is what the node returned.
			expect(stripStamps(json)).toEqual(stripStamps(expected[op.effect]()));
		} else {
			expect(json).toEqual(expected[op.effect]());
		}
	} else {
		expect(result.items).toHaveLength(1);
		expect(errorItem?.error).toMatch(spec.message(route));
		if (afterWrite)
			expect(errorItem?.error).toMatch(
				/^The update was applied, but re-checking its tags failed: /,
			);
		if (isRetried) expect(errorItem?.error).toMatch(new RegExp(`after ${MAX_ATTEMPTS} attempts`));
		else expect(errorItem?.error).not.toMatch(/after \d+ attempts?/);
		if (route === 'create' && !isRetried && /^(drop|delay|500)/.test(spec.label)) {
			// The create may have reached Assistable: the user is told to check before running it again.
			expect(errorItem?.description).toMatch(/may or may not have been created/);
		}
	}
	expect(errorText).not.toMatch(CRASH_TEXT);

	// --- the key
	expect(result.serialized).not.toContain(KEY);
	expect(errorText).not.toContain(KEY);
}

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
