import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { Lease } from './wait';
import type { AssistableTransport } from './transport';

/** What one execution shares between its items, whatever the resource. */
export interface ExecutionServices {
	transport: AssistableTransport;
	/** Runs `work` holding the record's process-wide lease and one of the execution's slots. */
	withRecord<T, D = unknown>(recordId: string, work: (lease: Lease<D>) => Promise<T>): Promise<T>;
}

export interface ItemOutcome {
	json: IDataObject[];
	/** Runs once the item's locks are released; a throw fails the item, a result replaces its output. */
	verify?: () => Promise<IDataObject[] | void>;
}

/** One item's validated work, built without I/O. `D`: what a record's lease carries along. */
export interface ItemPlan<S extends ExecutionServices = ExecutionServices, D = unknown> {
	/** Unique values (e.g. `email:value`) it looks up, creates or sets: it waits for their holders. */
	identities?: string[];
	/** Of `identities`, those kept until the item is done (default none). */
	heldIdentities?(): string[];
	/** The record it reads or writes, resolved when its turn comes. */
	target?(services: S): Promise<string | undefined>;
	/** Runs holding the target record's lease (when there is a target). */
	run(services: S, lease: Lease<D> | undefined): Promise<ItemOutcome>;
}

export interface OperationModule<S extends ExecutionServices = ExecutionServices, D = unknown> {
	description: INodeProperties[];
	/** Reads and validates the item's parameters; throws InputError on bad input. */
	plan(this: IExecuteFunctions, itemIndex: number): ItemPlan<S, D>;
}

/** A resource as the router sees it: its operations and what its items share in one execution. */
export interface ResourceModule {
	operations: Record<string, OperationModule>;
	services?(
		base: ExecutionServices,
		plans: Array<{ itemIndex: number; plan: ItemPlan }>,
	): Promise<ExecutionServices>;
	release?(services: ExecutionServices): void;
}
