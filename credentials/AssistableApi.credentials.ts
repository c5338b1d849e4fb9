import type {
	ICredentialDataDecryptedObject,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	INodeProperties,
} from 'n8n-workflow';

/**
 * The Base URL for the credential test, refused like the node refuses it: https, or plain http to
 * localhost / 127.x / [::1] only. Anything else becomes text that is not a URL, so the test fails
 * before any connection is made and the key is never sent.
 */
const TEST_BASE_URL =
	'={{ /^https:\\/\\//i.test($credentials.baseUrl) || /^http:\\/\\/(localhost|127(\\.\\d{1,3}){3}|\\[::1\\])(:\\d+)?(\\/|$)/i.test($credentials.baseUrl) ? $credentials.baseUrl : "Base URL refused (https only, plain http only for localhost)" }}';

/** Assistable's v2 API; the node uses it too when the credential's Base URL is empty. */
export const DEFAULT_BASE_URL = 'https://api.assistable.ai/v2';

/** A contact ID that cannot exist: the credential test reads it to prove the key is accepted. */
const CREDENTIAL_PROBE_CONTACT_ID = '00000000-0000-4000-8000-000000000000';

export class AssistableApi implements ICredentialType {
	name = 'assistableApi';

	displayName = 'Assistable API';

	icon: Icon = { light: 'file:../icons/assistable.svg', dark: 'file:../icons/assistable.dark.svg' };

	documentationUrl =
		'https://github.com/assistable-community/n8n-nodes-assistable/blob/main/README.md';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			description: 'A v2 API key from Assistable (Settings → API). Sent as a Bearer token.',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: DEFAULT_BASE_URL,
			placeholder: `e.g. ${DEFAULT_BASE_URL}`,
			description:
				'Leave as is for Assistable. Change it only for a proxy or the local Assistable sandbox. Must use https, except on localhost.',
		},
	];

	// A function, not a generic `=Bearer {{$credentials.apiKey}}`: n8n evaluates a generic one's
	// expression for every request (about 1 ms of CPU each in n8n 2.41), a function costs nothing.
	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		return {
			...requestOptions,
			headers: { ...requestOptions.headers, Authorization: `Bearer ${String(credentials.apiKey)}` },
		};
	}

	// The v2 API has no "who am I" endpoint. Reading a contact that cannot exist is free of side
	// effects: a valid key gets 404 (accepted), a bad key 401, a key without access 403.
	test: ICredentialTestRequest = {
		request: {
			baseURL: TEST_BASE_URL,
			url: `/contacts/${CREDENTIAL_PROBE_CONTACT_ID}`,
			method: 'GET',
			ignoreHttpStatusErrors: { ignore: true, except: [401, 403, 500, 502, 503, 504] },
		},
		// n8n checks both rule kinds in one list; its type only allows one kind per list.
		rules: [
			{
				type: 'responseCode',
				properties: {
					value: 401,
					message:
						'Assistable rejected the API key (401). Copy a v2 API key from Assistable again.',
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 403,
					message:
						'Assistable accepted the key but refused access (403). Check the key belongs to the right sub-account.',
				},
			},
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'ok',
					value: false,
					message: 'Assistable refused the request. Check the API key and the Base URL.',
				},
			},
		] as unknown as ICredentialTestRequest['rules'],
	};
}
