import type { IDataObject, INodeExecutionData, INodeProperties, JsonObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { runPerItem } from '../../engine/perItem';
import { recordsOf } from '../../helpers/records';
import { apiRequest, WolkvoxApiError, type FieldAdvice } from '../../transport';
import { toNodeError } from '../items';
import type { OperationExecute } from '../operation';
import { ParameterReader } from '../parameters';
import { crmOperationField, optionsField, readCrmOperation, requestOptions, withOptions } from '../record/common.fields';
import { caseQueryField } from './caseFields';
import { fail } from '../readers';

const displayOptions = { show: { resource: ['case'], operation: ['getNotes'] } };

export const description: INodeProperties[] = [
	{
		displayName:
			'Case notes need an <b>External</b> token, tied to the company that owns the cases: create one in the CRM (Configuration → Wolkvox Integration → Tokens, type External) and use it in its own Wolkvox CRM API credential for this node. An Internal token is refused here.',
		name: 'externalTokenNotice',
		type: 'notice',
		default: '',
		displayOptions,
	},
	{ ...crmOperationField, displayOptions },
	{ ...caseQueryField('The case field that picks the cases whose notes to get. Needs an External token.'), default: 'wolkvox-id', displayOptions },
	{
		displayName: 'Value',
		name: 'value',
		type: 'string',
		default: '',
		placeholder: '65a1f0c2e4b0a1b2c3d4e5f6',
		description: 'The value the field must have',
		displayOptions,
	},
	{
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 50,
		description: 'Max number of results to return',
		displayOptions,
	},
	optionsField(requestOptions, displayOptions),
];

const notesAdvice: FieldAdvice = { badRequest: 'check Field, Value and Limit', notFound: 'check CRM Operation' };

/** 401/403 that is neither the daily quota nor a rate limit: the token is not one this endpoint accepts. */
function tokenRefused(error: unknown): error is WolkvoxApiError {
	if (!(error instanceof WolkvoxApiError)) return false;
	const failure = error.requestFailure;
	return failure.kind === 'apiError' && (failure.code === 401 || failure.code === 403) && !failure.rateLimited && !failure.dailyQuota;
}

/** cases/listHistoryNote.php once per item: one output item per note. */
export const execute: OperationExecute = async function (connection, items) {
	const options = this.getNodeParameter('options', 0, {}) as IDataObject;
	const settings = withOptions(connection, options);
	const reader = new ParameterReader(this);

	const handle = async (itemIndex: number): Promise<INodeExecutionData[]> => {
		const operation = readCrmOperation.call(this, settings, itemIndex, reader);
		const field = String(reader.get('field', itemIndex, 'wolkvox-id'));
		const value = reader.get<unknown>('value', itemIndex, '') ?? '';
		if (typeof value === 'object') fail(this, itemIndex, 'The value is a list or an object', 'give Value as text or a number.');
		const limit = Number(reader.get('limit', itemIndex, 50));
		if (!Number.isInteger(limit) || limit < 1) fail(this, itemIndex, `The limit ${String(limit)} is not a whole number of 1 or more`, 'set Limit to 1 or more.');
		try {
			const envelope = await apiRequest.call(
				this,
				settings,
				{ method: 'POST', endpoint: 'cases/listHistoryNote.php', body: { operation, field, value: String(value), limit }, advice: notesAdvice },
				itemIndex,
			);
			return recordsOf(envelope.data).slice(0, limit).map((note) => ({ json: note as IDataObject, pairedItem: { item: itemIndex } }));
		} catch (error) {
			if (!tokenRefused(error)) throw toNodeError.call(this, error, itemIndex);
			throw new NodeApiError(this.getNode(), (error.requestFailure.envelope ?? {}) as JsonObject, {
				itemIndex,
				httpCode: error.httpCode ?? undefined,
				message: `The API refused the token for case notes: ${error.requestFailure.apiError ?? error.requestFailure.apiMessage ?? `HTTP ${error.requestFailure.status}`}`,
				description: `Item ${itemIndex}: cases/listHistoryNote.php accepts only an External token, tied to the company that owns the cases (an Internal token is refused). Create one in the CRM under Configuration → Wolkvox Integration → Tokens (type External), put it in its own Wolkvox CRM API credential and choose that credential on this node.`,
			});
		}
	};

	return await runPerItem.call(this, items.length, { concurrency: settings.scheduler.concurrency, handle });
};
