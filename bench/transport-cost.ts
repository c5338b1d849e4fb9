/**
 * What a new connection costs on the bench's transport: N sequential GETs to the HTTPS sandbox through the latency
 * proxy, with a new agent per request (what n8n's request helper does), a keep-alive agent, and one shared agent
 * without keep-alive (new connections, TLS sessions resumed from the agent's cache); TLS 1.3 and 1.2.
 *
 *   node build/bench/transport-cost.js [--rtt 20] [--n 50]
 */
import * as https from 'node:https';
import type { TLSSocket } from 'node:tls';

import { DEMO_API_KEY, DEMO_CONTACT_IDS, demoSeed, startSandbox } from '../sandbox/server';
import { startLatencyProxy } from './lib/latency-proxy';
import { generateLocalhostCert } from './lib/tls';

function flag(name: string, fallback: number): number {
	const i = process.argv.indexOf(name);
	const v = i === -1 ? undefined : Number(process.argv[i + 1]);
	if (v !== undefined && !(v >= 0)) throw new Error(`${name} must be a number of 0 or more`);
	return v ?? fallback;
}

async function main() {
	const rttMs = flag('--rtt', 20);
	const n = flag('--n', 50);
	const cert = generateLocalhostCert();
	const sandbox = await startSandbox({ seed: demoSeed(), tls: { key: cert.key, cert: cert.cert } });
	const proxy = await startLatencyProxy({ targetPort: sandbox.port, rttMs });
	const url = proxy.via(`${sandbox.url}/contacts/${DEMO_CONTACT_IDS.ada}`);

	const get = (agent: https.Agent, onResumed: () => void) =>
		new Promise<void>((resolve, reject) => {
			const req = https.get(url, { agent, headers: { authorization: `Bearer ${DEMO_API_KEY}` } });
			req.on('socket', (s) => {
				if (req.reusedSocket) return; // a kept-alive connection: no handshake
				(s as TLSSocket).once('secureConnect', () => {
					if ((s as TLSSocket).isSessionReused()) onResumed();
				});
			});
			req.on('response', (res) => {
				if (res.statusCode !== 200) reject(new Error(`status ${res.statusCode}`));
				res.resume().on('end', resolve);
			});
			req.on('error', reject);
		});

	const modes: [string, (tls: https.AgentOptions) => () => https.Agent][] = [
		['new agent per request', (o) => () => new https.Agent(o)],
		[
			'one keep-alive agent',
			(o) => {
				const a = new https.Agent({ ...o, keepAlive: true, maxSockets: 1 });
				return () => a;
			},
		],
		[
			'one agent, no keep-alive (session cache)',
			(o) => {
				const a = new https.Agent({ ...o, keepAlive: false });
				return () => a;
			},
		],
	];
	const rows: string[] = [];
	for (const version of ['TLSv1.3', 'TLSv1.2'] as const) {
		for (const [name, make] of modes) {
			const agentFor = make({ ca: cert.cert, maxVersion: version, minVersion: version });
			const before = proxy.stats();
			let resumed = 0;
			const t0 = performance.now();
			for (let i = 0; i < n; i++) await get(agentFor(), () => resumed++);
			const ms = performance.now() - t0;
			agentFor().destroy();
			const conns = proxy.stats().connections - before.connections;
			rows.push(
				`| ${version} | ${name} | ${(ms / n).toFixed(1)} | ${(ms / n / rttMs).toFixed(2)} | ${conns} | ${resumed} |`,
			);
		}
	}
	process.stdout.write(
		[
			`${n} sequential GETs, RTT ${rttMs} ms (latency proxy), sandbox over HTTPS, Node ${process.version}`,
			'',
			'| TLS | client | ms per request | RTTs per request | connections | sessions resumed |',
			'|---|---|---|---|---|---|',
			...rows,
			'',
		].join('\n'),
	);
	await proxy.close();
	await sandbox.close();
	cert.remove();
}

main().catch((err: Error) => {
	process.stderr.write(`${err.stack ?? err.message}\n`);
	process.exit(1);
});
