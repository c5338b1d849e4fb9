import { KeyedLocks, Slots } from '../../nodes/Assistable/shared/wait';

describe('Slots (the one wait primitive)', () => {
	it('grants at most `capacity` holders, the others in arrival order', async () => {
		const slots = new Slots(2);
		const order: number[] = [];
		const held = await Promise.all([slots.acquire(), slots.acquire()]);
		const waiting = [1, 2, 3].map((n) =>
			slots.acquire().then((release) => (order.push(n), release)),
		);
		await Promise.resolve();
		expect(slots.waiting).toBe(3);
		held[0]();
		held[0](); // a second call gives nothing back
		expect(slots.held).toBe(2);
		held[1]();
		const [first, second] = await Promise.all(waiting.slice(0, 2));
		expect(order).toEqual([1, 2]);
		first();
		second();
		(await waiting[2])();
		expect(order).toEqual([1, 2, 3]);
		expect(slots.held).toBe(0);
	});

	it("a cancelled waiter leaves the queue at once and rejects with the signal's reason; the ones behind it move up", async () => {
		const slots = new Slots(1);
		const release = await slots.acquire();
		const abort = new AbortController();
		const cancelled = slots.acquire(abort.signal);
		const next = slots.acquire();
		abort.abort(new Error('The execution was cancelled by the user'));
		await expect(cancelled).rejects.toThrow('The execution was cancelled by the user');
		expect(slots.waiting).toBe(1);
		release();
		(await next)();
		expect(slots.held).toBe(0);
		// Already cancelled: refused without queueing, and the work never runs.
		let ran = false;
		await expect(slots.run(async () => (ran = true), abort.signal)).rejects.toThrow('cancelled');
		expect(ran).toBe(false);
		expect(slots.waiting).toBe(0);
	});
});

describe('KeyedLocks', () => {
	it('hands the lease data to the next holder in arrival order and drops the key when nothing holds or waits on it', async () => {
		const locks = new KeyedLocks<string>();
		const first = await locks.acquire('k');
		const abort = new AbortController();
		const cancelled = locks.acquire('k', abort.signal);
		const second = locks.acquire('k');
		first.data = 'from the first';
		abort.abort();
		await expect(cancelled).rejects.toBeDefined();
		expect(locks.size).toBe(1);
		first.release();
		const lease = await second;
		expect(lease.data).toBe('from the first');
		lease.release();
		expect(locks.size).toBe(0);
		// A waiter cancelled on a key nobody else holds drops it too.
		const held = await locks.acquire('x');
		const gone = locks.acquire('x', AbortSignal.abort());
		await expect(gone).rejects.toBeDefined();
		held.release();
		expect(locks.size).toBe(0);
	});

	it('acquireAll takes keys in sorted order, so two holders of the same keys never wait on each other', async () => {
		const locks = new KeyedLocks();
		const first = locks.acquireAll(['b', 'a']);
		const second = locks.acquireAll(['a', 'b']);
		const release = await first;
		release((key) => key === 'b'); // keeps b, gives a back: the second takes a, then waits for b
		expect(locks.size).toBe(2);
		release();
		(await second)();
		expect(locks.size).toBe(0);
	});
});
