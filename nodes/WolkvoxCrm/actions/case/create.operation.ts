import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties, JsonObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { guardQuota, quotaGuardOption } from '../../engine/quota';
import { runPerItem } from '../../engine/perItem';
import { codeOf, type WolkvoxEnvelope } from '../../transport/envelope';
import { apiRequest, WolkvoxApiError, type ApiRequest, type Connection, type FieldAdvice } from '../../transport';
import { toNodeError } from '../items';
import type { OperationExecute } from '../operation';
import { ParameterReader } from '../parameters';
import { attachmentOptions, DEFAULT_MAX_ATTACHMENT_MB, readAttachments } from '../record/attachments';
import { crmOperationField, optionsField, readCrmOperation, requestOptions, withOptions } from '../record/common.fields';
import { caseFormField, caseIdOf, caseTypeFields, readCaseType, textPart } from './caseFields';
import { readNamedValues, readText } from '../readers';

const displayOptions = { show: { resource: ['case'], operation: ['create'] } };

/** The documented required keys of a new case, as parameters: key sent, label, example. */
const REQUIRED_TEXT: Array<[key: string, name: string, label: string, placeholder: string, hint: string]> = [
	['responsible', 'responsible', 'Responsible', 'agent10@mycompany', 'The user who handles the case: their Wolkvox Email in the CRM user list (e.g. agent10@mycompany)'],
	['owner', 'owner', 'Owner', 'ADMIN_@mycompany', 'The user who owns the case, as the CRM names users (e.g. ADMIN_@mycompany)'],
	['contact', 'contact', 'Contact', 'camila.restrepo@gmail.com', 'The e-mail of the contact the case is about'],
	['description', 'description', 'Description', 'The customer reports…', 'What the case is about'],
	['status', 'status', 'Status', 'open', 'Sent exactly as typed: the CRM documents both open and Abierto'],
	['priority', 'priority', 'Priority', 'low', 'Sent exactly as typed: the CRM documents both low and Alta'],
];

const parameters: INodeProperties[] = [
	crmOperationField,
	...caseTypeFields,
	...REQUIRED_TEXT.map(([, name, displayName, placeholder, hint]): INodeProperties => ({
		displayName,
		name,
		type: 'string',
		default: '',
		required: true,
		placeholder,
		description: hint,
		...(name === 'description' ? { typeOptions: { rows: 3 } } : {}),
	})),
	caseFormField,
	optionsField([...attachmentOptions, quotaGuardOption, ...requestOptions]),
];

export const description: INodeProperties[] = parameters.map((field) => ({
	...field,
	displayOptions: { show: { ...displayOptions.show, ...field.displayOptions?.show } },
}));

const createAdvice: FieldAdvice = {
	badRequest: 'check Case Type, Responsible, Owner, Contact, Status and Priority (users must exist in the CRM), and the Case Fields',
	notFound: 'check CRM Operation, Responsible and Owner',
};

/** The lost answer of a create: the case may exist now, and the node does not send it again. */
function mayHaveBeenCreated(this: IExecuteFunctions, cause: WolkvoxApiError, itemIndex: number): NodeApiError {
	return new NodeApiError(this.getNode(), (cause.requestFailure.envelope ?? {}) as JsonObject, {
		itemIndex,
		httpCode: cause.httpCode ?? undefined,
		message: 'The case may have been created: the answer to the create request was lost',
		description: `Item ${itemIndex}: ${cause.message.replace(/\.$/, '')}. The node does not send a create again, so that no case is made twice. Before running it again, check whether the case exists: Case → Search by email contact (the Contact) and look for this description.`,
	});
}

/** The output: the answer, and the new case's id only when the answer gives it. */
function caseOutput(envelope: WolkvoxEnvelope): IDataObject {
	const data = envelope.data;
	const first = Array.isArray(data) ? data[0] : data;
	const id = codeOf(envelope.code) === 200 && first !== null && typeof first === 'object' ? caseIdOf(first as IDataObject) : undefined;
	if (id !== undefined) return { ...(envelope as IDataObject), wolkvox_id: id, caseIdReturned: true };
	return { ...(envelope as IDataObject), caseIdReturned: false, note: 'The API accepted the case but its answer did not give the new case\'s id. Find it with Case → Search.' };
}

async function sendCreate(this: IExecuteFunctions, connection: Connection, request: ApiRequest, itemIndex: number) {
	try {
		return await apiRequest.call(this, connection, { ...request, resendable: false, advice: createAdvice }, itemIndex);
	} catch (error) {
		if (error instanceof WolkvoxApiError && error.uncertain) throw mayHaveBeenCreated.call(this, error, itemIndex);
		throw toNodeError.call(this, error, itemIndex);
	}
}

/**
 * One case per item: cases/insert.php (form-data, `form` as a JSON string) without attachments,
 * cases/insertAttach.php (JSON, files as base64) with them. Never sent twice.
 */
export const execute: OperationExecute = async function (connection, items) {
	const options = this.getNodeParameter('options', 0, {}) as IDataObject;
	const settings = withOptions(connection, options);
	const reader = new ParameterReader(this);
	await guardQuota(this, settings, options, () => readCrmOperation.call(this, settings, 0, reader), items.length);

	const handle = async (itemIndex: number): Promise<INodeExecutionData[]> => {
		const operation = readCrmOperation.call(this, settings, itemIndex, reader);
		const fields: Record<string, string> = { 'case-type': readCaseType(this, reader, itemIndex) };
		for (const [key, name, label] of REQUIRED_TEXT) fields[key] = readText(this, reader, name, label, itemIndex);
		const form = readNamedValues(this, reader, itemIndex, 'caseFields', 'Case Fields');
		const attachments = await readAttachments.call(
			this,
			itemIndex,
			this.getNodeParameter('options.attachmentProperties', itemIndex, ''),
			this.getNodeParameter('options.maxAttachmentMb', itemIndex, DEFAULT_MAX_ATTACHMENT_MB),
		);
		const { responsible, owner, contact, status, priority } = fields;
		const request: ApiRequest =
			attachments.length === 0
				? {
						method: 'POST',
						endpoint: 'cases/insert.php',
						form: [
							textPart('operation', operation),
							...Object.entries(fields).map(([name, value]) => textPart(name, value)),
							textPart('form', JSON.stringify(form)),
						],
					}
				: {
						method: 'POST',
						endpoint: 'cases/insertAttach.php',
						body: { operation, 'case-type': fields['case-type'], responsible, owner, contact, description: fields.description, form, status, priority, attachments },
					};
		const envelope = await sendCreate.call(this, settings, request, itemIndex);
		return [{ json: caseOutput(envelope), pairedItem: { item: itemIndex } }];
	};

	return await runPerItem.call(this, items.length, {
		concurrency: settings.scheduler.concurrency,
		alreadyDone: (doneItems) => `the API had accepted the cases of ${doneItems} other item(s)`,
		handle,
	});
};
