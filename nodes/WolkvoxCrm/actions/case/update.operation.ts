import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { guardQuota, quotaGuardOption } from '../../engine/quota';
import { runPerItem } from '../../engine/perItem';
import { writeOutput } from '../../helpers/answers';
import { recordsOf, type CrmRecord } from '../../helpers/records';
import { apiRequest, type Connection, type FieldAdvice } from '../../transport';
import type { OperationExecute } from '../operation';
import { ParameterReader } from '../parameters';
import { crmOperationField, optionsField, readCrmOperation, requestOptions, withOptions } from '../record/common.fields';
import { caseFormField, caseIdOf, textPart } from './caseFields';
import { fail, readNamedValues, readText } from '../readers';

const displayOptions = { show: { resource: ['case'], operation: ['update'] } };

/**
 * The keys cases/update.php needs, the update field that changes each, and the keys the read
 * answer may hold it under (the answer of queryCases.php is unpublished: its own field names,
 * e.g. "type case", or the write names).
 */
const CASE_KEYS: Array<{ key: string; option: string; label: string; readAs: string[]; optional?: boolean }> = [
	{ key: 'case-type', option: 'caseType', label: 'Case Type', readAs: ['case-type', 'type case', 'typeCase', 'case_type'] },
	{ key: 'responsible', option: 'responsible', label: 'Responsible', readAs: ['responsible', 'responsible user', 'responsible_user'] },
	{ key: 'owner', option: 'owner', label: 'Owner', readAs: ['owner', 'owner user', 'owner_user'] },
	{ key: 'contact', option: 'contact', label: 'Contact', readAs: ['contact', 'email contact', 'email_contact'] },
	{ key: 'description', option: 'description', label: 'Description', readAs: ['description'] },
	{ key: 'status', option: 'status', label: 'Status', readAs: ['status'] },
	{ key: 'priority', option: 'priority', label: 'Priority', readAs: ['priority'] },
	{ key: 'solution', option: 'solution', label: 'Solution', readAs: ['solution'], optional: true },
];

export const description: INodeProperties[] = [
	{ ...crmOperationField, displayOptions },
	{
		displayName: 'Case ID',
		name: 'caseId',
		type: 'string',
		default: '',
		required: true,
		placeholder: '65a1f0c2e4b0a1b2c3d4e5f6',
		description: 'The ID of the case: the last part of its address in the CRM, or the ID a Case → Search result gives',
		displayOptions,
	},
	{
		displayName: 'Update Fields',
		name: 'updateFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		description: 'Only the fields added here change; the node reads the case first and sends every other field back as it was',
		displayOptions,
		options: CASE_KEYS.map(({ option, label }) => ({
			displayName: label,
			name: option,
			type: 'string' as const,
			default: '',
			description: option === 'caseType' ? 'Request, Complaints, Claims, Suggestions or a custom case type, exactly as the CRM names it' : `The new ${label.toLowerCase()}, sent exactly as typed`,
		})),
	},
	{ ...caseFormField, description: 'Extra case fields (form) to change; the others keep their values', displayOptions },
	optionsField([quotaGuardOption, ...requestOptions], displayOptions),
];

const updateAdvice: FieldAdvice = {
	badRequest: 'check the Update Fields and Case Fields (users must exist in the CRM)',
	notFound: 'check CRM Operation and Case ID',
};

function textOf(value: unknown): string | undefined {
	if (typeof value === 'string') return value;
	if (typeof value === 'number' || typeof value === 'boolean') return String(value);
	return undefined;
}

/** The case's extra fields as read: `form` as an object or a JSON string. */
function formOf(found: CrmRecord): IDataObject | undefined {
	let form = found.form;
	if (typeof form === 'string') {
		try {
			form = JSON.parse(form);
		} catch {
			return undefined;
		}
	}
	return form !== null && typeof form === 'object' && !Array.isArray(form) ? (form as IDataObject) : undefined;
}

/** cases/queryCases.php by wolkvox-id: the case, or an error naming the id. */
async function readCase(this: IExecuteFunctions, connection: Connection, operation: string, caseId: string, itemIndex: number): Promise<CrmRecord> {
	const envelope = await apiRequest.call(
		this,
		connection,
		{ method: 'POST', endpoint: 'cases/queryCases.php', body: { operation, field: 'wolkvox-id', value: caseId }, advice: updateAdvice },
		itemIndex,
	);
	const cases = recordsOf(envelope.data);
	const found = cases.find((candidate) => caseIdOf(candidate) === caseId) ?? (cases.length === 1 && caseIdOf(cases[0]) === undefined ? cases[0] : undefined);
	if (!found) {
		fail(this, itemIndex, `No case with the ID ${caseId}`, `cases/queryCases.php found no case with wolkvox-id ${caseId} in CRM operation ${operation}, so nothing was changed. Check Case ID (the wolkvox_id of a Case → Search result).`);
	}
	return found;
}

/**
 * Two calls per item: the API replaces the whole case, so the case is read first
 * (cases/queryCases.php) and sent back whole with the user's changes (cases/update.php,
 * form-data). A field the answer does not hold stops the item rather than being blanked.
 */
export const execute: OperationExecute = async function (connection, items) {
	const options = this.getNodeParameter('options', 0, {}) as IDataObject;
	const settings = withOptions(connection, options);
	const reader = new ParameterReader(this);
	await guardQuota(this, settings, options, () => readCrmOperation.call(this, settings, 0, reader), items.length * 2);

	const handle = async (itemIndex: number): Promise<INodeExecutionData[]> => {
		const operation = readCrmOperation.call(this, settings, itemIndex, reader);
		const caseId = readText(this, reader, 'caseId', 'Case ID', itemIndex).trim();
		const changes = reader.get<IDataObject>('updateFields', itemIndex, {}) ?? {};
		const formChanges = readNamedValues(this, reader, itemIndex, 'caseFields', 'Case Fields');
		const found = await readCase.call(this, settings, operation, caseId, itemIndex);

		const parts = [textPart('operation', operation), textPart('wolkvox-id', caseId)];
		for (const { key, option, label, readAs, optional } of CASE_KEYS) {
			const changed = textOf(changes[option]);
			const readKey = readAs.find((name) => textOf(found[name]) !== undefined);
			const value = changed !== undefined && changed !== '' ? changed : readKey === undefined ? undefined : textOf(found[readKey]);
			if (value !== undefined) parts.push(textPart(key, value));
			else if (!optional) {
				fail(this, itemIndex, `The case ${caseId} as read has no ${label}`, `the answer of cases/queryCases.php holds no ${readAs.map((name) => `"${name}"`).join(' or ')} as text, and cases/update.php replaces the whole case, so the node sent nothing rather than blank it. Set ${label} under Update Fields to send it.`);
			}
		}
		const form = formOf(found);
		if (form === undefined) {
			fail(this, itemIndex, `The case ${caseId} as read has no extra fields (form)`, 'the answer of cases/queryCases.php holds no "form" object, and cases/update.php replaces the whole case, so the node sent nothing rather than blank the extra fields.');
		}
		parts.push(textPart('form', JSON.stringify({ ...form, ...formChanges })));

		const envelope = await apiRequest.call(this, settings, { method: 'POST', endpoint: 'cases/update.php', form: parts, advice: updateAdvice }, itemIndex);
		return [{ json: writeOutput(envelope) as IDataObject, pairedItem: { item: itemIndex } }];
	};

	return await runPerItem.call(this, items.length, {
		concurrency: settings.scheduler.concurrency,
		alreadyDone: (doneItems) => `the cases of ${doneItems} other item(s) were updated`,
		handle,
	});
};
