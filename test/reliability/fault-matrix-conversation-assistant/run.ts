/** The Conversation and Assistant fault matrix: running the cases, each on a sandbox of its own. */

import type { RecordedRequest } from '../../../sandbox/server';
import { demoSeed } from '../../../sandbox/server';
import { DEMO_ASSISTANT_ID } from '../../../sandbox/demo-data';
import { DEMO_CONVERSATION_ID } from '../../../sandbox/conversations';
import type { AssistableRun } from '../../harness/workflow';
import { runAssistable } from '../../harness/workflow';
import { SandboxPool, sleep, writeArtifact } from '../matrix-support';
import { KEY, TIMEOUT_MS, DELAY_MS, RELAXED_TIMEOUT_MS, MAX_ATTEMPTS, Case, cases } from './cases';
export interface Observation {
	result: AssistableRun;
	requests: RecordedRequest[];
	newMessages: string[];
	newAssistants: number;
	flows: number;
	completions: number;
	archived: boolean;
	prompt: string | null;
}

const pool = new SandboxPool();
export const observations = new Map<Case, Promise<Observation>>();
export const summary = {
	cases: cases.length,
	messagesStoredTwice: 0,
	createdTwice: 0,
	repliesTwice: 0,
	keyLeaks: 0,
};

async function observe(c: Case): Promise<Observation> {
	return await pool.with(demoSeed(), async (sandbox, hold) => {
		if (c.op.behaviour) sandbox.setBehaviour(c.op.behaviour);
		sandbox.injectFault({
			route: c.op.route,
			fault: c.spec.fault,
			phase: c.spec.phase,
			times: c.variant === 'once' ? 1 : Infinity,
		});
		const timeout = c.spec.fault.kind === 'delay' ? TIMEOUT_MS : RELAXED_TIMEOUT_MS;
		const result = await runAssistable({
			items: [{}],
			parameters: {
				resource: c.op.resource,
				...c.op.parameters,
				// Each case replies to a message of its own: the node remembers replies per process.
				...(c.op.kind === 'reply' ? { lastMessageId: `msgCase${cases.indexOf(c)}` } : {}),
				options: { maxAttempts: MAX_ATTEMPTS, timeout },
			},
			credentials: { apiKey: KEY, baseUrl: sandbox.url },
			onError: 'continueRegularOutput',
		});
		// A held-back request still reaches the handler DELAY_MS after it arrived.
		const delayed = sandbox.requests.filter((r) => r.fault === 'delay');
		if (delayed.length) {
			const last = Math.max(...delayed.map((r) => r.startedAt));
			await sleep(last + DELAY_MS + 300 - performance.now());
			hold(2 * DELAY_MS);
		}
		const assistant = sandbox.getAssistant(DEMO_ASSISTANT_ID)!;
		return {
			result,
			requests: structuredClone(sandbox.requests),
			newMessages: sandbox
				.getConversation(DEMO_CONVERSATION_ID)!
				.messages.slice(2)
				.map((m) => m.message_id),
			newAssistants: sandbox.listAssistants().length - 1,
			flows: sandbox.listFlows().length,
			completions: sandbox.listCompletions().length,
			archived: assistant.archived,
			prompt: assistant.prompt,
		};
	});
}

/** Starts every case, ten at a time; each test awaits its own case's observation. */
export async function observeAll(): Promise<void> {
	await pool.start(12, { keys: [{ key: KEY, locations: '*' }], seed: demoSeed() });
	let next = 0;
	const tasks = cases.map(() => {
		let settle!: (o: Promise<Observation>) => void;
		const promise = new Promise<Observation>((resolve) => (settle = resolve));
		promise.catch(() => undefined);
		return { promise, settle };
	});
	cases.forEach((c, i) => observations.set(c, tasks[i].promise));
	const worker = async () => {
		while (next < cases.length) {
			const i = next++;
			const observed = observe(cases[i]);
			tasks[i].settle(observed);
			await observed.catch(() => undefined);
		}
	};
	for (let i = 0; i < 10; i++) void worker();
}

/** Waits for every case, closes the sandboxes and writes the summary. */
export async function closeAll(): Promise<void> {
	await Promise.allSettled(observations.values());
	await pool.close();
	writeArtifact('fault-matrix-conversation-assistant-summary.json', summary);
}
