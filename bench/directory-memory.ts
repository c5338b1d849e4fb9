/**
 * Heap held by the lookup directory after one location's list of N contacts was loaded and searched
 * (an index is kept for INDEX_TTL_MS after its list was requested, across executions):
 *   npm run build:tools && node --expose-gc build/bench/directory-memory.js [N]
 */
import { randomUUID } from 'node:crypto';

import { LocationDirectory } from '../nodes/Assistable/resources/contact/directory';
import type { AssistableTransport } from '../nodes/Assistable/shared/transport';

const count = Number(process.argv[2] ?? 50_000);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('Run with node --expose-gc');

/** A location's list as the API sends it: text, parsed by the transport. */
function listText(n: number): string {
	const contacts = Array.from({ length: n }, (_, i) => ({
		id: randomUUID(),
		workspace_id: 'ws_demo_0001',
		location_id: 'loc-memory',
		first_name: `First${i}`,
		last_name: `Last${i}`,
		phone_number: `+1415${String(1_000_000 + i).slice(-7)}`,
		email: `person${i}@example.com`,
		tags: ['lead', `cohort-${i % 50}`, 'newsletter'],
		meta: { source: 'import', batch: i % 100 },
		custom_fields: { plan: 'pro', seats: i % 20, zip: '94103' },
		attribution: { utm_source: 'newsletter', utm_campaign: `spring-${i % 7}` },
		integration: {},
		dnd: {},
		created_at: '2025-12-03T19:07:55.343337+00:00',
		updated_at: '2025-12-03T19:07:55.343337+00:00',
	}));
	return JSON.stringify(contacts);
}

function heapUsed(): number {
	gc!();
	gc!();
	return process.memoryUsage().heapUsed;
}

async function main(): Promise<void> {
	const before = heapUsed();
	let text: string | undefined = listText(count);
	// A stand-in for the request layer: answers the list request with the parsed list.
	const transport = {
		scope: 'https://memory.example/v2',
		keyScope: 'https://memory.example/v2#key',
		request: async () => JSON.parse(text!) as unknown[],
	} as unknown as AssistableTransport;
	const directory = new LocationDirectory(transport);
	await directory.preload([{ locationId: 'loc-memory', itemIndex: 0 }]);
	const { ids: found } = await directory.lookup('loc-memory', 'email', 'person42@example.com', 0);
	text = undefined; // the list's text is gone once parsed; what stays is what the directory keeps
	const held = heapUsed() - before;
	console.log(
		JSON.stringify({
			contacts: count,
			found: found.length,
			heldBytes: held,
			heldMB: +(held / 1024 / 1024).toFixed(1),
		}),
	);
	// Keep the directory alive until measured.
	if (!directory) throw new Error('unreachable');
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
