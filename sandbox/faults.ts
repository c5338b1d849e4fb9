/** Injected faults: which rule a request takes, and the answer a fault gives. */
import { randomUUID } from 'node:crypto';
import { DEMO_LOCATION_ID, SANDBOX_WORKSPACE_ID } from './demo-data';
import type { Fault, FaultRule, Reply, Route } from './types';
import { JSON_CT, json } from './types';

export type Outcome = Reply | 'drop';

/** Deterministic PRNG (mulberry32) for rate-based faults. */
function prng(seed: number): () => number {
	let a = seed | 0;
	return () => {
		a = (a + 0x6d2b79f5) | 0;
		let t = Math.imul(a ^ (a >>> 15), 1 | a);
		t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/** The fault rules in injection order, each with what is left of it. */
export class FaultRules {
	private rules: Array<{ rule: FaultRule; left: number; rand?: () => number }> = [];

	add(rule: FaultRule): void {
		const left = rule.times ?? (rule.rate === undefined ? 1 : Infinity);
		if (!(left > 0)) throw new Error('Sandbox: fault rule times must be > 0');
		this.rules.push({
			rule,
			left,
			rand: rule.rate === undefined ? undefined : prng(rule.seed ?? 1),
		});
	}

	clear(): void {
		this.rules = [];
	}

	/** Takes the first rule (in injection order) that applies to a request of this route. */
	take(route: Route): FaultRule | undefined {
		for (let i = 0; i < this.rules.length; i++) {
			const a = this.rules[i];
			const r = a.rule.route ?? '*';
			if (r !== '*' && r !== route) continue;
			if (a.rand && a.rand() >= (a.rule.rate ?? 1)) continue;
			if (--a.left <= 0) this.rules.splice(i, 1);
			return a.rule;
		}
		return undefined;
	}
}

/** The answer a fault gives instead of (or, phase 'after', in place of) the normal one. */
export function faultReply(fault: Fault, route: Route): Outcome {
	const list = route === 'list';
	const sample = {
		id: randomUUID(),
		workspace_id: SANDBOX_WORKSPACE_ID,
		location_id: DEMO_LOCATION_ID,
		first_name: 'Trunc',
		last_name: 'Ated',
		tags: [],
	};
	switch (fault.kind) {
		case 'status': {
			const text = typeof fault.body === 'string';
			const body = fault.body === undefined ? { message: `Injected ${fault.status}` } : fault.body;
			return {
				status: fault.status,
				headers: { 'content-type': text ? 'text/plain; charset=utf-8' : JSON_CT, ...fault.headers },
				body: text ? (body as string) : JSON.stringify(body),
			};
		}
		case 'drop':
			return 'drop';
		case 'malformed':
			return {
				status: 200,
				headers: { 'content-type': 'text/html; charset=utf-8' },
				body: '<html>oops</html>',
			};
		case 'truncated': {
			const full = JSON.stringify(list ? [sample] : sample);
			return {
				status: 200,
				headers: { 'content-type': JSON_CT },
				body: full.slice(0, Math.floor(full.length / 2)),
			};
		}
		case 'wrong-shape':
			return json(200, list ? { contacts: [] } : ['not', 'a', 'contact']);
		case 'huge': {
			const [open, close] = list
				? ['[{"id":"huge","padding":"', '"}]']
				: ['{"id":"huge","padding":"', '"}'];
			const pad = Math.max(0, (fault.bytes ?? 20 * 1024 * 1024) - open.length - close.length);
			return {
				status: 200,
				headers: { 'content-type': JSON_CT },
				body: Buffer.concat([Buffer.from(open), Buffer.alloc(pad, 'x'), Buffer.from(close)]),
			};
		}
		case 'ok-false':
			return json(200, { ok: false, error: fault.error ?? 'Injected failure' });
		case 'delay':
			throw new Error('delay is not a reply');
	}
}
