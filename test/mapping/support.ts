import type { IDataObject, IWorkflowSettings } from 'n8n-workflow';

import type { Sandbox, SandboxBehaviour } from '../../sandbox/server';
import { DEMO_API_KEY, demoSeed, startSandbox } from '../../sandbox/server';
import { runAssistable } from '../harness/workflow';

/** A sandbox with the demo contacts for one test file, reset before each test. */
export function useSandbox(behaviour: Partial<SandboxBehaviour> = {}): { sandbox: () => Sandbox } {
	let sandbox: Sandbox;
	beforeAll(async () => {
		sandbox = await startSandbox({ seed: demoSeed(), behaviour });
	});
	afterAll(async () => sandbox.close());
	beforeEach(() => sandbox.reset(demoSeed()));
	return { sandbox: () => sandbox };
}

export interface RunOptions {
	items?: IDataObject[];
	settings?: IWorkflowSettings;
	baseUrl?: string;
	onError?: 'continueRegularOutput';
}

/** Runs the Assistable node in a real workflow (webhook-like source -> node) against the sandbox. */
export function runNode(
	sandbox: Sandbox,
	operation: string,
	parameters: IDataObject,
	options: RunOptions = {},
) {
	return runAssistable({
		items: options.items ?? [{}],
		parameters: { resource: 'contact', operation, ...parameters },
		credentials: { apiKey: DEMO_API_KEY, baseUrl: options.baseUrl ?? sandbox.url },
		onError: options.onError,
		settings: options.settings,
	});
}

export const bodiesOf = (sandbox: Sandbox, route: string) =>
	sandbox.requests.filter((r) => r.route === route).map((r) => r.body as IDataObject);
