/**
 * How long the contact writes wait and trust what they know, from the round trip measured to the
 * API (`rtt`; 0 before the first answer). See docs/concurrency.md.
 */

/** No state is trusted for less than this, so back-to-back items of one contact share one read. */
const MIN_STATE_AGE_MS = 10;

/**
 * A merge builds on a state (a read, or the answer to this process's last write) at most this old:
 * Assistable writes tags itself (`ai_replying`, call outcomes), and a merge onto an older state would
 * erase a tag it added since. About one round trip.
 */
export function maxStateAgeMs(rtt: number): number {
	return Math.max(MIN_STATE_AGE_MS, rtt);
}

/**
 * A re-check's read covers a write when it is sent at least this long after the write's answer. It
 * must see any write of another process of this node that built on a state read before ours landed:
 * that state is at most maxStateAgeMs old when its PATCH is sent (checked right before sending), so it
 * lands within maxStateAgeMs + 1 round trip of ours; a read sent this long after our answer lands
 * 1 round trip + this after our write. On top, what one-way times and a busy process may add: four
 * mean deviations of the round trip (as TCP sizes its retransmission timeout), at least a quarter of
 * the state's age.
 */
export function checkCoverMs(rtt: number, spread: number): number {
	const age = maxStateAgeMs(rtt);
	return age + Math.max(age / 4, 4 * spread);
}

/** The wait before a re-check's read: the cover, plus up to a fifth of jitter so that writers whose
 * checks collided do not collide again. */
export function checkDelayMs(rtt: number, spread: number): number {
	return Math.round(checkCoverMs(rtt, spread) * (1 + Math.random() / 5));
}

/**
 * The wait between a create's answer and the list that checks for a duplicate. Another process's
 * create of the same contact followed its own list download, whose size the round trip hardly
 * shows: 4 round trips (at least 100 ms), plus up to half of jitter.
 */
export function duplicateCheckDelayMs(rtt: number): number {
	return Math.round(Math.max(100, 4 * rtt) * (1 + Math.random() / 2));
}
