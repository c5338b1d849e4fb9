import type {
	ICredentialsDecrypted,
	ICredentialTestFunctions,
	INodeCredentialTestResult,
} from 'n8n-workflow';

/** Shorter secrets can be guessed; Assistable sends whatever the user pastes. */
const MIN_SECRET_LENGTH = 16;

/**
 * The credential's "Test" in the editor: nothing is sent anywhere (Assistable calls n8n, not the other
 * way round), so it checks the secret is long enough to be hard to guess. The message never shows it.
 */
export async function testWebhookSecret(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
	const secret = credential.data?.secret;
	const length = typeof secret === 'string' ? secret.length : 0;
	if (length < MIN_SECRET_LENGTH) {
		return {
			status: 'Error',
			message: `The secret has ${length} characters; use at least ${MIN_SECRET_LENGTH} random ones.`,
		};
	}
	return { status: 'OK', message: `The secret is set (${length} characters).` };
}
