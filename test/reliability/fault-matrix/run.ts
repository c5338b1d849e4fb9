/** The fault matrix (../fault-matrix.test.ts): running the cases, each on a sandbox of its own. */

import type { Contact, RecordedRequest, Sandbox } from '../../../sandbox/server';
import { demoSeed } from '../../../sandbox/server';
import type { AssistableRun } from '../../harness/workflow';
import { runAssistable } from '../../harness/workflow';
import { SandboxPool, SharedLock, sleep, writeArtifact } from '../matrix-support';
import {
	KEY,
	TIMEOUT_MS,
	DELAY_MS,
	RELAXED_TIMEOUT_MS,
	MAX_ATTEMPTS,
	operations,
} from './operations';
import { Case, allCases } from './faults';
// ---------------------------------------------------------------- running the cases

/**
 * All cases are started up front (a few at a time, each on a sandbox of its own); every test then
 * awaits its own case's observation and checks it. Waiting (timeouts, backoff) overlaps, so the ~500
 * cases take seconds, not minutes.
 */
const CONCURRENCY = 8;
const DELAY_CONCURRENCY = 14;
export const pool = new SandboxPool();
/** The list-size cases move over 50 MB each: they run alone, never next to a case with a short timeout. */
const stalls = new SharedLock();

/** What a user could see after one case: the run, the requests Assistable got, the contacts. */
export interface Observation {
	result: AssistableRun;
	requests: RecordedRequest[];
	before: Contact[];
	after: Contact[];
}

export const observations = new Map<Case, Promise<Observation>>();

export const summary = {
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

export const kindOf = (c: Case) => c.spec.fault(c.route).kind;
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

/** Starts every case (see above); each test awaits its own case's observation. */
export async function observeAll(): Promise<void> {
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
}

/** Waits for every case, closes the sandboxes and writes the summary. */
export async function closeAll(): Promise<void> {
	await Promise.allSettled(observations.values());
	await pool.close();
	summary.durationMs = Math.round(performance.now() - started);
	writeArtifact('fault-matrix-summary.json', summary);
}
