/**
 * The fault matrix's rows for Make Call (a phone call is not idempotent): every fault the sandbox can
 * inject on POST /ghl/make-call, before or after Assistable placed the call. What a user checks: how
 * many calls reached the person (never two, even when the same item runs again), whether the node
 * retried (only a 429 or a refused connection), the error they see (the call may or may not have been
 * placed, and what to check), and that the API key is nowhere in the run.
 */
import type { Fault } from '../../sandbox/server';
import { DEMO_LOCATION_ID, startSandbox } from '../../sandbox/server';
import { state } from '../../nodes/Assistable/shared/state';
import { skippingClock } from '../harness/clock';
import { expectIdle } from '../harness/idle';
import { useSandbox } from '../harness/sandbox-fixture';
import { runAssistable } from '../harness/workflow';
import { CRASH_TEXT, sleep } from './matrix-support';

const KEY = 'asst_SECRET_call_matrix_7e6d5c';
const LEAK = `Injected failure for Bearer ${KEY}`;
const TIMEOUT_MS = 500;
const DELAY_MS = 1000;
const MAX_ATTEMPTS = 3;

const sandbox = useSandbox({ keys: [{ key: KEY, locations: '*' }] });
beforeEach(() => state.reset());
afterEach(() => {
	state.useClock();
	expectIdle();
});

let contactSeq = 0;
function makeCall(contact: string, baseUrl = sandbox.url, timeout = 15_000) {
	return runAssistable({
		items: [{}],
		parameters: {
			resource: 'call',
			operation: 'make',
			assistantId: 'asst_matrix',
			ghlLocationId: DEMO_LOCATION_ID,
			ghlContactId: contact,
			options: { maxAttempts: MAX_ATTEMPTS, timeout },
		},
		credentials: { apiKey: KEY, baseUrl },
		onError: 'continueRegularOutput',
	});
}

interface Row {
	label: string;
	fault: Fault;
	phase: 'before' | 'after';
	/** Whether Assistable placed the call (the handler ran). */
	placed: boolean;
	/** The error's message after "The call may or may not have been placed: " (undefined: definite). */
	doubt?: RegExp;
	definite?: RegExp;
}

const status = (code: number): Fault => ({ kind: 'status', status: code, body: { message: LEAK } });
const ambiguous = (label: string, fault: Fault, phase: Row['phase'], doubt: RegExp): Row => ({
	label: `${label}, ${phase} the call is placed`,
	fault,
	phase,
	placed: phase === 'after' || fault.kind === 'delay',
	doubt,
});

const ROWS: Row[] = [
	...[500, 502, 503, 504].flatMap((code) =>
		(['before', 'after'] as const).map((phase) =>
			ambiguous(`${code}`, status(code), phase, new RegExp(`server error \\(${code}\\)`)),
		),
	),
	ambiguous('408', status(408), 'before', /rejected the request \(408\)/),
	ambiguous(
		'delay past the timeout',
		{ kind: 'delay', ms: DELAY_MS },
		'before',
		/did not answer within 500 ms/,
	),
	ambiguous('drop', { kind: 'drop' }, 'before', /could not be reached/),
	ambiguous('drop', { kind: 'drop' }, 'after', /could not be reached/),
	ambiguous(
		'malformed',
		{ kind: 'malformed' },
		'after',
		/answered 200 with a body that is not JSON/,
	),
	ambiguous(
		'truncated',
		{ kind: 'truncated' },
		'after',
		/answered 200 with a body that is not JSON/,
	),
	ambiguous(
		'wrong-shape',
		{ kind: 'wrong-shape' },
		'after',
		/answered Make Call with an unexpected shape/,
	),
	ambiguous('huge', { kind: 'huge', bytes: 2 * 1024 * 1024 }, 'after', /answer is too large/),
	{
		label: '400',
		fault: status(400),
		phase: 'before',
		placed: false,
		definite: /rejected the request \(400\)/,
	},
	{
		label: '404',
		fault: status(404),
		phase: 'before',
		placed: false,
		definite: /no such route, assistant or location \(404\)/,
	},
	{
		label: '401',
		fault: status(401),
		phase: 'before',
		placed: false,
		definite: /rejected the API key \(401\)/,
	},
	{
		label: 'ok-false',
		fault: { kind: 'ok-false', error: LEAK },
		phase: 'before',
		placed: false,
		definite: /reported an error: Injected failure for Bearer \*\*\*/,
	},
];

describe.each(ROWS)('$label', (row) => {
	it('is sent once, the error says what happened, and running the item again never places a second call', async () => {
		const contact = `GhlMatrix${++contactSeq}`;
		sandbox.injectFault({ route: 'makeCall', fault: row.fault, phase: row.phase, times: 1 });
		const first = await makeCall(
			contact,
			sandbox.url,
			row.fault.kind === 'delay' ? TIMEOUT_MS : 15_000,
		);
		// A held-back request is still processed once the client gave up.
		if (row.fault.kind === 'delay') await sleep(DELAY_MS + 300);
		expect(sandbox.requests).toHaveLength(1);
		expect(sandbox.calls()).toHaveLength(row.placed ? 1 : 0);

		const [item] = first.items.map((i) => i.json);
		const text = `${item.error}\n${item.description}`;
		expect(item.description).toBeTruthy();
		expect(first.items[0].pairedItem).toEqual({ item: 0 });
		if (row.doubt) {
			expect(item.error).toMatch(/^The call may or may not have been placed: /);
			expect(item.error).toMatch(row.doubt);
			expect(item.description).toMatch(/has no endpoint to look a call up/);
			expect(item.description).toMatch(/will not make this call again/);
		} else {
			expect(item.error).toMatch(row.definite!);
			expect(item.error).not.toMatch(/may or may not/);
			if (row.fault.kind === 'ok-false')
				expect(item.description).toMatch(/^The call was not placed/);
		}
		expect(item.error).not.toMatch(/after \d+ attempts/);
		expect(text).not.toMatch(CRASH_TEXT);
		expect(first.serialized).not.toContain(KEY);

		// The same item again (a re-run, a duplicate webhook), fault-free now.
		const second = await makeCall(contact);
		const [again] = second.items.map((i) => i.json);
		if (row.doubt) {
			expect(sandbox.requests).toHaveLength(1);
			expect(again.error).toMatch(
				/^Not calling again: an earlier attempt .* may or may not have been placed$/,
			);
		} else {
			expect(again).toMatchObject({ skipped: false, callId: sandbox.calls()[0].call_id });
		}
		expect(sandbox.calls().length).toBeLessThanOrEqual(1);
		expect(second.serialized).not.toContain(KEY);
	}, 30_000);
});

describe('retried: the request never reached a phone', () => {
	const retryable: Fault = {
		kind: 'status',
		status: 429,
		headers: { 'retry-after': '0' },
		body: { message: LEAK },
	};

	it('429 once: retried, one call placed', async () => {
		sandbox.injectFault({ route: 'makeCall', fault: retryable, times: 1 });
		const run = await makeCall('GhlRetry429');
		expect(sandbox.requests.map((r) => r.status)).toEqual([429, 200]);
		expect(sandbox.calls()).toHaveLength(1);
		expect(run.items[0].json).toMatchObject({ skipped: false, callId: sandbox.calls()[0].call_id });
	});

	it('429 on every attempt: fails after Max Attempts, no call placed, no doubt', async () => {
		sandbox.injectFault({ route: 'makeCall', fault: retryable, times: Infinity });
		const run = await makeCall('GhlRetry429x');
		expect(sandbox.requests).toHaveLength(MAX_ATTEMPTS);
		expect(sandbox.calls()).toEqual([]);
		expect(run.items[0].json.error).toBe(
			`Assistable rate limit reached (429) (gave up after ${MAX_ATTEMPTS} attempts)`,
		);
		expect(run.serialized).not.toContain(KEY);
		sandbox.clearFaults();
		expect((await makeCall('GhlRetry429x')).items[0].json.skipped).toBe(false);
	});

	it('connection refused: retried until Assistable listens, then one call placed', async () => {
		const late = await startSandbox({ keys: [{ key: KEY, locations: '*' }] });
		const { port, url } = late;
		await late.close();
		const running = makeCall('GhlRefused', url);
		// The first attempt is refused at once; the next comes after at least 125 ms of backoff.
		await sleep(20);
		const restarted = await startSandbox({ port, keys: [{ key: KEY, locations: '*' }] });
		try {
			const run = await running;
			expect(run.items[0].json).toMatchObject({ skipped: false });
			expect(restarted.calls()).toHaveLength(1);
			expect(restarted.requests).toHaveLength(1);
		} finally {
			await restarted.close();
		}
	});

	it('connection refused on every attempt: says so, no doubt left', async () => {
		// The backoff between attempts only lets time pass.
		const clock = skippingClock();
		state.useClock(clock);
		const gone = await startSandbox();
		await gone.close();
		const run = await makeCall('GhlRefusedAll', gone.url);
		expect(run.items[0].json.error).toBe(
			`Assistable refused the connection after ${MAX_ATTEMPTS} attempts`,
		);
		expect(run.items[0].json.error).not.toMatch(/may or may not/);
		expect(clock.skippedMs()).toBeGreaterThan(0);
	});
});
