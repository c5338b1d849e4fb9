/**
 * The packed package installed into a REAL n8n (as a community install), workflows run with `n8n execute`,
 * against the Assistable sandbox. Assertions are on the requests the sandbox recorded, its final state and
 * the run data n8n printed, never on the exit code alone.
 */
import { executeWorkflow, nodeOutput, type ExecuteResult } from '../../runtime/n8n';
import type { N8nRuntime } from '../../runtime/install-n8n';
import type { Sandbox } from '../../sandbox/server';
import { DEMO_API_KEY, DEMO_CONTACT_IDS } from '../../sandbox/demo-data';
import {
	describeHeadless,
	UNKNOWN_CONTACT,
	UPDATE_NODE,
	useHeadlessN8n,
	WF_404,
	WF_EXAMPLE,
	WF_WRONG_KEY,
	WRONG_KEY,
} from './headless-support';

function describeRun(r: ExecuteResult): string {
	return `exit ${r.code}, status ${r.output?.status ?? '(no run data printed)'}\n--- stdout (tail) ---\n${r.stdout.slice(-3000)}\n--- stderr (tail) ---\n${r.stderr.slice(-2000)}`;
}

describeHeadless((version) => {
	let rt: N8nRuntime;
	let sandbox: Sandbox;
	let env: NodeJS.ProcessEnv;
	const n8n = useHeadlessN8n(version, { workflows: true });
	const { time } = n8n;
	beforeAll(() => ({ rt, sandbox, env } = n8n));

	test('example workflow: webhook-shaped item updates the contact, appending tags', async () => {
		const before = sandbox.getContact(DEMO_CONTACT_IDS.ada)!;
		expect(before.tags).toEqual(['lead', 'newsletter']);

		const r = await time('executeExample', () => executeWorkflow(rt, env, WF_EXAMPLE));
		expect(r.output).toBeDefined();
		if (r.output?.status !== 'success')
			throw new Error(`the run did not succeed: ${describeRun(r)}`);

		// What reached the API.
		const patches = sandbox.requests.filter((q) => q.method === 'PATCH');
		expect(patches).toHaveLength(1);
		expect(patches[0].path).toBe(`/v2/contacts/${DEMO_CONTACT_IDS.ada}`);
		expect(patches[0].status).toBe(200);
		const body = patches[0].body as Record<string, unknown>;
		expect(body.phone_number).toBe('+14155550101');
		expect(body.tags).toEqual(['lead', 'newsletter', 'web-form', 'demo-request']);
		for (const q of sandbox.requests) expect(q.authorization).toBe(`Bearer ${DEMO_API_KEY}`);

		// The sandbox's final state.
		const after = sandbox.getContact(DEMO_CONTACT_IDS.ada)!;
		expect(after.tags).toEqual(['lead', 'newsletter', 'web-form', 'demo-request']);
		expect(after.phone_number).toBe('+14155550101');
		expect(after.email).toBe('ada.lovelace@example.com');
		expect(after.custom_fields).toMatchObject({
			plan: 'pro',
			score: 42,
			lead_source: 'web-form',
		});

		// What n8n output.
		const out = nodeOutput(r.output, UPDATE_NODE);
		expect(out).toHaveLength(1);
		expect(out[0]).toMatchObject({
			id: DEMO_CONTACT_IDS.ada,
			phone_number: '+14155550101',
			tags: ['lead', 'newsletter', 'web-form', 'demo-request'],
		});
	});

	test('unknown contact with Continue On Fail: the error is an output item and nothing is written', async () => {
		const r = await time('execute404', () => executeWorkflow(rt, env, WF_404));
		if (r.output?.status !== 'success')
			throw new Error(`the run should succeed with an error item: ${describeRun(r)}`);

		expect(sandbox.requests.filter((q) => q.method === 'PATCH')).toHaveLength(0);
		const reads = sandbox.requests.filter((q) => q.method === 'GET');
		expect(reads.length).toBeGreaterThanOrEqual(1);
		expect(reads[0].path).toBe(`/v2/contacts/${UNKNOWN_CONTACT}`);
		expect(reads[0].status).toBe(404);

		const out = nodeOutput(r.output, UPDATE_NODE);
		expect(out).toHaveLength(1);
		expect(out[0].error).toBeDefined();
		expect(JSON.stringify(out[0])).toMatch(/404|not found/i);
		expect(sandbox.getContact(UNKNOWN_CONTACT)).toBeUndefined();
	});

	test('wrong API key: the run fails, points at the credential, and never prints the key', async () => {
		const graceBefore = sandbox.getContact(DEMO_CONTACT_IDS.grace);
		const r = await time('executeWrongKey', () => executeWorkflow(rt, env, WF_WRONG_KEY));

		expect(r.output).toBeDefined();
		expect(r.output!.status).toBe('error');
		expect(r.code).not.toBe(0);
		const error = r.output!.data?.resultData?.error;
		expect(error).toBeDefined();
		const text = `${error!.message ?? ''} ${error!.description ?? ''}`;
		expect(text).toMatch(/401|rejected|unauthori[sz]ed/i);
		expect(text).toMatch(/credential/i);
		expect(error!.node?.name).toBe(UPDATE_NODE);

		expect(sandbox.requests.length).toBeGreaterThanOrEqual(1);
		expect(sandbox.requests.every((q) => q.status === 401)).toBe(true);
		expect(sandbox.requests[0].authorization).toBe(`Bearer ${WRONG_KEY}`);
		expect(sandbox.requests.filter((q) => q.method === 'PATCH')).toHaveLength(0);
		expect(sandbox.getContact(DEMO_CONTACT_IDS.grace)).toEqual(graceBefore);

		expect(r.stdout).not.toContain(WRONG_KEY);
		expect(r.stderr).not.toContain(WRONG_KEY);
	});
});
