/**
 * The assistant endpoints of the v2 API (assistant-api.json). IDs go in the query string (get,
 * delete) or the JSON body. Retry safety: a create (assistant or flow) is not idempotent, so it is
 * never retried after a failure that may have reached Assistable; a get, an update (it sends the same
 * values again) and an archive (archiving twice leaves it archived) are.
 */
import type { Endpoint } from '../../shared/endpoint';

const MAX_ASSISTANT_BYTES = 1024 * 1024;

export type AssistantRoute =
	'create-assistant' | 'get-assistant' | 'update-assistant' | 'delete-assistant' | 'create-flow';

const endpoint = <R extends AssistantRoute>(
	route: R,
	method: Endpoint['method'],
	path: string,
	retrySafe: boolean,
): Endpoint<R> => ({ route, method, path, retrySafe, maxBytes: MAX_ASSISTANT_BYTES });

export const assistantEndpoints = {
	create: endpoint('create-assistant', 'POST', '/create-assistant', false),
	get: endpoint('get-assistant', 'GET', '/get-assistant', true),
	update: endpoint('update-assistant', 'PUT', '/update-assistant', true),
	delete: endpoint('delete-assistant', 'DELETE', '/delete-assistant', true),
	createFlow: endpoint('create-flow', 'POST', '/create-flow', false),
};
