/**
 * The Assistable sandbox in its own process, driven over IPC by bench/lib/sandbox-client.ts. Keeping the
 * API's work (and its request log) out of the measured process is what makes the CPU and memory figures
 * the workflow's own, as they would be against the real, remote API.
 */
import type { Sandbox } from '../sandbox/server';
import { startSandbox } from '../sandbox/server';
import { summarize, type SandboxCommand } from './lib/sandbox-client';
import { contactSeed } from './lib/workloads';

let sandbox: Sandbox | undefined;

async function handle(command: SandboxCommand): Promise<unknown> {
	switch (command.cmd) {
		case 'start':
			sandbox = await startSandbox({ behaviour: { latencyMs: command.latencyMs } });
			return { url: sandbox.url, pid: process.pid };
		case 'reset':
			sandbox!.reset(contactSeed(command.contacts));
			sandbox!.setBehaviour({ latencyMs: command.latencyMs });
			return null;
		case 'summary':
			return summarize(sandbox!);
		case 'state':
			return Object.fromEntries(sandbox!.listContacts().map((c) => [c.id, { first_name: c.first_name, tags: c.tags }]));
		case 'close':
			await sandbox?.close();
			setImmediate(() => process.exit(0));
			return null;
	}
}

process.on('message', (message: { id: number; command: SandboxCommand }) => {
	handle(message.command).then(
		(result) => process.send!({ id: message.id, ok: true, result }),
		(error: Error) => process.send!({ id: message.id, ok: false, error: String(error?.stack ?? error) }),
	);
});
process.on('disconnect', () => process.exit(0));
