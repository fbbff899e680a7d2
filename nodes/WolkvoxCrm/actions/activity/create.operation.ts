import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties, JsonObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { guardQuota, quotaGuardOption } from '../../engine/quota';
import { runPerItem } from '../../engine/perItem';
import { writeOutput } from '../../helpers/answers';
import { apiRequest, WolkvoxApiError, type FieldAdvice } from '../../transport';
import { caseFormField } from '../case/caseFields';
import { fail, readNamedValues, readText } from '../readers';
import { toNodeError } from '../items';
import type { OperationExecute } from '../operation';
import { ParameterReader } from '../parameters';
import { crmOperationField, readCrmOperation, requestOptions, withOptions } from '../record/common.fields';

const displayOptions = { show: { resource: ['activity'], operation: ['create'] } };
const ACTIVITY_MODULE = 'wolkvox_activities';
const DATE_HINT = 'YYYY-MM-DD HH:MM:SS, e.g. 2026-12-04 15:30:00; an ISO date such as 2026-12-04T15:30 is accepted too';

/** Additional keys: the parameter, the key sent inside `fields`, what it is. */
const KEYS: Array<[name: string, key: string, label: string, hint: string, kind?: 'date' | 'list' | 'boolean']> = [
	['status', 'status', 'Status', 'e.g. created'],
	['priority', 'priority', 'Priority', 'high, normal or low'],
	['completionDate', 'completion_date', 'Completion Date', DATE_HINT, 'date'],
	['description', 'description', 'Description', 'What the activity is about'],
	['parentModule', 'name_module', 'Parent Module', 'The module of the record the activity belongs to, e.g. cases or contacts'],
	['parentRecordId', 'id_record', 'Parent Record ID', 'The wolkvox_id of that record, e.g. the case just created'],
	['remember', 'remember', 'Remember', 'Whether the CRM should remind the owner', 'boolean'],
	['reminderDate', 'reminder_date', 'Reminder Date', DATE_HINT, 'date'],
	['location', 'location', 'Location', 'Call and meeting'],
	['startDate', 'start_date', 'Start Date', `Meeting. ${DATE_HINT}`, 'date'],
	['participants', 'participants', 'Participants', 'Meeting: the participants, separated by commas (sent as a list)', 'list'],
	['owner', 'wolkvox_owner', 'Owner', 'The user who owns the activity, as the CRM names users'],
];

const parameters: INodeProperties[] = [
	crmOperationField,
	{
		displayName: 'Activity Type',
		name: 'activityType',
		type: 'options',
		options: [
			{ name: 'Call', value: 'call' },
			{ name: 'Meeting', value: 'meeting' },
			{ name: 'Task', value: 'task' },
		],
		default: 'task',
		description: 'Sent as type. The strings the API expects for calls and meetings are not published: if it refuses "call" or "meeting", set Type Sent to API in Additional Fields.',
	},
	{ displayName: 'Name', name: 'name', type: 'string', default: '', required: true, placeholder: 'Follow-up call', description: 'The name of the activity' },
	{
		displayName: 'Additional Fields',
		name: 'additionalFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		options: [
			...KEYS.map(([name, , displayName, hint, kind]): INodeProperties => ({
				displayName,
				name,
				type: kind === 'boolean' ? 'boolean' : 'string',
				default: kind === 'boolean' ? false : '',
				description: hint,
			})),
			{ displayName: 'Phone', name: 'phone', type: 'string', default: '', placeholder: '3001234567', description: 'Call: the number called' },
			{ displayName: 'Phone Country', name: 'phoneCountry', type: 'string', default: '', placeholder: 'Colombia' },
			{ displayName: 'Phone Country Code', name: 'phoneCode', type: 'string', default: '', placeholder: '57' },
			{
				displayName: 'Type Sent to API',
				name: 'typeSent',
				type: 'string',
				default: '',
				description: 'Replaces the type sent for Activity Type (the call and meeting strings are unpublished). Empty: task, call or meeting.',
			},
		],
	},
	{ ...caseFormField, displayName: 'Extra Fields', name: 'extraFields', description: 'Further fields of the activity, sent inside fields by name' },
	{ displayName: 'Options', name: 'options', type: 'collection', placeholder: 'Add Option', default: {}, options: [quotaGuardOption, ...requestOptions] },
];

export const description: INodeProperties[] = parameters.map((field) => ({ ...field, displayOptions }));

const activityAdvice: FieldAdvice = {
	badRequest: 'check Activity Type (or Type Sent to API), the dates (YYYY-MM-DD HH:MM:SS) and the field names',
	notFound: 'check CRM Operation, and that the operation has the wolkvox_activities module',
};

/** "2026-12-04 15:30:00", from that or an ISO date-time (its zone is dropped: the CRM's zone is unpublished). */
function crmDateTime(this: IExecuteFunctions, text: string, label: string, itemIndex: number): string {
	const match = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})(:\d{2})?/.exec(text.trim());
	if (!match) fail(this, itemIndex, `${label} is not a date and time: "${text}"`, `write ${label} as ${DATE_HINT}.`);
	return `${match[1]} ${match[2]}${match[3] ?? ':00'}`;
}

function readFields(this: IExecuteFunctions, reader: ParameterReader, itemIndex: number): IDataObject {
	const fields: IDataObject = { name: readText(this, reader, 'name', 'Name', itemIndex) };
	const extra = reader.get<IDataObject>('additionalFields', itemIndex, {}) ?? {};
	for (const [name, key, label, , kind] of KEYS) {
		const value = extra[name];
		if (kind === 'boolean') {
			if (typeof value === 'boolean') fields[key] = value;
			continue;
		}
		if (value === undefined || value === null || String(value).trim() === '') continue;
		const text = String(value);
		if (kind === 'date') fields[key] = crmDateTime.call(this, text, label, itemIndex);
		else if (kind === 'list') fields[key] = text.split(',').map((part) => part.trim()).filter((part) => part !== '');
		else fields[key] = text;
	}
	if (typeof extra.phone === 'string' && extra.phone.trim() !== '') {
		const phone: IDataObject = { type: 'telephone', value: extra.phone };
		if (typeof extra.phoneCountry === 'string' && extra.phoneCountry !== '') phone.country = extra.phoneCountry;
		if (typeof extra.phoneCode === 'string' && extra.phoneCode !== '') phone.code = extra.phoneCode;
		fields.phone = phone;
	}
	const more = readNamedValues(this, reader, itemIndex, 'extraFields', 'Extra Fields');
	return { ...fields, ...more };
}

/**
 * One custom/insert.php per item in the wolkvox_activities module. The documented keys go
 * inside `fields` (API notes §9: the pages call them the attributes in fields; the sample body
 * is cut off). Never sent twice.
 */
export const execute: OperationExecute = async function (connection, items) {
	const options = this.getNodeParameter('options', 0, {}) as IDataObject;
	const settings = withOptions(connection, options);
	const reader = new ParameterReader(this);
	await guardQuota(this, settings, options, () => readCrmOperation.call(this, settings, 0, reader), items.length);

	const handle = async (itemIndex: number): Promise<INodeExecutionData[]> => {
		const operation = readCrmOperation.call(this, settings, itemIndex, reader);
		const typeSent = String((reader.get<IDataObject>('additionalFields', itemIndex, {}) ?? {}).typeSent ?? '');
		const type = typeSent.trim() !== '' ? typeSent : String(reader.get('activityType', itemIndex, 'task'));
		const fields = readFields.call(this, reader, itemIndex);
		try {
			const envelope = await apiRequest.call(
				this,
				settings,
				{ method: 'POST', endpoint: 'custom/insert.php', body: { operation, module: ACTIVITY_MODULE, type, fields }, resendable: false, advice: activityAdvice },
				itemIndex,
			);
			return [{ json: writeOutput(envelope) as IDataObject, pairedItem: { item: itemIndex } }];
		} catch (error) {
			if (!(error instanceof WolkvoxApiError && error.uncertain)) throw toNodeError.call(this, error, itemIndex);
			throw new NodeApiError(this.getNode(), (error.requestFailure.envelope ?? {}) as JsonObject, {
				itemIndex,
				httpCode: error.httpCode ?? undefined,
				message: 'The activity may have been created: the answer to the create request was lost',
				description: `Item ${itemIndex}: ${error.message.replace(/\.$/, '')}. The node does not send a create again, so that no activity is made twice. Before running it again, check the activities of the parent record in the CRM.`,
			});
		}
	};

	return await runPerItem.call(this, items.length, {
		concurrency: settings.scheduler.concurrency,
		alreadyDone: (doneItems) => `the API had accepted the activities of ${doneItems} other item(s)`,
		handle,
	});
};
