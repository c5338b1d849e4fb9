/**
 * The Assistable node against the route a user builds today from n8n's own nodes (HTTP Request, Code), both as
 * workflows in a real n8n (runtime/: the pinned n8n, this package packed and installed as a community node, its
 * own task runner for the Code node), against the sandbox with injected latency. Times come from n8n's execution
 * records (startedAt → stoppedAt), requests and tags from the sandbox's log and final state.
 *
 *   node build/bench/run.js [--latency 20] [--quick] [--concurrency 1,5,20] [--n 1000]
 *                           [--sections fixed,auto,tls,burst] [--out FILE]
 *
 * Sections: fixed (ours at Concurrency c vs the HTTP route batching c), auto (Concurrency: Auto vs fixed
 * settings vs HTTP Request's defaults on an unlimited, a rate-limited and a capacity-limited sandbox), tls (the
 * sandbox over TLS behind a latency proxy), burst (50 concurrent webhook executions of one item each).
 * Exit code 1 when our node lost a tag, Auto failed a run, or a run left wrong names without failing (targets are
 * reported, not asserted).
 * BENCH_N8N_NODE_OPTIONS sets NODE_OPTIONS for the n8n process (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`).
 */
import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import * as path from 'node:path';

import { DEFAULT_N8N_VERSION, ensureN8n, repoRoot } from '../runtime/install-n8n';
import {
	buildAndPack,
	freePort,
	installPackage,
	makeUserFolder,
	N8nRest,
	n8nEnv,
	prefixedLog,
	startN8n,
	type N8nServer,
} from '../runtime/n8n';
import { DEMO_API_KEY, startSandbox, type SandboxBehaviour } from '../sandbox/server';
import { startLatencyProxy, type LatencyProxy } from './lib/latency-proxy';
import { generateLocalhostCert } from './lib/tls';
import {
	Section,
	SECTIONS,
	Options,
	RATE_LIMIT,
	CAPACITY,
	log,
	Api,
	Row,
	Bench,
	fmt,
} from './lib/bench-model';
import { fixedTable, autoTable, tlsTable, burstTable, markdown } from './lib/bench-report';
import { fixedSection, autoSection, tlsSection, burstSection } from './lib/bench-sections';

const USAGE =
	'usage: node build/bench/run.js [--latency MS] [--quick] [--concurrency 1,5,20] [--n N] [--sections fixed,auto,tls,burst] [--out FILE]';

function die(message: string): never {
	process.stderr.write(`${message}\n`);
	process.exit(2);
}

function parseArgs(argv: string[]): Options {
	const int = (flag: string, v: string | undefined, min: number, max = Infinity): number =>
		v !== undefined && /^\d+$/.test(v) && Number(v) >= min && Number(v) <= max
			? Number(v)
			: die(`${flag} needs an integer ${min}..${max}`);
	const o: Partial<Options> = { latencyMs: 20, quick: false };
	for (let i = 0; i < argv.length; i++) {
		const [flag, inline] = argv[i].split(/=(.*)/s, 2);
		const value = () => inline ?? argv[++i];
		if (flag === '--latency') o.latencyMs = int(flag, value(), 0);
		else if (flag === '--quick') o.quick = true;
		else if (flag === '--concurrency')
			o.concurrencies = String(value())
				.split(',')
				.map((c) => int(flag, c, 1, 50));
		else if (flag === '--n') o.n = int(flag, value(), 5);
		else if (flag === '--sections')
			o.sections = String(value())
				.split(',')
				.map((x) =>
					SECTIONS.includes(x as Section) ? (x as Section) : die(`unknown section ${x}\n${USAGE}`),
				);
		else if (flag === '--out') o.out = value();
		else die(`unknown argument ${argv[i]}\n${USAGE}`);
	}
	return {
		...o,
		n: o.n ?? (o.quick ? 100 : 1000),
		concurrencies: o.concurrencies ?? (o.quick ? [5] : [1, 5, 20]),
		sections: o.sections ?? (o.quick ? ['fixed'] : SECTIONS),
	} as Options;
}

async function main(o: Options): Promise<number> {
	const started = performance.now();
	log(`n8n ${DEFAULT_N8N_VERSION}`);
	const rt = await ensureN8n(DEFAULT_N8N_VERSION, { log: prefixedLog('bench: [n8n]') });
	const userFolder = makeUserFolder('bench');
	const cert = o.sections.includes('tls') ? generateLocalhostCert() : undefined;
	const opened: Array<{ close(): Promise<void> }> = [];
	const sandbox = async (tls = false) => {
		const s = await startSandbox(tls && cert ? { tls: { key: cert.key, cert: cert.cert } } : {});
		opened.push(s);
		return s;
	};
	let server: N8nServer | undefined;
	const sections: Partial<Record<Section, Row[]>> = {};
	try {
		const tgz = await buildAndPack({
			log: prefixedLog('bench: [pack]'),
			dest: path.join(userFolder, 'pack'),
		});
		await installPackage(userFolder, tgz, { log: prefixedLog('bench: [install]') });
		const env = n8nEnv(rt, {
			userFolder,
			port: await freePort(),
			brokerPort: await freePort(),
			logLevel: 'warn',
		});
		if (cert) env.NODE_EXTRA_CA_CERTS = cert.certPath;
		if (process.env.BENCH_N8N_NODE_OPTIONS) env.NODE_OPTIONS = process.env.BENCH_N8N_NODE_OPTIONS;
		log('n8n start');
		server = await startN8n(rt, env);
		const rest = new N8nRest(server.url);
		await rest.setupOwner();
		const b: Bench = { o, server, rest };
		const credential = async (name: string, type: string, data: Record<string, unknown>) => {
			const r = await rest.request<{ data: { id: string } }>('POST', '/credentials', {
				name,
				type,
				data,
			});
			if (r.status !== 200)
				throw new Error(
					`POST /rest/credentials (${type}) answered ${r.status}: ${r.raw.slice(0, 300)}`,
				);
			return { id: r.data.data.id, name };
		};
		const bearer = await credential('Assistable bearer token', 'httpBearerAuth', {
			token: DEMO_API_KEY,
		});
		const api = async (
			name: string,
			behaviour: Partial<SandboxBehaviour>,
			transport?: { tls: boolean; rttMs: number },
		): Promise<Api> => {
			const s = await sandbox(transport?.tls);
			let url = s.url;
			let proxy: LatencyProxy | undefined;
			if (transport) {
				proxy = await startLatencyProxy({ targetPort: s.port, rttMs: transport.rttMs });
				opened.push(proxy);
				url = proxy.via(s.url);
			}
			const assistable = await credential(`Assistable (${name})`, 'assistableApi', {
				apiKey: DEMO_API_KEY,
				baseUrl: url,
			});
			return { name, sandbox: s, url, credentials: { assistable, bearer }, behaviour, proxy };
		};
		const latency = { latencyMs: o.latencyMs };
		if (o.sections.includes('fixed'))
			sections.fixed = await fixedSection(b, await api('plain', latency));
		if (o.sections.includes('auto'))
			sections.auto = await autoSection(b, [
				await api('unlimited', latency),
				await api('rate-limited', { ...latency, rateLimit: RATE_LIMIT }),
				await api('capacity-limited', { ...latency, capacity: CAPACITY }),
			]);
		if (o.sections.includes('tls'))
			sections.tls = await tlsSection(b, [
				await api('http + proxy', { latencyMs: 0 }, { tls: false, rttMs: o.latencyMs }),
				await api('https + proxy', { latencyMs: 0 }, { tls: true, rttMs: o.latencyMs }),
			]);
		if (o.sections.includes('burst'))
			sections.burst = await burstSection(b, await api('burst', latency));
	} finally {
		await server?.stop();
		for (const s of opened.reverse()) await s.close();
		cert?.remove();
		rmSync(userFolder, { recursive: true, force: true });
	}
	const header = [
		`n8n ${rt.version} on Node ${execFileSync(rt.nodeBin, ['--version'], { encoding: 'utf8' }).trim()}, HTTP Request v4.5, Code v2, Split Out v1; bench on Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}; ${new Date().toISOString()}`,
		`Latency ${o.latencyMs} ms per request (tls: the same RTT on the wire); N = ${o.n}; benchmark time ${fmt((performance.now() - started) / 1000)} s`,
	];
	const tables: Record<Section, (rows: Row[]) => string> = {
		fixed: fixedTable,
		auto: autoTable,
		tls: tlsTable,
		burst: burstTable,
	};
	process.stdout.write(`\n${header.join('\n')}\n`);
	for (const section of SECTIONS) {
		const rows = sections[section];
		if (rows) process.stdout.write(`\n${tables[section](rows)}\n`);
	}
	const out = o.out ?? (o.quick ? undefined : path.join(repoRoot(), 'bench', 'RESULTS.md'));
	if (out) {
		writeFileSync(out, markdown(sections, o, header));
		log(`wrote ${out}`);
	}
	const oursBad = Object.values(sections)
		.flat()
		.filter(
			(r) =>
				r.flow.route === 'ours' &&
				// A fixed setting that hammers a rate limit fails its execution, visibly: that is the point of
				// its row. Auto must not fail, and nothing may be lost or wrong without a failed execution.
				(r.check.tagsLost ||
					(r.flow.concurrency === 0 && r.error) ||
					(r.check.namesWrong && !r.error)),
		);
	return oursBad.length ? 1 : 0;
}

main(parseArgs(process.argv.slice(2))).then(
	(code) => process.exit(code),
	(error: Error) => {
		process.stderr.write(`bench failed: ${error?.stack ?? error}\n`);
		process.exit(1);
	},
);
