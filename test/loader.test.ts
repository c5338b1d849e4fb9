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

	it('finds the node and the credential under the package name', () => {
		expect(loader.packageName).toBe('n8n-nodes-assistable');
		expect(Object.keys(loader.nodeTypes)).toEqual(['assistable']);
		expect(Object.keys(loader.credentialTypes)).toEqual(['assistableApi']);
		const node = loader.nodeTypes.assistable.type.description as {
			credentials?: Array<{ name: string }>;
			usableAsTool?: boolean;
		};
		expect(node.credentials?.map((c) => c.name)).toEqual(['assistableApi']);
	});

	it('resolves both icons of the node and of the credential to files in dist', () => {
		const icons = [
			...loader.types.nodes.map((n) => n.iconUrl),
			...loader.types.credentials.map((c) => c.iconUrl),
		] as Array<{ light: string; dark: string }>;
		expect(icons).toHaveLength(2);
		for (const icon of icons) {
			expect(icon.light).not.toEqual(icon.dark);
			for (const url of [icon.light, icon.dark]) {
				const file = path.join(root, url.replace(/^icons\/n8n-nodes-assistable\//, ''));
				expect(existsSync(file)).toBe(true);
			}
		}
	});

	it('keeps the codex next to the node: categories, search aliases, docs links without a fragment', () => {
		const codex = loader.types.nodes[0].codex;
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
});
