/**
 * The sandbox, key and run() of the retry, ordering and rate-limit tests (retries.test.ts, ordering.test.ts,
 * rate-limiting.test.ts): each test file that calls useRetrySandbox() gets a sandbox of its own.
 */
import type { IDataObject } from 'n8n-workflow';

import { state } from '../../nodes/Assistable/shared/state';
import { useSandbox } from '../harness/sandbox-fixture';
import { contactRunner } from '../harness/workflow';

export const KEY = 'asst_SECRET_retry_key_5c4b3a';

export function useRetrySandbox() {
	const sandbox = useSandbox({ keys: [{ key: KEY, locations: '*' }] });
	// Each test starts as a new process: no pace or pause learnt from an earlier test's 429s.
	beforeEach(() => state.reset());
	const runner = contactRunner(sandbox, { apiKey: KEY, onError: 'continueRegularOutput' });

	async function run(
		operation: string,
		parameters: IDataObject,
		items?: IDataObject[],
		baseUrl?: string,
	) {
		const result = await runner(operation, parameters, { items, baseUrl });
		// Whatever happened, the key is nowhere in what n8n stores.
		expect(result.serialized).not.toContain(KEY);
		return result;
	}
	const on = (route: string) => sandbox.requests.filter((r) => r.route === route);
	return { sandbox, run, on };
}
