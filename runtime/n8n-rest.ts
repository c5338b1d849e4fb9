/** n8n's REST API, as the editor uses it: owner setup, login, workflows, executions, credential test. */
import { randomBytes } from 'node:crypto';

export interface Owner {
	email: string;
	firstName: string;
	lastName: string;
	password: string;
}

export const DEFAULT_OWNER: Owner = {
	email: 'owner@example.com',
	firstName: 'Demo',
	lastName: 'Owner',
	password: 'Assistable-Demo-1',
};

/** What the editor sends in place of a stored secret it never received (n8n-workflow CREDENTIAL_BLANKING_VALUE). */
export const CREDENTIAL_BLANKING_VALUE = '__n8n_BLANK_VALUE_e5362baf-c777-4d57-a609-6eaf1f9e87f6';

export class N8nRest {
	private cookie = '';

	/** n8n ties the auth cookie to a browser id header; any stable string works for a script. */
	private readonly browserId = `assistable-runtime-${randomBytes(6).toString('hex')}`;

	constructor(public readonly baseUrl: string) {}

	/** Headers that authenticate a plain fetch as the logged-in user. */
	authHeaders(): Record<string, string> {
		return { 'browser-id': this.browserId, ...(this.cookie ? { cookie: this.cookie } : {}) };
	}

	async request<T = unknown>(
		method: string,
		route: string,
		body?: unknown,
	): Promise<{ status: number; data: T; raw: string }> {
		const res = await fetch(`${this.baseUrl}/rest${route}`, {
			method,
			headers: {
				'content-type': 'application/json',
				'browser-id': this.browserId,
				...(this.cookie ? { cookie: this.cookie } : {}),
			},
			body: body === undefined ? undefined : JSON.stringify(body),
			signal: AbortSignal.timeout(60_000),
		});
		const setCookies =
			typeof res.headers.getSetCookie === 'function' ? res.headers.getSetCookie() : [];
		for (const c of setCookies) {
			const m = /^(n8n-auth=[^;]*)/.exec(c);
			if (m) this.cookie = m[1];
		}
		const raw = await res.text();
		let data: unknown = raw;
		try {
			data = JSON.parse(raw);
		} catch {
			// not JSON
		}
		return { status: res.status, data: data as T, raw };
	}

	/** Creates the instance owner (first run only) and keeps the session cookie. */
	async setupOwner(owner: Owner = DEFAULT_OWNER): Promise<void> {
		const r = await this.request('POST', '/owner/setup', owner);
		if (r.status !== 200)
			throw new Error(`POST /rest/owner/setup answered ${r.status}: ${r.raw.slice(0, 500)}`);
	}

	async login(owner: Owner = DEFAULT_OWNER): Promise<void> {
		const r = await this.request('POST', '/login', {
			emailOrLdapLoginId: owner.email,
			email: owner.email,
			password: owner.password,
		});
		if (r.status !== 200)
			throw new Error(`POST /rest/login answered ${r.status}: ${r.raw.slice(0, 500)}`);
	}

	/**
	 * Runs a credential's `test` request the way the editor's "Retry"/save does: POST /rest/credentials/test.
	 * With `id` set and data given, n8n merges the given data over the stored (decrypted) credential.
	 */
	async testCredential(cred: {
		id?: string;
		name: string;
		type: string;
		data: Record<string, unknown>;
	}): Promise<{ status: 'OK' | 'Error'; message: string; httpStatus: number; raw: string }> {
		const r = await this.request<{ data?: { status: 'OK' | 'Error'; message: string } }>(
			'POST',
			'/credentials/test',
			{
				credentials: cred,
			},
		);
		if (r.status !== 200 || !r.data || typeof r.data !== 'object' || !r.data.data) {
			throw new Error(`POST /rest/credentials/test answered ${r.status}: ${r.raw.slice(0, 500)}`);
		}
		return { ...r.data.data, httpStatus: r.status, raw: r.raw };
	}
}
