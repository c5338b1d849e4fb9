import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { contactOutput } from './output';
import type { Contact } from './types';

export type UpsertAction = 'created' | 'updated' | 'found';

/** The first node version whose Create or Update output is the contact itself. */
const CONTACT_AS_ITEM_VERSION = 1.1;

/**
 * Create or Update's output item. Node version 1 (saved workflows): `{ action, contact }`. From 1.1
 * on, like every other operation, the contact is the item, with `action` added next to its fields
 * (the API's contact has no field of that name).
 */
export function upsertOutput(
	ctx: IExecuteFunctions,
	action: UpsertAction,
	contact: Contact,
	simplify: boolean,
): IDataObject {
	const json = contactOutput(contact, simplify);
	if (ctx.getNode().typeVersion < CONTACT_AS_ITEM_VERSION) return { action, contact: json };
	return { ...json, action };
}
