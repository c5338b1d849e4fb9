/**
 * The node types and the credentials helper the in-process workflow runs use (test/harness/workflow.ts,
 * test/harness/webhook.ts): a webhook-like items source, the Assistable node, and the test credential applied
 * through the credential type's `authenticate` as n8n does.
 */
import type {
	ICredentialDataDecryptedObject,
	ICredentialType,
	IDataObject,
	IExecuteFunctions,
	IHttpRequestOptions,
	INode,
	INodeExecutionData,
	INodeType,
	INodeTypes,
	IVersionedNodeType,
} from 'n8n-workflow';
import { ICredentialsHelper, NodeConnectionTypes, Workflow } from 'n8n-workflow';

import { AssistableApi } from '../../credentials/AssistableApi.credentials';
import { Assistable } from '../../nodes/Assistable/Assistable.node';

/** The first node of every test workflow: passes on the items it is given, like a webhook would. */
class ItemsSource implements INodeType {
	description = {
		displayName: 'Items Source',
		name: 'itemsSource',
		group: ['trigger'],
		version: 1,
		description: 'Emits the test items',
		defaults: { name: 'Webhook' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		properties: [],
	} as INodeType['description'];

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return [this.getInputData()];
	}
}

const credentialTypes: Record<string, ICredentialType> = { assistableApi: new AssistableApi() };

export function nodeTypesOf(
	extra: Record<string, INodeType | IVersionedNodeType> = {},
): INodeTypes {
	const types: Record<string, INodeType | IVersionedNodeType> = {
		'test.itemsSource': new ItemsSource(),
		'n8n-nodes-assistable.assistable': new Assistable(),
		...extra,
	};
	return {
		getByName: (name) => types[name],
		getByNameAndVersion: (name) => {
			const type = types[name];
			if (!type) throw new Error(`Unknown node type ${name}`);
			return 'nodeVersions' in type ? type.getNodeType() : type;
		},
		getKnownTypes: () => ({}),
	};
}

/** Hands the test credential to nodes and applies the credential type's `authenticate` as n8n does. */
export class TestCredentialsHelper extends ICredentialsHelper {
	constructor(private readonly credentials: Record<string, ICredentialDataDecryptedObject>) {
		super();
	}

	getParentTypes(): string[] {
		return [];
	}

	isCredentialUsableByNode(): boolean {
		return true;
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		requestOptions: IHttpRequestOptions,
		workflow?: Workflow,
		node?: INode,
	): Promise<IHttpRequestOptions> {
		const auth = credentialTypes[typeName]?.authenticate;
		if (typeof auth === 'function') return await auth(credentials, requestOptions);
		if (!auth || !workflow || !node) return requestOptions;
		const headers: IDataObject = { ...(requestOptions.headers ?? {}) };
		for (const [name, value] of Object.entries(auth.properties.headers ?? {})) {
			headers[name] = workflow.expression.getSimpleParameterValue(
				node,
				value as string,
				'internal',
				{ $credentials: credentials },
				undefined,
				'',
			) as string;
		}
		return { ...requestOptions, headers };
	}

	async preAuthentication() {
		return undefined;
	}

	async runPreAuthentication() {
		return undefined;
	}

	async getCredentials(): Promise<never> {
		throw new Error('not used');
	}

	async getDecrypted(
		_data: unknown,
		_nodeCredentials: unknown,
		type: string,
	): Promise<ICredentialDataDecryptedObject> {
		const found = this.credentials[type];
		if (!found) throw new Error(`No test credential of type ${type}`);
		return { ...found };
	}

	async updateCredentials(): Promise<void> {}

	async updateCredentialsOauthTokenData(): Promise<void> {}

	getCredentialsProperties() {
		return [];
	}
}
