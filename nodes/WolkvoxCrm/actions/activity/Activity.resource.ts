import type { INodeProperties } from 'n8n-workflow';

import * as createActivity from './create.operation';

/** Activity operations by their parameter value. */
export const operations = {
	create: createActivity,
};

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['activity'] } },
		options: [
			{ name: 'Create', value: 'create', description: 'Log a task, call or meeting (module wolkvox_activities)', action: 'Create an activity' },
		],
		default: 'create',
	},
	...createActivity.description,
];
