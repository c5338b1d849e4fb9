import type { INodeProperties, IWebhookDescription } from 'n8n-workflow';

import { SECRET_QUERY_PARAMETER } from './auth';

const TOOL = { event: ['customToolCall'] };
const CALLS = { event: ['callStarted', 'callEnded'] };

/**
 * One POST webhook. Call webhooks are answered at once with an empty 200 (Assistable does not read the
 * answer); a custom tool call is answered as its Respond setting says. No "Using 'Respond to Webhook'
 * Node": n8n's Respond to Webhook node (1.1 and later, what the editor adds) fails unless the workflow
 * starts with n8n's own Webhook, Form, Chat or Wait node.
 */
export const webhooks: IWebhookDescription[] = [
	{
		name: 'default',
		httpMethod: 'POST',
		responseMode:
			'={{ $parameter["event"] === "customToolCall" ? $parameter["responseMode"] : "onReceived" }}',
		responseData:
			'={{ $parameter["event"] === "customToolCall" && $parameter["responseMode"] === "lastNode" ? "firstEntryJson" : "noData" }}',
		path: 'webhook',
	},
];

export const properties: INodeProperties[] = [
	{
		displayName: 'Event',
		name: 'event',
		type: 'options',
		noDataExpression: true,
		options: [
			{
				name: 'Call Ended',
				value: 'callEnded',
				description:
					"Assistable's post-call webhook: the outcome, summary, sentiment and transcript",
			},
			{
				name: 'Call Started',
				value: 'callStarted',
				description: "Assistable's pre-call webhook, when an AI call starts",
			},
			{
				name: 'Custom Tool Call',
				value: 'customToolCall',
				description: "An assistant calls a custom tool; the workflow's answer goes back to it",
			},
		],
		default: 'callEnded',
	},
	{
		displayName:
			'In Assistable, open the assistant\'s Call Settings and paste this node\'s Production URL (Webhook URLs above) into <b>Post-Call Webhook</b>, then activate the workflow. The Test URL only works while the editor listens ("Listen for test event").',
		name: 'setupCallEnded',
		type: 'notice',
		default: '',
		displayOptions: { show: { event: ['callEnded'] } },
	},
	{
		displayName:
			'In Assistable, open the assistant\'s Call Settings and paste this node\'s Production URL (Webhook URLs above) into <b>Pre-Call Webhook</b>, then activate the workflow. The Test URL only works while the editor listens ("Listen for test event").',
		name: 'setupCallStarted',
		type: 'notice',
		default: '',
		displayOptions: { show: { event: ['callStarted'] } },
	},
	{
		displayName:
			'In Assistable, paste this node\'s Production URL (Webhook URLs above) into the custom tool\'s <b>Endpoint URL</b> (method POST), then activate the workflow. The Test URL only works while the editor listens ("Listen for test event").',
		name: 'setupCustomTool',
		type: 'notice',
		default: '',
		displayOptions: { show: TOOL },
	},
	{
		displayName: 'Authentication',
		name: 'authentication',
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'None', value: 'none' },
			{
				name: 'Webhook Secret',
				value: 'secret',
				description:
					'Refuse requests without the secret of an Assistable Webhook Secret credential',
			},
		],
		default: 'none',
	},
	{
		displayName:
			'Anyone who knows this webhook URL can start the workflow: without a secret, the unguessable path of the URL is the only protection. Choose Webhook Secret to refuse other callers.',
		name: 'noAuthNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { authentication: ['none'] } },
	},
	{
		displayName: `Assistable signs no call webhook: append <b>?${SECRET_QUERY_PARAMETER}=</b> and the credential's secret to the URL you paste, e.g. https://…/webhook?${SECRET_QUERY_PARAMETER}=YOUR_SECRET. Requests without it, or with another value, get 401 and start nothing.`,
		name: 'querySecretNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { authentication: ['secret'], ...CALLS } },
	},
	{
		displayName:
			"In the custom tool's settings in Assistable, send the credential's secret as the Bearer key (<b>Authorization: Bearer YOUR_SECRET</b>). Requests without it, or with another key, get 401 and start nothing.",
		name: 'bearerSecretNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { authentication: ['secret'], ...TOOL } },
	},
	{
		displayName: 'Respond',
		name: 'responseMode',
		type: 'options',
		options: [
			{
				name: 'Immediately',
				value: 'onReceived',
				description:
					'As soon as the request arrives, with an empty 200: the assistant gets no answer',
			},
			{
				name: 'When Last Node Finishes',
				value: 'lastNode',
				description: "With the JSON of the last node's first item: what the assistant reads out",
			},
		],
		default: 'lastNode',
		description: 'When and how to answer the custom tool call',
		displayOptions: { show: TOOL },
	},
];
