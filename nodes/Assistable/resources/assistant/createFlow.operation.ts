import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { displayFor, optionsCollection } from '../../shared/descriptions';
import { parseGhlLocationId } from '../../shared/ghl-ids';
import type { ItemPlan } from '../../shared/operation';
import { createFlow } from './api';
import { LOCATION_FIELD } from './fields';

const scope = { resource: 'assistant', operation: 'createFlow' };

export const description: INodeProperties[] = [
	...displayFor(scope, [LOCATION_FIELD]),
	optionsCollection(scope, []),
];

export function plan(this: IExecuteFunctions, itemIndex: number): ItemPlan {
	const locationId = parseGhlLocationId(
		this.getNodeParameter('locationId', itemIndex, ''),
		'Location ID',
	);
	return {
		run: async (services) => ({
			json: [await createFlow(services.transport, locationId, itemIndex)],
		}),
	};
}
