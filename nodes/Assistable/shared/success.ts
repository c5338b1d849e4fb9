/**
 * The vendor's SuccessResponse (`{status: integer, data: {status, id}}`) as the v2 assistant and
 * message endpoints answer it. Only `data.id` is read: the `data.status` literals ("stored",
 * "created", ...) are not in the vendor's files, so nothing depends on them.
 */

/** `data.id` of the answer, if it is a non-empty string. */
export function successId(body: unknown): string | undefined {
	const data = isObject(body) ? body.data : undefined;
	const id = isObject(data) ? data.id : undefined;
	return typeof id === 'string' && id !== '' ? id : undefined;
}

/** Whether the value is a JSON object (not null, not a list), e.g. an answer or a list entry. */
export function isObject(body: unknown): body is Record<string, unknown> {
	return typeof body === 'object' && body !== null && !Array.isArray(body);
}
