/** Make Call as a call to the API: its wording, the check of its answer, and what a failure means. */
import type { IDataObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { failed2xx } from '../../shared/answers';
import type { AssistableTransport } from '../../shared/transport';
import { callEndpoints } from './endpoints';
import { CHECK_CONTACT, callRefusal, RATE_LIMIT_RETRY_SECONDS } from './failures';
import { isObject } from '../../shared/success';

/** What the item asks Assistable to do (the request body's fields). */
export interface CallRequest {
	assistant_id: string;
	location_id: string;
	contact_id: string;
	number_pool_id?: string;
}

export interface PlacedCall {
	callId: string;
	/** Assistable's answer, as sent. */
	answer: IDataObject;
}

/** What to check when the outcome is unknown (v2 has no endpoint to look a call up). */
export const CHECK_CALL =
	"To find out, look at the contact in GoHighLevel (its conversation and call history, and tags Assistable adds after a call such as answered or an ai_call_error_… tag) or at your assistant's post-call webhook: Assistable's v2 API has no endpoint to look a call up.";

/** Marks an error after which the call may or may not have been placed, and says what to check. */
function inDoubt(error: NodeApiError): NodeApiError {
	if (!/may or may not have been placed/.test(error.message))
		error.message = `The call may or may not have been placed: ${error.message}`;
	error.description = [error.description, CHECK_CALL].filter(Boolean).join(' ');
	error.context.callOutcome = 'unknown';
	return error;
}

/** Whether the error leaves the call's outcome unknown (see `inDoubt`). */
export function outcomeUnknown(error: unknown): boolean {
	return error instanceof NodeApiError && error.context.callOutcome === 'unknown';
}

/** A failed request's error, saying whether the call may have been placed (see `inDoubt`). */
function explained(error: unknown, unknownOutcome: boolean): unknown {
	if (!(error instanceof NodeApiError)) return error; // e.g. the execution was cancelled
	const answered = failed2xx(error);
	if (unknownOutcome || answered === 'unreadable') return inDoubt(error);
	if (answered === 'refused' && !error.description)
		error.description = `The call was not placed. ${CHECK_CONTACT}`;
	return error;
}

/**
 * POST /ghl/make-call, never repeated after a failure that may have reached Assistable. Throws a
 * NodeApiError: with `context.callOutcome = 'unknown'` when the call may have been placed; with
 * Assistable's message, code and advice when it answered that the call was not made.
 */
export async function makeCall(
	transport: AssistableTransport,
	request: CallRequest,
	itemIndex: number,
): Promise<PlacedCall> {
	let unknown = false;
	let body: unknown;
	try {
		body = await transport.request(callEndpoints.makeCall, {
			params: {},
			body: request,
			itemIndex,
			subject: request.contact_id,
			notFound: {
				message: 'Assistable has no such route, assistant or location',
				hint: 'Check the Assistant ID and the Location ID (GHL), and that the Base URL in the credential ends with /v2.',
			},
			forbiddenHint:
				"The API key's sub-account cannot use this location or assistant: use a key of the location's sub-account.",
			unconfirmedEffect: 'the call may or may not have been placed',
			onUnknownOutcome: () => (unknown = true),
		});
	} catch (error) {
		throw explained(error, unknown);
	}
	if (!isObject(body)) {
		throw inDoubt(
			transport.unexpectedAnswer(
				itemIndex,
				'Assistable answered Make Call with an unexpected shape',
				'Expected a JSON object with success and call_id. Check the Base URL points at the v2 API.',
			),
		);
	}
	const refusal = callRefusal(body);
	if (refusal) {
		const code = refusal.code ? ` (code ${refusal.code})` : '';
		const error = transport.unexpectedAnswer(
			itemIndex,
			`Assistable did not place the call: ${refusal.message}${code}`,
			refusal.advice,
		);
		const output: IDataObject = {
			callPlaced: false,
			cause: refusal.cause,
			errorMessage: refusal.message,
			errorCode: refusal.code ?? null,
		};
		if (refusal.retryLater) output.retryAfterSeconds = RATE_LIMIT_RETRY_SECONDS;
		error.context.output = output;
		throw error;
	}
	const raw = body.call_id;
	const callId = typeof raw === 'string' || typeof raw === 'number' ? String(raw).trim() : '';
	if (!callId) {
		throw inDoubt(
			transport.unexpectedAnswer(
				itemIndex,
				'Assistable answered Make Call without a call ID',
				'It did not say the call failed either.',
			),
		);
	}
	return { callId, answer: body as IDataObject };
}
