/** One API endpoint: everything the request layer needs to call it, and the sandbox to serve it. */
export interface Endpoint<Route extends string = string> {
	/** Short name used in tests, the sandbox's records and its fault rules. */
	route: Route;
	method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
	/** Path after the base URL, with `{name}` placeholders, each one whole segment. */
	path: string;
	/** Whether a retry may not repeat an effect on the server (safe after a timeout or a 5xx). */
	retrySafe: boolean;
	/** Largest answer accepted, in bytes. */
	maxBytes: number;
}

/** The path's segments with each `{name}` replaced by `params[name]` (unencoded). */
export function pathValues(endpoint: Endpoint, params: Record<string, string>): string[] {
	return endpoint.path
		.split('/')
		.filter((segment) => segment !== '')
		.map((segment) => {
			const name = /^\{(\w+)\}$/.exec(segment)?.[1];
			return name === undefined ? segment : (params[name] ?? '');
		});
}

/**
 * The raw (still encoded) values of the placeholders when `segments` (a path after the base URL,
 * split on '/') matches the endpoint's path; undefined otherwise. A placeholder never matches an
 * empty segment.
 */
export function matchPath(
	endpoint: Endpoint,
	segments: string[],
): Record<string, string> | undefined {
	const template = endpoint.path.split('/').filter((segment) => segment !== '');
	if (template.length !== segments.length) return undefined;
	const params: Record<string, string> = {};
	for (let i = 0; i < template.length; i++) {
		const name = /^\{(\w+)\}$/.exec(template[i])?.[1];
		if (name === undefined ? template[i] !== segments[i] : !segments[i]) return undefined;
		if (name !== undefined) params[name] = segments[i];
	}
	return params;
}
