import { existsSync } from 'node:fs';
import path from 'node:path';

import { PackageDirectoryLoader } from 'n8n-core';

// Loads the built package exactly as n8n loads an installed community package.
describe('built package, loaded by n8n-core', () => {
	const root = path.resolve(__dirname, '..');
	let loader: PackageDirectoryLoader;

	beforeAll(async () => {
		expect(existsSync(path.join(root, 'dist/nodes/Assistable/Assistable.node.js'))).toBe(true);
		loader = new PackageDirectoryLoader(root);
		await loader.loadAll();
	});

	it('finds the nodes and the credentials under the package name', () => {
		expect(loader.packageName).toBe('n8n-nodes-assistable');
		expect(Object.keys(loader.nodeTypes)).toEqual(['assistable', 'assistableTrigger']);
		expect(Object.keys(loader.credentialTypes)).toEqual(['assistableApi', 'assistableWebhookApi']);
		const credentialsOf = (name: string) =>
			(
				loader.nodeTypes[name].type.description as { credentials?: Array<{ name: string }> }
			).credentials?.map((c) => c.name);
		expect(credentialsOf('assistable')).toEqual(['assistableApi']);
		expect(credentialsOf('assistableTrigger')).toEqual(['assistableWebhookApi']);
		// The trigger is a webhook node: n8n registers its POST webhook when the workflow is activated.
		const trigger = loader.nodeTypes.assistableTrigger.type as {
			webhook?: unknown;
			description: { webhooks?: Array<{ httpMethod: string }>; group: string[] };
		};
		expect(typeof trigger.webhook).toBe('function');
		expect(trigger.description.group).toEqual(['trigger']);
		expect(trigger.description.webhooks?.map((w) => w.httpMethod)).toEqual(['POST']);
	});

	it('resolves both icons of the node and of the credential to files in dist', () => {
		const icons = [
			...loader.types.nodes.map((n) => n.iconUrl),
			...loader.types.credentials.map((c) => c.iconUrl),
		] as Array<{ light: string; dark: string }>;
		expect(icons).toHaveLength(4);
		for (const icon of icons) {
			expect(icon.light).not.toEqual(icon.dark);
			for (const url of [icon.light, icon.dark]) {
				const file = path.join(root, url.replace(/^icons\/n8n-nodes-assistable\//, ''));
				expect(existsSync(file)).toBe(true);
			}
		}
	});

	it('keeps the codex next to the node: categories, search aliases, docs links without a fragment', () => {
		const codex = loader.types.nodes.find((n) => n.name === 'assistable')?.codex;
		expect(codex?.categories).toEqual(['Sales', 'Marketing', 'Communication']);
		// The nodes panel searches displayName and codex.alias: "contact", "crm" and "tag" must find the node.
		expect(codex?.alias).toEqual(expect.arrayContaining(['contact', 'crm', 'tag']));
		expect(codex?.subcategories).toEqual({ Tools: ['Other Tools'] });
		const links = [
			...(codex?.resources?.primaryDocumentation ?? []),
			...(codex?.resources?.credentialDocumentation ?? []),
		];
		expect(links.length).toBe(2);
		for (const { url } of links)
			expect(url).toBe(
				'https://github.com/assistable-community/n8n-nodes-assistable/blob/main/README.md',
			);
	});

	it("keeps the trigger's codex: the panel finds it by call, webhook and custom tool", () => {
		const codex = loader.types.nodes.find((n) => n.name === 'assistableTrigger')?.codex;
		expect(codex?.categories).toEqual(['Sales', 'Marketing', 'Communication']);
		expect(codex?.alias).toEqual(expect.arrayContaining(['call', 'webhook', 'custom tool']));
	});
});
