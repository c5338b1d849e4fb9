import type { Icon, ICredentialType, INodeProperties } from 'n8n-workflow';

/**
 * The secret the Assistable Trigger expects on incoming webhooks: as `Authorization: Bearer <secret>` on
 * custom tool calls, as `?secret=<secret>` in the URL of the pre-call and post-call webhooks. Nothing is
 * sent with it: n8n only receives, so there is no credential test.
 */
export class AssistableWebhookApi implements ICredentialType {
	name = 'assistableWebhookApi';

	displayName = 'Assistable Webhook Secret API';

	icon: Icon = { light: 'file:../icons/assistable.svg', dark: 'file:../icons/assistable.dark.svg' };

	documentationUrl =
		'https://github.com/assistable-community/n8n-nodes-assistable/blob/main/README.md#assistable-trigger';

	properties: INodeProperties[] = [
		{
			displayName: 'Secret',
			name: 'secret',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			description:
				"A long random value you choose. Put the same value in Assistable: as the custom tool's Bearer key, or after ?secret= in the call webhook URL.",
		},
	];
}
