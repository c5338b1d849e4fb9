/**
 * A Make Call answer that says the call was not made (HTTP 200 with `success: false`,
 * `returned_an_error: true`, or the seen `{error, status: "failed" | "blocked"}`), and what to do
 * for each cause the vendor documents. Assistable gives no list of error codes, so the cause is read
 * from the code and the message together.
 */
import { isObject } from '../../shared/success';

export interface CallRefusal {
	message: string;
	code?: string;
	/** A short name a workflow can route on (e.g. an IF node), or `unknown`. */
	cause: string;
	/** What to do, for a person. */
	advice: string;
	/** Whether running the same call later may work without changing anything (a rate limit). */
	retryLater: boolean;
}

/** Assistable's advice for a rate-limited call: retry after a delay, 5 minutes. */
export const RATE_LIMIT_RETRY_SECONDS = 300;

const CAUSES: Array<{ cause: string; test: RegExp; advice: string }> = [
	{
		cause: 'rate_limit',
		test: /rate.?limit|too many|throttl/i,
		advice: `Assistable limits how fast calls are placed: run this call again after a delay (Assistable advises ${RATE_LIMIT_RETRY_SECONDS / 60} minutes), e.g. with a Wait node before a retry, or spread the calls out.`,
	},
	{
		cause: 'wallet',
		test: /wallet|balance|insufficient|funds|credit|payment/i,
		advice:
			"The Assistable wallet has too little balance to place calls: top it up in Assistable's billing settings, then run the call again.",
	},
	{
		cause: 'dnc',
		test: /(^|[^a-z])dn[cd]([^a-z]|$)|do.?not.?(call|disturb)|blocked/i,
		advice:
			'The contact is on a Do Not Call list or has Do Not Disturb on in GoHighLevel, so Assistable will not call them. Do not retry; lift DND in GoHighLevel only if the contact agreed to be called.',
	},
	{
		cause: 'no_number',
		test: /no (phone )?number|number.*(not|isn.t) (linked|attached|assigned|set)|missing.*number|phone number.*assistant/i,
		advice:
			"The assistant has no phone number to call from: link a number to the assistant in Assistable (the assistant's phone number / call settings), or set a Number Pool ID.",
	},
	{
		cause: 'invalid_number_pool',
		test: /number.?pool/i,
		advice:
			'Check the Number Pool ID: copy it from Assistable, or leave it empty to call from the number linked to the assistant.',
	},
	{
		cause: 'invalid_assistant',
		test: /assistant/i,
		advice:
			'Check the Assistant ID: copy it from the assistant in Assistable, and make sure the assistant belongs to this location and is not deleted.',
	},
	{
		cause: 'invalid_destination',
		test: /destination|country|outside|unsupported|international|invalid.*(phone|number)/i,
		advice:
			"Assistable calls numbers in the US and Canada only, or the contact's phone number is not valid: check the contact's phone number in GoHighLevel.",
	},
	{
		cause: 'banned',
		test: /bann/i,
		advice:
			'Assistable refuses calls from this account or to this number (banned): contact Assistable support.',
	},
	{
		cause: 'workspace_inactive',
		test: /workspace|inactive|subscription|suspend/i,
		advice:
			'The Assistable workspace is inactive: reactivate its subscription in Assistable, then run the call again.',
	},
	{
		cause: 'access_token',
		test: /token|unauthori[sz]ed|integration|oauth/i,
		advice:
			"Assistable could not use its GoHighLevel connection for this location: reconnect GoHighLevel in Assistable's settings for this sub-account.",
	},
];

export const CHECK_CONTACT =
	'Assistable also tags the contact in GoHighLevel with an ai_call_error_… tag naming the cause and fills its "Make AI Call error_message" field: check the contact there.';

function textOf(value: unknown): string | undefined {
	if (typeof value === 'string' && value.trim()) return value.trim().slice(0, 300);
	if (typeof value === 'number') return String(value);
	if (isObject(value) && typeof value.message === 'string') return textOf(value.message);
	return undefined;
}

/** The refusal an answer reports, or undefined when it reports none. */
export function callRefusal(body: Record<string, unknown>): CallRefusal | undefined {
	const flagged =
		body.success === false ||
		body.returned_an_error === true ||
		(body.error !== undefined && body.error !== null && body.error !== false) ||
		body.status === 'failed' ||
		body.status === 'blocked';
	if (!flagged) return undefined;
	const message =
		textOf(body.error_message) ??
		textOf(body.error) ??
		textOf(body.message) ??
		(typeof body.status === 'string' ? `status ${body.status}` : 'no reason given');
	const code = textOf(body.error_code) ?? textOf(body.code);
	const reading = `${code ?? ''} ${message} ${body.status === 'blocked' ? 'blocked' : ''}`;
	const found = CAUSES.find((c) => c.test.test(reading));
	return {
		message,
		code,
		cause: found?.cause ?? 'unknown',
		advice: found ? `${found.advice} ${CHECK_CONTACT}` : CHECK_CONTACT,
		retryLater: found?.cause === 'rate_limit',
	};
}
