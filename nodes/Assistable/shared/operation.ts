import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { LocationDirectory } from './directory';
import type { AssistableTransport } from './transport';
import type { Contact } from './types';

/** Contacts as last seen in this execution, so later items for a contact merge onto the latest state. */
export class ContactStates {
	private readonly known = new Map<string, Contact>();

	get(id: string): Contact | undefined {
		return this.known.get(id);
	}

	set(contact: Contact): void {
		this.known.set(contact.id, contact);
	}

	forget(id: string): void {
		this.known.delete(id);
	}
}

/** What one execution shares between its items. */
export interface ExecutionServices {
	transport: AssistableTransport;
	contacts: ContactStates;
	directory: LocationDirectory;
}

/** One item's validated work: built without I/O, run later. */
export interface ItemPlan {
	/** Locations whose contact list this item needs; each is requested once, before any item runs. */
	locations?: string[];
	/** Items with the same key run one after another, in input order. Called once the lists are loaded. */
	key(services: ExecutionServices): Promise<string>;
	/** The output items' JSON (none when the item is skipped). */
	run(services: ExecutionServices): Promise<IDataObject[]>;
}

export interface OperationModule {
	description: INodeProperties[];
	/** Reads and validates the item's parameters; throws InputError on bad input. */
	plan(this: IExecuteFunctions, itemIndex: number): ItemPlan;
}
