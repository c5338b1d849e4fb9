/**
 * The call endpoint (API notes, "Beyond contacts"): POST /ghl/make-call records each call with an ID,
 * or answers one of the vendor's failure shapes (behaviour.callFailure). A placed call then lives a
 * simulated life: after callStartAfterMs the pre-call webhook, after callDurationMs more the post-call
 * webhook (API notes, "Webhooks Assistable sends"), POSTed to the URLs set for its assistant, which
 * Assistable sets in its UI only: here the admin route PUT /__sandbox/assistants/{id}/webhooks (id `*`:
 * every assistant) or the CLI's --call-webhook.
 */
import { createHash, randomUUID } from 'node:crypto';
import { DEMO_GHL_PHONES } from './demo-data';
import type { Reply, SandboxBehaviour, SandboxKit, SandboxResource } from './types';
import { isObject, json } from './types';

/** The causes Assistable documents for a call not made (error-tag page, help pages). */
export const CALL_FAILURES = {
	wallet: { error: 'Insufficient wallet balance', tag: 'ai_call_error_wallet', status: 'failed' },
	dnc: { error: 'Contact is on the Do Not Call list', tag: 'ai_call_error_dnd', status: 'blocked' },
	'no-number': {
		error: 'No phone number is linked to this assistant',
		tag: 'ai_call_error_no_phone_number',
		status: 'failed',
	},
	'rate-limit': { error: 'Rate limit exceeded', tag: 'ai_call_error_rate_limit', status: 'failed' },
	'invalid-destination': {
		error: 'Destination is outside the US and Canada',
		tag: 'ai_call_error_invalid_destination',
		status: 'failed',
	},
	'invalid-assistant': {
		error: 'Invalid assistant',
		tag: 'ai_call_error_invalid_assistant',
		status: 'failed',
	},
	'invalid-number-pool': {
		error: 'Invalid number pool',
		tag: 'ai_call_error_invalid_number_pool',
		status: 'failed',
	},
	'workspace-inactive': {
		error: 'Workspace is inactive',
		tag: 'ai_call_error_workspace_inactive',
		status: 'failed',
	},
	banned: { error: 'Calling is banned', tag: 'ai_call_error_banned', status: 'failed' },
	'access-token': { error: 'Missing access token', tag: 'ai_call_error_token', status: 'failed' },
} as const;

export type CallFailure = keyof typeof CALL_FAILURES;

/** What the post-call webhook reports (API notes: every field is the vendor's; values are ours). */
export interface CallOutcome {
	user_sentiment: string;
	call_completion: string;
	call_summary: string;
	assistant_task_completion: string;
	disconnection_reason: string;
}

const DEFAULT_CALL_OUTCOME: CallOutcome = {
	user_sentiment: 'Positive',
	call_completion: 'complete',
	call_summary: 'The contact answered and booked a follow-up.',
	assistant_task_completion: 'complete',
	disconnection_reason: 'user_hangup',
};

export interface CallWebhooks {
	pre?: string;
	post?: string;
}

interface WebhookDelivery {
	event: 'pre-call' | 'post-call';
	url: string;
	payload: Record<string, unknown>;
	/** The receiver's status, or the error when it could not be reached. */
	status?: number;
	error?: string;
}

export interface SandboxCall {
	call_id: string;
	assistant_id: string;
	location_id: string;
	contact_id: string;
	number_pool_id?: string;
	created_at: string;
	status: 'queued' | 'in-progress' | 'ended';
	deliveries: WebhookDelivery[];
}

/** What tests and the CLI do with the calls directly. */
export interface CallsApi {
	/** Every call placed since the last reset, oldest first. */
	calls(): SandboxCall[];
	/** The webhook URLs of one assistant (`*`: every assistant without URLs of its own). */
	setCallWebhooks(assistantId: string, hooks: CallWebhooks): void;
}

const REQUIRED = ['assistant_id', 'location_id', 'contact_id'] as const;
const ASSISTANT_NUMBER = '+15555550199';

/**
 * The number a call to a GHL contact dials: the demo people's (DEMO_GHL_PHONES), else a stable made-up
 * one (the sandbox does not hold GoHighLevel's contacts).
 */
const numberOf = (contactId: string) =>
	DEMO_GHL_PHONES[contactId] ??
	`+1555555${String(parseInt(createHash('sha256').update(contactId).digest('hex').slice(0, 8), 16) % 10000).padStart(4, '0')}`;

export function callsResource(kit: SandboxKit): SandboxResource & { api: CallsApi } {
	const calls: SandboxCall[] = [];
	const webhooks = new Map<string, CallWebhooks>();

	const hooksFor = (assistantId: string): CallWebhooks => {
		const configured = kit.behaviour().callWebhooks ?? {};
		return {
			...configured['*'],
			...webhooks.get('*'),
			...configured[assistantId],
			...webhooks.get(assistantId),
		};
	};

	async function deliver(call: SandboxCall, event: WebhookDelivery['event'], payload: object) {
		const url = hooksFor(call.assistant_id)[event === 'pre-call' ? 'pre' : 'post'];
		if (!url) return;
		const delivery: WebhookDelivery = { event, url, payload: { ...payload } };
		call.deliveries.push(delivery);
		try {
			const res = await fetch(url, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify(payload),
				signal: AbortSignal.timeout(10_000),
			});
			delivery.status = res.status;
			await res.arrayBuffer();
		} catch (error) {
			delivery.error = (error as Error).message;
		}
	}

	function live(call: SandboxCall, behaviour: SandboxBehaviour) {
		const to = numberOf(call.contact_id);
		const common = { to, from: ASSISTANT_NUMBER, direction: 'outbound' };
		kit.later(behaviour.callStartAfterMs, async () => {
			call.status = 'in-progress';
			const started = Date.now();
			await deliver(call, 'pre-call', {
				...common,
				contactId: call.contact_id,
				contact_id: call.contact_id,
				event: 'call_started',
				call_control_id: call.call_id,
				assistant_id: call.assistant_id,
			});
			kit.later(behaviour.callDurationMs, async () => {
				call.status = 'ended';
				const ms = Math.max(behaviour.callDurationMs, Date.now() - started);
				const outcome = { ...DEFAULT_CALL_OUTCOME, ...kit.behaviour().callOutcome };
				await deliver(call, 'post-call', {
					call_id: call.call_id,
					call_type: 'voice',
					...common,
					contact_id: call.contact_id,
					...outcome,
					recording_url: `https://recordings.sandbox.invalid/${call.call_id}.mp3`,
					call_time_ms: ms,
					call_time_seconds: Math.round(ms / 1000),
					full_transcript: `assistant: Hello, this is the assistant calling.\nuser: Hi!`,
					start_timestamp: new Date(started).toISOString(),
					end_timestamp: new Date(started + ms).toISOString(),
				});
			});
		});
	}

	function makeCall(body: unknown, key: string): Reply {
		if (!isObject(body)) return kit.fail(400, 'Body must be a JSON object');
		for (const field of REQUIRED)
			if (typeof body[field] !== 'string' || body[field] === '')
				return kit.fail(400, `${field} is required`);
		const pool = body.number_pool_id;
		if (pool !== undefined && typeof pool !== 'string')
			return kit.fail(400, 'number_pool_id must be a string');
		const location = body.location_id as string;
		if (!kit.canSee(key, location))
			return kit.fail(403, "Forbidden: this API key's sub-account cannot access this location");
		const behaviour = kit.behaviour();
		if (behaviour.callFailure) {
			const f = CALL_FAILURES[behaviour.callFailure];
			return behaviour.callFailureShape === 'seen'
				? json(200, { error: f.error, status: f.status })
				: json(200, {
						success: false,
						call_id: null,
						returned_an_error: true,
						error_message: f.error,
						error_code: f.tag,
					});
		}
		const call: SandboxCall = {
			call_id: randomUUID(),
			assistant_id: body.assistant_id as string,
			location_id: location,
			contact_id: body.contact_id as string,
			...(typeof pool === 'string' ? { number_pool_id: pool } : {}),
			created_at: kit.clock(),
			status: 'queued',
			deliveries: [],
		};
		calls.push(call);
		live(call, behaviour);
		return json(200, {
			success: true,
			call_id: call.call_id,
			returned_an_error: false,
			error_message: null,
			error_code: null,
		});
	}

	/** PUT /__sandbox/assistants/{id}/webhooks {pre?, post?} and GET /__sandbox/calls. */
	function admin(method: string, path: string, body: unknown): Reply | undefined {
		if (method === 'GET' && path === '/__sandbox/calls') return json(200, calls);
		const m = /^\/__sandbox\/assistants\/([^/]+)\/webhooks$/.exec(path);
		if (!m || method !== 'PUT') return undefined;
		if (!isObject(body)) return json(400, { message: 'Body must be {"pre": URL, "post": URL}' });
		const hooks: CallWebhooks = {};
		for (const event of ['pre', 'post'] as const) {
			const url = body[event];
			if (url === undefined || url === null) continue;
			if (typeof url !== 'string' || !/^https?:\/\//.test(url))
				return json(400, { message: `${event} must be an http(s) URL` });
			hooks[event] = url;
		}
		const assistantId = decodeURIComponent(m[1]);
		webhooks.set(assistantId, hooks);
		return json(200, { assistant_id: assistantId, ...hooks });
	}

	return {
		handlers: { makeCall: ({ rec, key }) => makeCall(rec.body, key) },
		admin,
		reset: () => {
			calls.length = 0;
			webhooks.clear();
		},
		api: {
			calls: () => structuredClone(calls),
			setCallWebhooks: (assistantId, hooks) => webhooks.set(assistantId, { ...hooks }),
		},
	};
}
