/**
 * What the Case operations share: the documented case fields for queries, the case type, the
 * extra case fields (`form`), the quota guard, and reading a case the API answered with.
 */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { checkQuotaIfAsked } from '../../engine/quota';
import type { CrmRecord } from '../../helpers/records';
import type { Connection, FormPart } from '../../transport';
import type { ParameterReader } from '../parameters';

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

export function fail(context: IExecuteFunctions, itemIndex: number, message: string, fix: string): never {
	throw new NodeOperationError(context.getNode(), message, { itemIndex, description: `Item ${itemIndex}: ${fix}` });
}

/** The case type the user chose (or typed), as sent. */
export function readCaseType(context: IExecuteFunctions, reader: ParameterReader, itemIndex: number): string {
	const chosen = String(reader.get('caseType', itemIndex, 'Request') ?? '');
	if (chosen !== 'custom') return chosen;
	const custom = String(reader.get('customCaseType', itemIndex, '') ?? '');
	if (custom.trim() === '') fail(context, itemIndex, 'No custom case type is set', 'fill in Custom Case Type, or choose one of the documented case types.');
	return custom;
}

/** Name/value pairs of one item (Case Fields, or another parameter of that shape) as an object, names byte-exact. */
export function readCaseForm(
	context: IExecuteFunctions,
	reader: ParameterReader,
	itemIndex: number,
	parameter = 'caseFields',
	label = 'Case Fields',
): IDataObject {
	const entries = reader.get<{ field?: Array<{ name?: unknown; value?: unknown }> }>(parameter, itemIndex, {})?.field ?? [];
	const form: IDataObject = {};
	entries.forEach((entry, index) => {
		const name = typeof entry.name === 'string' ? entry.name : '';
		if (name.trim() === '') fail(context, itemIndex, `The name of entry ${index + 1} of ${label} is empty`, `fill in each entry of ${label} with the field name as the CRM shows it.`);
		Object.defineProperty(form, name, { value: entry.value ?? '', enumerable: true, writable: true, configurable: true });
	});
	return form;
}

/** A required text parameter, passed exactly as typed (only an empty one is refused). */
export function readText(context: IExecuteFunctions, reader: ParameterReader, name: string, label: string, itemIndex: number): string {
	const value = reader.get<unknown>(name, itemIndex, '');
	if (value !== null && typeof value === 'object') fail(context, itemIndex, `${label} is a list or an object`, `give ${label} as text.`);
	const text = value === undefined || value === null ? '' : String(value);
	if (text.trim() === '') fail(context, itemIndex, `${label} is empty`, `fill in ${label}.`);
	return text;
}

/** Check Daily Quota First for a run whose number of calls is known up front. */
export async function guardQuota(
	context: IExecuteFunctions,
	connection: Connection,
	options: IDataObject,
	crmOperation: () => string,
	needed: number,
): Promise<void> {
	if (options.quotaGuard !== true || needed <= 0) return;
	await checkQuotaIfAsked(context, connection, options, { crmOperation: crmOperation(), needed, itemIndex: 0 });
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
