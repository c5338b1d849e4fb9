/** The sandbox's timers: waits within a request, and work scheduled for later (a call's webhooks). */
export class Timers {
	private readonly waits = new Set<NodeJS.Timeout>();
	private readonly scheduled = new Set<NodeJS.Timeout>();

	sleep(ms: number): Promise<void> {
		return new Promise<void>((resolve) => {
			const t = setTimeout(() => {
				this.waits.delete(t);
				resolve();
			}, ms);
			this.waits.add(t);
		});
	}

	/** Runs `work` after `ms`; its errors are its own (a webhook receiver that is down). */
	later(ms: number, work: () => void | Promise<void>): void {
		const t = setTimeout(() => {
			this.scheduled.delete(t);
			void Promise.resolve()
				.then(work)
				.catch(() => undefined);
		}, ms);
		this.scheduled.add(t);
	}

	/** Drops the scheduled work (on reset); waits within requests go on. */
	cancelLater(): void {
		for (const t of this.scheduled) clearTimeout(t);
		this.scheduled.clear();
	}

	/** Drops everything (on close). */
	cancelAll(): void {
		for (const t of this.waits) clearTimeout(t);
		this.waits.clear();
		this.cancelLater();
	}
}
