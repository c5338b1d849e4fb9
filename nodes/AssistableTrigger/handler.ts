import type { IDataObject, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { checkSecret } from './auth';
import { callEndedItem, callStartedItem, toolCallItem } from './output';
import {
	type AssistableEvent,
	EVENT_NAMES,
	eventMismatch,
	readBody,
	type RequestLike,
} from './payload';

/** Writes a JSON answer on n8n's response object (plain Node methods: any n8n version has them). */
function answer(
	ctx: IWebhookFunctions,
	status: number,
	message: string,
	headers: Record<string, string> = {},
): IWebhookResponseData {
	const res = ctx.getResponseObject();
	res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', ...headers });
	res.end(JSON.stringify({ message }));
	return { noWebhookResponse: true };
}

/** Logs why a request started nothing: the node, the reason, never the body or a secret. */
function logRefusal(ctx: IWebhookFunctions, reason: string): void {
	const node = ctx.getNode();
	ctx.logger.info(`Assistable Trigger "${node.name}" started no execution: ${reason}`, {
		workflowId: ctx.getWorkflow().id,
		nodeName: node.name,
	});
}

async function authorize(
	ctx: IWebhookFunctions,
	event: AssistableEvent,
): Promise<IWebhookResponseData | undefined> {
	if (ctx.getNodeParameter('authentication', 'none') !== 'secret') return undefined;
	let secret = '';
	try {
		const credential = await ctx.getCredentials('assistableWebhookApi');
		if (typeof credential.secret === 'string') secret = credential.secret;
	} catch {
		// No credential selected (or it cannot be read): refuse like an empty secret, start nothing.
	}
	if (secret === '') {
		logRefusal(ctx, 'no secret in its Assistable Webhook Secret credential (401)');
		return answer(ctx, 401, 'Authorization failed: the webhook secret is not set up in n8n.');
	}
	const tool = event === 'customToolCall';
	const failure = checkSecret(tool ? 'bearer' : 'query', secret, {
		headers: ctx.getHeaderData() as Record<string, string | string[] | undefined>,
		query: ctx.getQueryData() as IDataObject,
	});
	if (!failure) return undefined;
	const where = tool ? 'Authorization: Bearer header' : '"secret" query parameter';
	logRefusal(ctx, `${failure} ${where} (401)`);
	return answer(
		ctx,
		401,
		`Authorization failed: ${failure === 'missing' ? 'no' : 'wrong'} ${where}.`,
		tool ? { 'WWW-Authenticate': 'Bearer realm="Assistable Trigger"' } : {},
	);
}

/** The trigger's webhook: authorize, read the JSON body, keep only the chosen event, emit one item. */
export async function handleWebhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	const event = this.getNodeParameter('event', 'callEnded') as AssistableEvent;
	const refused = await authorize(this, event);
	if (refused) return refused;

	const read = await readBody(this.getRequestObject() as unknown as RequestLike);
	if (!read.ok) {
		logRefusal(this, `${read.message} (400)`);
		return answer(this, 400, read.message);
	}

	const mismatch = eventMismatch(read.body, event);
	if (mismatch) {
		logRefusal(this, `ignored ${mismatch} (200)`);
		return answer(this, 200, `Ignored: not a ${EVENT_NAMES[event]} payload.`);
	}

	const json =
		event === 'callStarted'
			? callStartedItem(read.body)
			: event === 'callEnded'
				? callEndedItem(read.body)
				: toolCallItem(read.body);
	return { workflowData: [[{ json }]] };
}
