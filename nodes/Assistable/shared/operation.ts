import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { Lease } from './coordinator';
import type { LocationDirectory } from './directory';
import type { AssistableTransport } from './transport';
import type { Contact } from '../resources/contact/types';

/** A contact as last read or written in this process, and when (ms since epoch). */
interface KnownContact {
	contact: Contact;
	at: number;
}

/** A contact's process-wide lease; `data` is the state the previous writer left. */
export type ContactLease = Lease<KnownContact>;

/** What one execution shares between its items. */
export interface ExecutionServices {
	transport: AssistableTransport;
	directory: LocationDirectory;
	/** Fires when the execution is cancelled. */
	signal?: AbortSignal;
	/**
	 * Runs `work` holding the contact's process-wide lease and one of this execution's concurrency
	 * slots.
	 */
	withContact<T>(contactId: string, work: (lease: ContactLease) => Promise<T>): Promise<T>;
}

/** An item's outcome: its output items, and a check to run once its locks are released. */
interface ItemOutcome {
	json: IDataObject[];
	/**
	 * Runs after the item's locks are released; a throw fails the item, a result replaces its output.
	 */
	verify?: () => Promise<IDataObject[] | void>;
}

/** One item's validated work: built without I/O, run later. */
export interface ItemPlan {
	/** Locations whose lookup index this item needs; each is loaded once, before any item runs. */
	locations?: string[];
	/**
	 * Emails / phones (as `email:value`, `phone:value`) this item looks up, creates or sets. The item
	 * waits for earlier items (of any execution of this process) holding one of them, then resolves
	 * its target.
	 */
	identities?: string[];
	/**
	 * Of `identities`, those the item keeps until it is done (what it may create or set); default
	 * none.
	 */
	heldIdentities?(): string[];
	/**
	 * The contact the item reads or writes, resolved when its turn comes; undefined when it has none.
	 */
	target?(services: ExecutionServices): Promise<string | undefined>;
	/** Runs holding the target contact's lease (when there is a target). */
	run(services: ExecutionServices, lease: ContactLease | undefined): Promise<ItemOutcome>;
}

export interface OperationModule {
	description: INodeProperties[];
	/** Reads and validates the item's parameters; throws InputError on bad input. */
	plan(this: IExecuteFunctions, itemIndex: number): ItemPlan;
}
