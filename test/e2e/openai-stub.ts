/**
 * A scripted stand-in for the OpenAI chat-completions API, for the AI Agent test: the first call (no tool
 * result yet) answers with a call of the one tool offered, the next one (a `tool` message present) with a
 * final text that quotes the tool's result. Speaks both the JSON and the streamed (SSE) form, records every
 * request, and answers anything else 404 (recorded too, so the test sees it).
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

interface ChatMessage {
	role: string;
	content?: unknown;
	tool_calls?: Array<{ id: string; function: { name: string; arguments: string } }>;
	tool_call_id?: string;
}

interface ChatRequest {
	method: string;
	path: string;
	authorization?: string;
	body?: {
		model?: string;
		stream?: boolean;
		messages?: ChatMessage[];
		tools?: Array<{
			type: string;
			function: {
				name: string;
				description?: string;
				parameters?: { properties?: Record<string, unknown> };
			};
		}>;
	};
}

export interface OpenAiStub {
	/** The base URL to put in the OpenAI credential (`.../v1`). */
	url: string;
	requests: ChatRequest[];
	close(): Promise<void>;
}

export const FINAL_ANSWER_PREFIX = 'Done. The Assistable tool returned: ';

function completion(message: Record<string, unknown>, finishReason: string) {
	return {
		id: `chatcmpl-stub-${Date.now()}`,
		object: 'chat.completion',
		created: Math.floor(Date.now() / 1000),
		model: 'gpt-4o-mini',
		choices: [{ index: 0, message, logprobs: null, finish_reason: finishReason }],
		usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
	};
}

/** The same answer as SSE chunks, the way the API streams it. */
function chunks(
	message: { content?: string | null; tool_calls?: Array<Record<string, unknown>> },
	finishReason: string,
): string {
	const base = {
		id: `chatcmpl-stub-${Date.now()}`,
		object: 'chat.completion.chunk',
		created: Math.floor(Date.now() / 1000),
		model: 'gpt-4o-mini',
	};
	const delta: Record<string, unknown> = { role: 'assistant', content: message.content ?? null };
	if (message.tool_calls)
		delta.tool_calls = message.tool_calls.map((call, index) => ({ index, ...call }));
	const events = [
		{ ...base, choices: [{ index: 0, delta, finish_reason: null }] },
		{
			...base,
			choices: [{ index: 0, delta: {}, finish_reason: finishReason }],
			usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
		},
	];
	return `${events.map((e) => `data: ${JSON.stringify(e)}\n\n`).join('')}data: [DONE]\n\n`;
}

/**
 * `toolArguments` are what the model "decides" to call the tool with. Everything else comes from the
 * request: the tool's name from the tools n8n offers, the final text from the tool message n8n sends back.
 */
export async function startOpenAiStub(toolArguments: Record<string, unknown>): Promise<OpenAiStub> {
	const requests: ChatRequest[] = [];
	const server = http.createServer((req, res) => {
		let raw = '';
		req.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')));
		req.on('end', () => {
			let body: ChatRequest['body'];
			try {
				body = raw ? JSON.parse(raw) : undefined;
			} catch {
				body = undefined;
			}
			const path = (req.url ?? '').split('?')[0];
			requests.push({
				method: req.method ?? '',
				path,
				authorization: req.headers.authorization,
				body,
			});
			const send = (status: number, json: unknown) => {
				res.writeHead(status, { 'content-type': 'application/json' });
				res.end(JSON.stringify(json));
			};
			if (req.method !== 'POST' || path !== '/v1/chat/completions' || !body?.messages) {
				send(404, {
					error: {
						message: `The stub has no ${req.method} ${path}`,
						type: 'invalid_request_error',
					},
				});
				return;
			}
			const toolResult = body.messages.find((m) => m.role === 'tool');
			let message: {
				role: string;
				content: string | null;
				tool_calls?: Array<Record<string, unknown>>;
			};
			let finishReason: string;
			if (toolResult) {
				const content =
					typeof toolResult.content === 'string'
						? toolResult.content
						: JSON.stringify(toolResult.content);
				message = { role: 'assistant', content: `${FINAL_ANSWER_PREFIX}${content}` };
				finishReason = 'stop';
			} else {
				const tool = body.tools?.[0]?.function.name;
				if (!tool) {
					send(400, {
						error: {
							message: 'The stub expected one tool in the request',
							type: 'invalid_request_error',
						},
					});
					return;
				}
				message = {
					role: 'assistant',
					content: null,
					tool_calls: [
						{
							id: 'call_stub_1',
							type: 'function',
							function: { name: tool, arguments: JSON.stringify(toolArguments) },
						},
					],
				};
				finishReason = 'tool_calls';
			}
			if (body.stream) {
				res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
				res.end(chunks(message, finishReason));
			} else {
				send(200, completion(message, finishReason));
			}
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}/v1`,
		requests,
		close: () => new Promise((resolve) => server.close(() => resolve())),
	};
}
