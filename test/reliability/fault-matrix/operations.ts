/** The fault matrix (../fault-matrix.test.ts): its constants and the operations it runs. */
import type { IDataObject } from 'n8n-workflow';

import type { SandboxRoute as Route } from '../../../sandbox/server';
import { DEMO_CONTACT_IDS, DEMO_LOCATION_ID } from '../../../sandbox/server';
import { contactEndpoints } from '../../../nodes/Assistable/resources/contact/endpoints';
export const KEY = 'asst_SECRET_matrix_key_9f8e7d';
export const LOC = DEMO_LOCATION_ID;
export const { ada } = DEMO_CONTACT_IDS;
export const ADA_EMAIL = 'ada@example.com';
export const NEW_EMAIL = 'nova.new@example.com';
/** Response size limits of the node. */
export const CONTACT_LIMIT = contactEndpoints.get.maxBytes;
export const LIST_LIMIT = contactEndpoints.list.maxBytes;
/** Per-request timeout in the delay cases, and how long the sandbox holds the answer back. */
export const TIMEOUT_MS = 500;
export const DELAY_MS = 1000;
/** Timeout for every other case: long enough that a busy machine never times out a healthy request. */
export const RELAXED_TIMEOUT_MS = 15_000;
export const MAX_ATTEMPTS = 2;
/** Error bodies echo the key, as a careless proxy might: the node must redact it. */
export const LEAK = `Injected failure for Bearer ${KEY}`;

// ---------------------------------------------------------------- operations

export type Effect = 'update' | 'upsert-update' | 'upsert-create' | 'create' | 'get' | 'getAll';

export interface Operation {
	name: string;
	effect: Effect;
	/** undefined where Append Tags does not apply. */
	append?: boolean;
	/** The requests a fault-free run sends, in order (a fault hits the first request on its route). */
	routes: Route[];
	/** The route that changes Assistable's state, if any. */
	write?: 'patch' | 'create';
	parameters: IDataObject;
}

/** Update: add vip, remove newsletter, rename. Ada starts with tags lead, newsletter. */
const CHANGES = { tags: 'vip', removeTags: 'newsletter', firstName: 'Augusta' };
const CREATE_FIELDS = { tags: 'vip', firstName: 'Nova' };

export const operations: Operation[] = [
	...[true, false].flatMap((append): Operation[] => {
		const onOff = `Append Tags ${append ? 'on' : 'off'}`;
		// Each write of tags is followed by Re-Check Tags' read (on by default).
		const lookup = append
			? (['list', 'get', 'patch', 'get'] as Route[])
			: (['list', 'patch', 'get'] as Route[]);
		return [
			{
				name: `update by id, ${onOff}`,
				effect: 'update',
				append,
				routes: append ? ['get', 'patch', 'get'] : ['patch', 'get'],
				write: 'patch',
				parameters: {
					operation: 'update',
					matchBy: 'id',
					contactId: ada,
					appendTags: append,
					updateFields: CHANGES,
				},
			},
			{
				name: `update by email, ${onOff}`,
				effect: 'update',
				append,
				routes: lookup,
				write: 'patch',
				parameters: {
					operation: 'update',
					matchBy: 'email',
					locationId: LOC,
					matchEmail: 'ADA@example.com',
					appendTags: append,
					updateFields: CHANGES,
				},
			},
			{
				name: `upsert an existing contact, ${onOff}`,
				effect: 'upsert-update',
				append,
				routes: lookup,
				write: 'patch',
				parameters: {
					operation: 'upsert',
					matchBy: 'email',
					locationId: LOC,
					matchEmail: ADA_EMAIL,
					appendTags: append,
					contactFields: CHANGES,
				},
			},
		];
	}),
	{
		name: 'upsert a new contact',
		effect: 'upsert-create',
		// The second list is the duplicate check a moment after the create.
		routes: ['list', 'create', 'list'],
		write: 'create',
		parameters: {
			operation: 'upsert',
			matchBy: 'email',
			locationId: LOC,
			matchEmail: NEW_EMAIL,
			contactFields: CREATE_FIELDS,
		},
	},
	{
		name: 'create',
		effect: 'create',
		routes: ['create'],
		write: 'create',
		parameters: {
			operation: 'create',
			locationId: LOC,
			contactFields: { ...CREATE_FIELDS, email: NEW_EMAIL },
		},
	},
	{
		name: 'get by id',
		effect: 'get',
		routes: ['get'],
		parameters: { operation: 'get', matchBy: 'id', contactId: ada },
	},
	{
		name: 'get by email',
		effect: 'get',
		routes: ['list', 'get'],
		parameters: { operation: 'get', matchBy: 'email', locationId: LOC, matchEmail: ADA_EMAIL },
	},
	{
		name: 'get many',
		effect: 'getAll',
		routes: ['list'],
		parameters: { operation: 'getAll', locationId: LOC, returnAll: true },
	},
];
