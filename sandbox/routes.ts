/**
 * The sandbox's own route table, written from the API notes (the v2 contact endpoints the vendor
 * documents, under the base path /v2). It shares nothing with the node: a wrong path in the node's
 * endpoint table must meet a 404 here, as it would at api.assistable.ai.
 *
 * Matching follows a Fastify-style router (find-my-way) with its defaults:
 * - the path ends at the first '?'; the query string never takes part in matching;
 * - each '/'-separated segment is percent-decoded on its own, so an encoded '/' ('%2F') stays inside
 *   its segment and a static segment may be sent encoded ('%63ontacts' is 'contacts'); a segment that is
 *   not valid percent-encoding is kept as sent;
 * - case-sensitive, no trailing-slash or duplicate-slash folding: '/v2/contacts/{id}/',
 *   '/v2//contacts/{id}' and '/v2/Contacts/{id}' are other routes, hence 404;
 * - a placeholder never matches an empty segment, so '/v2/contacts/' is a 404 route (find-my-way 9
 *   would hand it to the handler with an empty id, which its maintainers treat as a bug; both are 404).
 */

export type SandboxRoute =
	'get' | 'patch' | 'create' | 'list' | 'makeCall' | ConversationRoute | AssistantRoute;

/** API notes, "Beyond contacts": conversations and chat completion. */
type ConversationRoute = 'get-conversation' | 'create-message' | 'chat-completion';
/** API notes, "Beyond contacts": assistants and flows. */
type AssistantRoute =
	'create-assistant' | 'get-assistant' | 'update-assistant' | 'delete-assistant' | 'create-flow';

interface RouteSpec {
	/** The name the sandbox records (RecordedRequest.route) and fault rules select on. */
	route: SandboxRoute;
	method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
	/** The documented path, with `{name}` placeholders, each one whole segment. */
	path: string;
}

/** API notes, "Endpoints": Update, Get, Create and List contacts. */
export const SANDBOX_ROUTES: readonly RouteSpec[] = [
	{ route: 'patch', method: 'PATCH', path: '/v2/contacts/{contactId}' },
	{ route: 'get', method: 'GET', path: '/v2/contacts/{contactId}' },
	{ route: 'create', method: 'POST', path: '/v2/contacts/create-contact/{locationId}' },
	{ route: 'list', method: 'GET', path: '/v2/get-contacts/{locationId}' },
	/** API notes, "Beyond contacts": Make an AI call (GHL-safe). */
	{ route: 'makeCall', method: 'POST', path: '/v2/ghl/make-call' },
	// "Beyond contacts" (chat-api.json): IDs in the query string or the JSON body.
	{ route: 'get-conversation', method: 'GET', path: '/v2/get-conversation' },
	{ route: 'create-message', method: 'POST', path: '/v2/create-message' },
	{ route: 'chat-completion', method: 'POST', path: '/v2/ghl-chat-completion' },
	// "Beyond contacts" (assistant-api.json).
	{ route: 'create-assistant', method: 'POST', path: '/v2/create-assistant' },
	{ route: 'get-assistant', method: 'GET', path: '/v2/get-assistant' },
	{ route: 'update-assistant', method: 'PUT', path: '/v2/update-assistant' },
	{ route: 'delete-assistant', method: 'DELETE', path: '/v2/delete-assistant' },
	{ route: 'create-flow', method: 'POST', path: '/v2/create-flow' },
];

const decodeSegment = (segment: string): string => {
	try {
		return decodeURIComponent(segment);
	} catch {
		return segment;
	}
};

const TEMPLATES = SANDBOX_ROUTES.map((spec) => ({
	spec,
	segments: spec.path.split('/').map((s) => ({ name: /^\{(\w+)\}$/.exec(s)?.[1], text: s })),
}));

/** The route of a request (its method and path without the query string) and its decoded params. */
export function matchRoute(
	method: string,
	path: string,
): { route: SandboxRoute | 'unknown'; params: Record<string, string> } {
	const raw = path.split('/');
	const decoded = raw.map(decodeSegment);
	for (const { spec, segments } of TEMPLATES) {
		if (spec.method !== method || segments.length !== raw.length) continue;
		const params: Record<string, string> = {};
		const matches = segments.every((segment, i) => {
			if (segment.name === undefined) return decoded[i] === segment.text;
			params[segment.name] = decoded[i];
			return raw[i] !== '';
		});
		if (matches) return { route: spec.route, params };
	}
	return { route: 'unknown', params: {} };
}
