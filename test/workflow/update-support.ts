/** The set-up of the Contact → Update tests: the sandbox, the run and its views of the requests. */
import type { IDataObject } from 'n8n-workflow';

import { useSandbox } from '../harness/sandbox-fixture';
import { contactRunner } from '../harness/workflow';

export function useUpdateSandbox() {
	const sandbox = useSandbox();
	const contact = contactRunner(sandbox);
	/** Contact → Update with these parameters. */
	const run = (parameters: object, items?: IDataObject[], onError?: 'continueRegularOutput') =>
		contact('update', parameters as IDataObject, { items, onError });

	const patches = () => sandbox.requests.filter((r) => r.method === 'PATCH');
	const reads = () => sandbox.requests.filter((r) => r.route === 'get');
	/** Reads made for a merge: before the contact's first PATCH (later ones are the tag check's). */
	const mergeReads = () =>
		reads().filter(
			(r) => !patches().some((p) => p.params.contactId === r.params.contactId && p.seq < r.seq),
		);
	return { sandbox, contact, run, patches, reads, mergeReads };
}
