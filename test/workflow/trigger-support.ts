/** Posting to an in-process Assistable Trigger (test/harness/webhook.ts) and closing it after each test. */
import type { IDataObject } from 'n8n-workflow';

import { startTriggerServer, type TriggerServer } from '../harness/webhook';

export interface Answer {
	status: number;
	text: string;
	json?: unknown;
	headers: Headers;
}

export async function post(
	url: string,
	body: unknown,
	init: { headers?: Record<string, string>; raw?: boolean; query?: string } = {},
): Promise<Answer> {
	const res = await fetch(url + (init.query ?? ''), {
		method: 'POST',
		headers: { 'content-type': 'application/json', ...init.headers },
		body: init.raw ? (body as string) : JSON.stringify(body),
	});
	const text = await res.text();
	let json: unknown;
	try {
		json = text ? JSON.parse(text) : undefined;
	} catch {
		json = undefined;
	}
	return { status: res.status, text, json, headers: res.headers };
}

/** `trigger(parameters, secret?)` starts a served trigger; every one is closed after its test. */
export function useTriggers(): (
	parameters: IDataObject,
	secret?: string,
) => Promise<TriggerServer> {
	const servers: TriggerServer[] = [];
	afterEach(async () => {
		await Promise.all(servers.splice(0).map((s) => s.close()));
	});
	return async (parameters, secret) => {
		const server = await startTriggerServer({ parameters, secret });
		servers.push(server);
		return server;
	};
}
