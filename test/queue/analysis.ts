/** What a burst did, from the sandbox's request log and final state and n8n's execution records. */
import { type Sandbox } from '../../sandbox/server';
import { TAG_BURST, UPSERT_BURST } from './harness';
import { PostResult, ExecutionRecord, maxOverlap } from './executions';
// ---------------------------------------------------------------------------------------------------------
// Analysis

/** The sandbox's request log of a burst, compact: [ms from the first request's start, ms it took, method, route, status]. */
export function requestTimeline(
	requests: Sandbox['requests'],
): Array<[number, number, string, string, number]> {
	const t0 = requests.length ? Math.min(...requests.map((q) => q.startedAt)) : 0;
	return requests.map((q) => [
		Math.round(q.startedAt - t0),
		Math.round((q.endedAt || q.startedAt) - q.startedAt),
		q.method,
		q.route,
		q.status,
	]);
}

export interface TagBurstFigures {
	posts: number;
	executions: number;
	executionsSucceeded: number;
	executionsFailed: number;
	httpStatuses: Record<string, number>;
	/** Distinct answers other than 200 (status: body). */
	httpErrors: string[];
	tagsExpected: number;
	tagsOnContact: number;
	tagsLost: string[];
	/** Lost tags whose execution reported success. */
	tagsLostSilently: string[];
	existingTagKept: boolean;
	maxConcurrentExecutions: number;
	sandboxMaxInFlight: number;
	errors: string[];
	unmatchedRequests: string[];
	sandboxRequests?: ReturnType<typeof requestTimeline>;
}

export interface UpsertBurstFigures {
	posts: number;
	executions: number;
	executionsSucceeded: number;
	executionsFailed: number;
	httpStatuses: Record<string, number>;
	/** Distinct answers other than 200 (status: body). */
	httpErrors: string[];
	contactsWithEmail: number;
	contactIds: string[];
	duplicates: number;
	/** Duplicates no execution's output or error names together with another contact of that email. */
	duplicatesSilent: number;
	creates: number;
	/**
	 * Of the executions whose create succeeded (found by the tag in the create request's body), how many name
	 * another contact with that email in their output or error (only counted when there is a duplicate).
	 */
	creatorsNamingDuplicate?: { naming: number; creators: number };
	/** Tags (one per POST) on none of the contacts with that email. */
	tagsLost: string[];
	maxConcurrentExecutions: number;
	errors: string[];
	unmatchedRequests: string[];
	sandboxRequests?: ReturnType<typeof requestTimeline>;
}

function countBy<T>(items: T[], key: (t: T) => string): Record<string, number> {
	const out: Record<string, number> = {};
	for (const i of items) out[key(i)] = (out[key(i)] ?? 0) + 1;
	return out;
}

function httpErrors(posts: PostResult[]): string[] {
	return [
		...new Set(
			posts
				.filter((p) => p.httpStatus !== 200)
				.map((p) => `${p.httpStatus}: ${p.body.slice(0, 300)}`),
		),
	];
}

function distinctErrors(records: ExecutionRecord[]): string[] {
	return [...new Set(records.filter((r) => r.error).map((r) => r.error!.slice(0, 300)))];
}

export function tagBurstBodies(
	contactId: string,
	label: string,
): Array<{ request_id: string; contact_id: string; tag: string }> {
	return Array.from({ length: TAG_BURST }, (_, i) => ({
		request_id: `${label}-tags-${String(i + 1).padStart(2, '0')}`,
		contact_id: contactId,
		tag: `burst-tag-${String(i + 1).padStart(2, '0')}`,
	}));
}

export function upsertBurstBodies(
	email: string,
	label: string,
): Array<{ request_id: string; email: string; tag: string }> {
	return Array.from({ length: UPSERT_BURST }, (_, i) => ({
		request_id: `${label}-upsert-${String(i + 1).padStart(2, '0')}`,
		email,
		tag: `upsert-tag-${String(i + 1).padStart(2, '0')}`,
	}));
}

/** What every burst reports about its POSTs and executions. */
function executionFigures(posts: PostResult[], records: ExecutionRecord[]) {
	return {
		posts: posts.length,
		executions: records.length,
		executionsSucceeded: records.filter((r) => r.status === 'success').length,
		executionsFailed: records.filter((r) => r.status !== 'success').length,
		httpStatuses: countBy(posts, (p) => String(p.httpStatus)),
		httpErrors: httpErrors(posts),
	};
}

export function analyseTagBurst(
	bodies: Array<{ request_id: string; tag: string }>,
	posts: PostResult[],
	records: ExecutionRecord[],
	finalTags: string[],
	existingTag: string,
	sandboxMaxInFlight: number,
): TagBurstFigures {
	const byRequest = new Map(records.filter((r) => r.requestId).map((r) => [r.requestId!, r]));
	const lost = bodies.filter((b) => !finalTags.includes(b.tag));
	return {
		...executionFigures(posts, records),
		tagsExpected: bodies.length,
		tagsOnContact: bodies.length - lost.length,
		tagsLost: lost.map((b) => b.tag),
		tagsLostSilently: lost
			.filter((b) => byRequest.get(b.request_id)?.status === 'success')
			.map((b) => b.tag),
		existingTagKept: finalTags.includes(existingTag),
		maxConcurrentExecutions: maxOverlap(records),
		sandboxMaxInFlight,
		errors: distinctErrors(records),
		unmatchedRequests: bodies.filter((b) => !byRequest.has(b.request_id)).map((b) => b.request_id),
	};
}

export function analyseUpsertBurst(
	bodies: Array<{ request_id: string; tag: string }>,
	posts: PostResult[],
	records: ExecutionRecord[],
	group: Array<{ id: string; tags: string[] }>,
	creates: number,
): UpsertBurstFigures {
	const contactIds = group.map((c) => c.id);
	const tagsOnGroup = new Set(group.flatMap((c) => c.tags));
	const byRequest = new Set(records.map((r) => r.requestId));
	// A contact of the group is "named" when some execution's result (or its HTTP answer) names it together with another one.
	const texts = [...records.map((r) => r.resultText), ...posts.map((p) => p.body)];
	const named = contactIds.filter((id) =>
		texts.some(
			(t) => t.includes(id) && contactIds.some((other) => other !== id && t.includes(other)),
		),
	);
	const duplicates = Math.max(0, contactIds.length - 1);
	return {
		...executionFigures(posts, records),
		contactsWithEmail: contactIds.length,
		contactIds,
		duplicates,
		duplicatesSilent: duplicates === 0 ? 0 : Math.min(duplicates, contactIds.length - named.length),
		creates,
		tagsLost: bodies.filter((b) => !tagsOnGroup.has(b.tag)).map((b) => b.tag),
		maxConcurrentExecutions: maxOverlap(records),
		errors: distinctErrors(records),
		unmatchedRequests: bodies.filter((b) => !byRequest.has(b.request_id)).map((b) => b.request_id),
	};
}
