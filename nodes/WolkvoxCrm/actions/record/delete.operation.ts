import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { planBatches, recordKey, type ItemDeletion, type PlannedBatch } from '../../helpers/batches';
import { InvalidRecordIdsError, parseRecordIds } from '../../helpers/recordIds';
import { apiRequest, WolkvoxApiError, type Connection } from '../../transport';
import type { WolkvoxEnvelope } from '../../transport/envelope';
import { runPerItem } from '../../engine/perItem';
import { checkQuotaIfAsked, quotaGuardOption } from '../../engine/quota';
import { errorItem, toNodeError } from '../items';
import { crmOperationField, moduleField, readCrmTarget, requestOptions, withOptions } from './common.fields';

const showForDelete = { show: { resource: ['record'], operation: ['delete'] } };

export const description: INodeProperties[] = [
	{ ...crmOperationField, displayOptions: showForDelete },
	{ ...moduleField, displayOptions: showForDelete },
	{
		displayName: 'Delete Multiple',
		name: 'multiple',
		type: 'boolean',
		default: false,
		description:
			'Whether to delete several records in one request. Off: each item deletes exactly one record.',
		displayOptions: showForDelete,
	},
	{
		displayName: 'Record IDs',
		name: 'recordIds',
		type: 'string',
		default: '',
		required: true,
		placeholder: '647f6ff1660dff48d803ffe6',
		description:
			'ID of the record to delete (the last part of the record\'s address in the CRM). With Delete Multiple on: several IDs separated by commas or new lines, or an expression that returns a list.',
		displayOptions: showForDelete,
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: showForDelete,
		options: [
			{
				displayName: 'Batch Across Items',
				name: 'batchAcrossItems',
				type: 'boolean',
				default: false,
				description:
					'Whether to gather the IDs of all input items into as few multiple-delete requests as possible, instead of one request per item. Each item still gets its own output item saying what happened to its IDs.',
			},
			{
				displayName: 'Max IDs per Request',
				name: 'maxIdsPerRequest',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 100,
				description: 'With Batch Across Items: the most record IDs sent in one request',
			},
			quotaGuardOption,
			...requestOptions,
		],
	},
];

/** One item's delete, checked before anything is sent. */
export interface DeleteRequest {
	operation: string;
	module: string;
	multiple: boolean;
	ids: string[];
}

export function buildDeleteRequest(
	this: IExecuteFunctions,
	connection: Connection,
	itemIndex: number,
): DeleteRequest {
	const { operation, module } = readCrmTarget.call(this, connection, itemIndex);
	const multiple = this.getNodeParameter('multiple', itemIndex, false) as boolean;

	let ids: string[];
	try {
		ids = parseRecordIds(this.getNodeParameter('recordIds', itemIndex, ''));
	} catch (error) {
		if (error instanceof InvalidRecordIdsError) {
			throw new NodeOperationError(this.getNode(), error.message, {
				itemIndex,
				description: `Item ${itemIndex}: fix the Record IDs field.`,
			});
		}
		throw new NodeOperationError(this.getNode(), error as Error, { itemIndex });
	}

	if (ids.length === 0) {
		throw new NodeOperationError(this.getNode(), 'No record IDs to delete', {
			itemIndex,
			description: `Item ${itemIndex}: the Record IDs field is empty for this item. Enter an ID or map the field that holds it, e.g. {{ $json.wolkvox_id }}.`,
		});
	}
	if (!multiple && ids.length > 1) {
		throw new NodeOperationError(
			this.getNode(),
			`${ids.length} record IDs were given, but Delete Multiple is off`,
			{
				itemIndex,
				description: `Item ${itemIndex}: turn on Delete Multiple to delete these records in one request, or give one ID per item.`,
			},
		);
	}
	return { operation, module, multiple, ids };
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

/** Errors the API gives about the records themselves, which can be narrowed down to an id. */
const RECORD_LEVEL_CODES = new Set([400, 404, 412, 417]);

/** What "this record does not exist" may come as. */
const NOT_FOUND_CODES = new Set([400, 404]);

/**
 * "Not found" for every id of a request, after an attempt of it whose answer was lost (reset,
 * cut off, server error): that attempt deleted them, so they are gone as asked. If the answer
 * names only some of the ids, the others still exist, so the lost attempt changed nothing
 * (a delete is all or nothing) and the named ids really are unknown.
 */
function isGoneAfterLostAnswer(error: unknown, ids: string[], afterLostAnswer?: boolean): boolean {
	if (!(error instanceof WolkvoxApiError) || !(afterLostAnswer ?? error.uncertain)) return false;
	const failure = error.requestFailure;
	if (failure.kind !== 'apiError' || !NOT_FOUND_CODES.has(failure.code ?? 0)) return false;
	return failure.namedIds.length === 0 ? ids.length === 1 : ids.every((id) => failure.namedIds.includes(id));
}

/** The output for records found gone after such an attempt, shaped like the API's own answer. */
function alreadyGoneAnswer(ids: string[]): IDataObject {
	return {
		code: 200,
		error: 'null',
		msg: 'Already deleted: an earlier attempt whose answer was lost went through',
		data: { wolkvox_id: ids },
		alreadyGoneIds: ids,
	};
}

type IdOutcome =
	| { deleted: true; message?: string; alreadyGone: boolean }
	| { deleted: false; error: NodeApiError };

/**
 * Batch Across Items: sends the planned batches within the run's limits, narrows a refused
 * batch down to the ids that caused it, and remembers what happened to every id.
 */
class BatchDeletion {
	readonly outcomes = new Map<string, IdOutcome>();

	/** Error signatures that failed every id of a narrowed-down batch: not about the ids. */
	private readonly wholeBatchErrors = new Set<string>();

	private maxIds: number;

	stopped = false;

	constructor(
		private readonly context: IExecuteFunctions,
		private readonly connection: Connection,
		maxIds: number,
		private readonly stopOnFirstError: boolean,
		/** The item to name in a batch's error: the first owner of its first id. */
		private readonly ownerOf: (operation: string, module: string, id: string) => number,
	) {
		this.maxIds = maxIds;
	}

	/** As many workers as requests may be in flight; each takes the next batch until done or stopped. */
	async run(batches: PlannedBatch[]): Promise<void> {
		const queue = [...batches];
		const worker = async () => {
			for (let batch = queue.shift(); batch && !this.stopped; batch = queue.shift()) {
				await this.send(batch, false);
			}
		};
		const workers = Math.max(1, Math.min(this.connection.scheduler.concurrency, queue.length));
		await Promise.all(Array.from({ length: workers }, worker));
	}

	private record(batch: PlannedBatch, ids: string[], outcome: IdOutcome): void {
		for (const id of ids) this.outcomes.set(recordKey(batch.operation, batch.module, id), outcome);
		if (!outcome.deleted && this.stopOnFirstError) this.stopped = true;
	}

	private async send(batch: PlannedBatch, afterUncertainAttempt: boolean): Promise<void> {
		if (this.stopped) return;
		if (batch.ids.length > this.maxIds) {
			// The API refused this size before: cut it down first.
			const parts: PlannedBatch[] = [];
			for (let start = 0; start < batch.ids.length; start += this.maxIds) {
				parts.push({ ...batch, ids: batch.ids.slice(start, start + this.maxIds) });
			}
			for (const part of parts) await this.send(part, afterUncertainAttempt);
			return;
		}

		const itemIndex = this.ownerOf(batch.operation, batch.module, batch.ids[0]);
		let envelope: WolkvoxEnvelope;
		try {
			envelope = await apiRequest.call(
				this.context,
				this.connection,
				{
					method: 'POST',
					endpoint: 'custom/delete.php',
					body: deleteRequestBody({ ...batch, multiple: true }),
				},
				itemIndex,
			);
		} catch (error) {
			await this.handleRefusal(batch, error, afterUncertainAttempt);
			return;
		}
		const message = typeof envelope.msg === 'string' ? envelope.msg : undefined;
		this.record(batch, batch.ids, { deleted: true, message, alreadyGone: false });
	}

	private async handleRefusal(batch: PlannedBatch, error: unknown, afterUncertainAttempt: boolean): Promise<void> {
		if (!(error instanceof WolkvoxApiError)) {
			this.record(batch, batch.ids, { deleted: false, error: toNodeError.call(this.context, error, 0) as NodeApiError });
			return;
		}
		const failure = error.requestFailure;
		const uncertain = afterUncertainAttempt || error.uncertain;
		const code = failure.code ?? 0;

		if (failure.kind === 'apiError' && code === 416 && batch.ids.length > 1 && !failure.rateLimited) {
			// Too many ids at once: halve the size for this and every later batch.
			this.maxIds = Math.max(1, Math.min(this.maxIds, Math.floor(batch.ids.length / 2)));
			await this.send(batch, uncertain);
			return;
		}
		if (failure.kind !== 'apiError' || !RECORD_LEVEL_CODES.has(code)) {
			this.record(batch, batch.ids, { deleted: false, error });
			return;
		}

		// The API refused something about the records: find which ids, delete the others.
		const named = failure.namedIds.filter((id) => batch.ids.includes(id));
		const signature = `${code}|${failure.apiError ?? ''}`;
		if (named.length > 0 && named.length < batch.ids.length) {
			// Some ids still exist, so no earlier attempt of this batch went through: the named ones are unknown.
			this.record(batch, named, { deleted: false, error });
			await this.send({ ...batch, ids: batch.ids.filter((id) => !named.includes(id)) }, uncertain);
			return;
		}
		if (batch.ids.length === 1 || named.length === batch.ids.length || this.wholeBatchErrors.has(signature)) {
			this.recordRefused(batch, batch.ids, error, uncertain);
			return;
		}
		const middle = Math.ceil(batch.ids.length / 2);
		const halves = [batch.ids.slice(0, middle), batch.ids.slice(middle)];
		for (const ids of halves) await this.send({ ...batch, ids }, uncertain);
		const allRefused = batch.ids.every((id) => {
			const outcome = this.outcomes.get(recordKey(batch.operation, batch.module, id));
			return outcome !== undefined && !outcome.deleted;
		});
		if (allRefused) this.wholeBatchErrors.add(signature);
	}

	/** The whole batch was refused: gone already (see isGoneAfterLostAnswer) or really refused. */
	private recordRefused(batch: PlannedBatch, ids: string[], error: WolkvoxApiError, uncertain: boolean): void {
		if (isGoneAfterLostAnswer(error, ids, uncertain)) {
			this.record(batch, ids, { deleted: true, alreadyGone: true });
			return;
		}
		this.record(batch, ids, { deleted: false, error });
	}
}

/** The output item of one input item after Batch Across Items. */
function batchResult(
	this: IExecuteFunctions,
	item: ItemDeletion,
	uniqueIds: string[],
	duplicates: string[] | undefined,
	outcomes: Map<string, IdOutcome>,
): INodeExecutionData {
	const deleted: string[] = [];
	const alreadyGone: string[] = [];
	const refused: Array<{ id: string; error: NodeApiError }> = [];
	const notSent: string[] = [];
	let message: string | undefined;
	for (const id of uniqueIds) {
		const outcome = outcomes.get(recordKey(item.operation, item.module, id));
		if (outcome === undefined) notSent.push(id);
		else if (!outcome.deleted) refused.push({ id, error: outcome.error });
		else {
			deleted.push(id);
			if (outcome.alreadyGone) alreadyGone.push(id);
			message ??= outcome.message;
		}
	}

	if (refused.length === 0 && notSent.length === 0) {
		const json: IDataObject = {
			code: 200,
			error: 'null',
			msg: message ?? 'Have been succesfully removed',
			data: { wolkvox_id: deleted },
		};
		if (duplicates) json.duplicateIds = duplicates;
		if (alreadyGone.length) json.alreadyGoneIds = alreadyGone;
		return { json, pairedItem: { item: item.itemIndex } };
	}

	const first = refused[0]?.error;
	const failedCount = refused.length + notSent.length;
	const parts = [
		refused.length ? `not deleted: ${refused.map(({ id }) => id).join(', ')}` : '',
		notSent.length ? `not sent because the node stopped at an earlier error: ${notSent.join(', ')}` : '',
		deleted.length ? `deleted: ${deleted.join(', ')}` : 'none of its records were deleted',
	].filter(Boolean);
	const reason = first ? first.message : 'the node stopped at an earlier error';
	throw new NodeApiError(
		this.getNode(),
		{ notDeleted: [...refused.map(({ id }) => id), ...notSent], deleted },
		{
			itemIndex: item.itemIndex,
			httpCode: first?.httpCode ?? undefined,
			message:
				uniqueIds.length === 1
					? reason
					: `${failedCount} of ${uniqueIds.length} record IDs could not be deleted: ${reason}`,
			description: `Item ${item.itemIndex}: ${parts.join('; ')}.${first?.description ? ` ${first.description.replace(/^Item \d+: /, '')}` : ''}`,
		},
	);
}

/** Batch Across Items: ids of all items in as few requests as the limits allow. */
async function deleteInBatches(
	this: IExecuteFunctions,
	connection: Connection,
	items: INodeExecutionData[],
	options: IDataObject,
	maxIdsPerRequest: number,
): Promise<INodeExecutionData[]> {
	const continueOnFail = this.continueOnFail();
	const results: Array<INodeExecutionData | undefined> = new Array(items.length);
	const deletions: ItemDeletion[] = [];

	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			const request = buildDeleteRequest.call(this, connection, itemIndex);
			deletions.push({ itemIndex, operation: request.operation, module: request.module, ids: request.ids });
		} catch (error) {
			const nodeError = toNodeError.call(this, error, itemIndex);
			// Nothing has been sent yet: a bad item stops the node before any deletion.
			if (!continueOnFail) throw nodeError;
			results[itemIndex] = errorItem(nodeError, itemIndex);
		}
	}

	const plan = planBatches(deletions, maxIdsPerRequest);
	await checkQuotaIfAsked(this, connection, options, {
		crmOperation: plan.batches[0]?.operation ?? '',
		needed: plan.batches.length,
		itemIndex: deletions[0]?.itemIndex ?? 0,
	});
	const run = new BatchDeletion(
		this,
		connection,
		maxIdsPerRequest,
		!continueOnFail,
		(operation, module, id) => plan.firstOwner.get(recordKey(operation, module, id)) ?? 0,
	);
	await run.run(plan.batches);

	const failures: Array<{ itemIndex: number; error: NodeApiError | NodeOperationError; refused: boolean }> = [];
	for (const deletion of deletions) {
		const uniqueIds = plan.uniqueIdsByItem.get(deletion.itemIndex) ?? [];
		try {
			results[deletion.itemIndex] = batchResult.call(
				this,
				deletion,
				uniqueIds,
				plan.duplicatesByItem.get(deletion.itemIndex),
				run.outcomes,
			);
		} catch (error) {
			const nodeError = toNodeError.call(this, error, deletion.itemIndex);
			results[deletion.itemIndex] = errorItem(nodeError, deletion.itemIndex);
			const refused = uniqueIds.some((id) => run.outcomes.get(recordKey(deletion.operation, deletion.module, id))?.deleted === false);
			failures.push({ itemIndex: deletion.itemIndex, error: nodeError, refused });
		}
	}
	if (!continueOnFail && failures.length > 0) {
		// Stop with the item whose records were refused, and say what already happened to the others.
		const stop = failures.find((failure) => failure.refused) ?? failures[0];
		const deletedElsewhere = [...run.outcomes.values()].filter((outcome) => outcome.deleted).length;
		if (deletedElsewhere > 0) {
			stop.error.description = `${stop.error.description ?? ''} Before the node stopped, ${deletedElsewhere} record(s) were deleted; the IDs of the items after the error that were not sent yet are untouched.`.trim();
		}
		throw stop.error;
	}
	return results as INodeExecutionData[];
}

/** Per item: one request for each item whose delete is valid (the others fail before sending). */
async function checkPerItemQuota(
	this: IExecuteFunctions,
	connection: Connection,
	items: INodeExecutionData[],
	options: IDataObject,
): Promise<void> {
	if (options.quotaGuard !== true) return;
	let needed = 0;
	let first: { itemIndex: number; crmOperation: string } | undefined;
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			const request = buildDeleteRequest.call(this, connection, itemIndex);
			first ??= { itemIndex, crmOperation: request.operation };
			needed++;
		} catch {
			// This item fails before sending anything, in the run itself.
		}
	}
	if (first) await checkQuotaIfAsked(this, connection, options, { ...first, needed });
}

/** One request per item, sent within the run's limits; outputs keep the input order. */
async function deletePerItem(
	this: IExecuteFunctions,
	connection: Connection,
	items: INodeExecutionData[],
	options: IDataObject,
): Promise<INodeExecutionData[]> {
	await checkPerItemQuota.call(this, connection, items, options);
	return await runPerItem.call(this, items.length, {
		concurrency: connection.scheduler.concurrency,
		alreadyDone: (doneItems) => `the records of ${doneItems} other item(s) were deleted`,
		handle: async (itemIndex) => {
			const request = buildDeleteRequest.call(this, connection, itemIndex);
			try {
				const envelope = await apiRequest.call(
					this,
					connection,
					{ method: 'POST', endpoint: 'custom/delete.php', body: deleteRequestBody(request) },
					itemIndex,
				);
				return [{ json: envelope as IDataObject, pairedItem: { item: itemIndex } }];
			} catch (error) {
				if (!isGoneAfterLostAnswer(error, request.ids)) throw toNodeError.call(this, error, itemIndex);
				return [{ json: alreadyGoneAnswer(request.ids), pairedItem: { item: itemIndex } }];
			}
		},
	});
}

export async function execute(
	this: IExecuteFunctions,
	connection: Connection,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	const options = this.getNodeParameter('options', 0, {}) as IDataObject;
	const settings = withOptions(connection, options);
	if (options.batchAcrossItems === true) {
		const maxIds = Number(options.maxIdsPerRequest);
		return await deleteInBatches.call(this, settings, items, options, Number.isFinite(maxIds) && maxIds >= 1 ? maxIds : 100);
	}
	return await deletePerItem.call(this, settings, items, options);
}
