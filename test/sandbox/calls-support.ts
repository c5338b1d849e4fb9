/**
 * A client of the sandbox's calls (calls.test.ts, call-life.test.ts): sandboxes with a short simulated call
 * life, a local webhook receiver, POST /ghl/make-call and the admin route. Every sandbox and receiver a
 * test opened is closed after it (closeAfterEachTest()).
 */
import * as http from 'node:http';

import type { Sandbox, SandboxOptions } from '../../sandbox/server';
import {
	DEMO_API_KEY,
	DEMO_LOCATION_ID,
	DEMO_RESTRICTED_API_KEY,
	startSandbox,
} from '../../sandbox/server';

export const LIFE = { callStartAfterMs: 30, callDurationMs: 60 };
const open: Array<{ close(): Promise<void> | void }> = [];
export function closeAfterEachTest() {
	afterEach(async () => {
		await Promise.all(open.splice(0).map((s) => s.close()));
	});
}

export async function sandbox(options: SandboxOptions = {}): Promise<Sandbox> {
	const sb = await startSandbox({
		keys: [
			{ key: DEMO_API_KEY, locations: '*' },
			{ key: DEMO_RESTRICTED_API_KEY, locations: [DEMO_LOCATION_ID] },
		],
		...options,
		behaviour: { ...LIFE, ...options.behaviour },
	});
	open.push(sb);
	return sb;
}

/** A local webhook receiver: every POST it got, by path. */
export async function receiver() {
	const got: Array<{ path: string; body: Record<string, unknown> }> = [];
	const waiters: Array<() => void> = [];
	const server = http.createServer((req, res) => {
		let text = '';
		req.on('data', (c: Buffer) => (text += c.toString('utf8')));
		req.on('end', () => {
			got.push({ path: req.url ?? '', body: JSON.parse(text) });
			res.writeHead(200).end('ok');
			waiters.splice(0).forEach((w) => w());
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
	open.push({ close: () => new Promise<void>((resolve) => server.close(() => resolve())) });
	const until = async (n: number) => {
		const deadline = Date.now() + 5000;
		while (got.length < n) {
			if (Date.now() > deadline) throw new Error(`got ${got.length} webhooks, expected ${n}`);
			await new Promise<void>((resolve) => {
				waiters.push(resolve);
				setTimeout(resolve, 100);
			});
		}
		return got;
	};
	return { url, got, until };
}

export const post = (sb: Sandbox, body: unknown, key = DEMO_API_KEY) =>
	fetch(`${sb.url}/ghl/make-call`, {
		method: 'POST',
		headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
		body: JSON.stringify(body),
	}).then(async (r) => {
		const text = await r.text();
		return {
			status: r.status,
			json: (/^[{[]/.test(text) ? JSON.parse(text) : text) as Record<string, unknown>,
		};
	});
/** Waits until every webhook the sandbox sent has its receiver's answer recorded. */
export async function delivered(sb: Sandbox) {
	const deadline = Date.now() + 5000;
	const pending = () => sb.calls().some((c) => c.deliveries.some((d) => !d.status && !d.error));
	while (pending() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
}
export const admin = (sb: Sandbox, method: string, path: string, body?: unknown) =>
	fetch(`${sb.url.replace(/\/v2$/, '')}${path}`, {
		method,
		headers: { 'content-type': 'application/json' },
		body: body === undefined ? undefined : JSON.stringify(body),
	}).then(async (r) => ({ status: r.status, json: (await r.json()) as any }));

export const CALL = {
	assistant_id: 'asst_one',
	location_id: DEMO_LOCATION_ID,
	contact_id: 'GhlAda000000000000001',
};
