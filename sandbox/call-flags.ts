/** The sandbox CLI's flags for calls (see cli.ts); they set behaviour fields read by calls.ts. */
import type { CallFailure, CallOutcome } from './calls';
import { CALL_FAILURES } from './calls';
import type { SandboxBehaviour } from './types';

export const CALL_USAGE =
	'[--call-webhook [ASSISTANT_ID:]pre|post=URL] [--call-failure ' +
	Object.keys(CALL_FAILURES).join('|') +
	'] [--call-failure-shape documented|seen] [--call-start-after MS] [--call-duration MS] ' +
	'[--call-outcome sentiment|completion|summary|task|disconnection=TEXT]';

/**
 * The CLI's call flags, on `behaviour`: --call-webhook [ASSISTANT_ID:]pre|post=URL, --call-failure
 * CAUSE, --call-failure-shape documented|seen, --call-start-after MS, --call-duration MS, --call-outcome
 * sentiment|completion|summary|task|disconnection=TEXT. False for another flag; throws on a bad value.
 */
export function callFlag(
	behaviour: Partial<SandboxBehaviour>,
	flag: string,
	value: string,
): boolean {
	const ms = () => {
		if (!/^\d+$/.test(value)) throw new Error(`${flag} must be a number of milliseconds`);
		return Number(value);
	};
	switch (flag) {
		case '--call-webhook': {
			const m = /^(?:([^:=]+):)?(pre|post)=(https?:\/\/\S+)$/.exec(value);
			if (!m) throw new Error(`${flag} must be [ASSISTANT_ID:]pre=URL or [ASSISTANT_ID:]post=URL`);
			const all = (behaviour.callWebhooks ??= {});
			all[m[1] ?? '*'] = { ...all[m[1] ?? '*'], [m[2]]: m[3] };
			return true;
		}
		case '--call-failure':
			if (!(value in CALL_FAILURES))
				throw new Error(`${flag} must be one of ${Object.keys(CALL_FAILURES).join(', ')}`);
			behaviour.callFailure = value as CallFailure;
			return true;
		case '--call-failure-shape':
			if (value !== 'documented' && value !== 'seen')
				throw new Error(`${flag} must be documented or seen`);
			behaviour.callFailureShape = value;
			return true;
		case '--call-start-after':
			behaviour.callStartAfterMs = ms();
			return true;
		case '--call-duration':
			behaviour.callDurationMs = ms();
			return true;
		case '--call-outcome': {
			const names: Record<string, keyof CallOutcome> = {
				sentiment: 'user_sentiment',
				completion: 'call_completion',
				summary: 'call_summary',
				task: 'assistant_task_completion',
				disconnection: 'disconnection_reason',
			};
			const m = /^(\w+)=(.*)$/s.exec(value);
			if (!m || !names[m[1]])
				throw new Error(`${flag} must be ${Object.keys(names).join('|')}=TEXT`);
			behaviour.callOutcome = { ...behaviour.callOutcome, [names[m[1]]]: m[2] };
			return true;
		}
		default:
			return false;
	}
}
