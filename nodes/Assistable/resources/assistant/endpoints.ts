/**
 * The assistant endpoints of the v2 API (assistant-api.json). IDs go in the query string (get,
 * delete) or the JSON body. Retry safety: a create (assistant or flow) is not idempotent, so it is
 * never retried after a failure that may have reached Assistable; a get, an update (it sends the same
 * values again) and an archive (archiving twice leaves it archived) are.
 */
import { endpoint } from '../../shared/endpoint';

const MAX_ASSISTANT_BYTES = 1024 * 1024;

export const assistantEndpoints = {
	create: endpoint('POST', '/create-assistant', false, MAX_ASSISTANT_BYTES),
	get: endpoint('GET', '/get-assistant', true, MAX_ASSISTANT_BYTES),
	update: endpoint('PUT', '/update-assistant', true, MAX_ASSISTANT_BYTES),
	delete: endpoint('DELETE', '/delete-assistant', true, MAX_ASSISTANT_BYTES),
	createFlow: endpoint('POST', '/create-flow', false, MAX_ASSISTANT_BYTES),
};
