/** Builders for an operation's parameters: display options and the Options collection. */
import type { IDisplayOptions, INodeProperties } from 'n8n-workflow';

import { requestOptionFields } from './request-options';

/** Where an operation's parameters show. */
type OperationScope = { resource: string; operation: string };

/** The fields, shown only for the operation (after their own conditions, e.g. `matchBy`). */
export function displayFor(scope: OperationScope, fields: INodeProperties[]): INodeProperties[] {
	return fields.map((field) => ({
		...field,
		displayOptions: {
			...field.displayOptions,
			show: {
				resource: [scope.resource],
				operation: [scope.operation],
				...field.displayOptions?.show,
			},
		} as IDisplayOptions,
	}));
}

/** The operation's Options collection: its own options plus the request options, alphabetical. */
export function optionsCollection(
	scope: OperationScope,
	options: INodeProperties[],
): INodeProperties {
	const [collection] = displayFor(scope, [
		{
			displayName: 'Options',
			name: 'options',
			type: 'collection',
			placeholder: 'Add Option',
			default: {},
			options: [...options, ...requestOptionFields].sort((a, b) =>
				a.displayName.localeCompare(b.displayName),
			),
		},
	]);
	return collection;
}

export const simplifyOption: INodeProperties = {
	displayName: 'Simplify',
	name: 'simplify',
	type: 'boolean',
	default: false,
	description: 'Whether to return a simplified version of the response instead of the raw data',
};
