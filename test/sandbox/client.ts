/** A client of the sandbox for its contract tests: a demo sandbox per test, requests as a client sends them. */
import * as http from 'node:http';

import {
	DEMO_API_KEY,
	DEMO_CONTACT_IDS,
	Sandbox,
	SandboxOptions,
	demoSeed,
	startSandbox,
} from '../../sandbox/server';
export const AUTH = `Bearer ${DEMO_API_KEY}`;
export const ADA = DEMO_CONTACT_IDS.ada;
export const MARGARET = DEMO_CONTACT_IDS.margaret; // lives in DEMO_OTHER_LOCATION_ID
export const STAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}\+00:00$/;
export const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
export const JSON_CT = 'application/json; charset=utf-8';

export let sb: Sandbox;
const open: Sandbox[] = [];
export async function start(options: SandboxOptions = {}): Promise<Sandbox> {
	const s = await startSandbox({ seed: demoSeed(), ...options });
	open.push(s);
	return s;
}

/** Starts a demo sandbox before each test (`sb`) and closes every sandbox a test started after it. */
export function useSandboxPerTest(): void {
	beforeEach(async () => {
		sb = await start();
	});
	afterEach(async () => {
		await Promise.all(open.splice(0).map((s) => s.close()));
	});
}

interface Res {
	status: number;
	headers: Headers;
	text: string;
	json: any;
}
export async function call(
	method: string,
	path: string,
	body?: unknown,
	opts: { auth?: string | null; base?: Sandbox; rawBody?: string } = {},
): Promise<Res> {
	const headers: Record<string, string> = {};
	const auth = opts.auth === undefined ? AUTH : opts.auth;
	if (auth !== null) headers.authorization = auth;
	let payload: string | undefined = opts.rawBody;
	if (body !== undefined) {
		payload = JSON.stringify(body);
		headers['content-type'] = 'application/json';
	}
	const res = await fetch(`${(opts.base ?? sb).url}${path}`, { method, headers, body: payload });
	const text = await res.text();
	let json: any;
	try {
		json = JSON.parse(text);
	} catch {
		json = undefined;
	}
	return { status: res.status, headers: res.headers, text, json };
}

/** A request whose path is sent byte for byte (fetch would normalise '..' and '%2e%2e'). */
export function raw(
	s: Sandbox,
	method: string,
	path: string,
	body?: string,
): Promise<{ status: number; json: any }> {
	return new Promise((resolve, reject) => {
		const req = http.request(
			{
				host: '127.0.0.1',
				port: s.port,
				method,
				path,
				agent: false,
				headers: { authorization: AUTH },
			},
			(res) => {
				let text = '';
				res.setEncoding('utf8');
				res.on('data', (d) => (text += d));
				res.on('end', () =>
					resolve({ status: res.statusCode ?? 0, json: text ? JSON.parse(text) : undefined }),
				);
			},
		);
		req.on('error', reject);
		req.end(body);
	});
}
