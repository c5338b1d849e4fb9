import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { ItemPlan } from '../../shared/operation';
import { displayFor, optionsCollection } from '../../shared/descriptions';
import { clock } from '../../shared/state';
import type { CallRequest } from './api';
import { CHECK_CALL, makeCall, outcomeUnknown } from './api';
import type { RecentCall } from './guard';
import {
	callIdentity,
	DEFAULT_WINDOW_MINUTES,
	MAX_WINDOW_MINUTES,
	minutesAgo,
	recentCall,
	recordCall,
} from './guard';
import { parseGhlContactId, parseGhlLocationId } from '../../shared/ghl-ids';
import { parseAssistableId } from './ids';

const scope = { resource: 'call', operation: 'make' };

const ASSISTANT_WHERE =
	"Copy the assistant's ID from the assistant in Assistable (vendor examples show IDs such as asst_…)";
const POOL_WHERE = 'Copy the number pool ID from Assistable, or leave it empty.';

export const description: INodeProperties[] = [
	...displayFor(scope, [
		{
			displayName: 'Assistant ID',
			name: 'assistantId',
			type: 'string',
			required: true,
			default: '',
			placeholder: 'e.g. asst_9x8y7z',
			description: `The Assistable assistant that makes the call. ${ASSISTANT_WHERE}.`,
		},
		{
			displayName: 'Location ID (GHL)',
			name: 'ghlLocationId',
			type: 'string',
			required: true,
			default: '',
			placeholder: 'e.g. Qm7vTzR2kLp9XwN4bHs8',
			description:
				'The GoHighLevel sub-account (location) ID, which a GHL workflow webhook sends in its location object',
		},
		{
			displayName: 'GHL Contact ID',
			name: 'ghlContactId',
			type: 'string',
			required: true,
			default: '',
			placeholder: 'e.g. pQ4x7Ld2Rt9Wm3Kc8Nb1',
			description:
				"The contact's GoHighLevel ID, not the Assistable contact ID (a UUID) that the Contact operations return. A GHL workflow webhook sends it as contact_id.",
		},
		{
			displayName: 'Number Pool ID',
			name: 'numberPoolId',
			type: 'string',
			default: '',
			description:
				'The Assistable number pool to call from. Leave empty to call from the number linked to the assistant.',
		},
	]),
	optionsCollection(scope, [
		{
			displayName: 'Repeat Call Window',
			name: 'repeatCallWindow',
			type: 'number',
			typeOptions: { minValue: 0, maxValue: MAX_WINDOW_MINUTES },
			default: DEFAULT_WINDOW_MINUTES,
			description:
				'Minutes during which the same assistant calling the same contact again is skipped in this n8n instance (a double form post, a webhook delivered twice, a re-run): the item then says it was skipped, with the first call ID. 0 turns the check off.',
		},
	]),
];

function readWindow(ctx: IExecuteFunctions, itemIndex: number): number {
	const value = (ctx.getNodeParameter('options', itemIndex, {}) as IDataObject).repeatCallWindow;
	if (typeof value !== 'number' || !Number.isFinite(value)) return DEFAULT_WINDOW_MINUTES;
	return Math.min(MAX_WINDOW_MINUTES, Math.max(0, value));
}

export function plan(this: IExecuteFunctions, itemIndex: number): ItemPlan {
	const param = (name: string) => this.getNodeParameter(name, itemIndex, '');
	const request: CallRequest = {
		assistant_id: parseAssistableId(param('assistantId'), 'Assistant ID', ASSISTANT_WHERE, true),
		location_id: parseGhlLocationId(param('ghlLocationId')),
		contact_id: parseGhlContactId(param('ghlContactId')),
	};
	const pool = parseAssistableId(param('numberPoolId'), 'Number Pool ID', POOL_WHERE, false);
	if (pool) request.number_pool_id = pool;
	const windowMinutes = readWindow(this, itemIndex);
	const ids: IDataObject = {
		assistantId: request.assistant_id,
		locationId: request.location_id,
		contactId: request.contact_id,
		...(pool ? { numberPoolId: pool } : {}),
	};
	const identity = callIdentity(request);
	const node = this.getNode();
	const what = `assistant ${request.assistant_id} calling GHL contact ${request.contact_id}`;

	const skipped = (earlier: RecentCall): IDataObject => ({
		callId: earlier.callId,
		skipped: true,
		skipReason: `Not called again: the same call (${what}) was placed ${minutesAgo(earlier.at)}, call ID ${earlier.callId}, within the Repeat Call Window of ${windowMinutes} minutes.`,
		firstCallAt: new Date(earlier.at).toISOString(),
		...ids,
	});
	const inDoubt = (earlier: RecentCall) =>
		new NodeOperationError(
			node,
			`Not calling again: an earlier attempt at the same call (${what}), ${minutesAgo(earlier.at)}, may or may not have been placed`,
			{
				itemIndex,
				description: `${CHECK_CALL} If no call was placed, run this item again with the Repeat Call Window option at 0, or after ${windowMinutes} minutes from that attempt.`,
			},
		);

	/** After a failure that may have placed the call, the call is not made again within the window. */
	const remembered = (error: unknown, apiScope: string, at: number): unknown => {
		if (!outcomeUnknown(error)) return error;
		recordCall(apiScope, request, { outcome: 'unknown', at });
		if (windowMinutes > 0) {
			const nodeError = error as NodeOperationError;
			nodeError.description = `${nodeError.description ?? ''} For the next ${windowMinutes} minutes this node will not make this call again in this n8n instance (Repeat Call Window).`;
		}
		return error;
	};

	return {
		// Every item of this process making this call waits for the one before it to be done.
		identities: [identity],
		heldIdentities: () => [identity],
		run: async (services) => {
			const apiScope = services.transport.scope;
			const earlier = recentCall(apiScope, request, windowMinutes);
			if (earlier?.outcome === 'placed') return { json: [skipped(earlier)] };
			if (earlier) {
				const error = inDoubt(earlier);
				error.context.output = {
					skipped: true,
					firstAttemptAt: new Date(earlier.at).toISOString(),
					...ids,
				};
				throw error;
			}
			const at = clock.now();
			try {
				const placed = await makeCall(services.transport, request, itemIndex);
				recordCall(apiScope, request, { callId: placed.callId, outcome: 'placed', at });
				return {
					json: [{ callId: placed.callId, skipped: false, ...ids, answer: placed.answer }],
				};
			} catch (error) {
				throw remembered(error, apiScope, at);
			}
		},
	};
}
