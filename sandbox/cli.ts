/**
 * Start the Assistable sandbox with the demo contacts:
 *   node build/sandbox/cli.js [--port 8787] [--host 127.0.0.1] [--custom-fields merge|replace]
 *     [--create-status 200|201] [--error-style status|ok-false] [--latency MS] [--normalise] [--lowercase-tags] [--quiet]
 *     [--rate-limit LIMIT/WINDOW_MS | --requests-per-second N] [--rate-limit-headers] [--capacity K[/MS_PER_EXTRA]]
 *     [call flags: see call-flags.ts and docs/sandbox.md]
 *     [--conversation-lookup contact_id|conversation_id] [--message-status 200|201] [--message-ids dedupe|store-again]
 *
 * --rate-limit 150/10000: at most 150 requests per 10 s per API key, then 429 with Retry-After (seconds);
 * --requests-per-second 10 is --rate-limit 10/1000. --rate-limit-headers adds X-RateLimit-* headers (off by
 * default: v2 documents none). --capacity 8/25: beyond 8 requests in flight each request waits 25 ms more per
 * extra request (see SandboxBehaviour.capacity); --capacity 8 uses --latency as MS_PER_EXTRA.
 * --conversation-lookup: which ID get-conversation reads (contact_id, current; conversation_id, stale);
 * --message-status: create-message's success status; --message-ids: whether a repeated message_id is stored again.
 */
import { CALL_USAGE, callFlag } from './call-flags';
import {
	DEMO_API_KEY,
	DEMO_ASSISTANT_ID,
	DEMO_LOCATION_ID,
	DEMO_OTHER_LOCATION_ID,
	DEMO_RESTRICTED_API_KEY,
	Sandbox,
	SandboxBehaviour,
	demoSeed,
	startSandbox,
} from './server';
import { DEMO_CONVERSATION_ID, DEMO_GHL_CONTACT_ID } from './conversations';

const USAGE =
	'usage: node build/sandbox/cli.js [--port 8787] [--host 127.0.0.1] [--custom-fields merge|replace] ' +
	'[--create-status 200|201] [--error-style status|ok-false] [--latency MS] [--normalise] [--lowercase-tags] [--quiet] ' +
	'[--rate-limit LIMIT/WINDOW_MS | --requests-per-second N] [--rate-limit-headers] [--capacity K[/MS_PER_EXTRA]] ' +
	CALL_USAGE +
	' [--conversation-lookup contact_id|conversation_id] [--message-status 200|201] [--message-ids dedupe|store-again]';

function die(message: string, code: number): never {
	process.stderr.write(`${message}\n`);
	process.exit(code);
}

function parseArgs(argv: string[]) {
	let port = 8787,
		host = '127.0.0.1',
		quiet = false;
	const behaviour: Partial<SandboxBehaviour> = {};
	let capacity: { inFlight: number; msPerExtra?: number } | undefined;
	const oneOf = <T extends string>(flag: string, v: string, allowed: readonly T[]): T =>
		(allowed as readonly string[]).includes(v)
			? (v as T)
			: die(`${flag} must be one of ${allowed.join(', ')}`, 2);
	const int = (flag: string, v: string, max: number): number =>
		/^\d+$/.test(v) && Number(v) <= max
			? Number(v)
			: die(`${flag} must be an integer from 0 to ${max}`, 2);
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i];
		if (arg === '--help' || arg === '-h') {
			process.stdout.write(`${USAGE}\n`);
			process.exit(0);
		}
		if (arg === '--quiet') {
			quiet = true;
			continue;
		}
		if (arg === '--normalise') {
			behaviour.storedValues = 'normalise';
			continue;
		}
		if (arg === '--lowercase-tags') {
			behaviour.storedTags = 'lowercase';
			continue;
		}
		if (arg === '--rate-limit-headers') {
			behaviour.rateLimitHeaders = true;
			continue;
		}
		const [flag, inline] = arg.split(/=(.*)/s, 2);
		const value = inline ?? argv[++i];
		if (value === undefined) die(`${flag} needs a value\n${USAGE}`, 2);
		switch (flag) {
			case '--port':
				port = int(flag, value, 65535);
				break;
			case '--host':
				host = value;
				break;
			case '--custom-fields':
				behaviour.customFields = oneOf(flag, value, ['merge', 'replace'] as const);
				break;
			case '--create-status':
				behaviour.createStatus = Number(oneOf(flag, value, ['200', '201'] as const)) as 200 | 201;
				break;
			case '--error-style':
				behaviour.errorStyle = oneOf(flag, value, ['status', 'ok-false'] as const);
				break;
			case '--conversation-lookup':
				behaviour.conversationLookup = oneOf(flag, value, [
					'contact_id',
					'conversation_id',
				] as const);
				break;
			case '--message-status':
				behaviour.messageStatus = Number(oneOf(flag, value, ['200', '201'] as const)) as 200 | 201;
				break;
			case '--message-ids':
				behaviour.messageIds = oneOf(flag, value, ['dedupe', 'store-again'] as const);
				break;
			case '--latency':
				behaviour.latencyMs = int(flag, value, 600_000);
				break;
			case '--rate-limit': {
				const m = /^(\d+)\/(\d+)$/.exec(value);
				if (!m || Number(m[1]) < 1 || Number(m[2]) < 1)
					die(`${flag} must be LIMIT/WINDOW_MS with both at least 1, e.g. 150/10000`, 2);
				behaviour.rateLimit = { limit: Number(m[1]), windowMs: Number(m[2]) };
				break;
			}
			case '--requests-per-second': {
				const limit = int(flag, value, 1_000_000);
				if (limit < 1) die(`${flag} must be at least 1`, 2);
				behaviour.rateLimit = { limit, windowMs: 1000 };
				break;
			}
			case '--capacity': {
				const m = /^(\d+)(?:\/(\d+))?$/.exec(value);
				if (!m || Number(m[1]) < 1)
					die(`${flag} must be K or K/MS_PER_EXTRA with K at least 1, e.g. 8 or 8/25`, 2);
				capacity = {
					inFlight: Number(m[1]),
					msPerExtra: m[2] === undefined ? undefined : Number(m[2]),
				};
				break;
			}
			default: {
				let known = false;
				try {
					known = callFlag(behaviour, flag, value);
				} catch (error) {
					die((error as Error).message, 2);
				}
				if (!known) die(`unknown option ${flag}\n${USAGE}`, 2);
			}
		}
	}
	if (capacity) {
		const msPerExtra = capacity.msPerExtra ?? behaviour.latencyMs ?? 0;
		if (msPerExtra <= 0)
			die(
				'--capacity K needs --latency MS above 0, or give the extra wait: --capacity K/MS_PER_EXTRA',
				2,
			);
		behaviour.capacity = { inFlight: capacity.inFlight, msPerExtra };
	}
	return { port, host, quiet, behaviour };
}

async function main() {
	const { port, host, quiet, behaviour } = parseArgs(process.argv.slice(2));
	// Handlers first, so a signal that arrives right after the banner is never missed.
	// eslint-disable-next-line prefer-const -- assigned once below, read by the signal handler before that
	let sandbox: Sandbox | undefined;
	let stopping = false;
	const stop = (signal: string) => {
		if (stopping) return;
		stopping = true;
		process.stdout.write(`\n${signal} received, stopping the sandbox.\n`);
		if (!sandbox) process.exit(0);
		sandbox.close().then(
			() => process.exit(0),
			() => process.exit(1),
		);
	};
	process.on('SIGINT', () => stop('SIGINT'));
	process.on('SIGTERM', () => stop('SIGTERM'));

	const seed = demoSeed();
	sandbox = await startSandbox({
		port,
		host,
		seed,
		behaviour,
		keys: [
			{ key: DEMO_API_KEY, locations: '*' },
			{ key: DEMO_RESTRICTED_API_KEY, locations: [DEMO_LOCATION_ID] },
		],
		onRequest: quiet
			? undefined
			: (r) =>
					process.stdout.write(
						`${new Date().toISOString()} ${r.method} ${r.rawPath} -> ${r.status || 'dropped'}\n`,
					),
	}).catch((err: NodeJS.ErrnoException) => {
		if (err.code === 'EADDRINUSE')
			die(`Port ${port} on ${host} is already in use; pick another with --port.`, 1);
		if (err.code === 'EADDRNOTAVAIL' || err.code === 'EACCES')
			die(`Cannot listen on ${host}:${port} (${err.code}).`, 1);
		throw err;
	});

	const lines = [
		'Assistable sandbox is running.',
		`  Base URL:        ${sandbox.url}`,
		`  API key:         ${DEMO_API_KEY}  (all locations)`,
		`  Restricted key:  ${DEMO_RESTRICTED_API_KEY}  (only ${DEMO_LOCATION_ID})`,
		`  Location id:     ${DEMO_LOCATION_ID}`,
		`  Other location:  ${DEMO_OTHER_LOCATION_ID}`,
		'  Demo contacts:',
		...seed.map(
			(c) =>
				`    ${c.id}  ${[c.first_name, c.last_name].filter(Boolean).join(' ')}  (${c.location_id})`,
		),
		`  Assistant id:    ${DEMO_ASSISTANT_ID}`,
		`  Conversation:    ${DEMO_CONVERSATION_ID}  (GHL contact ${DEMO_GHL_CONTACT_ID})`,
		`  Calls:           POST ${sandbox.url}/ghl/make-call; set an assistant's call webhooks with PUT ${sandbox.url.replace(/\/v2$/, '')}/__sandbox/assistants/{id}/webhooks`,
		`  Try: curl -H 'Authorization: Bearer ${DEMO_API_KEY}' ${sandbox.url}/get-contacts/${DEMO_LOCATION_ID}`,
		...(behaviour.rateLimit
			? [
					`  Rate limit:      ${behaviour.rateLimit.limit} requests per ${behaviour.rateLimit.windowMs} ms per API key`,
				]
			: []),
		...(behaviour.capacity
			? [
					`  Capacity:        ${behaviour.capacity.inFlight} in flight, then +${behaviour.capacity.msPerExtra} ms per extra request`,
				]
			: []),
		'Press Ctrl+C to stop.',
	];
	process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch((err: Error) => die(`Sandbox failed to start: ${err.message}`, 1));
