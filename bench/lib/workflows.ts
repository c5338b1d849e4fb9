/**
 * The benchmark's workflows, as a user builds them in the editor (sent to n8n's REST API). Each starts with a
 * Webhook (responds when the last node finishes) and Split Out, turning the POSTed `items` into n8n items; then:
 *  - ours: Assistable (Contact → Update, Append Tags on, Options → Concurrency; 0 is Auto);
 *  - http A: HTTP Request PATCH /contacts/{id} (Bearer credential, Batching; none: its defaults);
 *  - http B: HTTP Request GET /contacts/{id} → Code (merge the item's tag into the contact's tags) → HTTP Request PATCH.
 */
import { randomUUID } from 'node:crypto';

import { NODE_TYPE } from '../../runtime/n8n';
import type { WorkloadKind } from './workloads';

export type RouteName = 'ours' | 'http';

export interface Credentials {
	assistable: { id: string; name: string };
	bearer: { id: string; name: string };
}

/** The merge a user writes in the Code node (Run Once for All Items): the contact's tags plus this item's. */
const MERGE_TAGS_CODE = [
	"// Keep the contact's tags and add the tag from the item this contact was read for",
	'return $input.all().map((item, i) => {',
	"  const tag = $('Items').itemMatching(i).json.tag;",
	'  return { json: { id: item.json.id, tags: [...new Set([...(item.json.tags ?? []), tag])] } };',
	'});',
].join('\n');

type Node = Record<string, unknown> & { name: string };

const node = (
	name: string,
	type: string,
	typeVersion: number,
	x: number,
	parameters: Record<string, unknown>,
	extra = {},
): Node => ({
	id: randomUUID(),
	name,
	type,
	typeVersion,
	position: [x, 0],
	parameters,
	...extra,
});

function httpRequest(
	name: string,
	x: number,
	c: Credentials,
	latencyMs: number,
	concurrency: number | null,
	parameters: Record<string, unknown>,
): Node {
	return node(
		name,
		'n8n-nodes-base.httpRequest',
		4.5,
		x,
		{
			authentication: 'genericCredentialType',
			genericAuthType: 'httpBearerAuth',
			...parameters,
			// Batching: `concurrency` items per batch, the latency between batches (it does not wait for answers).
			options:
				concurrency === null
					? {}
					: {
							batching: {
								batch: { batchSize: concurrency, batchInterval: Math.max(1, latencyMs) },
							},
						},
		},
		{ credentials: { httpBearerAuth: c.bearer } },
	);
}

/**
 * One route's workflow for one workload kind and concurrency (ours: Concurrency, 0 = Auto; http: batch
 * size, null = no batching, HTTP Request's defaults).
 */
export function benchWorkflow(
	route: RouteName,
	kind: WorkloadKind,
	concurrency: number | null,
	o: {
		path: string;
		baseUrl: string;
		latencyMs: number;
		credentials: Credentials;
		/** ours: Re-Check Tags After Write off. */
		noRecheck?: boolean;
	},
) {
	const nodes: Node[] = [
		node(
			'Webhook',
			'n8n-nodes-base.webhook',
			2,
			0,
			{
				httpMethod: 'POST',
				path: o.path,
				responseMode: 'lastNode',
				responseData: 'firstEntryJson',
				options: {},
			},
			{ webhookId: randomUUID() },
		),
		node('Items', 'n8n-nodes-base.splitOut', 1, 200, {
			fieldToSplitOut: 'body.items',
			options: {},
		}),
	];
	const contactUrl = (field: string) => `=${o.baseUrl}/contacts/{{ $json.${field} }}`;
	if (route === 'ours') {
		nodes.push(
			node(
				'Assistable',
				NODE_TYPE,
				1,
				400,
				{
					resource: 'contact',
					operation: 'update',
					contactId: '={{ $json.contactId }}',
					appendTags: true,
					updateFields:
						kind === 'A' ? { firstName: '={{ $json.firstName }}' } : { tags: '={{ $json.tag }}' },
					options: {
						concurrency: concurrency ?? 0,
						...(o.noRecheck ? { recheckTags: false } : {}),
					},
				},
				{ credentials: { assistableApi: o.credentials.assistable } },
			),
		);
	} else if (kind === 'A') {
		nodes.push(
			httpRequest('Update contact', 400, o.credentials, o.latencyMs, concurrency, {
				method: 'PATCH',
				url: contactUrl('contactId'),
				sendBody: true,
				specifyBody: 'json',
				jsonBody: '={ "first_name": "{{ $json.firstName }}" }',
			}),
		);
	} else {
		nodes.push(
			httpRequest('Get contact', 400, o.credentials, o.latencyMs, concurrency, {
				method: 'GET',
				url: contactUrl('contactId'),
			}),
			node('Merge tags', 'n8n-nodes-base.code', 2, 600, {
				mode: 'runOnceForAllItems',
				language: 'javaScript',
				jsCode: MERGE_TAGS_CODE,
			}),
			httpRequest('Update tags', 800, o.credentials, o.latencyMs, concurrency, {
				method: 'PATCH',
				url: contactUrl('id'),
				sendBody: true,
				specifyBody: 'json',
				jsonBody: '={ "tags": {{ JSON.stringify($json.tags) }} }',
			}),
		);
	}
	const connections: Record<string, unknown> = {};
	for (let i = 0; i < nodes.length - 1; i++)
		connections[nodes[i].name] = { main: [[{ node: nodes[i + 1].name, type: 'main', index: 0 }]] };
	return {
		name: `Bench ${o.path}`,
		nodes,
		connections,
		settings: {
			executionOrder: 'v1',
			saveDataSuccessExecution: 'all',
			saveDataErrorExecution: 'all',
		},
	};
}
