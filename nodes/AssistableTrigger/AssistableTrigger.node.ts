import type {
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { testWebhookSecret } from './credential-test';
import { properties, webhooks } from './description';
import { handleWebhook } from './handler';

export class AssistableTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Assistable Trigger',
		name: 'assistableTrigger',
		icon: {
			light: 'file:../../icons/assistable.svg',
			dark: 'file:../../icons/assistable.dark.svg',
		},
		group: ['trigger'],
		version: 1,
		subtitle:
			'={{ ({"callStarted": "Call Started", "callEnded": "Call Ended", "customToolCall": "Custom Tool Call"})[$parameter["event"]] ?? $parameter["event"] }}',
		description:
			'Starts the workflow when an Assistable AI call starts or ends, or an assistant calls a custom tool',
		defaults: { name: 'Assistable Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{
				name: 'assistableWebhookApi',
				required: true,
				testedBy: 'assistableWebhookSecretTest',
				displayOptions: { show: { authentication: ['secret'] } },
			},
		],
		webhooks,
		properties,
	};

	methods = { credentialTest: { assistableWebhookSecretTest: testWebhookSecret } };

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await handleWebhook.call(this);
	}
}
