/** What the editor shows from the node's description: subtitle, option order, labels. */
import type {
	INode,
	INodeProperties,
	INodePropertyCollection,
	INodePropertyOptions,
} from 'n8n-workflow';
import { Workflow } from 'n8n-workflow';

import { AssistableApi } from '../../credentials/AssistableApi.credentials';
import { Assistable } from '../../nodes/Assistable/Assistable.node';
import { nodeTypesOf } from '../harness/workflow';

const description = new Assistable().description;
/** Every resource's operations, with the resource they belong to. */
const operations = description.properties
	.filter((p) => p.name === 'operation')
	.flatMap((p) =>
		(p.options as INodePropertyOptions[]).map((o) => ({
			resource: p.displayOptions!.show!.resource![0] as string,
			value: o.value as string,
			action: o.action!,
		})),
	);

/** The subtitle the canvas shows, computed the way the editor does (NodeHelpers.getNodeSubtitle). */
function subtitleFor(operation: string, resource = 'contact'): unknown {
	const node: INode = {
		id: '1',
		name: 'Assistable',
		type: 'n8n-nodes-assistable.assistable',
		typeVersion: 1,
		position: [0, 0],
		parameters: { resource, operation },
	};
	const workflow = new Workflow({
		nodes: [node],
		connections: {},
		active: false,
		nodeTypes: nodeTypesOf(),
	});
	return workflow.expression.getSimpleParameterValue(
		node,
		description.subtitle!,
		'internal',
		{},
		undefined,
		'',
	);
}

test.each(operations.map((o) => [o.resource, o.value, o.action]))(
	'the subtitle of %s %s is its action name, "%s"',
	(resource, operation, action) => {
		expect(subtitleFor(operation, resource)).toBe(action);
	},
);

test('every resource of the Resource list has operations, and only those', () => {
	const resources = description.properties.find((p) => p.name === 'resource')!
		.options as INodePropertyOptions[];
	expect(resources.map((r) => r.value).sort()).toEqual(
		[...new Set(operations.map((o) => o.resource))].sort(),
	);
});

test('the subtitle of an operation it does not know is the raw value, not an error', () => {
	expect(subtitleFor('somethingNew')).toBe('somethingNew');
});

type Entry = INodeProperties | INodePropertyOptions | INodePropertyCollection;
const label = (e: Entry) => ('displayName' in e ? e.displayName : e.name);

/** Every options list of the node and the credential, with where it is. */
function optionLists(
	properties: Entry[],
	where: string,
): Array<{ where: string; labels: string[] }> {
	const lists: Array<{ where: string; labels: string[] }> = [];
	for (const p of properties) {
		if (!('type' in p) && !('values' in p)) continue;
		const here = `${where} > ${label(p)}`;
		if ('values' in p) lists.push(...optionLists(p.values, here));
		if (!('options' in p) || !p.options) continue;
		lists.push({ where: here, labels: (p.options as Entry[]).map(label) });
		lists.push(...optionLists(p.options as Entry[], here));
	}
	return lists;
}

test('every options list is alphabetical (operations, Match By, Options, Filters, fields)', () => {
	const lists = [
		...optionLists(description.properties, 'Assistable'),
		...optionLists(new AssistableApi().properties, 'Credential'),
	];
	expect(lists.length).toBeGreaterThan(10);
	for (const { where, labels } of lists) {
		expect({ where, labels }).toEqual({
			where,
			labels: [...labels].sort((a, b) => a.localeCompare(b)),
		});
	}
});

test("labels read like n8n's: no unit in parentheses; Timeout says milliseconds in its description", () => {
	const all: INodeProperties[] = [];
	const walk = (entries: Entry[]) => {
		for (const e of entries) {
			if ('type' in e) all.push(e);
			if ('values' in e) walk(e.values);
			if ('options' in e && e.options) walk(e.options as Entry[]);
		}
	};
	walk(description.properties);
	expect(
		all.filter((p) => /\((ms|Ms|s|seconds)\)/.test(p.displayName)).map((p) => p.displayName),
	).toEqual([]);
	const timeouts = all.filter((p) => p.name === 'timeout');
	// One Timeout (in Options) per operation.
	expect(timeouts.length).toBe(operations.length);
	expect(operations.length).toBeGreaterThanOrEqual(14);
	for (const t of timeouts) {
		expect(t.displayName).toBe('Timeout');
		expect(t.description).toMatch(/\bms\b|millisecond/);
	}
});
