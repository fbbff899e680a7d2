/**
 * What a delete request looks like and what its answers mean for each record: the rules the
 * per-item path and Batch Across Items share. The answer is the truth: when it lists the
 * removed ids, an id it does not list was not removed; when it lists none, HTTP 200 counts for
 * every id sent.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, JsonObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import type { BatchOperation, ItemUnits } from '../../engine/batches';
import { WolkvoxApiError, type ApiRequest, type FieldAdvice } from '../../transport';
import { idsNamedIn, type WolkvoxEnvelope } from '../../transport/envelope';

/** One item's delete, checked before anything is sent. */
export interface DeleteRequest {
	operation: string;
	module: string;
	multiple: boolean;
	ids: string[];
}

/** What to fix in Delete's fields when the API refuses them. */
export const deleteAdvice: FieldAdvice = {
	badRequest: 'check CRM Operation, Module and Record IDs',
	notFound: 'check CRM Operation, Module (as the CRM shows it) and that the record IDs exist and were not already deleted',
	tooLarge: 'lower Max IDs per Request',
};

/** The request for custom/delete.php. */
export function deleteApiRequest(request: DeleteRequest): ApiRequest {
	return { method: 'POST', endpoint: 'custom/delete.php', body: deleteRequestBody(request), advice: deleteAdvice, recordIds: request.ids };
}

/** The body exactly as custom/delete.php documents it: one id as a string, several as a list. */
export function deleteRequestBody(request: DeleteRequest): IDataObject {
	return {
		operation: request.operation,
		module: request.module,
		multiple: request.multiple,
		'wolkvox-id': request.multiple ? request.ids : request.ids[0],
	};
}

/** Of the ids sent, the ones a success answer confirms and the ones it leaves out. */
export function confirmedIds(sent: string[], envelope: WolkvoxEnvelope): { removed: string[]; notRemoved: string[] } {
	const listed = new Set(idsNamedIn(envelope));
	if (listed.size === 0) return { removed: sent, notRemoved: [] };
	return { removed: sent.filter((id) => listed.has(id)), notRemoved: sent.filter((id) => !listed.has(id)) };
}

const NOT_LISTED = 'the API answered success but did not list it among the removed records';

/** Per item: fails the item when the answer leaves out some of its ids. */
export function checkListedIds(
	this: IExecuteFunctions,
	request: DeleteRequest,
	envelope: WolkvoxEnvelope,
	itemIndex: number,
): void {
	const { removed, notRemoved } = confirmedIds(request.ids, envelope);
	if (notRemoved.length === 0) return;
	throw new NodeApiError(this.getNode(), envelope as JsonObject, {
		itemIndex,
		httpCode: '200',
		message:
			request.ids.length === 1
				? 'The record was not deleted: the API did not list it among the removed records'
				: `${notRemoved.length} of ${request.ids.length} record IDs were not deleted: the API did not list them among the removed records`,
		description: `Item ${itemIndex}: not deleted: ${notRemoved.join(', ')}; ${removed.length ? `deleted: ${removed.join(', ')}` : 'none of its records were deleted'}. Check that these IDs exist in module ${request.module} (API message: "${String(envelope.msg ?? '')}").`,
	});
}

/** What "this record does not exist" may come as. */
const NOT_FOUND_CODES = new Set([400, 404]);

/**
 * Per item: "not found" for every id of a request whose earlier attempt lost its answer (reset,
 * cut off, server error): the records are no longer there, most likely removed by that attempt.
 */
export function isGoneAfterLostAnswer(error: unknown, ids: string[]): boolean {
	if (!(error instanceof WolkvoxApiError) || !error.uncertain) return false;
	const failure = error.requestFailure;
	if (failure.kind !== 'apiError' || !NOT_FOUND_CODES.has(failure.code ?? 0)) return false;
	return failure.namedIds.length === 0 ? ids.length === 1 : ids.every((id) => failure.namedIds.includes(id));
}

const ALREADY_GONE_MESSAGE =
	'Not found when sent again after an answer was lost: no longer in the CRM (most likely removed by the attempt whose answer was lost)';

/** The output for records found gone after such an attempt, shaped like the API's own answer. */
export function alreadyGoneAnswer(ids: string[]): IDataObject {
	return { code: 200, error: 'null', msg: ALREADY_GONE_MESSAGE, data: { wolkvox_id: ids }, alreadyGoneIds: ids };
}

/** Batch Across Items: ids are the units, sent with `multiple: true`. */
export const deleteBatchOperation: BatchOperation<string, string> = {
	keyOf: (id) => id,
	request: (target, ids) => deleteApiRequest({ ...target, multiple: true, ids }),
	recordIdsOf: (id) => [id],
	readSuccess: (ids, envelope) => {
		const { notRemoved } = confirmedIds(ids, envelope);
		const left = new Set(notRemoved);
		return ids.map((id) => (left.has(id) ? { done: false, reason: NOT_LISTED } : { done: true, result: id }));
	},
	namedUnits: (ids, failure) => ids.filter((id) => failure.namedIds.includes(id)),
	resendable: true,
	notFoundAfterLostAnswerIsDone: true,
	settledResult: (id) => id,
};

/** The output item of one input item after Batch Across Items, or the error that fails it. */
export function batchItemResult(this: IExecuteFunctions, item: ItemUnits<string, string>): INodeExecutionData {
	const deleted: string[] = [];
	const alreadyGone: string[] = [];
	const refused: Array<{ id: string; error?: Error; reason?: string }> = [];
	const notSent: string[] = [];
	let message: string | undefined;
	for (const { unit: id, outcome } of item.units) {
		if (outcome === undefined) notSent.push(id);
		else if (outcome.status !== 'done') refused.push({ id, error: outcome.error, reason: outcome.status === 'refused' ? outcome.reason : undefined });
		else {
			deleted.push(id);
			if (outcome.settledAfterLostAnswer) alreadyGone.push(id);
			else message ??= outcome.message;
		}
	}
	const ids = item.units.map(({ unit }) => unit);

	if (refused.length === 0 && notSent.length === 0) {
		const json: IDataObject = {
			code: 200,
			error: 'null',
			msg: message ?? (alreadyGone.length ? ALREADY_GONE_MESSAGE : 'Have been succesfully removed'),
			data: { wolkvox_id: deleted },
		};
		if (item.duplicates.length) json.duplicateIds = item.duplicates;
		if (alreadyGone.length) json.alreadyGoneIds = alreadyGone;
		return { json, pairedItem: { item: item.itemIndex } };
	}

	const first = refused[0];
	const firstError = first?.error instanceof NodeApiError ? first.error : undefined;
	const reason = first?.error?.message ?? first?.reason ?? 'the node stopped at an earlier error';
	const failedCount = refused.length + notSent.length;
	const parts = [
		refused.length ? `not deleted: ${refused.map(({ id }) => id).join(', ')}` : '',
		notSent.length ? `not sent because the node stopped at an earlier error: ${notSent.join(', ')}` : '',
		deleted.length ? `deleted: ${deleted.join(', ')}` : 'none of its records were deleted',
	].filter(Boolean);
	// The request's error in this item's words: of the ids its answer names, only this item's.
	const advice = first?.error instanceof WolkvoxApiError
		? ` ${first.error.wordsFor(item.itemIndex, refused.map(({ id }) => id)).advice}`
		: firstError?.description
		? ` ${firstError.description.replace(/^Item \d+: /, '')}`
		: first?.reason
			? ` Check that these IDs exist in module ${item.target.module}.`
			: '';
	throw new NodeApiError(
		this.getNode(),
		{ notDeleted: [...refused.map(({ id }) => id), ...notSent], deleted },
		{
			itemIndex: item.itemIndex,
			httpCode: firstError?.httpCode ?? (first?.reason ? '200' : undefined),
			message:
				ids.length > 1
					? `${failedCount} of ${ids.length} record IDs could not be deleted: ${reason}`
					: first?.error
						? reason
						: `The record was not deleted: ${reason}`,
			description: `Item ${item.itemIndex}: ${parts.join('; ')}.${advice}`,
		},
	);
}
