/** The bench's transport: the sandbox over HTTPS with a generated certificate, reached through the latency proxy. */
import * as https from 'node:https';
import * as net from 'node:net';
import { startLatencyProxy, type LatencyProxy } from '../../bench/lib/latency-proxy';
import { generateLocalhostCert, type LocalhostCert } from '../../bench/lib/tls';
import {
	DEMO_API_KEY,
	DEMO_CONTACT_IDS,
	Sandbox,
	demoSeed,
	startSandbox,
} from '../../sandbox/server';

const ADA = DEMO_CONTACT_IDS.ada;
let cert: LocalhostCert;
let sandbox: Sandbox;
let proxy: LatencyProxy;

beforeAll(() => {
	cert = generateLocalhostCert();
});
afterAll(() => cert?.remove());
beforeEach(async () => {
	sandbox = await startSandbox({ seed: demoSeed(), tls: { key: cert.key, cert: cert.cert } });
	proxy = await startLatencyProxy({ targetPort: sandbox.port, rttMs: 10 });
});
afterEach(async () => {
	await proxy.close();
	await sandbox.close();
});

function getAda(agent: https.Agent): Promise<{ status: number; json: any }> {
	return new Promise((resolve, reject) => {
		const req = https.get(
			proxy.via(`${sandbox.url}/contacts/${ADA}`),
			{ agent, headers: { authorization: `Bearer ${DEMO_API_KEY}` } },
			(res) => {
				let text = '';
				res.setEncoding('utf8');
				res.on('data', (d) => (text += d));
				res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(text) }));
			},
		);
		req.on('error', reject);
	});
}

it('serves HTTPS with the generated certificate through the proxy', async () => {
	expect(sandbox.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/v2$/);
	expect(proxy.via(sandbox.url)).toBe(`https://127.0.0.1:${proxy.port}/v2`);
	const answer = await getAda(new https.Agent({ ca: cert.cert }));
	expect(answer).toEqual({ status: 200, json: sandbox.getContact(ADA) });
	expect(sandbox.requests.map((r) => [r.method, r.path, r.status])).toEqual([
		['GET', `/v2/contacts/${ADA}`, 200],
	]);
	expect(proxy.stats().connections).toBe(1);
});

it('refuses the certificate when the client does not trust it', async () => {
	await expect(getAda(new https.Agent())).rejects.toThrow(/self[- ]signed certificate/i);
	expect(sandbox.requests).toEqual([]);
});

it('counts one connection per request without keep-alive and one for several with it', async () => {
	for (let i = 0; i < 3; i++) {
		// like n8n's helper: a new agent per request
		expect((await getAda(new https.Agent({ ca: cert.cert }))).status).toBe(200);
	}
	expect(proxy.stats().connections).toBe(3);

	const keepAlive = new https.Agent({ ca: cert.cert, keepAlive: true, maxSockets: 1 });
	for (let i = 0; i < 3; i++) expect((await getAda(keepAlive)).status).toBe(200);
	keepAlive.destroy();
	expect(proxy.stats().connections).toBe(4);
	expect(sandbox.requests).toHaveLength(6);
});

it('forwards every byte both ways and counts them', async () => {
	const plain = await startSandbox({ seed: demoSeed() });
	const plainProxy = await startLatencyProxy({ targetPort: plain.port, rttMs: 10 });
	try {
		const request =
			`GET /v2/contacts/${ADA} HTTP/1.1\r\nHost: 127.0.0.1\r\n` +
			`Authorization: Bearer ${DEMO_API_KEY}\r\nConnection: close\r\n\r\n`;
		const received = await new Promise<Buffer>((resolve, reject) => {
			const chunks: Buffer[] = [];
			const socket = net.connect(plainProxy.port, '127.0.0.1', () => socket.end(request));
			socket.on('data', (d: Buffer) => chunks.push(d));
			socket.on('end', () => resolve(Buffer.concat(chunks)));
			socket.on('error', reject);
		});
		const text = received.toString('utf8');
		expect(text).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
		expect(JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4))).toEqual(plain.getContact(ADA));
		expect(plain.requests.map((r) => r.headers.authorization)).toEqual([`Bearer ${DEMO_API_KEY}`]);
		const { openMs, ...counts } = plainProxy.stats();
		expect(counts).toEqual({
			connections: 1,
			bytesUp: Buffer.byteLength(request),
			bytesDown: received.length,
		});
		// Open at least while the proxy held the new connection (one RTT) and the answer came back (half of one);
		// 1 ms of slack for timer granularity.
		expect(openMs).toBeGreaterThanOrEqual(1.5 * 10 - 1);
	} finally {
		await plainProxy.close();
		await plain.close();
	}
});
