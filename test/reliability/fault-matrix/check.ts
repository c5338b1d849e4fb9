/** The fault matrix (../fault-matrix.test.ts): what a user would check after each case. */

import type { Contact, RecordedRequest, SandboxRoute as Route } from '../../../sandbox/server';
import { CRASH_TEXT } from '../matrix-support';
import { KEY, LOC, ADA_EMAIL, NEW_EMAIL, MAX_ATTEMPTS, Effect, ada } from './operations';
import { Case, retried } from './faults';
import { Observation, summary, kindOf } from './run';
// ---------------------------------------------------------------- checks

const routesOf = (requests: RecordedRequest[]) => requests.map((r) => r.route);
const withoutStamp = ({ updated_at: _u, ...rest }: Contact) => rest;
const stripStamps = (value: unknown): unknown =>
	JSON.parse(JSON.stringify(value), (key, v: unknown) => (key === 'updated_at' ? undefined : v));
const withEmail = (contacts: Contact[], email: string) =>
	contacts.filter((c) => c.email?.toLowerCase() === email);

export function check(c: Case, { result, requests, before, after }: Observation): void {
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
	// A PATCH that merges onto a read goes out (or is retried) on that read only while it is about one
	// round trip old; after that (a retry's backoff, or a busy machine between the read and the send)
	// it is merged again onto a fresh GET, at most twice: before the first PATCH a GET then followed
	// by another GET, after it a GET right before a PATCH.
	const rebuilt = route === 'patch' && op.routes[faulted - 1] === 'get';
	const received = routesOf(requests);
	const firstPatch = received.indexOf('patch');
	const isReread = (r: string, i: number) =>
		rebuilt && r === 'get' && received[i + 1] === (i < firstPatch ? 'get' : 'patch');
	expect(received.filter((r, i) => !isReread(r, i))).toEqual(expectedRoutes);
	// How many depends on how old the read is by then, against the round trip measured (test/workflow/
	// merge-state.test.ts checks a retry after a backoff reads again).
	const rereads = received.filter(isReread).length;
	expect(rereads).toBeLessThanOrEqual(2);
	// A read withdrawn before the first PATCH had got older than the 10 ms floor: no double read.
	for (let i = 0; i < firstPatch; i++)
		if (isReread(received[i], i))
			expect(requests[i + 1].startedAt - requests[i].endedAt).toBeGreaterThan(8);
	expect(received.filter((r, i) => i > firstPatch && isReread(r, i)).length).toBeLessThanOrEqual(
		attempts - 1,
	);
	expect(requests.every((r) => r.authorization === `Bearer ${KEY}`)).toBe(true);
	const onRoute = requests.filter((r) => r.route === route);
	// A retry repeats the same request: same path, same body (a merge made again finds the same state).
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
