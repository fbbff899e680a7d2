/**
 * What the Case operations share: the documented case fields for queries, the case type, the
 * extra case fields (`form`), and reading a case the API answered with.
 */
import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { CrmRecord } from '../../helpers/records';
import type { FormPart } from '../../transport';
import type { ParameterReader } from '../parameters';
import { fail } from '../readers';

/** The fields cases/queryCases.php and listHistoryNote.php accept, spelt exactly as the API wants them (API notes §3.8). */
export const CASE_QUERY_FIELDS = [
	'status', 'priority', 'email contact', 'name contact', 'contact wolkvox id', 'contact identification', 'contact phone',
	'description', 'idCase', 'idPrefijo', 'companyName', 'company name', 'company id', 'prefix', 'reopened',
	'responsible name', 'responsible user', 'responsible id', 'owner name', 'owner user', 'owner id', 'solution',
	'wolkvox-id', 'type case', 'case expired', 'reason',
];

export function caseQueryField(description: string): INodeProperties {
	return {
		displayName: 'Field',
		name: 'field',
		type: 'options',
		options: CASE_QUERY_FIELDS.map((field) => ({ name: field, value: field })),
		default: 'email contact',
		description: `${description} The names are sent exactly as listed, spaces and capitals included`,
	};
}

export const caseTypeFields: INodeProperties[] = [
	{
		displayName: 'Case Type',
		name: 'caseType',
		type: 'options',
		options: [
			{ name: 'Claims', value: 'Claims' },
			{ name: 'Complaints', value: 'Complaints' },
			{ name: 'Custom', value: 'custom', description: 'A case type created in the Cases module of your CRM' },
			{ name: 'Request', value: 'Request' },
			{ name: 'Suggestions', value: 'Suggestions' },
		],
		default: 'Request',
		description: 'Sent as case-type',
	},
	{
		displayName: 'Custom Case Type',
		name: 'customCaseType',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'Garantía',
		description: 'The name of the case type exactly as the Cases module shows it',
		displayOptions: { show: { caseType: ['custom'] } },
	},
];

/** Extra case fields, sent in `form`. */
export const caseFormField: INodeProperties = {
	displayName: 'Case Fields',
	name: 'caseFields',
	type: 'fixedCollection',
	typeOptions: { multipleValues: true },
	placeholder: 'Add Case Field',
	default: {},
	description: 'Extra fields of the case (sent in form), by their names as the Cases module shows them',
	options: [
		{
			displayName: 'Field',
			name: 'field',
			values: [
				{ displayName: 'Field Name', name: 'name', type: 'string', default: '', placeholder: 'Canal' },
				{ displayName: 'Value', name: 'value', type: 'string', default: '' },
			],
		},
	],
};

/** The case type the user chose (or typed), as sent. */
export function readCaseType(context: IExecuteFunctions, reader: ParameterReader, itemIndex: number): string {
	const chosen = String(reader.get('caseType', itemIndex, 'Request') ?? '');
	if (chosen !== 'custom') return chosen;
	const custom = String(reader.get('customCaseType', itemIndex, '') ?? '');
	if (custom.trim() === '') fail(context, itemIndex, 'No custom case type is set', 'fill in Custom Case Type, or choose one of the documented case types.');
	return custom;
}

/** One text part of a form-data body. */
export function textPart(name: string, value: string): FormPart {
	return { name, value };
}

/** A case's id in an answer: wolkvox_id, or wolkvox-id as the case endpoints spell it. */
export function caseIdOf(record: CrmRecord | undefined): string | undefined {
	for (const key of ['wolkvox_id', 'wolkvox-id']) {
		const value = record?.[key];
		const id = Array.isArray(value) && value.length === 1 ? value[0] : value;
		if ((typeof id === 'string' && id.trim() !== '') || typeof id === 'number') return String(id);
	}
	return undefined;
}
