import type { INodeProperties } from 'n8n-workflow';

import * as deleteRecords from './delete.operation';
import * as searchRecords from './search.operation';

/** Record operations by their parameter value; a new operation is one import and one line. */
export const operations = {
	delete: deleteRecords,
	search: searchRecords,
};

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['record'] } },
		options: [
			{
				name: 'Delete',
				value: 'delete',
				description: 'Delete one or several records of a module',
				action: 'Delete records',
			},
			{
				name: 'Search',
				value: 'search',
				description: 'Find records of a module by a field value or by creation date',
				action: 'Search records',
			},
		],
		default: 'delete',
	},
	...deleteRecords.description,
	...searchRecords.description,
];
