import type { INode, INodeTypes } from 'n8n-workflow';
import { Workflow } from 'n8n-workflow';

import { AssistableApi } from '../../credentials/AssistableApi.credentials';

// The credential test's request URL, resolved by n8n's expression engine as the credential test does.
const node: INode = {
	id: '1',
	name: 'Temp-Node',
	type: 'temp',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};
const noTypes = {
	getByName: () => undefined,
	getByNameAndVersion: () => undefined,
	getKnownTypes: () => ({}),
} as unknown as INodeTypes;
const workflow = new Workflow({
	nodes: [node],
	connections: {},
	active: false,
	nodeTypes: noTypes,
});
const request = new AssistableApi().test.request;

function testUrl(baseUrl: string): string {
	const base = workflow.expression.getSimpleParameterValue(
		node,
		request.baseURL!,
		'internal',
		{ $credentials: { baseUrl } },
		undefined,
		'',
	);
	return `${String(base)}${request.url}`;
}

describe('credential test request URL', () => {
	it.each([
		'https://api.assistable.ai/v2',
		'HTTPS://proxy.example.com/v2',
		'http://127.0.0.1:8787/v2',
		'http://localhost:8787/v2',
		'http://[::1]:8787/v2',
	])('keeps %s', (baseUrl) => {
		expect(new URL(testUrl(baseUrl)).href).toBe(
			new URL(`${baseUrl}/contacts/00000000-0000-4000-8000-000000000000`).href,
		);
	});

	it.each([
		'http://api.assistable.ai/v2',
		'http://10.0.0.5:8787/v2',
		'http://localhost.example.com/v2',
		'http://[::ffff:127.0.0.1]:8787/v2',
		'ftp://127.0.0.1/v2',
	])('refuses %s before any connection: the URL is not one', (baseUrl) => {
		const url = testUrl(baseUrl);
		expect(url).toMatch(/^Base URL refused \(https only/);
		expect(() => new URL(url)).toThrow();
	});
});
