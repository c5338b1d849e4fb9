/** The wording of the request layer's errors: each status's message and hint. */
import type { INode, JsonObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import type { RequestSpec } from './answers';

export function apiError(
	node: INode,
	itemIndex: number,
	message: string,
	description: string,
	status?: number,
): NodeApiError {
	const details = { message, description, httpCode: status ? String(status) : undefined };
	return new NodeApiError(node, details as JsonObject, { ...details, itemIndex });
}

export function unsafeToRetry(call: RequestSpec): string {
	const effect = call.unconfirmedEffect ?? 'it may or may not have been applied';
	return `Not retried, because the request may have reached Assistable: ${effect}. Check Assistable before running this item again.`;
}

export function plural(n: number, word: string): string {
	return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export function hintFor(call: RequestSpec, status: number, reason: string): string {
	if (status === 401) return 'Check the API key in the Assistable API credential.';
	if (status === 403) return call.forbiddenHint ?? '';
	if (status === 404 && /route/i.test(reason))
		return 'Check that the Base URL in the credential ends with /v2.';
	if (status === 404) return call.notFound?.hint ?? '';
	if (status === 429) return 'Lower Concurrency or set Requests per Second in the node options.';
	if (status >= 300 && status < 400)
		return 'Redirects are not followed, so the API key is only sent to the Base URL. Set the Base URL in the credential to where Assistable redirects.';
	return '';
}

export function statusMessage(call: RequestSpec, status: number): string {
	if (status === 401) return 'Assistable rejected the API key (401)';
	if (status === 403) return 'Assistable refused access (403)';
	if (status === 404) return `${call.notFound?.message ?? 'Assistable has no such route'} (404)`;
	if (status === 429) return 'Assistable rate limit reached (429)';
	if (status >= 500) return `Assistable had a server error (${status})`;
	if (status >= 300 && status < 400) return `Assistable answered with a redirect (${status})`;
	return `Assistable rejected the request (${status})`;
}
