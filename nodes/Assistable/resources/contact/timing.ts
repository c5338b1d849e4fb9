/**
 * How long contact writes trust what they know and wait, from the measured round trip (`rtt`; 0
 * before the first answer) and its mean deviation (`spread`). See docs/concurrency.md.
 */

/**
 * The oldest state a merge may build on: about one round trip (Assistable writes tags itself); at
 * least 10 ms, so back-to-back items of one contact share one read.
 */
export function maxStateAgeMs(rtt: number): number {
	return Math.max(10, rtt);
}

/**
 * How long after our write's answer a re-check's read must be sent to see any writer that merged
 * onto an older state (it lands within maxStateAgeMs plus one round trip); plus four mean
 * deviations (as TCP's retransmission timeout), at least a quarter of the state's age.
 */
export function checkCoverMs(rtt: number, spread: number): number {
	const age = maxStateAgeMs(rtt);
	return age + Math.max(age / 4, 4 * spread);
}

/** The wait before a re-check's read: the cover plus up to a fifth of jitter (collided checks part). */
export function checkDelayMs(rtt: number, spread: number): number {
	return Math.round(checkCoverMs(rtt, spread) * (1 + Math.random() / 5));
}

/**
 * The wait before the duplicate check's list: another process's create followed its own list
 * download, whose size the round trip hardly shows: 4 round trips (at least 100 ms) plus jitter.
 */
export function duplicateCheckDelayMs(rtt: number): number {
	return Math.round(Math.max(100, 4 * rtt) * (1 + Math.random() / 2));
}
