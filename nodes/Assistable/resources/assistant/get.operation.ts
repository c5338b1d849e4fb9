import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { displayFor, optionsCollection } from '../../shared/descriptions';
import type { ItemPlan } from '../../shared/operation';
import { getAssistant } from './api';
import { ASSISTANT_ID_FIELD, parseAssistantId } from './fields';

const scope = { resource: 'assistant', operation: 'get' };

export const description: INodeProperties[] = [
	...displayFor(scope, [ASSISTANT_ID_FIELD]),
	optionsCollection(scope, []),
];

export function plan(this: IExecuteFunctions, itemIndex: number): ItemPlan {
	const assistantId = parseAssistantId(this.getNodeParameter('assistantId', itemIndex, ''));
	return {
		// After this execution's earlier writes of the same assistant.
		target: async () => `assistant:${assistantId}`,
		run: async (services) => ({
			json: [await getAssistant(services.transport, assistantId, itemIndex)],
		}),
	};
}
