/**
 * The double-submission guard: the same assistant calling the same GoHighLevel contact (in the same
 * location, through the same API) within the Repeat Call Window is made once per n8n process. Items
 * of every execution of the process take the call's identity in turn (the router serializes them), so
 * the second one sees the first one's record. The record lives in `state.recentCalls`.
 */
import { clock, state } from '../../shared/state';
import type { CallRequest } from './api';

/** A call this process made, or tried with an unknown outcome. */
export interface RecentCall {
	/** The call ID Assistable answered; undefined when the outcome is unknown. */
	callId?: string;
	outcome: 'placed' | 'unknown';
	/** When it was sent (ms since epoch, the node's clock). */
	at: number;
}

/** Default Repeat Call Window, in minutes (docs/reliability.md says why). */
export const DEFAULT_WINDOW_MINUTES = 10;
/** Longest window: one day. */
export const MAX_WINDOW_MINUTES = 24 * 60;

/** The identity an item holds while it checks, makes and records the call (see ItemPlan). */
export function callIdentity(request: CallRequest): string {
	return `call:${request.assistant_id}|${request.location_id}|${request.contact_id}`;
}

const keyOf = (scope: string, request: CallRequest) => `${scope}|${callIdentity(request)}`;

/** The call made (or tried) within the window, if any. */
export function recentCall(
	scope: string,
	request: CallRequest,
	windowMinutes: number,
): RecentCall | undefined {
	const found = state.recentCalls.get(keyOf(scope, request));
	if (!found || windowMinutes <= 0) return undefined;
	return clock.now() - found.at < windowMinutes * 60_000 ? found : undefined;
}

/**
 * Records a call made or in doubt, kept for the longest window any item may ask for (the record is
 * written even with the guard off, so a later item with the guard on sees it).
 */
export function recordCall(scope: string, request: CallRequest, call: RecentCall): void {
	state.recentCalls.set(keyOf(scope, request), call, call.at + MAX_WINDOW_MINUTES * 60_000);
}

export function minutesAgo(at: number): string {
	const minutes = Math.max(0, Math.round((clock.now() - at) / 60_000));
	if (minutes === 0) return 'less than a minute ago';
	return minutes === 1 ? '1 minute ago' : `${minutes} minutes ago`;
}
