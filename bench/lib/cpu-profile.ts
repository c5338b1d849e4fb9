/** V8 CPU profiles of this process (node:inspector), and where their time goes. */
import { Session } from 'node:inspector';

interface ProfileNode {
	id: number;
	callFrame: { functionName: string; url: string; lineNumber: number };
	children?: number[];
}
export interface CpuProfile {
	nodes: ProfileNode[];
	samples: number[];
	timeDeltas: number[];
}

export async function startCpuProfile(samplingIntervalUs = 1000): Promise<{ stop(): Promise<CpuProfile> }> {
	const session = new Session();
	session.connect();
	const post = (method: string, params?: object) =>
		new Promise<unknown>((resolve, reject) => session.post(method, params, (err, res) => (err ? reject(err) : resolve(res))));
	await post('Profiler.enable');
	await post('Profiler.setSamplingInterval', { interval: samplingIntervalUs });
	await post('Profiler.start');
	return {
		async stop() {
			const { profile } = (await post('Profiler.stop')) as { profile: CpuProfile };
			session.disconnect();
			return profile;
		},
	};
}

const shortUrl = (url: string) => url.replace(/^file:\/\//, '').replace(/^.*node_modules\//, '').replace(/^.*\/build\//, 'build/');

/** Coarse buckets of self time, in the order they are tested. */
const BUCKETS: Array<[string, (url: string, fn: string) => boolean]> = [
	['idle', (url, fn) => url === '' && fn === '(idle)'],
	['garbage collection', (url, fn) => url === '' && fn === '(garbage collector)'],
	['Assistable node code', (url) => /\/build\/nodes\//.test(url)],
	['test harness + bench (credential helper, wrappers)', (url) => /\/build\/(test|bench)\//.test(url)],
	['n8n expressions + parameters (n8n-workflow, luxon, tournament, …)', (url) =>
		/node_modules\/(n8n-workflow|luxon|@n8n\/tournament|recast|ast-types|esprima-next|jmespath|transliteration|@n8n\/expression-runtime)\//.test(url)],
	['HTTP client (axios, follow-redirects, @n8n/backend-network, proxy-from-env)', (url) =>
		/node_modules\/(axios|follow-redirects|@n8n\/backend-network|proxy-from-env|form-data|qs)\//.test(url)],
	['n8n-core (engine, node helpers)', (url) => /node_modules\/n8n-core\//.test(url)],
	['Node.js net/http/streams/events + native I/O', (url) => url.startsWith('node:') || url === ''],
];

export interface ProfileSummary {
	totalMs: number;
	buckets: Array<{ name: string; ms: number }>;
	topSelf: Array<{ name: string; ms: number }>;
	topInclusive: Array<{ name: string; ms: number }>;
	/** Inclusive time of a few calls that explain a request's cost (see ANCHORS). */
	anchors: Array<{ name: string; ms: number }>;
}

/** Calls whose inclusive time explains where a request's CPU goes: label, function name, file. */
const ANCHORS: Array<[string, string, RegExp]> = [
	['reading parameters (getNodeParameter)', '_getNodeParameter', /n8n-core\//],
	['evaluating expressions', 'resolveSimpleParameterValue', /n8n-workflow\/dist\/cjs\/expression\.js/],
	["building an expression's data proxy", 'getDataProxy', /workflow-data-proxy\.js/],
	['luxon DateTime.now() for $now/$today', 'now', /luxon/],
	['applying the credential (authenticate)', 'authenticate', /build\/test\/harness\//],
	['axios request dispatch', 'dispatchHttpRequest', /axios/],
	['TCP connect (new socket per request)', 'internalConnect', /^node:net$/],
	['writing to sockets', 'writevGeneric', /stream_base_commons/],
];

export function summarizeProfile(profile: CpuProfile, top = 25): ProfileSummary {
	const byId = new Map(profile.nodes.map((n) => [n.id, n]));
	const self = new Map<number, number>();
	profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
	const parent = new Map<number, number>();
	for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);

	const buckets = new Map<string, number>();
	const fnSelf = new Map<string, number>();
	const fnInclusive = new Map<string, number>();
	let total = 0;
	for (const [id, us] of self) {
		total += us;
		const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
		const bucket = BUCKETS.find(([, test]) => test(url, functionName))?.[0] ?? 'other';
		buckets.set(bucket, (buckets.get(bucket) ?? 0) + us);
		const key = `${functionName || '(anonymous)'} ${shortUrl(url)}:${lineNumber + 1}`;
		fnSelf.set(key, (fnSelf.get(key) ?? 0) + us);
		const seen = new Set<string>();
		for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
			const frame = byId.get(cur)!.callFrame;
			const name = `${frame.functionName || '(anonymous)'} ${shortUrl(frame.url)}`;
			if (seen.has(name)) continue;
			seen.add(name);
			fnInclusive.set(name, (fnInclusive.get(name) ?? 0) + us);
		}
	}
	const sorted = (m: Map<string, number>, k: number) =>
		[...m].sort((a, b) => b[1] - a[1]).slice(0, k).map(([name, us]) => ({ name, ms: us / 1000 }));
	const anchors = ANCHORS.map(([label, fn, file]) => {
		let us = 0;
		for (const [name, t] of fnInclusive) {
			const [f, url = ''] = name.split(' ');
			if (f === fn && file.test(url)) us = Math.max(us, t);
		}
		return { name: label, ms: us / 1000 };
	}).filter((a) => a.ms > 0);
	return { totalMs: total / 1000, buckets: sorted(buckets, 20), topSelf: sorted(fnSelf, top), topInclusive: sorted(fnInclusive, top * 2), anchors };
}

export function formatSummary(s: ProfileSummary, perItemDivisor?: number): string {
	const line = ({ name, ms }: { name: string; ms: number }) =>
		`${ms.toFixed(1).padStart(9)} ms ${((100 * ms) / s.totalMs).toFixed(1).padStart(5)}%${perItemDivisor ? ` ${((ms * 1000) / perItemDivisor).toFixed(0).padStart(6)} µs/item` : ''}  ${name}`;
	return [
		`sampled ${s.totalMs.toFixed(0)} ms`,
		'by bucket (self time):', ...s.buckets.map(line),
		'', 'top functions (self):', ...s.topSelf.map(line),
		'', 'top functions (inclusive):', ...s.topInclusive.map(line),
		'', 'calls that matter (inclusive):', ...s.anchors.map(line),
	].join('\n');
}
