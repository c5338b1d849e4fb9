import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { Lease } from './wait';
import type { AssistableTransport } from './transport';

/** What one execution shares between its items, whatever the resource. */
export interface ExecutionServices {
	transport: AssistableTransport;
	/**
	 * Runs `work` holding the record's process-wide lease (its `data` is what the previous holder
	 * left) and one of this execution's concurrency slots.
	 */
	withRecord<T, D = unknown>(recordId: string, work: (lease: Lease<D>) => Promise<T>): Promise<T>;
}

/** An item's outcome: its output items, and a check to run once its locks are released. */
export interface ItemOutcome {
	json: IDataObject[];
	/**
	 * Runs after the item's locks are released; a throw fails the item, a result replaces its output.
	 */
	verify?: () => Promise<IDataObject[] | void>;
}

/**
 * One item's validated work: built without I/O, run later. `S`: its resource's services; `D`: what a
 * record's lease carries from one holder to the next.
 */
export interface ItemPlan<S extends ExecutionServices = ExecutionServices, D = unknown> {
	/**
	 * Unique values (e.g. `email:value`) this item looks up, creates or sets. The item waits for
	 * earlier items (of any execution of this process) holding one of them, then resolves its target.
	 */
	identities?: string[];
	/**
	 * Of `identities`, those the item keeps until it is done (what it may create or set); default
	 * none.
	 */
	heldIdentities?(): string[];
	/** The record the item reads or writes, resolved when its turn comes; undefined when none. */
	target?(services: S): Promise<string | undefined>;
	/** Runs holding the target record's lease (when there is a target). */
	run(services: S, lease: Lease<D> | undefined): Promise<ItemOutcome>;
}

export interface OperationModule<S extends ExecutionServices = ExecutionServices, D = unknown> {
	description: INodeProperties[];
	/** Reads and validates the item's parameters; throws InputError on bad input. */
	plan(this: IExecuteFunctions, itemIndex: number): ItemPlan<S, D>;
}

/**
 * A resource as the router sees it: its operations, and the services its items share within one
 * execution (built for the execution's plans, released once every item is done), if any.
 */
export interface ResourceModule {
	operations: Record<string, OperationModule>;
	/** What its items share beyond the request layer (default: nothing more). */
	services?(
		base: ExecutionServices,
		plans: Array<{ itemIndex: number; plan: ItemPlan }>,
	): Promise<ExecutionServices>;
	release?(services: ExecutionServices): void;
}
