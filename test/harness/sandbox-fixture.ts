/**
 * The sandbox of one test file: started before its first test, reset to its seed (the demo contacts by
 * default) before each test, closed after its last. `useSandbox()` returns the live sandbox at once, so a
 * test file can write `const sandbox = useSandbox()` at the top and use `sandbox.url`,
 * `sandbox.requests` etc. in its tests and hooks. Jest only (it registers hooks): tsconfig.tools.json,
 * which builds the rest of test/harness for the bench, leaves this file out.
 */
import type { Contact, RecordedRequest, Sandbox, SandboxOptions } from '../../sandbox/server';
import { demoSeed, startSandbox } from '../../sandbox/server';

export interface SandboxFixtureOptions extends Omit<SandboxOptions, 'seed' | 'onRequest'> {
	/** The contacts at the start of each test (default: the demo contacts). */
	seed?: () => Partial<Contact>[];
}

export interface LiveSandbox extends Sandbox {
	/** Called once per request when it is over; cleared before each test. */
	onRequest?: (r: RecordedRequest) => void;
}

export function useSandbox(options: SandboxFixtureOptions = {}): LiveSandbox {
	const seed = options.seed ?? demoSeed;
	let current: Sandbox | undefined;
	let onRequest: LiveSandbox['onRequest'];

	beforeAll(async () => {
		current = await startSandbox({ ...options, seed: seed(), onRequest: (r) => onRequest?.(r) });
	});
	beforeEach(() => {
		current?.reset(seed());
		onRequest = undefined;
	});
	afterAll(async () => {
		await current?.close();
		current = undefined;
	});

	return new Proxy({} as LiveSandbox, {
		get(_target, property) {
			if (property === 'onRequest') return onRequest;
			if (property === 'then') return undefined; // not a promise
			if (!current)
				throw new Error(`sandbox.${String(property)} read outside the test file's tests and hooks`);
			return Reflect.get(current, property);
		},
		set(_target, property, value) {
			if (property !== 'onRequest') return false;
			onRequest = value;
			return true;
		},
	});
}
