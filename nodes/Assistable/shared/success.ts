/**
 * The vendor's SuccessResponse (`{status: integer, data: {status, id}}`) as the v2 assistant and
 * message endpoints answer it. Only `data.id` is read: the `data.status` literals ("stored",
 * "created", ...) are not in the vendor's files, so nothing depends on them.
 */

/** `data.id` of the answer, if it is a non-empty string. */
export function successId(body: unknown): string | undefined {
	if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
	const data = (body as { data?: unknown }).data;
	if (typeof data !== 'object' || data === null || Array.isArray(data)) return undefined;
	const id = (data as { id?: unknown }).id;
	return typeof id === 'string' && id !== '' ? id : undefined;
}

/** Whether the answer is a JSON object (the shape every SuccessResponse has). */
export function isAnswerObject(body: unknown): body is Record<string, unknown> {
	return typeof body === 'object' && body !== null && !Array.isArray(body);
}
