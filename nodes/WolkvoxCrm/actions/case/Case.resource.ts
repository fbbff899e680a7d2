import type { INodeProperties } from 'n8n-workflow';

import * as createCase from './create.operation';
import * as getNotes from './getNotes.operation';
import * as searchCases from './search.operation';
import * as updateCase from './update.operation';

/** Case operations by their parameter value. */
export const operations = {
	create: createCase,
	getNotes,
	search: searchCases,
	update: updateCase,
};

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['case'] } },
		options: [
			{ name: 'Create', value: 'create', description: 'Open a case (ticket), with attachments if given', action: 'Create a case' },
			{ name: 'Get Notes', value: 'getNotes', description: 'Get the history of notes of cases (needs an External token)', action: 'Get case notes' },
			{ name: 'Search', value: 'search', description: 'Find cases by one of their fields', action: 'Search cases' },
			{ name: 'Update', value: 'update', description: 'Change fields of a case, keeping the others', action: 'Update a case' },
		],
		default: 'search',
	},
	...createCase.description,
	...getNotes.description,
	...searchCases.description,
	...updateCase.description,
];
