/**
 * Fault matrix of the Conversation and Assistant routes: every fault the sandbox injects × each
 * operation (Add Message under both message-ID behaviours and both get-conversation readings), once
 * or on every attempt, before or (writes) after Assistable applied the request. Each case checks what
 * a user would: no message stored twice, no assistant or flow created twice, no reply generated
 * twice, every retry-safe request retried, the error a person sees, the key nowhere in the run.
 */

import { operations, Case, cases } from './fault-matrix-conversation-assistant/cases';
import { observations, observeAll, closeAll } from './fault-matrix-conversation-assistant/run';
import { check } from './fault-matrix-conversation-assistant/check';

beforeAll(observeAll);
afterAll(closeAll);

describe.each(operations)('$name', (op) => {
	it.each(cases.filter((c) => c.op === op).map((c) => [`${c.spec.label}, ${c.variant}`, c]))(
		'%s',
		async (_label, c) => {
			check(c as Case, await observations.get(c as Case)!);
		},
		120_000,
	);
});
