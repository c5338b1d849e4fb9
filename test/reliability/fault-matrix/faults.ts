/** The fault matrix (../fault-matrix.test.ts): the faults it injects and the cases they make. */

import type { Fault, SandboxRoute as Route } from '../../../sandbox/server';
import {
	CONTACT_LIMIT,
	LIST_LIMIT,
	TIMEOUT_MS,
	DELAY_MS,
	LEAK,
	Operation,
	operations,
} from './operations';
// ---------------------------------------------------------------- faults

interface FaultSpec {
	label: string;
	fault: (route: Route) => Fault;
	phase: 'before' | 'after';
	/** Which requests the node may retry after this fault. */
	retry: 'always' | 'idempotent' | 'never';
	message: (route: Route) => RegExp;
}

const status = (code: number, headers?: Record<string, string>) => (): Fault => ({
	kind: 'status',
	status: code,
	headers,
	body: { message: LEAK },
});
const serverError = (code: number): FaultSpec => ({
	label: `${code}`,
	fault: status(code),
	phase: 'before',
	retry: 'idempotent',
	message: () => new RegExp(`server error \\(${code}\\)`),
});
const delay: FaultSpec = {
	label: 'delay past the timeout',
	fault: () => ({ kind: 'delay', ms: DELAY_MS }),
	phase: 'before',
	retry: 'idempotent',
	message: () => new RegExp(`did not answer within ${TIMEOUT_MS} ms`),
};
const drop: FaultSpec = {
	label: 'drop',
	fault: () => ({ kind: 'drop' }),
	phase: 'before',
	retry: 'idempotent',
	message: () => /could not be reached/,
};
const malformed: FaultSpec = {
	label: 'malformed',
	fault: () => ({ kind: 'malformed' }),
	phase: 'before',
	retry: 'never',
	message: () => /answered 200 with a body that is not JSON/,
};

const FAULTS: FaultSpec[] = [
	{
		label: '429 with Retry-After 0',
		fault: status(429, { 'retry-after': '0' }),
		phase: 'before',
		retry: 'always',
		message: () => /rate limit reached \(429\)/,
	},
	serverError(500),
	serverError(502),
	serverError(503),
	serverError(504),
	{
		label: '400',
		fault: status(400),
		phase: 'before',
		retry: 'never',
		message: () => /rejected the request \(400\)/,
	},
	{
		label: '404',
		fault: status(404),
		phase: 'before',
		retry: 'never',
		message: (route) =>
			route === 'get' || route === 'patch'
				? /Contact not found \(404\)/
				: /no such route or location \(404\)/,
	},
	{
		label: '408',
		fault: status(408),
		phase: 'before',
		retry: 'idempotent',
		message: () => /\(408\)/,
	},
	delay,
	drop,
	malformed,
	{
		label: 'truncated',
		fault: () => ({ kind: 'truncated' }),
		phase: 'before',
		retry: 'never',
		message: () => /answered 200 with a body that is not JSON/,
	},
	{
		label: 'wrong-shape',
		fault: () => ({ kind: 'wrong-shape' }),
		phase: 'before',
		retry: 'never',
		message: () => /unexpected shape/,
	},
	{
		label: 'huge',
		fault: (route) => ({
			kind: 'huge',
			bytes: (route === 'list' ? LIST_LIMIT : CONTACT_LIMIT) + 1024,
		}),
		phase: 'before',
		retry: 'never',
		message: () => /answer is too large/,
	},
	{
		label: 'ok-false',
		fault: () => ({ kind: 'ok-false', error: LEAK }),
		phase: 'before',
		retry: 'never',
		message: () => /Assistable reported an error: Injected failure for Bearer \*\*\*/,
	},
];

/** Faults that hit a write after Assistable applied it: the answer is lost, the change is not. */
const AFTER_FAULTS: FaultSpec[] = [drop, delay, serverError(500), malformed].map((spec) => ({
	...spec,
	label: `${spec.label}, after the write is applied`,
	phase: 'after',
}));

// ---------------------------------------------------------------- cases

export interface Case {
	op: Operation;
	route: Route;
	spec: FaultSpec;
	/** once: the fault hits the first request on the route only; always: every request on it. */
	variant: 'once' | 'always';
	label: string;
}

export function retried(spec: FaultSpec, route: Route): boolean {
	return spec.retry === 'always' || (spec.retry === 'idempotent' && route !== 'create');
}

function casesFor(op: Operation, route: Route): Case[] {
	const specs = [...FAULTS, ...(route === op.write ? AFTER_FAULTS : [])];
	return specs.flatMap((spec) => {
		const variants: Array<Case['variant']> = retried(spec, route) ? ['once', 'always'] : ['once'];
		return variants.map((variant) => ({
			op,
			route,
			spec,
			variant,
			label: `${spec.label}, ${variant === 'once' ? 'once' : 'on every attempt'}`,
		}));
	});
}

export const allCases = operations.flatMap((op) =>
	op.routes.map((route) => casesFor(op, route)).flat(),
);
