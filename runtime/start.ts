/**
 * `npm start`: a real n8n with this package installed, wired to the local Assistable sandbox.
 *
 *  1. ensure n8n (default 2.41.1, on Node 24 from the npm registry) in .runtime/
 *  2. pack this package and install the tarball into a fresh n8n user folder (.runtime/demo/.n8n/nodes)
 *  3. start the Assistable sandbox with the demo contacts (unless ASSISTABLE_API_KEY points at a real account)
 *  4. import the credential and every workflow in examples/, each bound to that credential (with the
 *     sandbox, the placeholder Location ID becomes the demo location)
 *  5. `n8n start` on 127.0.0.1, create the owner account, activate the webhook examples (sandbox only), and
 *     print what to do first: open the demo, Execute workflow, look at Ada's tags; curl the webhook example
 * Both servers stay in the foreground; Ctrl-C stops both.
 *
 * Environment:
 *   ASSISTABLE_API_KEY      use a real Assistable account with this v2 API key (no sandbox is started)
 *   ASSISTABLE_BASE_URL     API base URL for that account (default https://api.assistable.ai/v2)
 *   ASSISTABLE_SANDBOX_PORT sandbox port (default 8787)
 *   ASSISTABLE_N8N_PORT     n8n editor port (default 5678; n8n's task broker uses the next port)
 *   ASSISTABLE_N8N_VERSION  2.41.1 (default) or 2.8.4
 *   ASSISTABLE_RUNTIME_DIR  where n8n is installed (default <repo>/.runtime)
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
	activate,
	EXAMPLE_WORKFLOW,
	EXAMPLES_DIR,
	loadExampleWorkflows,
	LOCATION_PLACEHOLDER,
	SANDBOX_CREDENTIAL,
	type ExampleWorkflow,
} from './examples';
import { DEFAULT_N8N_VERSION, ensureN8n, runtimeDir } from './install-n8n';
import {
	assertPortFree,
	buildAndPack,
	DEFAULT_OWNER,
	importCredentials,
	importWorkflows,
	installPackage,
	N8nRest,
	n8nEnv,
	PortInUseError,
	prefixedLog,
	startN8n,
	stopAllN8n,
	type N8nServer,
	type WorkflowJson,
} from './n8n';
import { n8nLog } from './n8n-log';
import { startSandbox, type Sandbox } from '../sandbox/server';
import { DEMO_API_KEY, DEMO_CONTACT_IDS, DEMO_LOCATION_ID, demoSeed } from '../sandbox/demo-data';

const log = prefixedLog('[start]');

function intEnv(name: string, fallback: number): number {
	const raw = process.env[name];
	if (raw === undefined || raw === '') return fallback;
	if (!/^\d+$/.test(raw) || Number(raw) < 1 || Number(raw) > 65535) {
		throw new UsageError(`${name} must be a port number (1-65535), got ${JSON.stringify(raw)}`);
	}
	return Number(raw);
}

class UsageError extends Error {}

let sandbox: Sandbox | undefined;
let server: N8nServer | undefined;
let stopping = false;

async function shutdown(code: number): Promise<void> {
	if (stopping) return;
	stopping = true;
	const anything = Boolean(server || sandbox);
	if (anything) log('stopping n8n and the sandbox ...');
	await stopAllN8n();
	await sandbox?.close().catch(() => undefined);
	if (anything) log('stopped.');
	process.exit(code);
}

async function main(): Promise<void> {
	const realKey = process.env.ASSISTABLE_API_KEY?.trim();
	const realBase = process.env.ASSISTABLE_BASE_URL?.trim();
	if (realBase && !realKey) {
		throw new UsageError(
			'ASSISTABLE_BASE_URL is set but ASSISTABLE_API_KEY is not: set both to use a real account, or neither for the sandbox.',
		);
	}
	const useSandbox = !realKey;
	const sandboxPort = intEnv('ASSISTABLE_SANDBOX_PORT', 8787);
	const n8nPort = intEnv('ASSISTABLE_N8N_PORT', 5678);
	const brokerPort = n8nPort + 1;
	const version = process.env.ASSISTABLE_N8N_VERSION || DEFAULT_N8N_VERSION;
	process.on('SIGINT', () => void shutdown(0));
	process.on('SIGTERM', () => void shutdown(0));

	// Fail on busy ports before the slow steps.
	if (useSandbox)
		await assertPortFree(
			sandboxPort,
			'127.0.0.1',
			'the Assistable sandbox (ASSISTABLE_SANDBOX_PORT)',
		);
	await assertPortFree(n8nPort, '127.0.0.1', 'the n8n editor (ASSISTABLE_N8N_PORT)');
	await assertPortFree(brokerPort, '127.0.0.1', "n8n's task broker (ASSISTABLE_N8N_PORT + 1)");

	log(`1/5 n8n ${version}`);
	const rt = await ensureN8n(version);

	log('2/5 pack this package and install it into a fresh n8n user folder');
	const tgz = await buildAndPack({ build: process.argv.includes('--build') });
	const userFolder = path.join(runtimeDir(), 'demo');
	fs.rmSync(userFolder, { recursive: true, force: true });
	fs.mkdirSync(userFolder, { recursive: true });
	await installPackage(userFolder, tgz);

	let credential: { id: string; name: string; apiKey: string; baseUrl: string };
	if (useSandbox) {
		log(`3/5 Assistable sandbox on 127.0.0.1:${sandboxPort}`);
		const sandboxLog = prefixedLog('[sandbox]');
		try {
			sandbox = await startSandbox({
				port: sandboxPort,
				host: '127.0.0.1',
				seed: demoSeed(),
				onRequest: (r) => sandboxLog(`${r.method} ${r.rawPath} -> ${r.status || 'dropped'}`),
			});
		} catch (err) {
			if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
				throw new PortInUseError(
					sandboxPort,
					'127.0.0.1',
					'the Assistable sandbox (ASSISTABLE_SANDBOX_PORT)',
				);
			}
			throw err;
		}
		credential = { ...SANDBOX_CREDENTIAL, apiKey: DEMO_API_KEY, baseUrl: sandbox.url };
	} else {
		log('3/5 using a real Assistable account (ASSISTABLE_API_KEY is set): no sandbox');
		credential = {
			id: 'assistableAccnt1',
			name: 'Assistable',
			apiKey: realKey!,
			baseUrl: realBase || 'https://api.assistable.ai/v2',
		};
	}

	const env = n8nEnv(rt, {
		userFolder,
		port: n8nPort,
		brokerPort,
		logLevel: 'warn',
		extra: { N8N_EDITOR_BASE_URL: `http://127.0.0.1:${n8nPort}` },
	});
	const examples = loadExampleWorkflows(credential, useSandbox ? DEMO_LOCATION_ID : undefined);
	log(
		`4/5 import the credential "${credential.name}" and ${examples.length} example workflows (${EXAMPLES_DIR}/), bound to it`,
	);
	await importCredentials(rt, env, [credential]);
	await importWorkflows(
		rt,
		env,
		examples.map((e) => e.workflow),
	);
	const wf = examples.find((e) => e.file === EXAMPLE_WORKFLOW)!.workflow;

	log(`5/5 n8n start on http://127.0.0.1:${n8nPort}`);
	server = await startN8n(rt, env, { log: n8nLog() });
	server.process.on('exit', (code, signal) => {
		if (!stopping) {
			process.stderr.write(`[start] n8n exited unexpectedly (${code ?? signal}); stopping.\n`);
			void shutdown(1);
		}
	});
	const rest = new N8nRest(server.url);
	await rest.setupOwner(DEFAULT_OWNER);

	// Webhook examples are activated with the sandbox only: with a real account their Location ID is a placeholder.
	const webhooks: Array<{ example: ExampleWorkflow; active: boolean }> = [];
	for (const example of examples.filter((e) => e.webhookPaths.length)) {
		const problem = sandbox ? await activate(rest, example.workflow.id) : 'not activated';
		if (sandbox && problem)
			log(`could not activate "${example.workflow.name}" (${problem}); activate it in the editor`);
		webhooks.push({ example, active: !problem });
	}
	process.stdout.write(`${banner(server.url, wf, examples, webhooks, credential)}\n`);
}

function banner(
	url: string,
	demo: WorkflowJson,
	examples: ExampleWorkflow[],
	webhooks: Array<{ example: ExampleWorkflow; active: boolean }>,
	credential: { name: string; baseUrl: string },
): string {
	const lines = [
		'',
		`  n8n with n8n-nodes-assistable is running on ${url}`,
		`  Log in:    ${DEFAULT_OWNER.email}  /  ${DEFAULT_OWNER.password}`,
		'',
	];
	if (sandbox) {
		lines.push(
			'  First:     open the demo workflow',
			`               ${url}/workflow/${demo.id}`,
			'             click "Execute workflow", then double-click "Update Assistable Contact":',
			"             the output shows Ada Lovelace's contact, tags web-form and demo-request appended",
			'             to the lead and newsletter she had.',
		);
		const form = webhooks.find(
			(w) => w.active && w.example.webhookPaths.includes('assistable-form'),
		);
		if (form) {
			const body = JSON.stringify({
				contact_id: DEMO_CONTACT_IDS.ada,
				email: 'ada.lovelace@example.com',
				phone: '+1 (415) 555-0101',
				interest: 'pricing',
				form_name: 'Demo request',
			});
			lines.push(
				`  Then:      send the form webhook ("${form.example.workflow.name}", active):`,
				`               curl -X POST ${url}/webhook/assistable-form -H 'content-type: application/json' \\`,
				`                 -d '${body}'`,
				`             and read Ada's tags back from the sandbox (pricing is added):`,
				`               curl -H 'Authorization: Bearer ${DEMO_API_KEY}' ${sandbox.url}/contacts/${DEMO_CONTACT_IDS.ada}`,
			);
		}
		lines.push(
			'',
			`  Sandbox:   ${sandbox.url}   (Assistable API stand-in, demo data, in memory)`,
			`  Demo key:  ${DEMO_API_KEY}   (location ${DEMO_LOCATION_ID})`,
		);
	} else {
		lines.push(
			`  Assistable: ${credential.baseUrl} (credential "${credential.name}"; the key is stored encrypted in n8n)`,
			'  Note: the example contact id belongs to the sandbox; put one of your contact ids in "Sample Form Submission",',
			`        and your Location ID where the webhook examples say ${LOCATION_PLACEHOLDER}.`,
		);
	}
	lines.push(
		`  Workflows: ${examples.length} imported from ${EXAMPLES_DIR}/, bound to "${credential.name}":`,
	);
	for (const e of examples) {
		const hook = webhooks.find((w) => w.example === e);
		const how = hook
			? ` (webhook ${hook.active ? 'active' : 'inactive'}: POST ${url}/webhook/${e.webhookPaths.join(', ')})`
			: '';
		lines.push(`               "${e.workflow.name}"${how}`);
	}
	lines.push(
		`  n8n data:  ${path.join(runtimeDir(), 'demo')} (recreated on every npm start)`,
		'  Ctrl-C stops everything.',
		'',
	);
	return lines.join('\n');
}

main().catch((err: Error) => {
	if (err instanceof PortInUseError || err instanceof UsageError) {
		process.stderr.write(`[start] ${err.message}\n`);
	} else {
		process.stderr.write(`[start] FAILED: ${err.message}\n`);
	}
	// Stop whatever was already started (n8n runs in its own process group).
	void shutdown(1);
});
