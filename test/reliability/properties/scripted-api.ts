/** A tiny local HTTP server that answers the node with generated replies, and a workflow run against it. */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

import type { IDataObject } from 'n8n-workflow';

import type { AssistableRun } from '../../harness/workflow';
import { runAssistable } from '../../harness/workflow';
export const KEY = 'asst_SECRET_props_key_4d3c2b1a';
export const TARGET = '3f6c2a1e-8b4d-4c7a-9e21-5d0b7f4a9c13';
export const LOCATION = 'Qm7vTzR2kLp9XwN4bHs8';
/** What in a message means the node crashed on the answer instead of explaining it. */
export const CRASH =
	/TypeError|ReferenceError|RangeError|Cannot read propert|Cannot convert|is not a function|is not iterable|Unexpected token|Unexpected end of JSON|in JSON at position/;

export interface Reply {
	status: number;
	body: string;
	headers?: Record<string, string>;
}

interface Exchange {
	method: string;
	path: string;
	body: unknown;
	reply: Reply;
	/** Whether the answer came from the generated queue (false: the well-formed fallback). */
	generated: boolean;
}

/** Answers each request with the next generated reply; once they run out, with a well-formed one. */
class ScriptedApi {
	private server!: http.Server;
	url = '';
	queue: Reply[] = [];
	log: Exchange[] = [];

	async start(): Promise<void> {
		this.server = http.createServer((req, res) => {
			const chunks: Buffer[] = [];
			req.on('data', (chunk: Buffer) => chunks.push(chunk));
			req.on('end', () => {
				const text = Buffer.concat(chunks).toString('utf8');
				let body: unknown;
				try {
					body = text ? JSON.parse(text) : undefined;
				} catch {
					body = text;
				}
				const path = (req.url ?? '').replace(/^\/v2/, '');
				const next = this.queue.shift();
				const reply = next ?? this.fallback(req.method ?? '', path, body);
				this.log.push({
					method: req.method ?? '',
					path,
					body,
					reply,
					generated: next !== undefined,
				});
				res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
				res.end(reply.body);
			});
		});
		await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
		this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v2`;
	}

	reset(replies: Reply[]): void {
		this.queue = [...replies];
		this.log = [];
	}

	private fallback(method: string, path: string, body: unknown): Reply {
		const id = decodeURIComponent(path.split('/')[2] ?? TARGET);
		const contact = {
			id,
			location_id: LOCATION,
			email: 'ada@example.com',
			tags: ['lead'],
			custom_fields: { plan: 'pro' },
		};
		if (path.startsWith('/get-contacts/'))
			return { status: 200, body: JSON.stringify([{ ...contact, id: TARGET }]) };
		if (method === 'PATCH')
			return { status: 200, body: JSON.stringify({ ...contact, ...(body as object) }) };
		if (method === 'POST')
			return {
				status: 201,
				body: JSON.stringify({
					...contact,
					id: '11111111-2222-4333-8444-555555555555',
					...(body as object),
				}),
			};
		return { status: 200, body: JSON.stringify(contact) };
	}

	close(): Promise<void> {
		return new Promise((resolve) => this.server.close(() => resolve()));
	}
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
	typeof v === 'object' && v !== null && !Array.isArray(v);
export function parseBody(reply: Reply): unknown {
	try {
		return reply.body === '' ? undefined : JSON.parse(reply.body);
	} catch {
		return undefined;
	}
}

/**
 * A read the node may merge a write onto: a 2xx JSON object, not ok:false, the requested contact's
 * id, and the part merged usable: tags a list of texts, or custom_fields an object (either may be
 * absent or null).
 */
export function usableContact(reply: Reply, id: string, merges: Scenario['merges']): boolean {
	const body = parseBody(reply);
	if (reply.status < 200 || reply.status > 299 || !isPlainObject(body) || body.ok === false)
		return false;
	if (typeof body.id !== 'string' || body.id.toLowerCase() !== id) return false;
	const tagsOk =
		body.tags === undefined ||
		body.tags === null ||
		(Array.isArray(body.tags) && body.tags.every((t) => typeof t === 'string'));
	const fieldsOk =
		body.custom_fields === undefined ||
		body.custom_fields === null ||
		isPlainObject(body.custom_fields);
	return (merges !== 'tags' || tagsOk) && (merges !== 'custom_fields' || fieldsOk);
}

/**
 * A list the node may act on: a JSON array. Entries of unexpected shape are skipped for matching, so only an
 * entry that carries the matched email, without being a usable contact, makes "no match" uncertain.
 */
export function usableList(reply: Reply, matchEmail: string | undefined): boolean {
	const body = parseBody(reply);
	if (!(reply.status >= 200 && reply.status <= 299 && Array.isArray(body))) return false;
	const odd = (c: unknown) =>
		!(
			isPlainObject(c) &&
			typeof c.id === 'string' &&
			c.id !== '' &&
			(c.tags == null || (Array.isArray(c.tags) && c.tags.every((t) => typeof t === 'string'))) &&
			(c.custom_fields == null || isPlainObject(c.custom_fields))
		);
	const sameEmail = (c: unknown) =>
		isPlainObject(c) &&
		typeof c.email === 'string' &&
		c.email.trim().toLowerCase() === matchEmail?.toLowerCase();
	return !body.some((c) => odd(c) && sameEmail(c));
}

export interface Scenario {
	name: string;
	parameters: IDataObject;
	/** What a write merges from the contact it read first. */
	merges?: 'tags' | 'custom_fields';
	/** Tags the write removes on purpose. */
	removes?: string[];
}

export const api = new ScriptedApi();

export async function runScenario({
	scenario,
	replies,
	continueOnFail,
}: {
	scenario: Scenario;
	replies: Reply[];
	continueOnFail: boolean;
}): Promise<AssistableRun> {
	api.reset(replies);
	return runAssistable({
		items: [{}],
		parameters: {
			resource: 'contact',
			...scenario.parameters,
			options: { maxAttempts: 2, timeout: 5000 },
		},
		credentials: { apiKey: KEY, baseUrl: api.url },
		onError: continueOnFail ? 'continueRegularOutput' : undefined,
	});
}

export function messagesOf(result: AssistableRun): string[] {
	const texts: string[] = [];
	if (result.error)
		texts.push(String(result.error.message ?? ''), String(result.error.description ?? ''));
	for (const item of result.items) {
		if ('error' in item.json)
			texts.push(String(item.json.error), String(item.json.description ?? ''));
	}
	return texts;
}
