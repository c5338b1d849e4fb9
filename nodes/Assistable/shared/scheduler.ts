/** A unit of work for one input item; `key` names the contact it touches. */
export interface KeyedTask {
	key: string;
	run: () => Promise<void>;
}

/** A FIFO counting semaphore. */
class Semaphore {
	private waiting: Array<() => void> = [];

	constructor(private free: number) {}

	async acquire(): Promise<void> {
		if (this.free > 0) {
			this.free--;
			return;
		}
		await new Promise<void>((resolve) => this.waiting.push(resolve));
	}

	release(): void {
		const next = this.waiting.shift();
		if (next) next();
		else this.free++;
	}
}

/**
 * Runs tasks with at most `concurrency` at once. Tasks sharing a key run one after another in
 * the order given; others start in the order given as slots free up. Once `stop()` is true, tasks
 * not yet started are skipped. `run` must not throw.
 */
export async function runKeyed(tasks: KeyedTask[], concurrency: number, stop: () => boolean): Promise<void> {
	const slots = new Semaphore(Math.max(1, concurrency));
	const tails = new Map<string, Promise<void>>();
	const done = tasks.map((task) => {
		const previous = tails.get(task.key) ?? Promise.resolve();
		const finished = previous.then(async () => {
			await slots.acquire();
			try {
				if (!stop()) await task.run();
			} finally {
				slots.release();
			}
		});
		tails.set(task.key, finished);
		return finished;
	});
	await Promise.all(done);
}
