import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { contactOperations } from './resources/contact';
import { LocationDirectory } from './shared/directory';
import type { ExecutionServices, ItemPlan, OperationModule } from './shared/operation';
import { ContactStates } from './shared/operation';
import { readExecutionSettings } from './shared/request-options';
import type { KeyedTask } from './shared/scheduler';
import { runKeyed } from './shared/scheduler';
import { AssistableTransport } from './shared/transport';
import { InputError } from './shared/validation';

const resources: Record<string, Record<string, OperationModule>> = { contact: contactOperations };

type NodeError = NodeApiError | NodeOperationError;

/** Plans every item (no I/O), then runs the plans: bounded concurrency, in order per contact. */
export async function route(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const resource = this.getNodeParameter('resource', 0) as string;
	const operation = this.getNodeParameter('operation', 0) as string;
	const module = resources[resource]?.[operation];
	if (!module) {
		throw new NodeOperationError(this.getNode(), `The operation "${operation}" of "${resource}" is not supported`);
	}
	const continueOnFail = this.continueOnFail();
	// Each input item's output items, assembled in input order at the end.
	const outputs: INodeExecutionData[][] = new Array(items.length);
	const fail = (itemIndex: number, error: unknown): NodeError => {
		const nodeError = asNodeError(this, error, itemIndex);
		const json = { error: nodeError.message, ...(nodeError.description ? { description: nodeError.description } : {}) };
		outputs[itemIndex] = [{ json, pairedItem: { item: itemIndex } }];
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

	if (plans.length) {
		const settings = readExecutionSettings(this);
		const transport = await AssistableTransport.create(this, settings.transport);
		const services: ExecutionServices = {
			transport,
			contacts: new ContactStates(),
			directory: new LocationDirectory(transport),
		};
		await services.directory.preload(
			plans.flatMap(({ itemIndex, plan }) => (plan.locations ?? []).map((locationId) => ({ locationId, itemIndex }))),
		);

		let firstError: { itemIndex: number; error: NodeError } | undefined;
		const failed = (itemIndex: number, error: unknown) => {
			const nodeError = fail(itemIndex, error);
			if (!firstError || itemIndex < firstError.itemIndex) firstError = { itemIndex, error: nodeError };
		};
		const tasks: KeyedTask[] = [];
		for (const { itemIndex, plan } of plans) {
			try {
				const key = await plan.key(services);
				tasks.push({
					key,
					run: async () => {
						try {
							const results = await plan.run(services);
							outputs[itemIndex] = results.map((json) => ({ json, pairedItem: { item: itemIndex } }));
						} catch (error) {
							failed(itemIndex, error);
						}
					},
				});
			} catch (error) {
				// A failed lookup: nothing of this item was written.
				failed(itemIndex, error);
				if (!continueOnFail) throw firstError!.error;
			}
		}
		await runKeyed(tasks, settings.concurrency, () => !continueOnFail && firstError !== undefined);
		if (!continueOnFail && firstError) throw firstError.error;
	}
	return [outputs.flatMap((itemOutputs) => itemOutputs ?? [])];
}

function asNodeError(ctx: IExecuteFunctions, error: unknown, itemIndex: number): NodeError {
	if (error instanceof InputError) {
		return new NodeOperationError(ctx.getNode(), error.message, { itemIndex, description: error.hint });
	}
	if (error instanceof NodeApiError || error instanceof NodeOperationError) {
		// Re-wrapping ignores itemIndex, so set it on the error itself.
		error.context.itemIndex = itemIndex;
		return error;
	}
	return new NodeOperationError(ctx.getNode(), error as Error, { itemIndex });
}
