import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { TransportOptions } from './transport';
import { DEFAULT_MAX_ATTEMPTS, DEFAULT_TIMEOUT_MS } from './transport';

const DEFAULT_CONCURRENCY = 5;
const MAX_CONCURRENCY = 50;
const MAX_ATTEMPTS = 10;
const MAX_TIMEOUT_MS = 600_000;

/** Options every operation offers for how requests are made; read once per execution. */
const requestOptionFields: INodeProperties[] = [
	{
		displayName: 'Concurrency',
		name: 'concurrency',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: MAX_CONCURRENCY },
		default: DEFAULT_CONCURRENCY,
		description:
			'How many items to process at once. Items for the same contact always run one after another, in order.',
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

/**
 * An Options collection's entries plus the request options, in alphabetical order (n8n's
 * convention).
 */
export function withRequestOptions(options: INodeProperties[]): INodeProperties[] {
	return [...options, ...requestOptionFields].sort((a, b) =>
		a.displayName.localeCompare(b.displayName),
	);
}

export interface ExecutionSettings {
	concurrency: number;
	transport: TransportOptions;
}

function bounded(value: unknown, fallback: number, min: number, max: number): number {
	const n = typeof value === 'number' && Number.isFinite(value) ? Math.floor(value) : fallback;
	return Math.min(max, Math.max(min, n));
}

export function readExecutionSettings(ctx: IExecuteFunctions): ExecutionSettings {
	const options = ctx.getNodeParameter('options', 0, {}) as IDataObject;
	return {
		concurrency: bounded(options.concurrency, DEFAULT_CONCURRENCY, 1, MAX_CONCURRENCY),
		transport: {
			maxAttempts: bounded(options.maxAttempts, DEFAULT_MAX_ATTEMPTS, 1, MAX_ATTEMPTS),
			timeoutMs: bounded(options.timeout, DEFAULT_TIMEOUT_MS, 1, MAX_TIMEOUT_MS),
			requestsPerSecond:
				typeof options.requestsPerSecond === 'number' && options.requestsPerSecond > 0
					? options.requestsPerSecond
					: 0,
		},
	};
}
