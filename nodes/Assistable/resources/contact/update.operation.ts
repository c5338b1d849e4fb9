import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { ContactChanges, MergeOptions } from '../../shared/merge';
import { buildContactWrite, mergeTags, needsCurrentContact, unappliedFields } from '../../shared/merge';
import type { ExecutionServices, ItemPlan } from '../../shared/operation';
import { contactOutput, simplifyOption } from '../../shared/output';
import { withRequestOptions } from '../../shared/request-options';
import type { Contact } from '../../shared/types';
import { InputError } from '../../shared/validation';
import { appendTagsField, contactFieldOptions, hasChanges, parseContactChanges } from './fields';
import { contactTarget, matchByIdEmailOrPhone, matchFields, readMatch } from './match';

const showOnlyForUpdate = { show: { resource: ['contact'], operation: ['update'] } };

/** How many times Re-Check Tags re-applies tags a concurrent writer removed. */
export const MAX_TAG_REAPPLY = 3;

/** Options of operations that update a contact (Update, Create or Update). */
export const updateOptionFields: INodeProperties[] = withRequestOptions([
	{
		displayName: 'Keep Existing Custom Fields',
		name: 'keepCustomFields',
		type: 'boolean',
		default: true,
		description:
			"Whether to read the contact and send its custom fields merged with yours, so none is lost whether the API merges or replaces them",
	},
	{
		displayName: 'Re-Check Tags After Write',
		name: 'recheckTags',
		type: 'boolean',
		default: false,
		description: `Whether to read the contact again after the update and re-apply tags another writer removed meanwhile (up to ${MAX_TAG_REAPPLY} times)`,
	},
	simplifyOption,
	{
		displayName: 'Verify Update',
		name: 'verifyUpdate',
		type: 'boolean',
		default: true,
		description: 'Whether to fail the item when the returned contact does not show every field sent',
	},
]);

export const description: INodeProperties[] = [
	matchByIdEmailOrPhone('update'),
	...matchFields('update', ['id', 'email', 'phone'], true),
	appendTagsField('update'),
	{
		displayName: 'Update Fields',
		name: 'updateFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		displayOptions: showOnlyForUpdate,
		options: contactFieldOptions,
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: showOnlyForUpdate,
		options: updateOptionFields,
	},
];

export interface UpdateSettings extends MergeOptions {
	verify: boolean;
	recheckTags: boolean;
	simplify: boolean;
}

export function readUpdateSettings(ctx: IExecuteFunctions, itemIndex: number, appendTags: boolean): UpdateSettings {
	const options = ctx.getNodeParameter('options', itemIndex, {}) as IDataObject;
	return {
		appendTags,
		keepCustomFields: options.keepCustomFields !== false,
		verify: options.verifyUpdate !== false,
		recheckTags: options.recheckTags === true,
		simplify: options.simplify === true,
	};
}

export function plan(this: IExecuteFunctions, itemIndex: number): ItemPlan {
	const match = readMatch(this, itemIndex, 'id');
	const appendTags = this.getNodeParameter('appendTags', itemIndex, true) as boolean;
	const changes = parseContactChanges(this.getNodeParameter('updateFields', itemIndex, {}) as IDataObject);
	if (!hasChanges(changes)) {
		throw new InputError(
			'Update Fields',
			'Nothing to update',
			'Add at least one field under Update Fields, or check that the mapped values are not empty.',
		);
	}
	const settings = readUpdateSettings(this, itemIndex, appendTags);
	const target = contactTarget(this, match, itemIndex);
	return {
		locations: target.locations,
		key: target.key,
		run: async (services) => {
			const contactId = target.contactId();
			if (!contactId) return [];
			const contact = await applyUpdate(this, services, contactId, changes, settings, itemIndex);
			if (match.by !== 'id') await services.directory.record(match.locationId, contact);
			return [contactOutput(contact, settings.simplify)];
		},
	};
}

/** Read (only when the merge needs it), merge, PATCH, verify. A failed read sends no PATCH. */
export async function applyUpdate(
	ctx: IExecuteFunctions,
	services: ExecutionServices,
	contactId: string,
	changes: ContactChanges,
	settings: UpdateSettings,
	itemIndex: number,
): Promise<Contact> {
	const { transport, contacts } = services;
	let succeeded = false;
	try {
		let current = contacts.get(contactId);
		if (!current && needsCurrentContact(changes, settings)) {
			current = await transport.getContact(contactId, itemIndex);
			contacts.set(current);
		}
		const write = buildContactWrite(changes, settings, current);
		let updated = await transport.updateContact(contactId, write, itemIndex);
		contacts.set(updated);
		if (settings.verify) {
			const missing = unappliedFields(write, updated);
			if (missing.length) {
				throw new NodeOperationError(ctx.getNode(), `Assistable did not apply: ${missing.join(', ')}`, {
					itemIndex,
					description:
						'The contact returned after the update does not show these fields as sent. Check the values, or turn off Verify Update if the API rewrites them on purpose.',
				});
			}
		}
		if (settings.recheckTags && write.tags) {
			updated = await reapplyRemovedTags(ctx, services, contactId, changes, itemIndex);
		}
		succeeded = true;
		return updated;
	} finally {
		// After a failure the contact's state is unknown: later items read it afresh.
		if (!succeeded) contacts.forget(contactId);
	}
}

/** Re-reads the contact and re-applies this item's tags if a concurrent writer dropped them. */
async function reapplyRemovedTags(
	ctx: IExecuteFunctions,
	services: ExecutionServices,
	contactId: string,
	changes: ContactChanges,
	itemIndex: number,
): Promise<Contact> {
	const { transport, contacts } = services;
	for (let round = 0; ; round++) {
		const latest = await transport.getContact(contactId, itemIndex);
		contacts.set(latest);
		const have = latest.tags ?? [];
		const tags = mergeTags(have, changes.tags, changes.removeTags, true);
		if (tags.length === have.length && tags.every((tag, i) => tag === have[i])) return latest;
		if (round === MAX_TAG_REAPPLY) {
			throw new NodeOperationError(ctx.getNode(), `Another writer kept changing the contact's tags`, {
				itemIndex,
				description: `Re-applied this item's tags ${MAX_TAG_REAPPLY} times and they were removed again each time. Run the item again later.`,
			});
		}
		await transport.updateContact(contactId, { tags }, itemIndex);
	}
}
