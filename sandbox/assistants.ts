/**
 * The assistant endpoints (API notes, "Beyond contacts"; assistant-api.json): create, get, update and
 * archive assistants, and create flows. Answers use the vendor's SuccessResponse: `status` an integer,
 * `data: {status, id}`. What the vendor leaves open is decided here and said in docs/sandbox.md:
 * get-assistant answers `{status, data: {...the assistant}}` (a help page's shape), an archived
 * assistant is 404 everywhere, an update naming another location is 404.
 */
import { randomBytes } from 'node:crypto';
import { DEMO_ASSISTANT_ID, DEMO_LOCATION_ID } from './demo-data';
import type { ApiRequest, Reply, SandboxKit, SandboxResource } from './types';
import { isObject, json } from './types';

interface Assistant {
	id: string;
	location_id: string;
	name: string | null;
	description: string | null;
	prompt: string | null;
	model: string | null;
	temperature: number | null;
	voice_id: string | null;
	knowledge_id: string | null;
	ambient_noise: string | null;
	queue: number | null;
	archived: boolean;
	created_at: string;
	updated_at: string;
}

interface Flow {
	id: string;
	location_id: string;
	created_at: string;
}

/** What tests and the CLI do with the assistants directly. */
export interface AssistantsApi {
	/** The assistant, archived ones too (see `archived`). */
	getAssistant(id: string): Assistant | undefined;
	listAssistants(): Assistant[];
	listFlows(): Flow[];
}

const MODELS = ['gpt-4', 'claude-3', 'gpt-3.5-turbo'];
const TEXT_FIELDS = ['name', 'description', 'prompt', 'voice_id', 'knowledge_id', 'ambient_noise'];
const INTEGER_FIELDS = ['temperature', 'queue'];

const newId = (prefix: string) => `${prefix}_${randomBytes(12).toString('base64url')}`;

export function assistantsResource(kit: SandboxKit): SandboxResource & { api: AssistantsApi } {
	const assistants = new Map<string, Assistant>();
	const flows = new Map<string, Flow>();

	function seed(): void {
		const at = '2025-11-02T10:00:00.000000+00:00';
		assistants.set(DEMO_ASSISTANT_ID, {
			...blank(DEMO_ASSISTANT_ID, DEMO_LOCATION_ID, at),
			name: 'Ada Booking Assistant',
			description: 'Books demo calls',
			prompt: 'You book demo calls for Example Co.',
			model: 'gpt-4',
			temperature: 1,
			queue: 0,
		});
	}

	function blank(id: string, location: string, at: string): Assistant {
		return {
			id,
			location_id: location,
			name: null,
			description: null,
			prompt: null,
			model: null,
			temperature: null,
			voice_id: null,
			knowledge_id: null,
			ambient_noise: null,
			queue: null,
			archived: false,
			created_at: at,
			updated_at: at,
		};
	}

	/** The settable fields of a create or update body, or the message refusing it. */
	function fields(body: Record<string, unknown>): Partial<Assistant> | string {
		const out: Record<string, unknown> = {};
		for (const key of TEXT_FIELDS) {
			if (body[key] === undefined) continue;
			if (typeof body[key] !== 'string') return `${key} must be a string`;
			out[key] = body[key];
		}
		for (const key of INTEGER_FIELDS) {
			if (body[key] === undefined) continue;
			if (!Number.isInteger(body[key])) return `${key} must be an integer`;
			out[key] = body[key];
		}
		if (body.model !== undefined) {
			if (typeof body.model !== 'string' || !MODELS.includes(body.model))
				return `model must be one of ${MODELS.join(', ')}`;
			out.model = body.model;
		}
		return out as Partial<Assistant>;
	}

	/** The body's location_id, or the answer refusing it. */
	function location(body: Record<string, unknown>, key: string): string | Reply {
		const loc = body.location_id;
		if (typeof loc !== 'string' || loc === '') return kit.fail(400, 'location_id is required');
		if (!kit.canSee(key, loc))
			return kit.fail(403, "Forbidden: this API key's sub-account cannot access this location");
		return loc;
	}

	/** The live (not archived) assistant named by `id`, or the answer refusing it. */
	function live(id: unknown, key: string): Assistant | Reply {
		if (typeof id !== 'string' || id === '') return kit.fail(400, 'assistant_id is required');
		const found = assistants.get(id);
		if (!found || found.archived) return kit.fail(404, 'Assistant not found');
		if (!kit.canSee(key, found.location_id))
			return kit.fail(403, "Forbidden: this API key's sub-account cannot access this assistant");
		return found;
	}

	const isReply = (v: unknown): v is Reply => isObject(v) && 'status' in v && 'body' in v;
	const success = (status: number, state: string, id: string) =>
		json(status, { status, data: { status: state, id } });
	const bodyOf = ({ rec }: ApiRequest) => (isObject(rec.body) ? rec.body : undefined);

	seed();
	return {
		handlers: {
			'create-assistant': (request) => {
				const body = bodyOf(request);
				if (!body) return kit.fail(400, 'Body must be a JSON object');
				const loc = location(body, request.key);
				if (isReply(loc)) return loc;
				const set = fields(body);
				if (typeof set === 'string') return kit.fail(400, set);
				const created = { ...blank(newId('asst'), loc, kit.clock()), ...set };
				assistants.set(created.id, created);
				return success(201, 'created', created.id);
			},
			'get-assistant': (request) => {
				const found = live(request.rec.query.assistant_id, request.key);
				if (isReply(found)) return found;
				const shown: Partial<Assistant> = { ...found };
				delete shown.archived;
				return json(200, { status: 200, data: shown });
			},
			'update-assistant': (request) => {
				const body = bodyOf(request);
				if (!body) return kit.fail(400, 'Body must be a JSON object');
				const found = live(body.assistant_id, request.key);
				if (isReply(found)) return found;
				const loc = location(body, request.key);
				if (isReply(loc)) return loc;
				if (loc !== found.location_id) return kit.fail(404, 'Assistant not found in this location');
				const set = fields(body);
				if (typeof set === 'string') return kit.fail(400, set);
				Object.assign(found, set, { updated_at: kit.clock() });
				return success(200, 'updated', found.id);
			},
			'delete-assistant': (request) => {
				const found = live(request.rec.query.assistant_id, request.key);
				if (isReply(found)) return found;
				found.archived = true;
				found.updated_at = kit.clock();
				return success(200, 'deleted', found.id);
			},
			'create-flow': (request) => {
				const body = bodyOf(request);
				if (!body) return kit.fail(400, 'Body must be a JSON object');
				const loc = location(body, request.key);
				if (isReply(loc)) return loc;
				const flow = { id: newId('flow'), location_id: loc, created_at: kit.clock() };
				flows.set(flow.id, flow);
				return success(201, 'created', flow.id);
			},
		},
		reset: () => {
			assistants.clear();
			flows.clear();
			seed();
		},
		api: {
			getAssistant: (id) => structuredClone(assistants.get(id)),
			listAssistants: () => [...assistants.values()].map((a) => structuredClone(a)),
			listFlows: () => [...flows.values()].map((f) => structuredClone(f)),
		},
	};
}
