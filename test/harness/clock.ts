/**
 * A clock whose waits pass at once: time jumps ahead by what a wait asked for. For the node's waits
 * that only let time pass (doubt windows, backoffs, check delays) in tests where nothing real has to
 * happen meanwhile; never where a server's own delay must be outlasted. Install it with
 * `state.useClock(skippingClock())` and put real time back with `state.useClock()`.
 */
import type { Clock } from '../../nodes/Assistable/shared/throttle';

export function skippingClock(): Clock & { skippedMs(): number } {
	let ahead = 0;
	return {
		now: () => Date.now() + ahead,
		sleep: async (ms, signal) => {
			signal?.throwIfAborted();
			ahead += Math.max(0, ms);
			// Still a turn of the event loop, as a real wait is.
			await new Promise<void>((resolve) => setImmediate(resolve));
		},
		skippedMs: () => ahead,
	};
}
