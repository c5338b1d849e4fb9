/** The assistant endpoints as calls: their 404 / 403 wording, and what is read from each answer. */
import type { IDataObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { isObject, successId } from '../../shared/success';
import type { AssistableTransport, RequestSpec } from '../../shared/transport';
import { assistantEndpoints } from './endpoints';
import type { AssistantWrite } from './fields';

const FORBIDDEN_HINT =
	"The API key's sub-account cannot see this location or assistant: use a key of its sub-account (location).";

const BY_LOCATION: Pick<RequestSpec, 'forbiddenHint' | 'notFound'> = {
	forbiddenHint: FORBIDDEN_HINT,
	notFound: { message: 'Assistable has no such route or location' },
};

function byAssistant(assistantId: string): Pick<RequestSpec, 'forbiddenHint' | 'notFound'> {
	return {
		forbiddenHint: FORBIDDEN_HINT,
		notFound: {
			message: 'Assistant not found',
			hint: `No assistant with the ID ${JSON.stringify(assistantId)} is live: the ID is wrong, the assistant is in another location, or it was deleted (archived). Copy the ID from the assistant in Assistable, or from the output of Create.`,
		},
	};
}

/** The answer (a JSON object) with `id` first: what the item outputs. */
function withId(
	transport: AssistableTransport,
	id: string,
	body: unknown,
	itemIndex: number,
): IDataObject {
	if (!isObject(body)) {
		throw transport.unexpectedAnswer(
			itemIndex,
			'Assistable answered with an unexpected shape',
			`Expected a JSON object; the request may have been applied to ${JSON.stringify(id)}. Check the Base URL points at the v2 API.`,
		);
	}
	return Object.assign({ id }, body as IDataObject, { id });
}

/** data.id of a create's answer; the create happened, so a missing ID says where to look. */
function createdId(
	transport: AssistableTransport,
	body: unknown,
	itemIndex: number,
	what: string,
): string {
	const id = successId(body);
	if (id) return id;
	throw transport.unexpectedAnswer(
		itemIndex,
		`Assistable answered the new ${what} without its ID (data.id)`,
		`The ${what} was probably created: look for it in Assistable before running this item again. Check the Base URL points at the v2 API.`,
	);
}

export async function createAssistant(
	transport: AssistableTransport,
	write: AssistantWrite,
	itemIndex: number,
): Promise<IDataObject> {
	const body = await transport.request(assistantEndpoints.create, {
		...BY_LOCATION,
		params: {},
		body: write,
		subject: write.location_id,
		itemIndex,
		unconfirmedEffect: 'the assistant may or may not have been created',
	});
	return withId(transport, createdId(transport, body, itemIndex, 'assistant'), body, itemIndex);
}

export async function createFlow(
	transport: AssistableTransport,
	locationId: string,
	itemIndex: number,
): Promise<IDataObject> {
	const body = await transport.request(assistantEndpoints.createFlow, {
		...BY_LOCATION,
		params: {},
		body: { location_id: locationId },
		subject: locationId,
		itemIndex,
		unconfirmedEffect: 'the flow may or may not have been created',
	});
	return withId(transport, createdId(transport, body, itemIndex, 'flow'), body, itemIndex);
}

/** The assistant: the answer's `data` when it is an object (a help page's shape), else the answer. */
export async function getAssistant(
	transport: AssistableTransport,
	assistantId: string,
	itemIndex: number,
): Promise<IDataObject> {
	const body = await transport.request(assistantEndpoints.get, {
		...byAssistant(assistantId),
		params: {},
		query: { assistant_id: assistantId },
		subject: assistantId,
		itemIndex,
	});
	if (!isObject(body)) {
		throw transport.unexpectedAnswer(
			itemIndex,
			'Assistable answered with an unexpected shape instead of an assistant',
			'Expected a JSON object. Check the Base URL points at the v2 API.',
		);
	}
	return isObject(body.data) ? (body.data as IDataObject) : (body as IDataObject);
}

export async function updateAssistant(
	transport: AssistableTransport,
	assistantId: string,
	write: AssistantWrite,
	itemIndex: number,
): Promise<IDataObject> {
	const body = await transport.request(assistantEndpoints.update, {
		...byAssistant(assistantId),
		params: {},
		body: { assistant_id: assistantId, ...write },
		subject: assistantId,
		itemIndex,
	});
	return withId(transport, successId(body) ?? assistantId, body, itemIndex);
}

/**
 * Archives the assistant. A 404 after an attempt whose outcome is unknown (a timeout, a reset, a 5xx)
 * means that attempt archived it: the item succeeds, saying so.
 */
export async function deleteAssistant(
	transport: AssistableTransport,
	assistantId: string,
	itemIndex: number,
): Promise<IDataObject> {
	let doubted = false;
	const gone = Symbol('gone');
	const body = await transport
		.request(assistantEndpoints.delete, {
			...byAssistant(assistantId),
			params: {},
			query: { assistant_id: assistantId },
			subject: assistantId,
			itemIndex,
			onUnknownOutcome: () => (doubted = true),
		})
		.catch((error: unknown) => {
			if (doubted && error instanceof NodeApiError && error.httpCode === '404') return gone;
			throw error;
		});
	if (body !== gone)
		return { ...withId(transport, successId(body) ?? assistantId, body, itemIndex), deleted: true };
	return {
		id: assistantId,
		deleted: true,
		note: 'An attempt got no clear answer and the retry found no live assistant with this ID (404): taken as archived by that attempt (a 404 cannot tell it from an ID that was already gone).',
	};
}
