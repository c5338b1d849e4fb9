/** What `npm start` prints of n8n's own output. */
import { prefixedLog } from './basics';

/**
 * n8n's messages on start that are expected here and harmless, each replaced by one line that says why
 * (printed once). Anything else n8n prints is shown as it is.
 */
const KNOWN_HARMLESS: Array<{ match: RegExp; explain: string }> = [
	{
		match: /Failed to start Python task runner/i,
		explain:
			'(n8n could not start its Python task runner: harmless here, Python is only needed by Code nodes written in Python; JavaScript Code nodes run)',
	},
	{
		match: /There is a deprecation related to your n8n setup/i,
		explain:
			'(n8n notes that its internal task runner mode will be replaced by an external one: nothing to do for this local demo)',
	},
];

export function n8nLog(): (line: string) => void {
	const print = prefixedLog('[n8n]');
	const explained = new Set<string>();
	let skippingStack = false;
	return (line) => {
		const known = KNOWN_HARMLESS.find((k) => k.match.test(line));
		if (known) {
			skippingStack = true;
			if (!explained.has(known.explain)) print(known.explain);
			explained.add(known.explain);
			return;
		}
		// The stack trace or detail lines that follow a known message.
		if (skippingStack && /^\s/.test(line)) return;
		skippingStack = false;
		print(line);
	};
}
