/** The assistant's documented fields (assistant-api.json): their parameters and how they are read. */
import type { IDataObject, INodeProperties } from 'n8n-workflow';

import { parseGhlLocationId } from '../../shared/ghl-ids';
import { InputError, isBlank, quote } from '../../shared/validation';

/** A create or update body, as the API names the fields; only what the user set. */
export interface AssistantWrite {
	location_id: string;
	name?: string;
	description?: string;
	prompt?: string;
	model?: string;
	temperature?: number;
	voice_id?: string;
	knowledge_id?: string;
	ambient_noise?: string;
	queue?: number;
}

const MODELS = ['gpt-4', 'claude-3', 'gpt-3.5-turbo'];

export const LOCATION_FIELD: INodeProperties = {
	displayName: 'Location ID',
	name: 'locationId',
	type: 'string',
	required: true,
	default: '',
	placeholder: 'e.g. Qm7vTzR2kLp9XwN4bHs8',
	description:
		'The Assistable sub-account, which is the GoHighLevel location ID (about 20 letters and digits)',
};

export const ASSISTANT_ID_FIELD: INodeProperties = {
	displayName: 'Assistant ID',
	name: 'assistantId',
	type: 'string',
	required: true,
	default: '',
	placeholder: 'e.g. asst_7Hq2LmX9pRt4',
	description: "The assistant's ID in Assistable (the output of Create gives it as ID)",
};

/** The fields of Create's "Assistant Fields" and Update's "Update Fields" (alphabetical). */
export const assistantFieldOptions: INodeProperties[] = [
	{
		displayName: 'Ambient Noise',
		name: 'ambientNoise',
		type: 'string',
		default: '',
		description: 'The ambient noise setting of calls',
	},
	{ displayName: 'Description', name: 'description', type: 'string', default: '' },
	{
		displayName: 'Knowledge Base ID',
		name: 'knowledgeId',
		type: 'string',
		default: '',
		description: 'The knowledge base the assistant answers from',
	},
	{
		displayName: 'Model',
		name: 'model',
		type: 'options',
		options: [
			{ name: 'Claude 3', value: 'claude-3' },
			{ name: 'GPT-3.5 Turbo', value: 'gpt-3.5-turbo' },
			{ name: 'GPT-4', value: 'gpt-4' },
		],
		default: 'gpt-4',
		description: 'The AI model, one of those the API documents',
	},
	{ displayName: 'Name', name: 'name', type: 'string', default: '' },
	{
		displayName: 'Prompt',
		name: 'prompt',
		type: 'string',
		typeOptions: { rows: 4 },
		default: '',
		description: "The assistant's instructions",
	},
	{
		displayName: 'Queue',
		name: 'queue',
		type: 'number',
		typeOptions: { minValue: 0, numberPrecision: 0 },
		default: 0,
		description: 'The queue setting (a whole number)',
	},
	{
		displayName: 'Temperature',
		name: 'temperature',
		type: 'number',
		typeOptions: { minValue: 0, numberPrecision: 0 },
		default: 0,
		description: "The model's temperature (a whole number, as the API documents it)",
	},
	{
		displayName: 'Voice ID',
		name: 'voiceId',
		type: 'string',
		default: '',
		description: 'The voice of calls',
	},
];

const TEXT: Array<[string, keyof AssistantWrite, string]> = [
	['name', 'name', 'Name'],
	['description', 'description', 'Description'],
	['prompt', 'prompt', 'Prompt'],
	['voiceId', 'voice_id', 'Voice ID'],
	['knowledgeId', 'knowledge_id', 'Knowledge Base ID'],
	['ambientNoise', 'ambient_noise', 'Ambient Noise'],
];
const INTEGER: Array<[string, 'temperature' | 'queue', string]> = [
	['temperature', 'temperature', 'Temperature'],
	['queue', 'queue', 'Queue'],
];

/**
 * The write of the fields the user added to the collection, nothing else. `update`: an empty text
 * field is refused (it would not leave the value unchanged); on create it is left out.
 */
export function parseAssistantFields(
	fields: IDataObject,
	locationId: unknown,
	collection: string,
	update: boolean,
): AssistantWrite {
	const write: AssistantWrite = { location_id: parseGhlLocationId(locationId, 'Location ID') };
	for (const [key, apiName, label] of TEXT) {
		const value = fields[key];
		if (value === undefined) continue;
		if (isBlank(value)) {
			if (!update) continue;
			throw new InputError(
				label,
				`${label} is empty`,
				`Enter a value, or remove ${label} from ${collection} to leave it unchanged.`,
			);
		}
		if (typeof value !== 'string' && typeof value !== 'number')
			throw new InputError(
				label,
				`${label} must be text, not ${quote(value)}`,
				'Map a text value.',
			);
		(write as unknown as Record<string, string>)[apiName] =
			key === 'prompt' ? String(value) : String(value).trim();
	}
	for (const [key, apiName, label] of INTEGER) {
		const value = fields[key];
		if (value === undefined) continue;
		const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
		if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) {
			throw new InputError(
				label,
				`${label} ${quote(value)} is not a whole number`,
				`The API takes ${label} as an integer: use 0, 1, 2, …`,
			);
		}
		write[apiName] = n;
	}
	if (fields.model !== undefined) {
		if (typeof fields.model !== 'string' || !MODELS.includes(fields.model)) {
			throw new InputError(
				'Model',
				`Model ${quote(fields.model)} is not one the API documents`,
				`Choose one of ${MODELS.join(', ')}.`,
			);
		}
		write.model = fields.model;
	}
	return write;
}

/** The Assistant ID, checked before any request. */
export function parseAssistantId(value: unknown): string {
	if (isBlank(value)) {
		throw new InputError(
			'Assistant ID',
			'Assistant ID is empty',
			"Enter the assistant's ID from Assistable, or map the ID output by Create.",
		);
	}
	const id = typeof value === 'string' ? value.trim() : value;
	if (typeof id !== 'string' || !/^[^\s/?#]{1,128}$/.test(id)) {
		throw new InputError(
			'Assistant ID',
			`Assistant ID ${quote(value)} is not an assistant ID`,
			'Assistant IDs have no spaces or slashes, e.g. asst_7Hq2LmX9pRt4. A URL or a name does not belong here.',
		);
	}
	return id;
}
