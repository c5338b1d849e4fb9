/**
 * Checks run once the lease is released: the tags are still there (another process may have merged
 * onto an older state), and no other writer created the same contact (no lock across processes).
 */
import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { clock, recordLockKey, state } from '../../shared/state';
import { quote } from '../../shared/validation';
import { getContact } from './api';
import type { ByValue } from './identity';
import { writeContact } from './patch';
import type { ContactLease, ContactServices } from './services';
import { checkCoverMs, checkDelayMs, duplicateCheckDelayMs } from './timing';
import type { Contact, ContactWrite } from './types';
import { tagKey } from './validation';
import type { ContactUpdate } from './write-update';

/** How many times a tag check re-applies tags another writer removed before failing the item. */
export const MAX_TAG_REAPPLY = 3;

/** What this process's writes of a contact must leave on it and off it (by tag key). */
export interface TagExpectation {
	present: Map<string, string>;
	absent: Map<string, string>;
	/** Checks not yet done. */
	checks: number;
	/** When the last read that found every tag in place was sent: it covers the writes before it. */
	verifiedAt: number;
}

function byKey(tags: string[] | undefined): Map<string, string> {
	return new Map((tags ?? []).map((tag) => [tagKey(tag), tag]));
}

/**
 * Applies a written tag change to the contact's expectation (made when `create`, else only while a
 * check is pending): a later write of this process wins, so a check never restores what it removed.
 */
export function noteTagWrite(
	services: ContactServices,
	{ contactId, changes, settings }: ContactUpdate,
	write: ContactWrite,
	create = false,
): TagExpectation | undefined {
	const key = recordLockKey(services.transport.scope, contactId);
	let expectation = state.tagExpectations.get(key);
	if (!expectation && !create) return undefined;
	expectation ??= { present: new Map(), absent: new Map(), checks: 0, verifiedAt: 0 };
	state.tagExpectations.set(key, expectation);
	if (!settings.appendTags && changes.tags !== undefined) {
		expectation.present = byKey(write.tags);
		expectation.absent = byKey(changes.removeTags);
		return expectation;
	}
	for (const [keyed, tag] of byKey(changes.tags)) {
		expectation.present.set(keyed, tag);
		expectation.absent.delete(keyed);
	}
	for (const [keyed, tag] of byKey(changes.removeTags)) {
		expectation.absent.set(keyed, tag);
		expectation.present.delete(keyed);
	}
	return expectation;
}

/** A request after a successful write failed: say that the write is in, and what was not checked. */
function afterWriteFailure(
	ctx: IExecuteFunctions,
	error: unknown,
	what: string,
	remedy: string,
	itemIndex: number,
): unknown {
	if (error instanceof NodeOperationError && error.context.checked) return error;
	const cause = error as { message?: string; description?: string | null };
	return new NodeOperationError(ctx.getNode(), `${what}: ${cause.message ?? String(error)}`, {
		itemIndex,
		description: `${cause.description ? `${cause.description} ` : ''}Run the item again to be sure, or ${remedy}.`,
	});
}

/** Registers the write's tags; the check to run once the lease is released. */
export function tagCheckAfter(
	ctx: IExecuteFunctions,
	services: ContactServices,
	update: ContactUpdate,
	write: ContactWrite,
): () => Promise<Contact | undefined> {
	const { contactId, itemIndex } = update;
	const expectation = noteTagWrite(services, update, write, true)!;
	expectation.checks++;
	const writtenAt = clock.now();
	const { transport } = services;
	const rtt = () => [transport.typicalLatencyMs(), transport.latencySpreadMs()] as const;

	// Reads the contact after the check delay and re-applies what is missing (or back), a few times.
	const checkTags = async (): Promise<Contact | undefined> => {
		let reapplied: Contact | undefined;
		for (let round = 0; ; round++) {
			await clock.sleep(checkDelayMs(...rtt()), transport.signal);
			const result = await services.withRecord(contactId, async (lease: ContactLease) => {
				// A read of another check, sent late enough after this write, saw it in place.
				if (expectation.verifiedAt - writtenAt >= checkCoverMs(...rtt())) return undefined;
				const sentAt = clock.now();
				const latest = await getContact(transport, contactId, itemIndex);
				lease.data = { contact: latest, at: clock.now() };
				const have = new Set((latest.tags ?? []).map(tagKey));
				const missing = [...expectation.present.values()].filter((tag) => !have.has(tagKey(tag)));
				const back = [...expectation.absent.values()].filter((tag) => have.has(tagKey(tag)));
				if (!missing.length && !back.length) {
					expectation.verifiedAt = Math.max(expectation.verifiedAt, sentAt);
					return undefined;
				}
				if (round < MAX_TAG_REAPPLY) {
					const changes = { fields: {}, tags: missing, removeTags: back };
					const options = { appendTags: true, keepCustomFields: true };
					reapplied = (await writeContact(services, contactId, lease, changes, options, itemIndex))
						.contact;
				}
				return { missing, back };
			});
			if (!result) return reapplied;
			if (round < MAX_TAG_REAPPLY) continue;
			const listed = (tags: string[]) => tags.map((tag) => quote(tag)).join(', ');
			const parts = [
				result.missing.length ? `missing ${listed(result.missing)}` : '',
				result.back.length ? `back on it: ${listed(result.back)}` : '',
			].filter(Boolean);
			const error = new NodeOperationError(
				ctx.getNode(),
				`Another writer kept changing the contact's tags (${parts.join('; ')})`,
				{
					itemIndex,
					description: `Re-applied this item's tags ${MAX_TAG_REAPPLY} times and another writer (another n8n process or workflow, or Assistable itself) changed them again each time. Run the item again later.`,
				},
			);
			error.context.checked = true;
			throw error;
		}
	};

	return async () => {
		try {
			return await checkTags();
		} catch (error) {
			throw afterWriteFailure(
				ctx,
				error,
				'The update was applied, but re-checking its tags failed',
				'turn off Re-Check Tags After Write',
				itemIndex,
			);
		} finally {
			const key = recordLockKey(services.transport.scope, contactId);
			if (--expectation.checks === 0 && state.tagExpectations.get(key) === expectation)
				state.tagExpectations.delete(key);
		}
	};
}

/** After a create: a list requested a little later shows whether another writer created it too. */
export function duplicateCheckAfter(
	ctx: IExecuteFunctions,
	services: ContactServices,
	created: Contact,
	{ locationId, by, value }: ByValue,
	itemIndex: number,
): () => Promise<void> {
	const since = clock.now();
	const { transport } = services;
	return async () => {
		await clock.sleep(duplicateCheckDelayMs(transport.typicalLatencyMs()), transport.signal);
		const { ids } = await services.directory
			.lookup(locationId, by, value, itemIndex, since)
			.catch((error: unknown) => {
				throw afterWriteFailure(
					ctx,
					error,
					`Contact ${created.id} was created, but checking for a duplicate failed`,
					`check Assistable for a second contact with this ${by}`,
					itemIndex,
				);
			});
		if (!ids.includes(created.id)) ids.push(created.id);
		if (ids.length < 2) return;
		const error = new NodeOperationError(
			ctx.getNode(),
			`${ids.length} contacts in location ${quote(locationId)} now have the ${by} ${quote(value)}: ${ids.join(', ')}`,
			{
				itemIndex,
				description: `This item created ${created.id} while another writer (another n8n process or workflow) created the same contact. Nothing was merged; keep one in Assistable and delete the others.`,
			},
		);
		// Shown in the error item, so a workflow can route on it.
		error.context.output = { contactIds: ids, createdContactId: created.id };
		throw error;
	};
}
