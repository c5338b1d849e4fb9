/** The Conversation and Assistant fault matrix (../fault-matrix-conversation-assistant.test.ts): operations, faults and cases. */
import type { IDataObject } from 'n8n-workflow';

import type { Fault, Sandbox, SandboxRoute as Route } from '../../../sandbox/server';
import { DEMO_LOCATION_ID } from '../../../sandbox/server';
import { DEMO_ASSISTANT_ID } from '../../../sandbox/demo-data';
import { DEMO_CONVERSATION_ID, DEMO_GHL_CONTACT_ID } from '../../../sandbox/conversations';
export const KEY = 'asst_SECRET_conv_matrix_key_5c4b';
const LOC = DEMO_LOCATION_ID;
export const TIMEOUT_MS = 500;
export const DELAY_MS = 1000;
export const RELAXED_TIMEOUT_MS = 15_000;
export const MAX_ATTEMPTS = 2;
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

export const operations: Operation[] = [
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

export interface Case {
	op: Operation;
	spec: FaultSpec;
	variant: 'once' | 'always';
}

const isWrite = (op: Operation) => op.kind !== 'read';
/** Whether the request layer itself repeats the request after this fault. */
export const layerRetries = (op: Operation, spec: FaultSpec) =>
	spec.retry === 'always' ||
	(spec.retry === 'unclear' && (op.kind === 'read' || op.kind === 'idempotent-write'));
export const cases: Case[] = operations.flatMap((op) =>
	[...FAULTS, ...(isWrite(op) ? AFTER : [])].flatMap((spec) =>
		(layerRetries(op, spec) || (op.kind === 'message' && spec.retry === 'unclear')
			? (['once', 'always'] as const)
			: (['once'] as const)
		).map((variant) => ({ op, spec, variant })),
	),
);
