/**
 * The editor of a REAL `n8n start` with the packed package installed, driven by Debian's Chromium through
 * playwright-core: sign in, open the imported example workflow, open the Assistable node (icon, Update fields,
 * Append Tags), execute the workflow from the editor and read the updated contact in the output panel; open
 * the Assistable Trigger's panel of the custom tool example.
 * Screenshots go to test-artifacts/; with DOCS_IMAGES=1 (`npm run docs:images`) the node panel and the
 * workflow's result are also written to docs/images/, the pictures README.md shows.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';
import {
	DEFAULT_OWNER,
	freePort,
	importCredentials,
	importWorkflows,
	installPackage,
	makeUserFolder,
	N8nRest,
	n8nEnv,
	prefixedLog,
	startN8n,
	type N8nServer,
	type WorkflowJson,
} from '../../runtime/n8n';
import { repoRoot } from '../../runtime/install-n8n';
import { startSandbox, type Sandbox } from '../../sandbox/server';
import { DEMO_API_KEY, DEMO_CONTACT_IDS, demoSeed } from '../../sandbox/demo-data';
import { artifactsDir, browserVersions, e2eState, runtimeFor } from './env';

const CHROMIUM = process.env.E2E_CHROMIUM || '/usr/bin/chromium';
const CHROMIUM_ARGS = [
	'--headless',
	'--no-sandbox',
	'--disable-gpu',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
	'--no-first-run',
];
const NODE_NAME = 'Update Assistable Contact';
/** README's pictures: written only by `npm run docs:images`, so a plain e2e run leaves the worktree clean. */
const DOCS_IMAGES =
	process.env.DOCS_IMAGES === '1' ? path.join(repoRoot(), 'docs', 'images') : undefined;

/** Saves a screenshot for test-artifacts/ and, under `npm run docs:images`, for docs/images/. */
async function screenshot(page: Page, artifact: string, docsImage?: string): Promise<void> {
	await page.screenshot({ path: artifact });
	if (DOCS_IMAGES && docsImage) {
		fs.mkdirSync(DOCS_IMAGES, { recursive: true });
		fs.copyFileSync(artifact, path.join(DOCS_IMAGES, docsImage));
	}
}

const versions = browserVersions();

// With E2E_BROWSER_N8N_VERSIONS=none the suite is reported as skipped.
(versions.length ? describe : describe.skip).each(versions.length ? versions : ['none'])(
	'n8n %s editor in Chromium',
	(version) => {
		let sandbox: Sandbox;
		let server: N8nServer | undefined;
		let context: BrowserContext | undefined;
		let page: Page;
		let userFolder: string;
		let profileDir: string;
		let workflow: WorkflowJson;
		let toolWorkflow: WorkflowJson;
		const shot = (name: string) => path.join(artifactsDir(), `n8n-${version}-${name}.png`);
		const timings: Record<string, number> = {};

		/** Runs a step; on failure saves a screenshot of the page as it was. */
		async function step<T>(name: string, fn: () => Promise<T>): Promise<T> {
			const started = Date.now();
			try {
				return await fn();
			} catch (err) {
				await page
					?.screenshot({ path: shot(`failed-${name}`), fullPage: true })
					.catch(() => undefined);
				throw err;
			} finally {
				timings[name] = Date.now() - started;
			}
		}

		const canvasNode = (): Locator =>
			page.locator('[data-test-id="canvas-node"]').filter({ hasText: NODE_NAME });

		beforeAll(async () => {
			if (!fs.existsSync(CHROMIUM)) {
				throw new Error(
					`Chromium not found at ${CHROMIUM}: install it with \`apt-get install -y chromium\` (or set E2E_CHROMIUM).`,
				);
			}
			const rt = runtimeFor(version);
			sandbox = await startSandbox({ seed: demoSeed() });
			userFolder = makeUserFolder(`e2e-editor-${version}`);
			await installPackage(userFolder, e2eState().tgz, {
				log: prefixedLog(`[e2e editor ${version}]`),
			});
			const env = n8nEnv(rt, { userFolder, port: await freePort(), brokerPort: await freePort() });
			workflow = JSON.parse(
				fs.readFileSync(path.join(repoRoot(), 'examples/sandbox-demo.workflow.json'), 'utf8'),
			) as WorkflowJson;
			await importCredentials(rt, env, [
				{
					id: 'assistableSandbx',
					name: 'Assistable (sandbox)',
					apiKey: DEMO_API_KEY,
					baseUrl: sandbox.url,
				},
			]);
			toolWorkflow = {
				...(JSON.parse(
					fs.readFileSync(
						path.join(repoRoot(), 'examples/trigger-custom-tool-availability.workflow.json'),
						'utf8',
					),
				) as WorkflowJson),
				id: 'assistableTool01',
			};
			await importWorkflows(rt, env, [workflow, toolWorkflow]);
			const started = Date.now();
			server = await startN8n(rt, env);
			timings.startN8n = Date.now() - started;
			await new N8nRest(server.url).setupOwner(DEFAULT_OWNER);

			profileDir = fs.mkdtempSync(path.join(os.tmpdir(), 'assistable-e2e-chromium-'));
			context = await chromium.launchPersistentContext(profileDir, {
				executablePath: CHROMIUM,
				headless: true,
				args: CHROMIUM_ARGS,
				viewport: { width: 1440, height: 1100 },
			});
			page = context.pages()[0] ?? (await context.newPage());
			page.setDefaultTimeout(60_000);
		});

		afterAll(async () => {
			await context?.close().catch(() => undefined);
			await server?.stop();
			await sandbox?.close();
			if (profileDir) fs.rmSync(profileDir, { recursive: true, force: true });
			if (userFolder && !process.env.E2E_KEEP)
				fs.rmSync(userFolder, { recursive: true, force: true });
			process.stdout.write(`[e2e editor ${version} timings, ms] ${JSON.stringify(timings)}\n`);
		});

		test('sign in as the owner', async () => {
			await step('signin', async () => {
				await page.goto(`${server!.url}/signin`, { waitUntil: 'domcontentloaded' });
				await page.locator('input[name="emailOrLdapLoginId"]').fill(DEFAULT_OWNER.email);
				await page.locator('input[name="password"]').fill(DEFAULT_OWNER.password);
				await page.locator('[data-test-id="form-submit-button"]').click();
				await page.waitForURL((u) => !u.pathname.startsWith('/signin'));
			});
		});

		test('the imported workflow shows the Assistable node with its icon', async () => {
			await step('open-workflow', async () => {
				await page.goto(`${server!.url}/workflow/${workflow.id}`, {
					waitUntil: 'domcontentloaded',
				});
				await canvasNode().waitFor();
				const icon = canvasNode().locator('img[src*="n8n-nodes-assistable"]');
				await icon.waitFor();
				await expectImageLoaded(icon);
				// The subtitle under the node names the action, not the raw values ("update: contact").
				await canvasNode().getByText('Update a contact', { exact: true }).waitFor();
			});
		});

		test('the node panel shows the Update fields, including Append Tags', async () => {
			await step('node-panel', async () => {
				await canvasNode().dblclick();
				const ndv = page.locator('[data-test-id="ndv"]');
				await ndv.waitFor();
				await expectImageLoaded(ndv.locator('img[src*="n8n-nodes-assistable"]').first());
				await ndv.getByText('Append Tags', { exact: true }).waitFor();
				await ndv.locator('[data-test-id="parameter-input-appendTags"]').waitFor();
				await ndv.getByText('Update Fields', { exact: true }).waitFor();
				await ndv.getByText('Contact ID', { exact: true }).waitFor();
				const credential = ndv.locator('[data-test-id="node-credentials-select"]');
				await credential.waitFor();
				const shown = await credential.evaluate((el) => {
					const e = el as unknown as {
						innerText: string;
						querySelectorAll(s: string): ArrayLike<{ value: string }>;
					};
					return [e.innerText, ...Array.from(e.querySelectorAll('input')).map((i) => i.value)].join(
						' ',
					);
				});
				expect(shown).toContain('Assistable (sandbox)');
				await screenshot(page, shot('node-panel'), 'node-panel.png');
				await ndv.locator('[data-test-id="ndv-close-button"]').click();
				await ndv.waitFor({ state: 'hidden' });
			});
		});

		test('executing the workflow from the editor updates the contact and shows it in the output panel', async () => {
			sandbox.clearRequests();
			await step('execute', async () => {
				await page.locator('[data-test-id="execute-workflow-button"]').click();
				await canvasNode().locator('[data-test-id="canvas-node-status-success"]').waitFor();
			});
			const patches = sandbox.requests.filter((r) => r.method === 'PATCH');
			expect(patches).toHaveLength(1);
			expect(patches[0].authorization).toBe(`Bearer ${DEMO_API_KEY}`);
			const contact = sandbox.getContact(DEMO_CONTACT_IDS.ada)!;
			expect(contact.tags).toEqual(['lead', 'newsletter', 'web-form', 'demo-request']);
			expect(contact.phone_number).toBe('+14155550101');

			await step('output-panel', async () => {
				await canvasNode().dblclick();
				const output = page.locator('[data-test-id="output-panel"]');
				await output.waitFor();
				await output.locator('[data-test-id="radio-button-json"]').click();
				await output.getByText('+14155550101').first().waitFor();
				await output.getByText('demo-request').first().waitFor();
				await output.getByText(DEMO_CONTACT_IDS.ada).first().waitFor();
				await screenshot(page, shot('output'), 'demo-output.png');
				await page.keyboard.press('Escape');
				await output.waitFor({ state: 'hidden' });
			});
		});

		test("the Assistable Trigger's panel: its icon, where to paste the URL, Respond, the no-secret warning", async () => {
			await step('trigger-panel', async () => {
				await page.goto(`${server!.url}/workflow/${toolWorkflow.id}`, {
					waitUntil: 'domcontentloaded',
				});
				const trigger = page
					.locator('[data-test-id="canvas-node"]')
					.filter({ hasText: 'check_availability' });
				await trigger.waitFor();
				await expectImageLoaded(trigger.locator('img[src*="n8n-nodes-assistable"]'));
				await trigger.getByText('Custom Tool Call', { exact: true }).waitFor();
				await trigger.dblclick();
				const ndv = page.locator('[data-test-id="ndv"]');
				await ndv.waitFor();
				await ndv.getByText('Webhook URLs').first().waitFor();
				await ndv
					.getByText(/Endpoint URL/)
					.first()
					.waitFor();
				await ndv
					.getByText(/only works while the editor listens/)
					.first()
					.waitFor();
				await ndv
					.getByText(/unguessable path of the URL is the only protection/)
					.first()
					.waitFor();
				await ndv.locator('[data-test-id="parameter-input-responseMode"]').waitFor();
				await ndv.locator('[data-test-id="parameter-input-authentication"]').waitFor();
				await page.screenshot({ path: shot('trigger-panel') });
				await ndv.locator('[data-test-id="ndv-close-button"]').click();
				await ndv.waitFor({ state: 'hidden' });
			});
		});

		test('searching "contact", "crm" or "tag" in the nodes panel finds the Assistable node', async () => {
			await step('nodes-panel-search', async () => {
				await page.locator('[data-test-id="node-creator-plus-button"]').click();
				const search = page.locator('[data-test-id="node-creator-search-bar"]');
				await search.waitFor();
				const assistable = page.locator('[data-test-id="node-creator-item-name"]', {
					hasText: /^Assistable$/,
				});
				for (const term of ['contact', 'crm', 'tag']) {
					// A term that finds nothing first, so the previous term's results cannot pass for this one's.
					await search.fill('zqxjzqxj');
					await page.locator('[data-test-id="node-creator-no-results"]').waitFor();
					await search.fill(term);
					await assistable.first().waitFor();
				}
				await page.screenshot({ path: shot('nodes-panel-search') });
			});
		});
	},
);

/** An <img> that the browser actually loaded (not a broken-image placeholder). */
async function expectImageLoaded(img: Locator): Promise<void> {
	await img.waitFor();
	const loaded = await img.evaluate(async (el) => {
		const image = el as unknown as {
			complete: boolean;
			naturalWidth: number;
			addEventListener(type: string, fn: () => void, o: { once: boolean }): void;
		};
		if (!image.complete)
			await new Promise<void>((r) => image.addEventListener('load', () => r(), { once: true }));
		return image.naturalWidth > 0;
	});
	expect(loaded).toBe(true);
}
