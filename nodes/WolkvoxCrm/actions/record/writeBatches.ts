/**
 * Batch Across Items for Create and Update: one record per input item, many records per request
 * (custom/insertMany.php, custom/updateMany.php) through the shared batch engine, and one output
 * item per input item saying what the API said about its record. A batched create whose answer
 * was lost is not sent again: every record of that request "may have been created".
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties, JsonObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { BatchRun, type BatchOperation, type ItemUnits, type Target } from '../../engine/batches';
import { checkQuotaIfAsked } from '../../engine/quota';
import type { FieldObject } from '../../helpers/fields';
import { itemLabel, WolkvoxApiError, type Connection } from '../../transport';
import { idsNamedIn, type WolkvoxEnvelope } from '../../transport/envelope';
import { errorItem, toNodeError, withAlreadyDone } from '../items';
import { createAdvice, HOW_TO_CHECK_A_CREATE, mayHaveBeenCreatedError, updateAdvice } from './writes';

export const DEFAULT_MAX_RECORDS_PER_REQUEST = 100;
export const INSERT_MANY_ENDPOINT = 'custom/insertMany.php';
/** The docs disagree (EN page: PUT, ES page: POST); POST, like every other CRM endpoint. */
export const UPDATE_MANY_METHOD = 'POST';
export const UPDATE_MANY_ENDPOINT = 'custom/updateMany.php';

export const batchOptions: INodeProperties[] = [
	{
		displayName: 'Batch Across Items',
		name: 'batchAcrossItems',
		type: 'boolean',
		default: false,
		description:
			'Whether to send the records of all input items in as few requests as possible (insertMany.php / updateMany.php) instead of one request per item. Each item still gets its own output item.',
	},
	{
		displayName: 'Max Records per Request',
		name: 'maxRecordsPerRequest',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: DEFAULT_MAX_RECORDS_PER_REQUEST,
		description:
			'With Batch Across Items: the most records in one request. If the server answers that a request holds too many (HTTP 416), the node halves it by itself.',
	},
];

export interface CreateUnit {
	fields: FieldObject;
}
export interface UpdateUnit {
	recordId: string;
	fields: FieldObject;
}
/** What a success answer said about one record. */
export interface WriteResult {
	id?: string;
	code: unknown;
}

/** The ids a success answer lists, matched to the records in the order sent. */
function listedIds(envelope: WolkvoxEnvelope): string[] {
	return idsNamedIn(envelope);
}

export const createBatchOperation: BatchOperation<CreateUnit, WriteResult> = {
	request: (target, units) => ({
		method: 'POST',
		endpoint: INSERT_MANY_ENDPOINT,
		body: { operation: target.operation, module: target.module, fields: units.map((unit) => unit.fields as IDataObject) },
		advice: createAdvice,
	}),
	readSuccess: (units, envelope) => {
		const ids = listedIds(envelope);
		if (ids.length === units.length) return units.map((_, index) => ({ done: true, result: { id: ids[index], code: envelope.code } }));
		// A success that lists no ids still says the records were written; it just does not say as what.
		if (ids.length === 0) return units.map(() => ({ done: true, result: { code: envelope.code } }));
		const reason = `the API answered success but listed ${ids.length} record IDs for the ${units.length} records of the request, so it is unknown which of them were created`;
		return units.map(() => ({ done: false, reason }));
	},
	// Which record an insertMany refusal is about is unpublished: the engine narrows by halves.
	namedUnits: () => [],
	resendable: false,
};

export const updateBatchOperation: BatchOperation<UpdateUnit, WriteResult> = {
	request: (target, units) => ({
		method: UPDATE_MANY_METHOD,
		endpoint: UPDATE_MANY_ENDPOINT,
		body: {
			operation: target.operation,
			module: target.module,
			fields: units.map((unit) => ({ 'wolkvox-id': unit.recordId, ...unit.fields }) as IDataObject),
		},
		advice: updateAdvice,
		recordIds: units.map((unit) => unit.recordId),
	}),
	recordIdsOf: (unit) => [unit.recordId],
	readSuccess: (units, envelope) => {
		const listed = new Set(listedIds(envelope));
		return units.map((unit) => {
			if (listed.size === 0) return { done: true, result: { code: envelope.code } };
			if (listed.has(unit.recordId)) return { done: true, result: { id: unit.recordId, code: envelope.code } };
			return { done: false, reason: 'the API answered success but did not list it among the updated records' };
		});
	},
	namedUnits: (units, failure) => units.filter((unit) => failure.namedIds.includes(unit.recordId)),
	resendable: true,
};

export type Words = { verb: 'created' | 'updated'; check: (target: Target) => string };

/** What Create and Update hand to runWriteBatches. */
export const CREATE_BATCH = { operation: createBatchOperation, words: { verb: 'created', check: () => HOW_TO_CHECK_A_CREATE } as Words };
export const UPDATE_BATCH = {
	operation: updateBatchOperation,
	words: { verb: 'updated', check: (target) => `Check that the Record ID exists in module ${target.module}.` } as Words,
};

/** The output item of one input item, shaped like the API's answer for its record, or its error. */
function itemResult<Unit>(
	this: IExecuteFunctions,
	item: ItemUnits<Unit, WriteResult>,
	words: Words,
	recordsPerRequest: Map<unknown, number>,
	recordIds: string[],
): INodeExecutionData {
	const { itemIndex } = item;
	const outcome = item.units[0]?.outcome;
	if (outcome?.status === 'done') {
		const json: IDataObject = { code: outcome.result.code ?? 200, error: 'null', msg: outcome.message ?? `Record ${words.verb}` };
		if (outcome.result.id !== undefined) Object.assign(json, { data: { wolkvox_id: outcome.result.id }, wolkvox_id: outcome.result.id });
		return { json, pairedItem: { item: itemIndex } };
	}
	if (outcome?.status === 'unknown') {
		throw mayHaveBeenCreatedError.call(this, outcome.error, itemIndex, recordsPerRequest.get(outcome.error) ?? 1);
	}
	const error = outcome?.error;
	const label = itemLabel(itemIndex, recordIds);
	// The request's error in this item's words: its own index and record id, not the whole request's.
	const description =
		outcome === undefined
			? `${label}: nothing was sent for this item; fix the error that stopped the node and run it again.`
			: error instanceof WolkvoxApiError
				? error.wordsFor(itemIndex, recordIds).description
				: `${label}: ${error instanceof NodeApiError && error.description ? error.description.replace(/^Item \d+: /, '') : words.check(item.target)}`;
	const reason = outcome === undefined ? 'the node stopped at an earlier error before sending it' : (error?.message ?? outcome.reason ?? 'no answer');
	throw new NodeApiError(this.getNode(), (error instanceof WolkvoxApiError ? (error.requestFailure.envelope ?? {}) : {}) as JsonObject, {
		itemIndex,
		httpCode: error instanceof NodeApiError ? (error.httpCode ?? undefined) : undefined,
		// A create the answer did not confirm may still have happened: say so, not "not created".
		message: outcome !== undefined && !error && words.verb === 'created' ? `It is unknown whether the record was created: ${reason}` : `The record was not ${words.verb}: ${reason}`,
		description,
	});
}

/** Batch Across Items for one record per item: reads, sends, and gives each item its outcome. */
export async function runWriteBatches<Unit>(
	context: IExecuteFunctions,
	connection: Connection,
	itemCount: number,
	options: IDataObject,
	batch: { operation: BatchOperation<Unit, WriteResult>; words: Words },
	readItem: (itemIndex: number) => { target: Target; unit: Unit },
): Promise<INodeExecutionData[]> {
	const continueOnFail = context.continueOnFail();
	const maxRecords = Number(options.maxRecordsPerRequest);
	const results: INodeExecutionData[] = new Array(itemCount);
	const run = new BatchRun(context, connection, batch.operation, {
		maxUnitsPerRequest: Number.isFinite(maxRecords) && maxRecords >= 1 ? maxRecords : DEFAULT_MAX_RECORDS_PER_REQUEST,
		stopOnFirstFailure: !continueOnFail,
		planBeforeSending:
			options.quotaGuard === true
				? async ({ requests, firstTarget, firstItemIndex }) =>
						await checkQuotaIfAsked(context, connection, options, { crmOperation: firstTarget?.operation ?? '', needed: requests, itemIndex: firstItemIndex ?? 0 })
				: undefined,
	});
	const alreadyDone = () => (run.doneCount > 0 ? `the API had confirmed ${run.doneCount} record(s) as ${batch.words.verb}` : undefined);

	let items: Array<ItemUnits<Unit, WriteResult>>;
	try {
		items = await run.run(
			itemCount,
			(itemIndex) => {
				const { target, unit } = readItem(itemIndex);
				return { target, units: [unit] };
			},
			(itemIndex, error) => {
				const nodeError = toNodeError.call(context, error, itemIndex);
				if (!continueOnFail) throw nodeError;
				results[itemIndex] = errorItem(nodeError, itemIndex);
			},
		);
	} catch (error) {
		throw withAlreadyDone(toNodeError.call(context, error, 0), alreadyDone());
	}

	// A lost answer concerns every record of its request: say how many shared it.
	const recordsPerRequest = new Map<unknown, number>();
	for (const item of items) {
		const outcome = item.units[0]?.outcome;
		if (outcome?.status === 'unknown') recordsPerRequest.set(outcome.error, (recordsPerRequest.get(outcome.error) ?? 0) + 1);
	}
	const failures: Array<{ error: Error; sent: boolean }> = [];
	for (const item of items) {
		try {
			const recordIds = item.units.flatMap(({ unit }) => batch.operation.recordIdsOf?.(unit) ?? []);
			results[item.itemIndex] = itemResult.call(context, item, batch.words, recordsPerRequest, recordIds);
		} catch (error) {
			const nodeError = toNodeError.call(context, error, item.itemIndex);
			results[item.itemIndex] = errorItem(nodeError, item.itemIndex);
			failures.push({ error: nodeError, sent: item.units[0]?.outcome !== undefined });
		}
	}
	// Stop with the first item the API refused or left unknown, not one merely left unsent.
	const stop = failures.find((failure) => failure.sent) ?? failures[0];
	if (!continueOnFail && stop) throw withAlreadyDone(stop.error, alreadyDone());
	return results;
}
