import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { simplifyOption } from '../../shared/descriptions';
import { defaultCountryOption, readChanges, readOptions } from './fields';
import { MAX_TAG_REAPPLY } from './after-write';
import type { ContactChanges, MergeOptions } from './merge';

/** Options of the operations that update a contact (Update, Create or Update). */
export const updateOptions: INodeProperties[] = [
	defaultCountryOption,
	{
		displayName: 'Keep Existing Custom Fields',
		name: 'keepCustomFields',
		type: 'boolean',
		default: true,
		description:
			'Whether to read the contact and send its custom fields merged with yours, so none is lost whether the API merges or replaces them',
	},
	{
		displayName: 'Re-Check Tags After Write',
		name: 'recheckTags',
		type: 'boolean',
		default: true,
		description: `Whether to read the contact again shortly after the update and re-apply tags another writer (e.g. another n8n process) removed meanwhile (up to ${MAX_TAG_REAPPLY} times); a tag still missing fails the item`,
	},
	simplifyOption,
	{
		displayName: 'Verify Update',
		name: 'verifyUpdate',
		type: 'boolean',
		default: true,
		description:
			'Whether to fail the item when the returned contact does not show every field sent',
	},
];

export interface UpdateSettings extends MergeOptions {
	verify: boolean;
	recheckTags: boolean;
	simplify: boolean;
}

/** The item's Append Tags, contact fields (validated) and options. */
export function readUpdate(
	ctx: IExecuteFunctions,
	itemIndex: number,
	collection: 'contactFields' | 'updateFields',
): { changes: ContactChanges; settings: UpdateSettings } {
	const appendTags = ctx.getNodeParameter('appendTags', itemIndex, true) as boolean;
	const changes = readChanges(ctx, itemIndex, collection, appendTags);
	const options = readOptions(ctx, itemIndex);
	const settings = {
		appendTags,
		keepCustomFields: options.keepCustomFields !== false,
		verify: options.verifyUpdate !== false,
		recheckTags: options.recheckTags !== false,
		simplify: options.simplify === true,
	};
	return { changes, settings };
}
