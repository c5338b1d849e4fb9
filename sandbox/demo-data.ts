/** Fixed demo data for the Assistable sandbox (fictional people, reserved-looking numbers and domains). */
import type { Contact } from './server';

/** The API key the sandbox accepts by default (all locations). */
export const DEMO_API_KEY = 'asst_sandbox_demo_key';
/** A second key, used by the CLI, that may only see DEMO_LOCATION_ID (shows a 403 on the other location). */
export const DEMO_RESTRICTED_API_KEY = 'asst_sandbox_restricted_key';
/** Sub-account (location) ids look like GoHighLevel ones: 20 alphanumerics. */
export const DEMO_LOCATION_ID = 'Qm7vTzR2kLp9XwN4bHs8';
export const DEMO_OTHER_LOCATION_ID = 'Jf3VdZ8uYa1GeK5nQw0P';
export const SANDBOX_WORKSPACE_ID = 'ws_sandbox';

export const DEMO_CONTACT_IDS = {
	ada: '3f6c2a1e-8b4d-4c7a-9e21-5d0b7f4a9c13',
	grace: '9a41d7e2-56c3-4f08-b1a9-2e7c8d35f604',
	linus: 'c27e5b90-1d4a-4e6f-8c35-7a9b0e2f4d81',
	margaret: '5b8d03f7-e2a6-49c1-a7d4-0f3e6c91b25a',
} as const;

/** GoHighLevel contact IDs (about 20 alphanumerics) of the demo people, as a GHL webhook carries them. */
export const DEMO_GHL_CONTACT_IDS = {
	ada: 'GhAda7Lq2Xv9Rk4Tn1Pw',
	grace: 'GhGrc3Mz8Yb5Hs2Qd6Vk',
} as const;

/** An AI assistant's ID in the sandbox (the vendor's examples write them `asst_...`). */
export const DEMO_ASSISTANT_ID = 'asst_demo_receptionist';

/**
 * The phone numbers GoHighLevel holds for those contacts: what a call to a GHL contact dials (the same
 * people as the Assistable demo contacts, so a post-call webhook's number finds them by phone).
 */
export const DEMO_GHL_PHONES: Record<string, string> = {
	[DEMO_GHL_CONTACT_IDS.ada]: '+15555550101',
	[DEMO_GHL_CONTACT_IDS.grace]: '+447700900123',
};

const DEMO: Partial<Contact>[] = [
	{
		id: DEMO_CONTACT_IDS.ada,
		location_id: DEMO_LOCATION_ID,
		first_name: 'Ada',
		last_name: 'Lovelace',
		phone_number: '+15555550101',
		email: 'ada@example.com',
		tags: ['lead', 'newsletter'],
		custom_fields: { plan: 'pro', score: 42 },
		created_at: '2025-11-20T14:03:11.482913+00:00',
		updated_at: '2025-12-01T09:15:42.107356+00:00',
	},
	{
		id: DEMO_CONTACT_IDS.grace,
		location_id: DEMO_LOCATION_ID,
		first_name: 'Grace',
		last_name: 'Hopper',
		phone_number: '+447700900123',
		email: 'grace@example.org',
		tags: ['customer'],
		custom_fields: { plan: 'starter' },
		created_at: '2025-11-21T10:44:02.031877+00:00',
		updated_at: '2025-11-21T10:44:02.031877+00:00',
	},
	{
		id: DEMO_CONTACT_IDS.linus,
		location_id: DEMO_LOCATION_ID,
		first_name: 'Linus',
		last_name: null,
		phone_number: '+4915112345678',
		email: null,
		tags: [],
		custom_fields: {},
		created_at: '2025-11-25T16:20:59.900001+00:00',
		updated_at: '2025-11-25T16:20:59.900001+00:00',
	},
	{
		id: DEMO_CONTACT_IDS.margaret,
		location_id: DEMO_OTHER_LOCATION_ID,
		first_name: 'Margaret',
		last_name: 'Hamilton',
		phone_number: '+16175550142',
		email: 'margaret@example.net',
		tags: ['vip'],
		custom_fields: { region: 'us-east' },
		created_at: '2025-11-28T08:00:00.000000+00:00',
		updated_at: '2025-11-28T08:00:00.000000+00:00',
	},
];

/** Fresh copies of the demo contacts (three in DEMO_LOCATION_ID, one in DEMO_OTHER_LOCATION_ID). */
export function demoSeed(): Partial<Contact>[] {
	return structuredClone(DEMO);
}
