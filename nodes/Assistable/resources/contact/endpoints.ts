/**
 * The contact endpoints of the v2 API: used by the node's contact calls (api.ts), the sandbox's
 * router and the fault matrix. Adding an endpoint here makes the sandbox route it (it still needs a
 * handler there).
 */
import type { Endpoint } from '../../shared/endpoint';

/** Largest answer accepted for one contact, and for a location's list (about 50 000 contacts). */
export const MAX_CONTACT_BYTES = 5 * 1024 * 1024;
export const MAX_LIST_BYTES = 50 * 1024 * 1024;

export type ContactRoute = 'get' | 'patch' | 'create' | 'list';

export const contactEndpoints: { [Route in ContactRoute]: Endpoint<Route> } = {
	get: {
		route: 'get',
		method: 'GET',
		path: '/contacts/{contactId}',
		retrySafe: true,
		maxBytes: MAX_CONTACT_BYTES,
	},
	patch: {
		route: 'patch',
		method: 'PATCH',
		path: '/contacts/{contactId}',
		retrySafe: true,
		maxBytes: MAX_CONTACT_BYTES,
	},
	create: {
		route: 'create',
		method: 'POST',
		path: '/contacts/create-contact/{locationId}',
		retrySafe: false,
		maxBytes: MAX_CONTACT_BYTES,
	},
	list: {
		route: 'list',
		method: 'GET',
		path: '/get-contacts/{locationId}',
		retrySafe: true,
		maxBytes: MAX_LIST_BYTES,
	},
};
