/** The Conversation and Assistant fault matrix: what a user would check after each case. */

import { CRASH_TEXT } from '../matrix-support';
import { KEY, MAX_ATTEMPTS, Case, layerRetries } from './cases';
import { Observation, summary } from './run';
export function check(c: Case, o: Observation): void {
	const { op, spec, variant } = c;
	const onRoute = o.requests.filter((r) => r.route === op.route);
	const errorItem = o.result.items[0]?.json as { error?: string; description?: string };
	const errorText = `${errorItem?.error ?? ''}\n${errorItem?.description ?? ''}`;
	const applied = spec.phase === 'after' || spec.fault.kind === 'delay';
	if (new Set(o.newMessages).size < o.newMessages.length) summary.messagesStoredTwice++;
	if (o.newAssistants > 1 || o.flows > 1) summary.createdTwice++;
	if (o.completions > 1) summary.repliesTwice++;
	if (o.result.serialized.includes(KEY)) summary.keyLeaks++;

	// Nothing happens twice, whatever the fault.
	expect(o.newMessages.length).toBeLessThanOrEqual(1);
	expect(o.newAssistants).toBeLessThanOrEqual(1);
	expect(o.flows).toBeLessThanOrEqual(1);
	expect(o.completions).toBeLessThanOrEqual(1);
	// Every attempt repeats the same request.
	for (const repeat of onRoute.slice(1))
		expect({ query: repeat.query, body: repeat.body }).toEqual({
			query: onRoute[0].query,
			body: onRoute[0].body,
		});
	expect(o.result.status).toBe('success');
	expect(o.result.items.map((i) => i.pairedItem)).toEqual([{ item: 0 }]);
	expect(o.result.serialized).not.toContain(KEY);
	expect(errorText).not.toMatch(CRASH_TEXT);

	if (op.kind === 'message') {
		const sends = onRoute.length;
		const reads = o.requests.filter((r) => r.route === 'get-conversation').length;
		if (spec.retry === 'always') {
			// A 429: retried by the request layer, no read needed.
			expect(reads).toBe(0);
			expect(sends).toBe(variant === 'once' ? 2 : MAX_ATTEMPTS);
		} else if (spec.retry === 'unclear') {
			// Each unclear send is followed by a read of the conversation; a send again only when it is absent.
			expect(reads).toBe(variant === 'once' || applied ? 1 : MAX_ATTEMPTS);
			expect(sends).toBe(variant === 'once' && !applied ? 2 : applied ? 1 : MAX_ATTEMPTS);
		} else {
			expect(sends).toBe(1);
			expect(reads).toBe(0);
		}
		const succeeds =
			(spec.retry !== 'never' && variant === 'once') || (spec.retry === 'unclear' && applied);
		if (succeeds) {
			expect(errorItem.error).toBeUndefined();
			expect(o.newMessages).toEqual([o.result.items[0].json.messageId]);
		} else {
			expect(errorItem.error).toMatch(spec.message);
			if (spec.retry === 'unclear')
				expect(errorItem.description).toMatch(/may or may not have been stored/);
		}
		return;
	}

	const retried = layerRetries(op, spec);
	expect(onRoute).toHaveLength(retried ? MAX_ATTEMPTS : 1);
	const succeeds = retried && variant === 'once';
	if (succeeds) {
		expect(errorItem.error).toBeUndefined();
	} else {
		expect(errorItem.error).toMatch(spec.message);
		if (retried) expect(errorItem.error).toMatch(/after 2 attempts/);
	}
	if (op.route === 'delete-assistant' && succeeds && spec.phase === 'after') {
		// Archived, answer lost; the retry met 404, which counts as done by this item.
		expect(o.result.items[0].json).toMatchObject({
			deleted: true,
			note: expect.stringMatching(/archived/),
		});
	}
	if (op.kind === 'create' || op.kind === 'reply') {
		const made =
			op.kind === 'reply' ? o.completions : op.route === 'create-flow' ? o.flows : o.newAssistants;
		expect(made).toBe(succeeds || applied ? 1 : 0);
		if (spec.retry === 'unclear')
			expect(errorItem.description).toMatch(/may or may not have (been created|replied)/);
	}
	if (op.route === 'update-assistant')
		expect(o.prompt).toBe(
			succeeds || applied ? 'Matrix prompt' : 'You book demo calls for Example Co.',
		);
	if (op.route === 'delete-assistant') expect(o.archived).toBe(succeeds || applied);
}
