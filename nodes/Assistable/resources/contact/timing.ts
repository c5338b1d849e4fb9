/**
 * How long contact writes trust what they know and wait, from the measured round trip (`rtt`; 0
 * before the first answer) and its mean deviation (`spread`). See docs/concurrency.md.
 */

/** The least age any state may have, so back-to-back items of one contact share one read. */
const MIN_STATE_AGE_MS = 10;

/**
 * The oldest state (a read, or this process's last write's answer) a merge may build on: about one
 * round trip, since Assistable writes tags itself and an older merge would erase them.
 */
export function maxStateAgeMs(rtt: number): number {
	return Math.max(MIN_STATE_AGE_MS, rtt);
}

/**
 * How long after our write's answer a re-check's read must be sent to see any other writer that
 * merged onto a state from before our write: that state is at most maxStateAgeMs old when sent, so
 * it lands within that plus one round trip. On top, four mean deviations (as TCP's retransmission
 * timeout), at least a quarter of the state's age.
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
 * The wait before the list that checks a create for a duplicate: another process's create followed
 * its own list download, whose size the round trip hardly shows: 4 round trips (at least 100 ms) plus
 * up to half of jitter.
 */
export function duplicateCheckDelayMs(rtt: number): number {
	return Math.round(Math.max(100, 4 * rtt) * (1 + Math.random() / 2));
}
