/**
 * The vendor's SuccessResponse (`{status, data: {status, id}}`) of the v2 assistant and message
 * endpoints: only `data.id` is read (the `data.status` literals are not in the vendor's files).
 */
export function successId(body: unknown): string | undefined {
	const data = isObject(body) ? body.data : undefined;
	const id = isObject(data) ? data.id : undefined;
	return typeof id === 'string' && id !== '' ? id : undefined;
}

/** Whether the value is a JSON object (not null, not a list). */
export function isObject(body: unknown): body is Record<string, unknown> {
	return typeof body === 'object' && body !== null && !Array.isArray(body);
}
