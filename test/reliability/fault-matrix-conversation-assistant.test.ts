/**
 * Fault matrix of the Conversation and Assistant routes: every fault the sandbox injects × each
 * operation (Add Message under both message-ID behaviours and both get-conversation readings), once
 * or on every attempt, before or (writes) after Assistable applied the request. Each case checks what
 * a user would: no message stored twice, no assistant or flow created twice, no reply generated
 * twice, every retry-safe request retried, the error a person sees, the key nowhere in the run.
 */
import type { IDataObject } from 'n8n-workflow';

import type { Fault, RecordedRequest, Sandbox, SandboxRoute as Route } from '../../sandbox/server';
import { DEMO_LOCATION_ID, demoSeed } from '../../sandbox/server';
import { DEMO_ASSISTANT_ID } from '../../sandbox/demo-data';
import { DEMO_CONVERSATION_ID, DEMO_GHL_CONTACT_ID } from '../../sandbox/conversations';
import type { AssistableRun } from '../harness/workflow';
import { runAssistable } from '../harness/workflow';
import { CRASH_TEXT, SandboxPool, sleep, writeArtifact } from './matrix-support';

const KEY = 'asst_SECRET_conv_matrix_key_5c4b';
const LOC = DEMO_LOCATION_ID;
const TIMEOUT_MS = 500;
const DELAY_MS = 1000;
const RELAXED_TIMEOUT_MS = 15_000;
const MAX_ATTEMPTS = 2;
const LEAK = `Injected failure for Bearer ${KEY}`;

type Kind = 'read' | 'message' | 'reply' | 'create' | 'idempotent-write';

interface Operation {
	name: string;
	resource: 'conversation' | 'assistant';
	route: Route;
	kind: Kind;
	parameters: IDataObject;
	behaviour?: Parameters<Sandbox['setBehaviour']>[0];
}

const MESSAGE = {
	operation: 'addMessage',
	locationId: LOC,
	conversationId: DEMO_CONVERSATION_ID,
	contactId: DEMO_GHL_CONTACT_ID,
	content: 'Tuesday works',
	channel: 'SMS',
};

const operations: Operation[] = [
	...(['contact_id', 'conversation_id'] as const).map((lookup): Operation => ({
		name: `conversation get, reading ${lookup}`,
		resource: 'conversation',
		route: 'get-conversation',
		kind: 'read',
		behaviour: { conversationLookup: lookup },
		parameters: {
			operation: 'get',
			locationId: LOC,
			contactId: DEMO_GHL_CONTACT_ID,
			conversationId: DEMO_CONVERSATION_ID,
		},
	})),
	...(['store-again', 'dedupe'] as const).flatMap((messageIds) =>
		(['contact_id', 'conversation_id'] as const).map((lookup): Operation => ({
			name: `add message, repeated IDs ${messageIds}, reading ${lookup}`,
			resource: 'conversation',
			route: 'create-message',
			kind: 'message',
			behaviour: { messageIds, conversationLookup: lookup },
			parameters: MESSAGE,
		})),
	),
	{
		name: 'generate reply',
		resource: 'conversation',
		route: 'chat-completion',
		kind: 'reply',
		parameters: {
			operation: 'reply',
			locationId: LOC,
			assistantId: DEMO_ASSISTANT_ID,
			contactId: DEMO_GHL_CONTACT_ID,
			conversationId: DEMO_CONVERSATION_ID,
			lastMessageId: 'msgDemo0000000000002',
			channel: 'SMS',
			input: 'Tuesday works',
		},
	},
	{
		name: 'assistant create',
		resource: 'assistant',
		route: 'create-assistant',
		kind: 'create',
		parameters: { operation: 'create', locationId: LOC, assistantFields: { name: 'Matrix' } },
	},
	{
		name: 'assistant create flow',
		resource: 'assistant',
		route: 'create-flow',
		kind: 'create',
		parameters: { operation: 'createFlow', locationId: LOC },
	},
	{
		name: 'assistant get',
		resource: 'assistant',
		route: 'get-assistant',
		kind: 'read',
		parameters: { operation: 'get', assistantId: DEMO_ASSISTANT_ID },
	},
	{
		name: 'assistant update',
		resource: 'assistant',
		route: 'update-assistant',
		kind: 'idempotent-write',
		parameters: {
			operation: 'update',
			assistantId: DEMO_ASSISTANT_ID,
			locationId: LOC,
			updateFields: { prompt: 'Matrix prompt' },
		},
	},
	{
		name: 'assistant delete',
		resource: 'assistant',
		route: 'delete-assistant',
		kind: 'idempotent-write',
		parameters: { operation: 'delete', assistantId: DEMO_ASSISTANT_ID },
	},
];

interface FaultSpec {
	label: string;
	fault: Fault;
	phase: 'before' | 'after';
	/** always: retried on every route (429); unclear: the request may have been applied; never: not retried. */
	retry: 'always' | 'unclear' | 'never';
	message: RegExp;
}

const status = (code: number, headers?: Record<string, string>): Fault => ({
	kind: 'status',
	status: code,
	headers,
	body: { message: LEAK },
});
const unclear = (label: string, fault: Fault, message: RegExp): FaultSpec => ({
	label,
	fault,
	phase: 'before',
	retry: 'unclear',
	message,
});
const FAULTS: FaultSpec[] = [
	{
		label: '429',
		fault: status(429, { 'retry-after': '0' }),
		phase: 'before',
		retry: 'always',
		message: /rate limit reached \(429\)/,
	},
	...[500, 502, 503, 504].map((code) =>
		unclear(`${code}`, status(code), new RegExp(`server error \\(${code}\\)`)),
	),
	unclear('408', status(408), /\(408\)/),
	unclear('delay', { kind: 'delay', ms: DELAY_MS }, /did not answer within/),
	unclear('drop', { kind: 'drop' }, /could not be reached/),
	...(
		[
			['400', status(400), /rejected the request \(400\)/],
			['404', status(404), /\(404\)/],
			['malformed', { kind: 'malformed' }, /not JSON/],
			['truncated', { kind: 'truncated' }, /not JSON/],
			['wrong-shape', { kind: 'wrong-shape' }, /unexpected shape|without its ID/],
			[
				'ok-false',
				{ kind: 'ok-false', error: LEAK },
				/reported an error: Injected failure for Bearer \*\*\*/,
			],
		] as Array<[string, Fault, RegExp]>
	).map(([label, fault, message]): FaultSpec => ({
		label,
		fault,
		phase: 'before',
		retry: 'never',
		message,
	})),
];
const AFTER: FaultSpec[] = FAULTS.filter((f) =>
	['500', 'delay', 'drop', 'malformed'].includes(f.label),
).map((f) => ({ ...f, label: `${f.label}, after it was applied`, phase: 'after' }));

interface Case {
	op: Operation;
	spec: FaultSpec;
	variant: 'once' | 'always';
}

const isWrite = (op: Operation) => op.kind !== 'read';
/** Whether the request layer itself repeats the request after this fault. */
const layerRetries = (op: Operation, spec: FaultSpec) =>
	spec.retry === 'always' ||
	(spec.retry === 'unclear' && (op.kind === 'read' || op.kind === 'idempotent-write'));
const cases: Case[] = operations.flatMap((op) =>
	[...FAULTS, ...(isWrite(op) ? AFTER : [])].flatMap((spec) =>
		(layerRetries(op, spec) || (op.kind === 'message' && spec.retry === 'unclear')
			? (['once', 'always'] as const)
			: (['once'] as const)
		).map((variant) => ({ op, spec, variant })),
	),
);

interface Observation {
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
const observations = new Map<Case, Promise<Observation>>();
const summary = {
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

beforeAll(async () => {
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
});

afterAll(async () => {
	await Promise.allSettled(observations.values());
	await pool.close();
	writeArtifact('fault-matrix-conversation-assistant-summary.json', summary);
});

function check(c: Case, o: Observation): void {
	const { op, spec, variant } = c;
	const onRoute = o.requests.filter((r) => r.route === op.route);
	const errorItem = o.result.items[0]?.json as { error?: string; description?: string };
	const errorText = `${errorItem?.error ?? ''}\n${errorItem?.description ?? ''}`;
	const applied = spec.phase === 'after' || spec.fault.kind === 'delay';
	if (new Set(o.newMessages).size < o.newMessages.length) summary.messagesStoredTwice++;
	if (o.newAssistants > 1 || o.flows > 1) summary.createdTwice++;
	if (o.completions > 1) summary.repliesTwice++;
	if (o.result.serialized.includes(KEY)) summary.keyLeaks++;

	// Nothing happens twice, whatever the fault.
	expect(o.newMessages.length).toBeLessThanOrEqual(1);
	expect(o.newAssistants).toBeLessThanOrEqual(1);
	expect(o.flows).toBeLessThanOrEqual(1);
	expect(o.completions).toBeLessThanOrEqual(1);
	// Every attempt repeats the same request.
	for (const repeat of onRoute.slice(1))
		expect({ query: repeat.query, body: repeat.body }).toEqual({
			query: onRoute[0].query,
			body: onRoute[0].body,
		});
	expect(o.result.status).toBe('success');
	expect(o.result.items.map((i) => i.pairedItem)).toEqual([{ item: 0 }]);
	expect(o.result.serialized).not.toContain(KEY);
	expect(errorText).not.toMatch(CRASH_TEXT);

	if (op.kind === 'message') {
		const sends = onRoute.length;
		const reads = o.requests.filter((r) => r.route === 'get-conversation').length;
		if (spec.retry === 'always') {
			// A 429: retried by the request layer, no read needed.
			expect(reads).toBe(0);
			expect(sends).toBe(variant === 'once' ? 2 : MAX_ATTEMPTS);
		} else if (spec.retry === 'unclear') {
			// Each unclear send is followed by a read of the conversation; a send again only when it is absent.
			expect(reads).toBe(variant === 'once' || applied ? 1 : MAX_ATTEMPTS);
			expect(sends).toBe(variant === 'once' && !applied ? 2 : applied ? 1 : MAX_ATTEMPTS);
		} else {
			expect(sends).toBe(1);
			expect(reads).toBe(0);
		}
		const succeeds =
			(spec.retry !== 'never' && variant === 'once') || (spec.retry === 'unclear' && applied);
		if (succeeds) {
			expect(errorItem.error).toBeUndefined();
			expect(o.newMessages).toEqual([o.result.items[0].json.messageId]);
		} else {
			expect(errorItem.error).toMatch(spec.message);
			if (spec.retry === 'unclear')
				expect(errorItem.description).toMatch(/may or may not have been stored/);
		}
		return;
	}

	const retried = layerRetries(op, spec);
	expect(onRoute).toHaveLength(retried ? MAX_ATTEMPTS : 1);
	const succeeds = retried && variant === 'once';
	if (succeeds) {
		expect(errorItem.error).toBeUndefined();
	} else {
		expect(errorItem.error).toMatch(spec.message);
		if (retried) expect(errorItem.error).toMatch(/after 2 attempts/);
	}
	if (op.route === 'delete-assistant' && succeeds && spec.phase === 'after') {
		// Archived, answer lost; the retry met 404, which counts as done by this item.
		expect(o.result.items[0].json).toMatchObject({
			deleted: true,
			note: expect.stringMatching(/archived/),
		});
	}
	if (op.kind === 'create' || op.kind === 'reply') {
		const made =
			op.kind === 'reply' ? o.completions : op.route === 'create-flow' ? o.flows : o.newAssistants;
		expect(made).toBe(succeeds || applied ? 1 : 0);
		if (spec.retry === 'unclear')
			expect(errorItem.description).toMatch(/may or may not have (been created|replied)/);
	}
	if (op.route === 'update-assistant')
		expect(o.prompt).toBe(
			succeeds || applied ? 'Matrix prompt' : 'You book demo calls for Example Co.',
		);
	if (op.route === 'delete-assistant') expect(o.archived).toBe(succeeds || applied);
}

describe.each(operations)('$name', (op) => {
	it.each(cases.filter((c) => c.op === op).map((c) => [`${c.spec.label}, ${c.variant}`, c]))(
		'%s',
		async (_label, c) => {
			check(c as Case, await observations.get(c as Case)!);
		},
		120_000,
	);
});
