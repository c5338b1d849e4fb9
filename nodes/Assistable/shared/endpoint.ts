/** One API endpoint: what the request layer needs to call it. */
export interface Endpoint {
	method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
	/** Path after the base URL, with `{name}` placeholders, each one whole segment. */
	path: string;
	/** Whether a retry cannot repeat an effect on the server (safe after a timeout or a 5xx). */
	retrySafe: boolean;
	/** Largest answer accepted, in bytes. */
	maxBytes: number;
}

export function endpoint(
	method: Endpoint['method'],
	path: string,
	retrySafe: boolean,
	maxBytes: number,
): Endpoint {
	return { method, path, retrySafe, maxBytes };
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
