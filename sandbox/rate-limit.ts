/** The sandbox's rate limit: a sliding window of accepted requests per API key. */
import type { SandboxBehaviour } from './types';

export class RateWindows {
	private readonly hits = new Map<string, number[]>(); // key -> accepted request times

	/**
	 * Counts a request of `key` unless the window is full; the headers its answer carries
	 * (X-RateLimit-* when asked for, Retry-After when refused).
	 */
	admit(
		key: string,
		{ rateLimit, rateLimitHeaders }: SandboxBehaviour,
	): { limited: boolean; headers: Record<string, string> } {
		if (!rateLimit) return { limited: false, headers: {} };
		const { limit, windowMs } = rateLimit;
		const now = Date.now();
		const times = (this.hits.get(key) ?? []).filter((t) => t > now - windowMs);
		this.hits.set(key, times);
		const limited = times.length >= limit;
		if (!limited) times.push(now);
		const secondsLeft = Math.max(1, Math.ceil((times[0] + windowMs - now) / 1000));
		const headers: Record<string, string> = rateLimitHeaders
			? {
					'x-ratelimit-limit': String(limit),
					'x-ratelimit-remaining': String(limit - times.length),
					'x-ratelimit-reset': String(secondsLeft),
				}
			: {};
		if (limited) headers['retry-after'] = String(secondsLeft);
		return { limited, headers };
	}

	clear(): void {
		this.hits.clear();
	}
}
