import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { assistantResource } from './resources/assistant';
import { callResource } from './resources/call';
import { contactResource } from './resources/contact';
import { conversationResource } from './resources/conversation';
import type { ExecutionServices, ItemPlan, ResourceModule } from './shared/operation';
import { readExecutionSettings } from './shared/request-options';
import { recordLockKey, state } from './shared/state';
import { AssistableTransport } from './shared/transport';
import { InputError } from './shared/validation';
import type { Lease } from './shared/wait';
import { Slots } from './shared/wait';

const resources: Record<string, ResourceModule> = {
	contact: contactResource,
	call: callResource,
	conversation: conversationResource,
	assistant: assistantResource,
};

type NodeError = NodeApiError | NodeOperationError;

/**
 * Plans every item (no I/O), then takes the items in input order: each waits for earlier items (of
 * any execution in this process) sharing its unique values (emails, phones), resolves its record,
 * queues for that record, then runs within the concurrency limit. Checks that follow a write run
 * after its locks are released.
 */
export async function route(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const resource = this.getNodeParameter('resource', 0) as string;
	const operation = this.getNodeParameter('operation', 0) as string;
	const resourceModule = resources[resource];
	const module = resourceModule?.operations[operation];
	if (!module) {
		throw new NodeOperationError(
			this.getNode(),
			`The operation "${operation}" of "${resource}" is not supported`,
		);
	}
	const continueOnFail = this.continueOnFail();
	// Each input item's output items, assembled in input order at the end.
	const outputs: INodeExecutionData[][] = new Array(items.length);
	let firstError: { itemIndex: number; error: NodeError } | undefined;
	const fail = (itemIndex: number, error: unknown): NodeError => {
		const nodeError = asNodeError(this, error, itemIndex);
		const json: IDataObject = { error: nodeError.message };
		if (nodeError.description) json.description = nodeError.description;
		// Details a user may route on (e.g. the IDs of duplicate contacts).
		Object.assign(json, nodeError.context.output as IDataObject | undefined);
		outputs[itemIndex] = [{ json, pairedItem: { item: itemIndex } }];
		if (!firstError || itemIndex < firstError.itemIndex)
			firstError = { itemIndex, error: nodeError };
		return nodeError;
	};

	const plans: Array<{ itemIndex: number; plan: ItemPlan }> = [];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			plans.push({ itemIndex, plan: module.plan.call(this, itemIndex) });
		} catch (error) {
			const nodeError = fail(itemIndex, error);
			if (!continueOnFail) throw nodeError;
		}
	}
	if (!plans.length) return [outputs.flatMap((itemOutputs) => itemOutputs ?? [])];

	const settings = readExecutionSettings(this);
	const transport = await AssistableTransport.create(this, settings.transport);
	const signal = this.getExecutionCancelSignal?.();
	// This execution's items in progress at once (Concurrency); a cancelled execution stops waiting.
	const slots = new Slots(settings.concurrency);
	const recordKey = (recordId: string) => recordLockKey(transport.scope, recordId);
	const base: ExecutionServices = {
		transport,
		withRecord: async <T, D>(recordId: string, work: (lease: Lease<D>) => Promise<T>) => {
			const lease = (await state.records.acquire(recordKey(recordId), signal)) as Lease<D>;
			try {
				return await slots.run(async () => await work(lease), signal);
			} finally {
				lease.release();
			}
		},
	};
	const stopped = () => !continueOnFail && firstError !== undefined;

	const services = (await resourceModule.services?.(base, plans)) ?? base;
	const running: Array<Promise<void>> = [];
	try {
		for (const { itemIndex, plan } of plans) {
			if (stopped()) break;
			let releaseIdentities: ((keep?: (key: string) => boolean) => void) | undefined;
			let record: Promise<Lease> | undefined;
			try {
				const scoped = (identity: string) => `${transport.scope}|${identity}`;
				releaseIdentities = await state.identities.acquireAll(
					(plan.identities ?? []).map(scoped),
					signal,
				);
				const recordId = plan.target ? await plan.target(services) : undefined;
				// Queued now, in input order: the record's writes keep arrival order across executions.
				if (recordId) record = state.records.acquire(recordKey(recordId), signal);
				const held = new Set((plan.heldIdentities?.() ?? []).map(scoped));
				releaseIdentities((key) => held.has(key));
			} catch (error) {
				releaseIdentities?.();
				fail(itemIndex, error);
				continue;
			}
			running.push(runItem(itemIndex, plan, record, releaseIdentities));
		}
	} finally {
		await Promise.all(running);
		resourceModule.release?.(services);
	}
	if (!continueOnFail && firstError) throw firstError.error;
	return [outputs.flatMap((itemOutputs) => itemOutputs ?? [])];

	async function runItem(
		itemIndex: number,
		plan: ItemPlan,
		record: Promise<Lease> | undefined,
		releaseIdentities: () => void,
	): Promise<void> {
		let lease: Lease | undefined;
		let verify: (() => Promise<IDataObject[] | void>) | undefined;
		try {
			lease = await record;
			verify = await slots.run(async () => {
				if (stopped()) return undefined;
				const outcome = await plan.run(services, lease);
				outputs[itemIndex] = outcome.json.map((json) => ({
					json,
					pairedItem: { item: itemIndex },
				}));
				return outcome.verify;
			}, signal);
		} catch (error) {
			fail(itemIndex, error);
		} finally {
			lease?.release();
			releaseIdentities();
			// A lease granted after an early failure (e.g. cancellation) is handed on at once.
			if (!lease)
				record?.then(
					(granted) => granted.release(),
					() => undefined,
				);
		}
		if (!verify) return;
		try {
			const replaced = await verify();
			if (replaced)
				outputs[itemIndex] = replaced.map((json) => ({ json, pairedItem: { item: itemIndex } }));
		} catch (error) {
			fail(itemIndex, error);
		}
	}
}

function asNodeError(ctx: IExecuteFunctions, error: unknown, itemIndex: number): NodeError {
	if (error instanceof InputError) {
		return new NodeOperationError(ctx.getNode(), error.message, {
			itemIndex,
			description: error.hint,
		});
	}
	if (error instanceof NodeApiError || error instanceof NodeOperationError) {
		// Re-wrapping ignores itemIndex, so set it on the error itself.
		error.context.itemIndex = itemIndex;
		return error;
	}
	return new NodeOperationError(ctx.getNode(), error as Error, { itemIndex });
}
