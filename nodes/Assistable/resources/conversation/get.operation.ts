import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { displayFor, optionsCollection } from '../../shared/descriptions';
import { parseGhlContactId, parseGhlLocationId } from '../../shared/ghl-ids';
import type { ItemPlan } from '../../shared/operation';
import { InputError, isBlank } from '../../shared/validation';
import { getConversation } from './api';
import { CONVERSATION_ID_FIELD, GHL_CONTACT_FIELD, GHL_LOCATION_FIELD, parseId } from './fields';

const scope = { resource: 'conversation', operation: 'get' };

export const description: INodeProperties[] = [
	...displayFor(scope, [
		GHL_LOCATION_FIELD,
		{
			...GHL_CONTACT_FIELD,
			description: `${GHL_CONTACT_FIELD.description} Assistable finds the conversation by it.`,
		},
		{
			...CONVERSATION_ID_FIELD,
			description:
				'Optional. Sent as well when set: an older Assistable reference finds the conversation by it instead of the contact.',
		},
	]),
	optionsCollection(scope, []),
];

export function plan(this: IExecuteFunctions, itemIndex: number): ItemPlan {
	const locationId = parseGhlLocationId(this.getNodeParameter('locationId', itemIndex, ''));
	const contact = this.getNodeParameter('contactId', itemIndex, '');
	const conversation = this.getNodeParameter('conversationId', itemIndex, '');
	if (isBlank(contact) && isBlank(conversation)) {
		throw new InputError(
			'GHL Contact ID',
			'GHL Contact ID is empty',
			'Enter the GoHighLevel contact ID whose conversation to get (a GoHighLevel workflow webhook sends it as contact_id), or a Conversation ID.',
		);
	}
	const ref = {
		locationId,
		contactId: isBlank(contact) ? undefined : parseGhlContactId(contact),
		conversationId: isBlank(conversation)
			? undefined
			: parseId(conversation, 'Conversation ID', 'Use the GoHighLevel conversation ID.'),
	};
	return {
		run: async (services) => {
			const { answer, messages } = await getConversation(services.transport, ref, itemIndex);
			return { json: [{ ...answer, messages: messages as never }] };
		},
	};
}
