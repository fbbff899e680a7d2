/**
 * The write requests of Create, Update and Create or Update, and the words for a create whose
 * answer was lost. The transport sends; this file knows what a lost answer means for a create.
 */
import type { IDataObject, IExecuteFunctions, JsonObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import type { FieldObject } from '../../helpers/fields';
import { apiRequest, WolkvoxApiError, type Connection, type FieldAdvice } from '../../transport';
import type { WolkvoxEnvelope } from '../../transport/envelope';
import { toNodeError } from '../items';

export interface WriteTarget {
	operation: string;
	module: string;
}

export const INSERT_ENDPOINT = 'custom/insert.php';
export const UPDATE_ENDPOINT = 'custom/update.php';
export const QUERY_ENDPOINT = 'custom/query.php';

/** What to fix in the fields of Create and Update when the API refuses them. */
export const createAdvice: FieldAdvice = {
	badRequest: 'check CRM Operation, Module, and the field names (exactly as the CRM shows them) and values',
	notFound: 'check CRM Operation and Module (as the CRM shows it)',
	tooLarge: 'lower Max Records per Request',
};
export const updateAdvice: FieldAdvice = {
	...createAdvice,
	notFound: 'check CRM Operation, Module (as the CRM shows it) and that the Record ID exists',
};

/** How a user finds out whether a create whose answer was lost went through. */
export const HOW_TO_CHECK_A_CREATE =
	'Before running it again, check whether the record exists: search the module (Record → Search) by a field that is unique to it, such as idcontact or emailcontact, or write it with Create or Update using that field as Match Field.';

/**
 * The error for creates that may have happened: the request went out, but its answer was lost
 * (reset, timeout, cut-off answer, server error), and the node does not send a create twice.
 */
export function mayHaveBeenCreatedError(
	this: IExecuteFunctions,
	cause: WolkvoxApiError,
	itemIndex: number,
	recordCount = 1,
): NodeApiError {
	const what = recordCount === 1 ? 'The record may have been created' : `The ${recordCount} records of this request may have been created`;
	const reason = cause.message.replace(/\.$/, '');
	return new NodeApiError(this.getNode(), (cause.requestFailure.envelope ?? {}) as JsonObject, {
		itemIndex,
		httpCode: cause.httpCode ?? undefined,
		message: `${what}: the answer to the create request was lost`,
		description: `Item ${itemIndex}: ${reason}. The node does not send a create again, so that no record is made twice. ${HOW_TO_CHECK_A_CREATE}`,
	});
}

/** custom/insert.php, sent once: never again after an attempt that may have created the record. */
export async function createRecord(
	this: IExecuteFunctions,
	connection: Connection,
	target: WriteTarget,
	fields: FieldObject,
	itemIndex: number,
): Promise<WolkvoxEnvelope> {
	try {
		return await apiRequest.call(
			this,
			connection,
			{
				method: 'POST',
				endpoint: INSERT_ENDPOINT,
				body: { operation: target.operation, module: target.module, fields: fields as IDataObject },
				resendable: false,
				advice: createAdvice,
			},
			itemIndex,
		);
	} catch (error) {
		if (error instanceof WolkvoxApiError && error.uncertain) throw mayHaveBeenCreatedError.call(this, error, itemIndex);
		throw toNodeError.call(this, error, itemIndex);
	}
}

/** custom/update.php for one record: safe to resend (it writes the same values again). */
export async function updateRecord(
	this: IExecuteFunctions,
	connection: Connection,
	target: WriteTarget,
	update: { recordId: string; fields: FieldObject; attachments?: string[] },
	itemIndex: number,
): Promise<WolkvoxEnvelope> {
	const body: IDataObject = {
		operation: target.operation,
		module: target.module,
		'wolkvox-id': update.recordId,
		fields: update.fields as IDataObject,
	};
	if (update.attachments && update.attachments.length > 0) body.attachments = update.attachments;
	return await apiRequest.call(
		this,
		connection,
		{ method: 'POST', endpoint: UPDATE_ENDPOINT, body, advice: updateAdvice, recordIds: [update.recordId] },
		itemIndex,
	);
}

/** custom/query.php by one field value, as Search sends it. */
export async function queryByField(
	this: IExecuteFunctions,
	connection: Connection,
	target: WriteTarget,
	field: string,
	value: string | number,
	itemIndex: number,
): Promise<WolkvoxEnvelope> {
	return await apiRequest.call(
		this,
		connection,
		{ method: 'POST', endpoint: QUERY_ENDPOINT, body: { operation: target.operation, module: target.module, field, value } },
		itemIndex,
	);
}
