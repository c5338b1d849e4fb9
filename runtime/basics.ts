/**
 * What every runtime module shares: the package's names in n8n, prefixed logs, ports and temp folders.
 * Node built-ins only.
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Log, ProcResult } from './process';

export type { Log, ProcResult };

export const PACKAGE_NAME = 'n8n-nodes-assistable';
export const NODE_TYPE = 'n8n-nodes-assistable.assistable';
export const CREDENTIAL_TYPE = 'assistableApi';

export function prefixedLog(prefix: string): Log {
	return (line) => process.stdout.write(`${prefix} ${line}\n`);
}

export class PortInUseError extends Error {
	constructor(
		public readonly port: number,
		public readonly host: string,
		what: string,
	) {
		super(
			`Port ${port} on ${host} is already in use (needed for ${what}). Stop whatever uses it, or pick another port.`,
		);
		this.name = 'PortInUseError';
	}
}

/** Resolves if `port` can be bound on `host`, else rejects with PortInUseError. */
export function assertPortFree(port: number, host: string, what: string): Promise<void> {
	return new Promise((resolve, reject) => {
		const srv = net.createServer();
		srv.once('error', (err: NodeJS.ErrnoException) => {
			if (err.code === 'EADDRINUSE' || err.code === 'EACCES')
				reject(new PortInUseError(port, host, what));
			else reject(err);
		});
		srv.listen(port, host, () => srv.close(() => resolve()));
	});
}

/** A port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const srv = net.createServer();
		srv.once('error', reject);
		srv.listen(0, '127.0.0.1', () => {
			const addr = srv.address();
			const port = typeof addr === 'object' && addr ? addr.port : 0;
			srv.close(() => resolve(port));
		});
	});
}

/** Absolute path under the OS temp folder, for a Chromium profile etc. */
export function tempDir(label: string): string {
	return fs.mkdtempSync(path.join(os.tmpdir(), `${label}-`));
}
