/**
 * A server that echoes the API key in an error body, in any of the encodings an answer may carry it
 * in (JSON escapes as PHP writes them, URL encoding, a mix): the key never reaches the error, the
 * output or the stored execution.
 */
import type { Sandbox } from '../../sandbox/server';
import { DEMO_CONTACT_IDS, demoSeed, startSandbox } from '../../sandbox/server';
import { runAssistable } from '../harness/workflow';

/** A key with the characters JSON and URL encoders change: `/`, `+`, `=`. */
const KEY = 'asst_live/Qx9+Zr7/Tt+Kk8==';

const jsonEscapedSlash = KEY.replace(/\//g, '\\/');
const unicode = (text: string, upper = false) =>
	[...text]
		.map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
		.map((e) => (upper ? e.toUpperCase().replace('\\U', '\\u') : e))
		.join('');
const ECHOES: Array<[string, string]> = [
	['raw', KEY],
	['JSON-escaped `/` as `\\/` (PHP)', jsonEscapedSlash],
	['`+` as `\\u002b`', jsonEscapedSlash.replace(/\+/g, '\\u002b')],
	['`+` as `\\u002B`, `=` as `\\u003D`', KEY.replace(/\+/g, '\\u002B').replace(/=/g, '\\u003D')],
	['every character as \\uXXXX (lower-case hex)', unicode(KEY)],
	['every character as \\uXXXX (upper-case hex)', unicode(KEY, true)],
	['URL-encoded (upper-case hex)', encodeURIComponent(KEY)],
	[
		'URL-encoded (lower-case hex)',
		encodeURIComponent(KEY).replace(/%[0-9A-F]{2}/g, (e) => e.toLowerCase()),
	],
	['a mix of all of them', 'asst_live\\/Qx9%2BZr7\\u002fTt+Kk8%3d\\u003D'],
];

let sandbox: Sandbox;
beforeAll(async () => {
	sandbox = await startSandbox({ seed: demoSeed(), keys: [{ key: KEY, locations: '*' }] });
});
afterAll(async () => sandbox.close());
beforeEach(() => sandbox.reset(demoSeed()));

describe('an API key echoed by the server', () => {
	it.each(ECHOES)('%s, in a 403 body, never reaches the error', async (_label, echo) => {
		sandbox.injectFault({
			route: 'patch',
			fault: {
				kind: 'status',
				status: 403,
				headers: { 'content-type': 'application/json' },
				body: `{"message":"Token ${echo} may not change this contact"}`,
			},
		});
		const result = await runAssistable({
			items: [{}],
			parameters: {
				resource: 'contact',
				operation: 'update',
				contactId: DEMO_CONTACT_IDS.ada,
				updateFields: { firstName: 'A' },
			},
			credentials: { apiKey: KEY, baseUrl: sandbox.url },
		});
		expect(result.status).toBe('error');
		expect(result.error?.message).toBe('Assistable refused access (403)');
		expect(result.error?.description).toContain(
			'Assistable said: Token *** may not change this contact.',
		);
		// No piece of the key in any encoding.
		expect(result.serialized).not.toMatch(/Qx9|Zr7|Kk8/);
	});
});
