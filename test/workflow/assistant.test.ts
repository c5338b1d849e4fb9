/** Assistant → Create, Get, Update, Delete (archive), Create Flow against the sandbox. */
import { DEMO_LOCATION_ID } from '../../sandbox/server';
import { DEMO_ASSISTANT_ID } from '../../sandbox/demo-data';
import { useSandbox } from '../harness/sandbox-fixture';
import { resourceRunner } from './resource-runner';

const sandbox = useSandbox();
const LOC = DEMO_LOCATION_ID;
const ID = DEMO_ASSISTANT_ID;

const run = resourceRunner(sandbox, 'assistant');
const live = () => sandbox.listAssistants().filter((a) => !a.archived);

describe('Create', () => {
	it('sends the location and the fields set (integers as integers) and outputs the new ID', async () => {
		const result = await run('create', {
			locationId: LOC,
			assistantFields: {
				name: 'Grace',
				prompt: 'Book calls.',
				model: 'claude-3',
				temperature: 1,
				queue: 2,
			},
		});
		expect(sandbox.requests.map((r) => [r.method, r.route, r.body])).toEqual([
			[
				'POST',
				'create-assistant',
				{
					location_id: LOC,
					name: 'Grace',
					prompt: 'Book calls.',
					model: 'claude-3',
					temperature: 1,
					queue: 2,
				},
			],
		]);
		const created = live().find((a) => a.id !== ID)!;
		expect(created).toMatchObject({
			name: 'Grace',
			model: 'claude-3',
			temperature: 1,
			queue: 2,
			voice_id: null,
		});
		expect(result.items[0].json).toEqual({
			id: created.id,
			status: 201,
			data: { status: 'created', id: created.id },
		});
	});

	it('a temperature that is not a whole number, or a contact UUID as location, fails before any request', async () => {
		const result = await run(
			'create',
			{ locationId: '={{ $json.loc }}', assistantFields: { temperature: '={{ $json.t }}' } },
			[
				{ loc: LOC, t: 0.5 },
				{ loc: '3f6c2a1e-8b4d-4c7a-9e21-5d0b7f4a9c13', t: 1 },
			],
			true,
		);
		expect(sandbox.requests).toEqual([]);
		expect(result.items.map((i) => i.json.error)).toEqual([
			'Temperature "0.5" is not a whole number',
			'Location ID "3f6c2a1e-8b4d-4c7a-9e21-5d0b7f4a9c13" is an Assistable ID (a UUID), not a GoHighLevel location ID',
		]);
		expect(result.items.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
	});

	it('a 500 is not retried (a second assistant could be created) and the error says what to check', async () => {
		sandbox.injectFault({
			route: 'create-assistant',
			fault: { kind: 'status', status: 500 },
			phase: 'after',
		});
		const result = await run('create', { locationId: LOC, assistantFields: { name: 'Once' } });
		expect(sandbox.requests).toHaveLength(1);
		expect(live().filter((a) => a.name === 'Once')).toHaveLength(1);
		expect(result.error?.message).toBe('Assistable had a server error (500)');
		expect(result.error?.description).toMatch(/the assistant may or may not have been created/);
	});
});

describe('Get', () => {
	it('asks by assistant_id in the query and outputs the assistant', async () => {
		const result = await run('get', { assistantId: ID });
		expect(sandbox.requests.map((r) => [r.method, r.route, r.query])).toEqual([
			['GET', 'get-assistant', { assistant_id: ID }],
		]);
		const shown: Record<string, unknown> = { ...sandbox.getAssistant(ID)! };
		delete shown.archived;
		expect(result.items[0].json).toEqual(shown);
	});

	it('an unknown ID is a 404 that says what the ID should be', async () => {
		const result = await run('get', { assistantId: 'asst_nobody' });
		expect(result.error?.message).toBe('Assistant not found (404)');
		expect(result.error?.description).toMatch(/deleted \(archived\)/);
	});
});

describe('Update', () => {
	it('sends only what the user set; the other fields stay as they were', async () => {
		const before = sandbox.getAssistant(ID)!;
		const result = await run('update', {
			assistantId: ID,
			locationId: LOC,
			updateFields: { prompt: 'New prompt', temperature: 0 },
		});
		expect(sandbox.requests.map((r) => [r.method, r.route, r.body])).toEqual([
			[
				'PUT',
				'update-assistant',
				{ assistant_id: ID, location_id: LOC, prompt: 'New prompt', temperature: 0 },
			],
		]);
		const after = sandbox.getAssistant(ID)!;
		expect(after).toEqual({
			...before,
			prompt: 'New prompt',
			temperature: 0,
			updated_at: after.updated_at,
		});
		expect(result.items[0].json).toEqual({
			id: ID,
			status: 200,
			data: { status: 'updated', id: ID },
		});
	});

	it('nothing to update, or an emptied name, fails before any request', async () => {
		const nothing = await run('update', { assistantId: ID, locationId: LOC, updateFields: {} });
		expect(nothing.error?.message).toBe('Nothing to update');
		const empty = await run('update', {
			assistantId: ID,
			locationId: LOC,
			updateFields: { name: ' ' },
		});
		expect(empty.error?.message).toBe('Name is empty');
		expect(empty.error?.description).toMatch(
			/remove Name from Update Fields to leave it unchanged/,
		);
		expect(sandbox.requests).toEqual([]);
	});

	it('a 503 is retried (the same values again) and succeeds', async () => {
		sandbox.injectFault({
			route: 'update-assistant',
			fault: { kind: 'status', status: 503, headers: { 'retry-after': '0' } },
		});
		const result = await run('update', {
			assistantId: ID,
			locationId: LOC,
			updateFields: { name: 'Renamed' },
		});
		expect(sandbox.requests.map((r) => r.status)).toEqual([503, 200]);
		expect(result.status).toBe('success');
		expect(sandbox.getAssistant(ID)!.name).toBe('Renamed');
	});
});

describe('Delete', () => {
	it('archives the assistant: Get and a second Delete then meet 404', async () => {
		const result = await run('delete', { assistantId: ID });
		expect(sandbox.requests.map((r) => [r.method, r.route, r.query])).toEqual([
			['DELETE', 'delete-assistant', { assistant_id: ID }],
		]);
		expect(sandbox.getAssistant(ID)!.archived).toBe(true);
		expect(result.items[0].json).toEqual({
			id: ID,
			status: 200,
			data: { status: 'deleted', id: ID },
			deleted: true,
		});
		expect((await run('get', { assistantId: ID })).error?.message).toBe(
			'Assistant not found (404)',
		);
		expect((await run('delete', { assistantId: ID })).error?.message).toBe(
			'Assistant not found (404)',
		);
	});

	it('archived, then the answer lost (500): the retry meets 404, which counts as archived by this item', async () => {
		sandbox.injectFault({
			route: 'delete-assistant',
			fault: { kind: 'status', status: 500 },
			phase: 'after',
		});
		const result = await run('delete', { assistantId: ID });
		expect(sandbox.requests.map((r) => r.status)).toEqual([500, 404]);
		expect(sandbox.getAssistant(ID)!.archived).toBe(true);
		expect(result.status).toBe('success');
		expect(result.items[0].json).toEqual({
			id: ID,
			deleted: true,
			note: expect.stringMatching(/taken as archived by that attempt/),
		});
	});
});

describe('Create Flow', () => {
	it('sends the location and outputs the new flow ID', async () => {
		const result = await run('createFlow', { locationId: LOC });
		expect(sandbox.requests.map((r) => [r.method, r.route, r.body])).toEqual([
			['POST', 'create-flow', { location_id: LOC }],
		]);
		const [flow] = sandbox.listFlows();
		expect(flow.location_id).toBe(LOC);
		expect(result.items[0].json).toEqual({
			id: flow.id,
			status: 201,
			data: { status: 'created', id: flow.id },
		});
	});

	it('a dropped connection is not retried: at most one flow, and the error says to check', async () => {
		sandbox.injectFault({ route: 'create-flow', fault: { kind: 'drop' }, phase: 'after' });
		const result = await run('createFlow', { locationId: LOC });
		expect(sandbox.requests).toHaveLength(1);
		expect(sandbox.listFlows()).toHaveLength(1);
		expect(result.error?.description).toMatch(/the flow may or may not have been created/);
	});
});
