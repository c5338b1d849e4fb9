/**
 * Shared by the headless e2e tests (headless.test.ts, headless-credential.test.ts): for each n8n version, the
 * packed package installed into a user folder of its own (as a community install), the Assistable sandbox, the
 * good and the wrong-key credentials and, if asked, the workflows the headless runs execute.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
	freePort,
	importCredentials,
	importWorkflows,
	installPackage,
	makeUserFolder,
	n8nEnv,
	NODE_TYPE,
	CREDENTIAL_TYPE,
	prefixedLog,
	type WorkflowJson,
} from '../../runtime/n8n';
import { repoRoot, type N8nRuntime } from '../../runtime/install-n8n';
import { startSandbox, type Sandbox } from '../../sandbox/server';
import { DEMO_API_KEY, DEMO_CONTACT_IDS, demoSeed } from '../../sandbox/demo-data';
import { e2eState, headlessVersions, runtimeFor } from './env';

export const GOOD = { id: 'assistableSandbx', name: 'Assistable (sandbox)' };
export const WRONG = { id: 'assistableWrongK', name: 'Assistable (wrong key)' };
export const WRONG_KEY = 'asst_e2e_wrong_key_must_not_be_printed_7f3a9c';
export const UNKNOWN_CONTACT = '6d1e9c3b-0f2a-4b7e-8c5d-9a8b7c6d5e4f';
export const UPDATE_NODE = 'Update Assistable Contact';

export const WF_EXAMPLE = 'assistableDemo01';
export const WF_404 = 'assistableE2e404';
export const WF_WRONG_KEY = 'assistableE2eKey';

/** Manual trigger -> Set (webhook-shaped item) -> Assistable update, with node overrides. */
function workflow(
	id: string,
	name: string,
	body: Record<string, unknown>,
	node: {
		parameters?: Record<string, unknown>;
		credential?: { id: string; name: string };
		onError?: string;
	},
): WorkflowJson {
	return {
		id,
		name,
		nodes: [
			{
				id: `${id}-1`,
				name: 'Start',
				type: 'n8n-nodes-base.manualTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			},
			{
				id: `${id}-2`,
				name: 'Sample Form Submission',
				type: 'n8n-nodes-base.set',
				typeVersion: 3.4,
				position: [240, 0],
				parameters: { mode: 'raw', jsonOutput: JSON.stringify({ body }), options: {} },
			},
			{
				id: `${id}-3`,
				name: UPDATE_NODE,
				type: NODE_TYPE,
				typeVersion: 1,
				position: [480, 0],
				parameters: {
					resource: 'contact',
					operation: 'update',
					contactId: '={{ $json.body.contact_id }}',
					appendTags: true,
					updateFields: {
						phoneNumber: '={{ $json.body.phone }}',
						tags: '=web-form, {{ $json.body.interests }}',
					},
					options: {},
					...node.parameters,
				},
				credentials: { [CREDENTIAL_TYPE]: node.credential ?? GOOD },
				...(node.onError ? { onError: node.onError } : {}),
			},
		],
		connections: {
			Start: { main: [[{ node: 'Sample Form Submission', type: 'main', index: 0 }]] },
			'Sample Form Submission': { main: [[{ node: UPDATE_NODE, type: 'main', index: 0 }]] },
		},
		settings: { executionOrder: 'v1' },
	};
}

function exampleWorkflow(): WorkflowJson {
	return JSON.parse(
		fs.readFileSync(path.join(repoRoot(), 'examples/sandbox-demo.workflow.json'), 'utf8'),
	) as WorkflowJson;
}

const timings: Record<string, Record<string, number>> = {};

/** One describe per n8n version (E2E_N8N_VERSIONS), named as before; with none the suite is reported as skipped. */
export function describeHeadless(suite: (version: string) => void): void {
	const versions = headlessVersions();

	afterAll(() => {
		if (Object.keys(timings).length)
			process.stdout.write(`[e2e timings, ms] ${JSON.stringify(timings)}\n`);
	});

	// With E2E_N8N_VERSIONS=none the suite is reported as skipped.
	(versions.length ? describe : describe.skip).each(versions.length ? versions : ['none'])(
		'n8n %s: packed package, headless',
		suite,
	);
}

export interface HeadlessN8n {
	rt: N8nRuntime;
	sandbox: Sandbox;
	userFolder: string;
	env: NodeJS.ProcessEnv;
	/** Runs `fn`, recording how long it took under `label` in the timings printed after the file. */
	time: <T>(label: string, fn: () => Promise<T>) => Promise<T>;
}

/**
 * Installs the package for `version` before the describe's tests (the fields are set from then on) and cleans
 * up after them; clears the sandbox's request log before each test.
 */
export function useHeadlessN8n(version: string, options: { workflows: boolean }): HeadlessN8n {
	const t: Record<string, number> = (timings[version] ??= {});
	const n8n = {
		time: async <T>(label: string, fn: () => Promise<T>): Promise<T> => {
			const started = Date.now();
			try {
				return await fn();
			} finally {
				t[label] = Date.now() - started;
			}
		},
	} as HeadlessN8n;
	const { time } = n8n;

	beforeAll(async () => {
		const rt = (n8n.rt = runtimeFor(version));
		const sandbox = (n8n.sandbox = await startSandbox({ seed: demoSeed() }));
		const userFolder = (n8n.userFolder = makeUserFolder(`e2e-${version}`));
		await time('installPackage', () =>
			installPackage(userFolder, e2eState().tgz, { log: prefixedLog(`[e2e ${version}]`) }),
		);
		const env = (n8n.env = n8nEnv(rt, {
			userFolder,
			port: await freePort(),
			brokerPort: await freePort(),
		}));
		await time('importCredentials', () =>
			importCredentials(rt, env, [
				{ ...GOOD, apiKey: DEMO_API_KEY, baseUrl: sandbox.url },
				{ ...WRONG, apiKey: WRONG_KEY, baseUrl: sandbox.url },
			]),
		);
		if (!options.workflows) return;
		await time('importWorkflows', () =>
			importWorkflows(rt, env, [
				exampleWorkflow(),
				workflow(
					WF_404,
					'E2E: unknown contact, continue on fail',
					{ contact_id: UNKNOWN_CONTACT, phone: '+1 (415) 555-0199', interests: 'x' },
					{
						onError: 'continueRegularOutput',
					},
				),
				workflow(
					WF_WRONG_KEY,
					'E2E: wrong API key',
					{ contact_id: DEMO_CONTACT_IDS.grace, phone: '+447700900123', interests: 'y' },
					{
						credential: WRONG,
					},
				),
			]),
		);
	});

	afterAll(async () => {
		await n8n.sandbox?.close();
		if (n8n.userFolder && !process.env.E2E_KEEP)
			fs.rmSync(n8n.userFolder, { recursive: true, force: true });
	});

	beforeEach(() => n8n.sandbox.clearRequests());

	return n8n;
}
