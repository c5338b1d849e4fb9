/**
 * Small helpers shared by the fault matrices and the property tests (properties/): a pool of sandboxes (so
 * concurrent tests never share a request log or fault rules), message checks and summary files.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';

import type { Sandbox, SandboxOptions } from '../../sandbox/server';
import { startSandbox } from '../../sandbox/server';

/** Texts that mean the node crashed or leaked an internal error instead of explaining what happened. */
export const CRASH_TEXT =
	/TypeError|ReferenceError|SyntaxError|RangeError|Cannot read propert|Cannot convert|is not a function|is not iterable|Unexpected token|Unexpected end of JSON|in JSON at position|\[object Object\]|\bundefined\b|\bNaN\b/;

export const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, Math.max(0, ms)));

/** A fixed set of sandboxes handed out one test at a time. */
export class SandboxPool {
	private free: Sandbox[] = [];
	private all: Sandbox[] = [];
	private waiting: Array<(sandbox: Sandbox) => void> = [];
	private quarantined = new Set<NodeJS.Timeout>();

	async start(size: number, options: SandboxOptions): Promise<void> {
		this.all = await Promise.all(Array.from({ length: size }, () => startSandbox(options)));
		this.free = [...this.all];
	}

	/**
	 * Runs `fn` with a sandbox of its own, reset to `seed` first. `fn` may call `hold(ms)` to keep the
	 * sandbox out of the pool for that long after it returns, so a request the sandbox is still holding
	 * back (a 'delay' fault) cannot change the next test's contacts.
	 */
	async with<T>(
		seed: Parameters<Sandbox['reset']>[0],
		fn: (sandbox: Sandbox, hold: (ms: number) => void) => Promise<T>,
	): Promise<T> {
		const sandbox =
			this.free.pop() ?? (await new Promise<Sandbox>((resolve) => this.waiting.push(resolve)));
		sandbox.reset(seed);
		let quarantineMs = 0;
		try {
			return await fn(sandbox, (ms) => (quarantineMs = Math.max(quarantineMs, ms)));
		} finally {
			const release = () => {
				sandbox.reset(seed);
				const next = this.waiting.shift();
				if (next) next(sandbox);
				else this.free.push(sandbox);
			};
			if (quarantineMs > 0) {
				const timer = setTimeout(() => {
					this.quarantined.delete(timer);
					release();
				}, quarantineMs);
				this.quarantined.add(timer);
			} else {
				release();
			}
		}
	}

	async close(): Promise<void> {
		this.quarantined.forEach((timer) => clearTimeout(timer));
		this.quarantined.clear();
		await Promise.all(this.all.map((sandbox) => sandbox.close()));
	}
}

/**
 * A readers/writer lock: `exclusive` runs alone (the cases that move hundreds of megabytes and stall
 * the event loop), `shared` ones run together (the cases whose short timeouts such a stall would break).
 */
export class SharedLock {
	private readers = 0;
	private writer: Promise<void> | undefined;
	private drained: Array<() => void> = [];

	async shared<T>(fn: () => Promise<T>): Promise<T> {
		while (this.writer) await this.writer;
		this.readers++;
		try {
			return await fn();
		} finally {
			if (--this.readers === 0) this.drained.splice(0).forEach((done) => done());
		}
	}

	async exclusive<T>(fn: () => Promise<T>): Promise<T> {
		while (this.writer) await this.writer;
		let done!: () => void;
		this.writer = new Promise<void>((resolve) => (done = resolve));
		try {
			if (this.readers > 0) await new Promise<void>((resolve) => this.drained.push(resolve));
			return await fn();
		} finally {
			this.writer = undefined;
			done();
		}
	}
}

/** Writes test-artifacts/<name> (the folder is git-ignored). */
export function writeArtifact(name: string, data: unknown): void {
	const folder = resolve(__dirname, '../../test-artifacts');
	mkdirSync(folder, { recursive: true });
	writeFileSync(resolve(folder, name), `${JSON.stringify(data, null, 2)}\n`);
}
