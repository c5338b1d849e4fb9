/**
 * The contact endpoints (API notes, "Endpoints"): Update, Get, Create and List, over one store of
 * contacts.
 */
import { randomUUID } from 'node:crypto';
import { DEMO_LOCATION_ID, SANDBOX_WORKSPACE_ID } from './demo-data';
import type { ApiRequest, Contact, Reply, SandboxKit, SandboxResource } from './types';
import { isObject, json } from './types';

const STRING_FIELDS = ['first_name', 'last_name', 'phone_number', 'email'];
const OBJECT_FIELDS = ['custom_fields', 'meta', 'attribution', 'integration', 'dnd'];
const WRITABLE = new Set([...STRING_FIELDS, ...OBJECT_FIELDS, 'tags']);

/** What tests and the CLI do with the contacts directly. */
export interface ContactsApi {
	getContact(id: string): Contact | undefined;
	listContacts(locationId?: string): Contact[];
	addContact(partial: Partial<Contact>): Contact;
	updateContactDirect(id: string, patch: Partial<Contact>): Contact;
}

/** A location id that could read as path navigation or control text is never a location. */
const hostileLocation = (id: string): boolean =>
	id === '.' || id === '..' || /[/\\\x00-\x1f]/.test(id);

/** How a server that cleans up what it stores would keep an email or a phone number. */
function normalised(field: string, value: unknown): unknown {
	if (typeof value !== 'string') return value;
	if (field === 'email') return value.trim().toLowerCase();
	if (field === 'phone_number' && value.trim().startsWith('+'))
		return `+${value.replace(/\D/g, '')}`;
	return value;
}

export function contactsResource(kit: SandboxKit): SandboxResource & { api: ContactsApi } {
	const contacts = new Map<string, Contact>();

	function fill(p: Partial<Contact>): Contact {
		const c = structuredClone(p);
		const now = kit.clock();
		return {
			id: c.id ?? randomUUID(),
			workspace_id: c.workspace_id ?? SANDBOX_WORKSPACE_ID,
			location_id: c.location_id ?? DEMO_LOCATION_ID,
			first_name: c.first_name ?? null,
			last_name: c.last_name ?? null,
			phone_number: c.phone_number ?? null,
			email: c.email ?? null,
			tags: c.tags ?? [],
			meta: c.meta ?? {},
			custom_fields: c.custom_fields ?? {},
			attribution: c.attribution ?? {},
			integration: c.integration ?? {},
			dnd: c.dnd ?? {},
			created_at: c.created_at ?? now,
			updated_at: c.updated_at ?? c.created_at ?? now,
		};
	}

	/** Checks a create/PATCH body; returns the accepted fields or an error message. */
	function readFields(body: unknown): Record<string, unknown> | string {
		const behaviour = kit.behaviour();
		if (!isObject(body)) return 'Body must be a JSON object';
		const out: Record<string, unknown> = {};
		for (const [k, v] of Object.entries(body)) {
			if (!WRITABLE.has(k)) {
				if (behaviour.unknownFields === 'reject') return `Unknown field: ${k}`;
				continue;
			}
			if (STRING_FIELDS.includes(k) && v !== null && typeof v !== 'string')
				return `${k} must be a string or null`;
			if (k === 'tags' && !(Array.isArray(v) && v.every((t) => typeof t === 'string')))
				return 'tags must be an array of strings';
			if (OBJECT_FIELDS.includes(k) && !isObject(v)) return `${k} must be an object`;
			out[k] = behaviour.storedValues === 'normalise' ? normalised(k, v) : v;
			if (k === 'tags' && behaviour.storedTags === 'lowercase')
				out[k] = [...new Set((v as string[]).map((tag) => tag.trim().toLowerCase()))];
		}
		return out;
	}

	/** The location of a list or create, or the answer refusing it. */
	function location({ rec, key }: ApiRequest): string | Reply {
		const loc = rec.params.locationId;
		if (hostileLocation(loc)) return kit.fail(404, 'Location not found');
		if (!kit.canSee(key, loc))
			return kit.fail(403, "Forbidden: this API key's sub-account cannot access this location");
		return loc;
	}

	/** The contact a get or PATCH names, or the answer refusing it. */
	function contact({ rec, key }: ApiRequest): Contact | Reply {
		const found = contacts.get(rec.params.contactId);
		if (!found) return kit.fail(404, 'Contact not found');
		if (!kit.canSee(key, found.location_id))
			return kit.fail(403, "Forbidden: this API key's sub-account cannot access this contact");
		return found;
	}

	const isReply = (v: unknown): v is Reply => isObject(v) && 'status' in v && 'body' in v;

	return {
		handlers: {
			list: (request) => {
				const loc = location(request);
				if (isReply(loc)) return loc;
				return json(
					200,
					[...contacts.values()].filter((c) => c.location_id === loc),
				);
			},
			create: (request) => {
				const loc = location(request);
				if (isReply(loc)) return loc;
				const fields = readFields(request.rec.body);
				if (typeof fields === 'string') return kit.fail(400, fields);
				const created = fill({ ...fields, location_id: loc });
				contacts.set(created.id, created);
				return json(kit.behaviour().createStatus, created);
			},
			get: (request) => {
				const found = contact(request);
				return isReply(found) ? found : json(200, found);
			},
			patch: (request) => {
				const found = contact(request);
				if (isReply(found)) return found;
				const fields = readFields(request.rec.body);
				if (typeof fields === 'string') return kit.fail(400, fields);
				const target = found as unknown as Record<string, unknown>;
				for (const [k, v] of Object.entries(fields)) {
					// spread (not Object.assign) so a "__proto__" key stays a plain data key
					target[k] =
						k === 'custom_fields' && kit.behaviour().customFields === 'merge'
							? { ...found.custom_fields, ...(v as Record<string, unknown>) }
							: v;
				}
				found.updated_at = kit.clock();
				return json(200, found);
			},
		},
		reset: () => contacts.clear(),
		api: {
			getContact: (id) => {
				const c = contacts.get(id);
				return c && structuredClone(c);
			},
			listContacts: (loc) =>
				[...contacts.values()]
					.filter((c) => loc === undefined || c.location_id === loc)
					.map((c) => structuredClone(c)),
			addContact(p) {
				const c = fill(p);
				if (contacts.has(c.id)) throw new Error(`Sandbox: contact ${c.id} already exists`);
				contacts.set(c.id, c);
				return structuredClone(c);
			},
			updateContactDirect(id, patch) {
				const c = contacts.get(id);
				if (!c) throw new Error(`Sandbox: no contact ${id}`);
				Object.assign(c, structuredClone(patch), { id: c.id, updated_at: kit.clock() });
				return structuredClone(c);
			},
		},
	};
}
