/**
 * A TCP proxy on 127.0.0.1 that puts a round-trip time on the wire (kernel netem is not available here).
 * Every chunk reaches the other side RTT/2 after it arrived, in order per direction; a new connection's first
 * byte upstream waits one RTT more, standing for TCP's handshake. So a fresh plain request costs 2 RTT, a fresh
 * TLS 1.3 one 3 RTT, a request on a kept-alive connection 1 RTT. Zero dependencies.
 */
import * as net from 'node:net';

export interface LatencyProxyOptions {
	targetPort: number;
	targetHost?: string;
	rttMs: number;
}
interface LatencyProxyStats {
	/** Connections accepted (each one is a TCP handshake, and a TLS handshake when the client speaks TLS). */
	connections: number;
	/** Bytes forwarded client → target. */
	bytesUp: number;
	/** Bytes forwarded target → client. */
	bytesDown: number;
	/** Milliseconds client connections were open, summed (over a time span: the average open at once). */
	openMs: number;
}
export interface LatencyProxy {
	port: number;
	/** The same URL with the proxy's port (https://127.0.0.1:1234/v2 → https://127.0.0.1:<port>/v2). */
	via(url: string): string;
	/** Stats so far; `openMs` includes the time connections still open have been open. */
	stats(): LatencyProxyStats;
	close(): Promise<void>;
}

interface Pending {
	data?: Buffer;
	end?: true;
	due: number;
}

/** Forwards from → to, each chunk at arrival + delay, never before notBefore(); order kept. */
function delayedPipe(
	from: net.Socket,
	to: net.Socket,
	delayMs: number,
	notBefore: () => number,
	count: (n: number) => void,
	timers: Set<NodeJS.Timeout>,
): void {
	const queue: Pending[] = [];
	let timer: NodeJS.Timeout | undefined;
	const flush = () => {
		if (timer) timers.delete(timer);
		timer = undefined;
		const now = performance.now();
		while (queue.length > 0 && queue[0].due <= now) {
			const item = queue.shift()!;
			if (to.destroyed) return;
			if (item.end) {
				to.end();
				continue;
			}
			count(item.data!.length);
			if (!to.write(item.data!) && !from.isPaused()) {
				from.pause();
				to.once('drain', () => from.resume());
			}
		}
		schedule();
	};
	const schedule = () => {
		if (timer || queue.length === 0) return;
		timer = setTimeout(flush, Math.max(0, queue[0].due - performance.now()));
		timers.add(timer);
	};
	const push = (item: Omit<Pending, 'due'>) => {
		// arrivals are monotonic, so due times are too: one timer for the head keeps the order
		const due = Math.max(performance.now(), notBefore()) + delayMs;
		queue.push({ ...item, due: Math.max(due, queue.at(-1)?.due ?? 0) });
		schedule();
	};
	from.on('data', (data: Buffer) => push({ data }));
	// a clean end travels through the queue; an error tears both sides down at once (startLatencyProxy)
	from.on('end', () => push({ end: true }));
}

export async function startLatencyProxy(options: LatencyProxyOptions): Promise<LatencyProxy> {
	const { targetPort, rttMs } = options;
	const targetHost = options.targetHost ?? '127.0.0.1';
	if (!(rttMs >= 0)) throw new Error('startLatencyProxy: rttMs must be 0 or more');
	const stats: LatencyProxyStats = { connections: 0, bytesUp: 0, bytesDown: 0, openMs: 0 };
	// Connections open now, and the sum of when they opened: their open time so far is open × now − sum.
	let open = 0;
	let openedAtSum = 0;
	const sockets = new Set<net.Socket>();
	const timers = new Set<NodeJS.Timeout>();
	const track = (s: net.Socket) => {
		sockets.add(s);
		s.on('close', () => sockets.delete(s));
	};

	const server = net.createServer({ allowHalfOpen: true }, (client) => {
		stats.connections++;
		const openedAt = performance.now();
		open++;
		openedAtSum += openedAt;
		client.once('close', () => {
			open--;
			openedAtSum -= openedAt;
			stats.openMs += performance.now() - openedAt;
		});
		const upstream = net.connect({ port: targetPort, host: targetHost, allowHalfOpen: true });
		track(client);
		track(upstream);
		client.setNoDelay(true);
		upstream.setNoDelay(true);
		const fail = () => {
			client.destroy();
			upstream.destroy();
		};
		client.on('error', fail);
		upstream.on('error', fail);
		// both ends closed cleanly: nothing left to do; one side destroyed: tear down the other
		client.on('close', (hadError) => hadError && upstream.destroy());
		upstream.on('close', (hadError) => hadError && client.destroy());
		delayedPipe(
			client,
			upstream,
			rttMs / 2,
			() => openedAt + rttMs,
			(n) => (stats.bytesUp += n),
			timers,
		);
		delayedPipe(
			upstream,
			client,
			rttMs / 2,
			() => 0,
			(n) => (stats.bytesDown += n),
			timers,
		);
	});

	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen({ port: 0, host: '127.0.0.1' }, () => {
			server.off('error', reject);
			resolve();
		});
	});
	const port = (server.address() as net.AddressInfo).port;
	let closing: Promise<void> | undefined;

	return {
		port,
		via(url) {
			const u = new URL(url);
			u.port = String(port);
			return u.href.replace(/\/$/, url.endsWith('/') ? '/' : '');
		},
		stats: () => ({ ...stats, openMs: stats.openMs + open * performance.now() - openedAtSum }),
		close() {
			closing ??= new Promise<void>((resolve) => {
				for (const t of timers) clearTimeout(t);
				timers.clear();
				for (const s of sockets) s.destroy();
				server.close(() => resolve());
			});
			return closing;
		},
	};
}
