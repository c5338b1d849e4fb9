/** One operation of a resource, run as an n8n workflow against a test file's sandbox with the demo API key. */
import type { IDataObject } from 'n8n-workflow';

import { DEMO_API_KEY } from '../../sandbox/server';
import { runAssistable } from '../harness/workflow';

/** `run(operation, parameters, items, onFail)`: onFail sets Continue (using regular output). */
export function resourceRunner(sandbox: { url: string }, resource: string) {
	return (
		operation: string,
		parameters: IDataObject,
		items: IDataObject[] = [{}],
		onFail = false,
	) =>
		runAssistable({
			items,
			parameters: { resource, operation, ...parameters },
			credentials: { apiKey: DEMO_API_KEY, baseUrl: sandbox.url },
			onError: onFail ? 'continueRegularOutput' : undefined,
		});
}
