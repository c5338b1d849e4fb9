/**
 * The sandbox and one-execution runner of the execution tests (executions.test.ts, one-execution.test.ts,
 * other-writer.test.ts): each test file that calls useExecutionSandbox() gets a sandbox of its own, with
 * latency, and checks after each test that nothing is left held in the process.
 */
import type { IDataObject } from 'n8n-workflow';

import { state } from '../../nodes/Assistable/shared/state';
import type { AssistableRun } from '../harness/workflow';
import { expectIdle } from '../harness/idle';
import { useSandbox } from '../harness/sandbox-fixture';
import { contactRunner } from '../harness/workflow';

const KEY = 'asst_SECRET_burst_key_1a2b3c';
export const onError = (continueOnFail: boolean) =>
	continueOnFail ? 'continueRegularOutput' : undefined;

export function useExecutionSandbox() {
	const sandbox = useSandbox({
		keys: [{ key: KEY, locations: '*' }],
		behaviour: { latencyMs: 20 },
	});
	const runner = contactRunner(sandbox, { apiKey: KEY });
	afterEach(() => {
		state.useClock();
		expectIdle();
	});

	/** One execution: a webhook-shaped item into the Assistable node. */
	const execution = (
		operation: string,
		parameters: IDataObject,
		item: IDataObject = {},
		continueOnFail = false,
	) => runner(operation, parameters, { items: [item], onError: onError(continueOnFail) });
	const on = (route: string) => sandbox.requests.filter((r) => r.route === route);
	function noKeyIn(runs: AssistableRun[]) {
		for (const run of runs) expect(run.serialized).not.toContain(KEY);
	}
	return { sandbox, runner, execution, on, noKeyIn };
}
