/** The benchmark's view of the sandbox: in a child process (default) or in this process (--inproc-sandbox). */
import { fork, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';

import type { Sandbox } from '../../sandbox/server';
import { startSandbox } from '../../sandbox/server';
import type { ContactState } from './workloads';
import { contactSeed } from './workloads';

export type SandboxCommand =
	| { cmd: 'start'; latencyMs: number }
	| { cmd: 'reset'; contacts: number; latencyMs: number }
	| { cmd: 'summary' }
	| { cmd: 'state' }
	| { cmd: 'close' };

export interface RequestSummary {
	total: number;
	byRoute: Record<string, number>;
	/** Most requests in flight at once. */
	maxInFlight: number;
	/** Most requests in flight at once for one contact (1 = strictly one after another). */
	maxInFlightPerContact: number;
	/** Most requests sent for one contact. */
	maxPerContact: number;
	/** Answers by status code. */
	statuses: Record<string, number>;
	/** Mean time the server held a request (includes the injected latency). */
	meanServerMs: number;
	/** Requests in flight on average between the first arrival and the last answer. */
	meanInFlight: number;
}

/** Summarises the sandbox's request log. */
export function summarize(sandbox: Sandbox): RequestSummary {
	const stats = sandbox.stats();
	const perContact = new Map<string, Array<[number, number]>>();
	const statuses: Record<string, number> = {};
	let held = 0, first = Infinity, last = 0;
	for (const r of sandbox.requests) {
		first = Math.min(first, r.startedAt);
		last = Math.max(last, r.endedAt);
		statuses[r.status] = (statuses[r.status] ?? 0) + 1;
		held += r.endedAt - r.startedAt;
		const id = r.params.contactId;
		if (!id) continue;
		const list = perContact.get(id) ?? [];
		list.push([r.startedAt, r.endedAt]);
		perContact.set(id, list);
	}
	let maxInFlightPerContact = 0, maxPerContact = 0;
	for (const spans of perContact.values()) {
		maxPerContact = Math.max(maxPerContact, spans.length);
		const events = spans.flatMap(([s, e]) => [[s, 1], [e, -1]] as Array<[number, number]>).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
		let open = 0;
		for (const [, d] of events) maxInFlightPerContact = Math.max(maxInFlightPerContact, (open += d));
	}
	return {
		total: stats.total, byRoute: stats.byRoute, maxInFlight: stats.maxInFlight, maxInFlightPerContact, maxPerContact, statuses,
		meanServerMs: sandbox.requests.length ? held / sandbox.requests.length : 0,
		meanInFlight: last > first ? held / (last - first) : 0,
	};
}

export interface SandboxClient {
	url: string;
	/** The sandbox's process id (this process when in-process). */
	pid: number;
	reset(contacts: number, latencyMs: number): Promise<void>;
	summary(): Promise<RequestSummary>;
	state(): Promise<Record<string, ContactState>>;
	close(): Promise<void>;
}

export async function startSandboxClient(options: { latencyMs: number; inProcess?: boolean }): Promise<SandboxClient> {
	if (options.inProcess) {
		const sandbox = await startSandbox({ behaviour: { latencyMs: options.latencyMs } });
		return {
			url: sandbox.url,
			pid: process.pid,
			reset: async (contacts, latencyMs) => {
				sandbox.reset(contactSeed(contacts));
				sandbox.setBehaviour({ latencyMs });
			},
			summary: async () => summarize(sandbox),
			state: async () => Object.fromEntries(sandbox.listContacts().map((c) => [c.id, { first_name: c.first_name, tags: c.tags }])),
			close: () => sandbox.close(),
		};
	}
	const child: ChildProcess = fork(path.join(__dirname, '..', 'sandbox-child.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
	let next = 0;
	const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
	child.on('message', (m: { id: number; ok: boolean; result?: unknown; error?: string }) => {
		const p = pending.get(m.id);
		pending.delete(m.id);
		if (m.ok) p?.resolve(m.result);
		else p?.reject(new Error(`sandbox: ${m.error}`));
	});
	child.on('exit', () => {
		for (const p of pending.values()) p.reject(new Error('sandbox process exited'));
		pending.clear();
	});
	const call = <T>(command: SandboxCommand): Promise<T> =>
		new Promise<T>((resolve, reject) => {
			const id = ++next;
			pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
			child.send({ id, command });
		});
	const { url, pid } = await call<{ url: string; pid: number }>({ cmd: 'start', latencyMs: options.latencyMs });
	return {
		url,
		pid,
		reset: (contacts, latencyMs) => call<void>({ cmd: 'reset', contacts, latencyMs }),
		summary: () => call<RequestSummary>({ cmd: 'summary' }),
		state: () => call<Record<string, ContactState>>({ cmd: 'state' }),
		close: async () => {
			if (child.exitCode !== null) return;
			const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
			await call<void>({ cmd: 'close' }).catch(() => undefined);
			await exited;
		},
	};
}
