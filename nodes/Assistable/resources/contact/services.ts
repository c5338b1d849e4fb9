import type { Lease } from '../../shared/wait';
import type { ExecutionServices, ItemPlan, OperationModule } from '../../shared/operation';
import type { LocationDirectory } from './directory';
import type { Contact } from './types';

/** A contact as last read or written in this process, and when (ms since epoch). */
interface KnownContact {
	contact: Contact;
	at: number;
}

/** A contact's process-wide lease; `data` is the state the previous writer left. */
export type ContactLease = Lease<KnownContact>;

/** What one execution's contact items share: the request layer and the location lookups. */
export interface ContactServices extends ExecutionServices {
	directory: LocationDirectory;
}

/** A contact item's plan; `locations`: whose lookup index it needs, loaded before any item runs. */
export interface ContactPlan extends ItemPlan<ContactServices, KnownContact> {
	locations?: string[];
}

export type ContactOperation = OperationModule<ContactServices, KnownContact>;
