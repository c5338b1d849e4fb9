/**
 * Two n8n processes (queue-mode workers, or two mains behind a load balancer) append tags to one
 * contact at the same time. They share nothing but the API, so no lock holds across them: what must
 * hold is that no tag is lost silently. Each process is its own instance of the node's modules.
 */
import type { INodeTypes } from 'n8n-workflow';

import { DEMO_CONTACT_IDS } from '../../sandbox/server';
import { expectIdle } from '../harness/idle';
import { useSandbox } from '../harness/sandbox-fixture';
import type { AssistableRun } from '../harness/workflow';
import { nodeTypesOf, runContact } from '../harness/workflow';

const { ada } = DEMO_CONTACT_IDS;
const PER_PROCESS = 10;
const sandbox = useSandbox({ behaviour: { latencyMs: 20 } });
// This process's state; the other process's is its own module instance.
afterEach(expectIdle);
let otherProcess: INodeTypes;

beforeAll(() => {
	jest.isolateModules(() => {
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		const { Assistable } = require('../../nodes/Assistable/Assistable.node');
		otherProcess = nodeTypesOf({ 'n8n-nodes-assistable.assistable': new Assistable() });
	});
});

/** Both processes at once, each running PER_PROCESS executions that append their own tag. */
async function burst(recheckTags: boolean) {
	const append = (tag: string, nodeTypes?: INodeTypes) =>
		runContact(
			sandbox,
			'update',
			{ contactId: ada, updateFields: { tags: tag }, options: { recheckTags } },
			{ onError: 'continueRegularOutput', nodeTypes },
		);
	const tags = Array.from({ length: 2 * PER_PROCESS }, (_, i) => `${i % 2 ? 'b' : 'a'}${i >> 1}`);
	const runs: AssistableRun[] = await Promise.all(
		tags.map((tag, i) => append(tag, i % 2 ? otherProcess : undefined)),
	);
	const final = sandbox.getContact(ada)!.tags;
	const reported = runs.map((run) => run.items[0]?.json.error !== undefined);
	return {
		lostSilently: tags.filter((tag, i) => !reported[i] && !final.includes(tag)),
		reported: reported.filter(Boolean).length,
	};
}

describe('two processes appending to one contact at once', () => {
	it('with Re-Check Tags (the default): no tag is lost silently', async () => {
		const { lostSilently, reported } = await burst(true);
		expect(lostSilently).toEqual([]);
		// Re-checks re-apply what the other process's merge removed; at most a few items give up.
		expect(reported).toBeLessThanOrEqual(2);
	});

	it('without it, the other process merges onto an older state and tags are lost silently', async () => {
		const { lostSilently } = await burst(false);
		expect(lostSilently.length).toBeGreaterThan(0);
	});
});
