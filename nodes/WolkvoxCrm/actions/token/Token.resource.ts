import type { INodeProperties } from 'n8n-workflow';

import * as getUsage from './getUsage.operation';

/** Token operations by their parameter value. */
export const operations = {
	getUsage,
};

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['token'] } },
		options: [
			{
				name: 'Get Usage',
				value: 'getUsage',
				description: 'Get the token\'s daily limit, calls used today, calls left and hours until the count restarts',
				action: 'Get token usage',
			},
		],
		default: 'getUsage',
	},
	...getUsage.description,
];
