import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { displayFor, optionsCollection } from '../../shared/descriptions';
import type { ItemPlan } from '../../shared/operation';
import { createAssistant } from './api';
import { LOCATION_FIELD, assistantFieldOptions, parseAssistantFields } from './fields';

const scope = { resource: 'assistant', operation: 'create' };

export const description: INodeProperties[] = [
	...displayFor(scope, [
		LOCATION_FIELD,
		{
			displayName: 'Assistant Fields',
			name: 'assistantFields',
			type: 'collection',
			placeholder: 'Add Field',
			default: {},
			options: assistantFieldOptions,
		},
	]),
	optionsCollection(scope, []),
];

export function plan(this: IExecuteFunctions, itemIndex: number): ItemPlan {
	const write = parseAssistantFields(
		this.getNodeParameter('assistantFields', itemIndex, {}) as IDataObject,
		this.getNodeParameter('locationId', itemIndex, ''),
		'Assistant Fields',
		false,
	);
	return {
		run: async (services) => ({
			json: [await createAssistant(services.transport, write, itemIndex)],
		}),
	};
}
