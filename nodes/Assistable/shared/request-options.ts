import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { MAX_LIMIT } from './limiter';
import type { TransportOptions } from './transport';

/** Concurrency 0: Auto. */
const AUTO = 0;
const DEFAULT_MAX_ATTEMPTS = 4;
const MAX_ATTEMPTS = 10;
const DEFAULT_TIMEOUT_MS = 30_000;
const MAX_TIMEOUT_MS = 600_000;

/** Options every operation offers for how requests are made; read once per execution. */
export const requestOptionFields: INodeProperties[] = [
	{
		displayName: 'Concurrency',
		name: 'concurrency',
		type: 'number',
		typeOptions: { minValue: AUTO, maxValue: MAX_LIMIT },
		default: AUTO,
		description:
			'How many requests to Assistable may be in flight at once. 0 (Auto) adapts it, between 1 and 50, to what the API sustains: it grows while answers are healthy, shrinks when answers slow down as more are in flight, and halves on 429s, overload answers (502–504) and timeouts, for all workflows using this API key. A number fixes it for this node. Items for the same contact always run one after another, in order.',
	},
	{
		displayName: 'Max Attempts',
		name: 'maxAttempts',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: MAX_ATTEMPTS },
		default: DEFAULT_MAX_ATTEMPTS,
		description:
			'Tries per request when Assistable is busy or unreachable (429, 5xx, timeouts), the first included',
	},
	{
		displayName: 'Requests per Second',
		name: 'requestsPerSecond',
		type: 'number',
		typeOptions: { minValue: 0 },
		default: 0,
		description:
			'Cap on requests per second for this node, to stay under a known API quota. 0 means no cap.',
	},
	{
		displayName: 'Timeout',
		name: 'timeout',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: DEFAULT_TIMEOUT_MS,
		description:
			'Time in ms to wait for each request to answer before trying again (or failing after Max Attempts)',
	},
];

function bounded(value: unknown, fallback: number, min: number, max: number): number {
	const n = typeof value === 'number' && Number.isFinite(value) ? Math.floor(value) : fallback;
	return Math.min(max, Math.max(min, n));
}

/** `concurrency`: items in progress at once (with Auto, the key's limiter paces the requests). */
export function readExecutionSettings(ctx: IExecuteFunctions): {
	concurrency: number;
	transport: TransportOptions;
} {
	const options = ctx.getNodeParameter('options', 0, {}) as IDataObject;
	const fixed = bounded(options.concurrency, AUTO, AUTO, MAX_LIMIT);
	const perSecond = options.requestsPerSecond;
	return {
		concurrency: fixed === AUTO ? MAX_LIMIT : fixed,
		transport: {
			adaptive: fixed === AUTO,
			maxAttempts: bounded(options.maxAttempts, DEFAULT_MAX_ATTEMPTS, 1, MAX_ATTEMPTS),
			timeoutMs: bounded(options.timeout, DEFAULT_TIMEOUT_MS, 1, MAX_TIMEOUT_MS),
			minIntervalMs: typeof perSecond === 'number' && perSecond > 0 ? 1000 / perSecond : 0,
		},
	};
}
