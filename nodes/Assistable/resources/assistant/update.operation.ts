import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { displayFor, optionsCollection } from '../../shared/descriptions';
import type { ItemPlan } from '../../shared/operation';
import { InputError } from '../../shared/validation';
import { updateAssistant } from './api';
import {
	ASSISTANT_ID_FIELD,
	LOCATION_FIELD,
	assistantFieldOptions,
	parseAssistantFields,
	parseAssistantId,
} from './fields';

const scope = { resource: 'assistant', operation: 'update' };

export const description: INodeProperties[] = [
	...displayFor(scope, [
		ASSISTANT_ID_FIELD,
		{ ...LOCATION_FIELD, description: `${LOCATION_FIELD.description}; the API asks for it` },
		{
			displayName: 'Update Fields',
			name: 'updateFields',
			type: 'collection',
			placeholder: 'Add Field',
			default: {},
			description: 'Only the fields added here are sent; the others stay as they are',
			options: assistantFieldOptions,
		},
	]),
	optionsCollection(scope, []),
];

export function plan(this: IExecuteFunctions, itemIndex: number): ItemPlan {
	const assistantId = parseAssistantId(this.getNodeParameter('assistantId', itemIndex, ''));
	const write = parseAssistantFields(
		this.getNodeParameter('updateFields', itemIndex, {}) as IDataObject,
		this.getNodeParameter('locationId', itemIndex, ''),
		'Update Fields',
		true,
	);
	if (Object.keys(write).length === 1) {
		throw new InputError(
			'Update Fields',
			'Nothing to update',
			'Add at least one field under Update Fields (e.g. Prompt or Name).',
		);
	}
	return {
		// Updates of one assistant are sent in input order, across the executions of this process.
		target: async () => `assistant:${assistantId}`,
		run: async (services) => ({
			json: [await updateAssistant(services.transport, assistantId, write, itemIndex)],
		}),
	};
}
