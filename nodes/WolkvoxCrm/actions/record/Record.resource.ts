import type { INodeProperties } from 'n8n-workflow';

import * as createRecords from './create.operation';
import * as deleteRecords from './delete.operation';
import * as getRecords from './get.operation';
import * as searchRecords from './search.operation';
import * as updateRecords from './update.operation';
import * as upsertRecords from './upsert.operation';

/** Record operations by their parameter value; a new operation is one import and one line. */
export const operations = {
	create: createRecords,
	delete: deleteRecords,
	get: getRecords,
	search: searchRecords,
	update: updateRecords,
	upsert: upsertRecords,
};

const operationField: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	options: [
		{
			name: 'Create',
			value: 'create',
			description: 'Create a record in a module',
			action: 'Create a record',
		},
		{
			name: 'Create or Update',
			value: 'upsert',
			description: 'Create a new record, or update the current one if it already exists (upsert)',
			action: 'Create or update a record',
		},
		{
			name: 'Delete',
			value: 'delete',
			description: 'Delete one or several records of a module',
			action: 'Delete records',
		},
		{
			name: 'Get',
			value: 'get',
			description: 'Get records by their IDs',
			action: 'Get records',
		},
		{
			name: 'Search',
			value: 'search',
			description: 'Find records of a module by a field value or by creation date',
			action: 'Search records',
		},
		{
			name: 'Update',
			value: 'update',
			description: 'Update the fields of one record',
			action: 'Update a record',
		},
	],
	default: 'delete',
};

export const description: INodeProperties[] = [
	// n8n stores only values that differ from the default: workflows saved with 0.2.0 that delete
	// have no operation stored, so version 1 keeps Delete; version 2 opens on the harmless Search.
	{ ...operationField, displayOptions: { show: { resource: ['record'], '@version': [1] } } },
	{ ...operationField, default: 'search', displayOptions: { show: { resource: ['record'], '@version': [2] } } },
	...createRecords.description,
	...deleteRecords.description,
	...getRecords.description,
	...searchRecords.description,
	...updateRecords.description,
	...upsertRecords.description,
];
