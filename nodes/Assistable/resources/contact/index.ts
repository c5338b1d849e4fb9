import type { INodeProperties } from 'n8n-workflow';

import type { ExecutionServices, OperationModule, ResourceModule } from '../../shared/operation';
import * as create from './create.operation';
import { LocationDirectory } from './directory';
import type { ContactOperation, ContactPlan, ContactServices } from './services';
import * as get from './get.operation';
import * as getAll from './getAll.operation';
import * as update from './update.operation';
import * as upsert from './upsert.operation';

const operations: Record<string, ContactOperation> = { create, upsert, get, getAll, update };

/** The Contact resource as the router runs it. */
export const contactResource: ResourceModule = {
	// The router hands these plans the services built below.
	operations: operations as unknown as Record<string, OperationModule>,
	services: async (base, plans) => {
		const services: ContactServices = { ...base, directory: new LocationDirectory(base.transport) };
		// Each location's lookup index is loaded once, before any item runs.
		await services.directory.preload(
			plans.flatMap(({ itemIndex, plan }) =>
				((plan as ContactPlan).locations ?? []).map((locationId) => ({ locationId, itemIndex })),
			),
		);
		return services;
	},
	release: (services: ExecutionServices) => (services as ContactServices).directory.release(),
};

export const contactDescription: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['contact'] } },
		options: [
			{
				name: 'Create',
				value: 'create',
				description: 'Create a new contact in a location',
				action: 'Create a contact',
			},
			{
				name: 'Create or Update',
				value: 'upsert',
				description: 'Create a new record, or update the current one if it already exists (upsert)',
				action: 'Create or update a contact',
			},
			{
				name: 'Get',
				value: 'get',
				description: 'Get one contact by ID, or by email or phone in a location',
				action: 'Get a contact',
			},
			{
				name: 'Get Many',
				value: 'getAll',
				description:
					"List a location's contacts, optionally filtered by tag, email, phone or update time",
				action: 'Get many contacts',
			},
			{
				name: 'Update',
				value: 'update',
				description:
					"Update a contact found by ID, email or phone; new tags are added to the contact's existing tags unless Append Tags is off",
				action: 'Update a contact',
			},
		],
		default: 'update',
	},
	...create.description,
	...upsert.description,
	...get.description,
	...getAll.description,
	...update.description,
];
