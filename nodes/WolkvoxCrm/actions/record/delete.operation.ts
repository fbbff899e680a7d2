import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { BatchRun } from '../../engine/batches';
import { runPerItem } from '../../engine/perItem';
import { checkQuotaIfAsked, quotaGuardOption } from '../../engine/quota';
import { InvalidRecordIdsError, parseRecordIds } from '../../helpers/recordIds';
import { apiRequest, type Connection } from '../../transport';
import { suggestBatching } from '../hints';
import { errorItem, toNodeError, withAlreadyDone } from '../items';
import type { OperationExecute } from '../operation';
import { ParameterReader } from '../parameters';
import { crmOperationField, moduleFields, optionsField, readCrmTarget, requestOptions, withOptions } from './common.fields';
import {
	alreadyGoneAnswer,
	batchItemResult,
	checkListedIds,
	deleteBatchOperation,
	deleteApiRequest,
	isGoneAfterLostAnswer,
	type DeleteRequest,
} from './delete.results';

const DEFAULT_MAX_IDS_PER_REQUEST = 100;

const showForDelete = { show: { resource: ['record'], operation: ['delete'] } };

export const description: INodeProperties[] = [
	{ ...crmOperationField, displayOptions: showForDelete },
	...moduleFields(showForDelete.show),
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
	optionsField([
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
				default: DEFAULT_MAX_IDS_PER_REQUEST,
				description: 'With Batch Across Items: the most record IDs sent in one request',
			},
			quotaGuardOption,
			...requestOptions,
		], showForDelete),
];

/** One item's delete, checked before anything is sent. */
function readDeleteRequest(
	this: IExecuteFunctions,
	connection: Connection,
	parameters: ParameterReader,
	itemIndex: number,
): DeleteRequest {
	const { operation, module } = readCrmTarget.call(this, connection, itemIndex, parameters);
	const multiple = parameters.get<boolean>('multiple', itemIndex, false);

	let ids: string[];
	try {
		ids = parseRecordIds(parameters.get('recordIds', itemIndex, ''));
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

/** One request per item, sent within the run's limits; outputs keep the input order. */
async function deletePerItem(
	this: IExecuteFunctions,
	connection: Connection,
	itemCount: number,
	options: IDataObject,
): Promise<INodeExecutionData[]> {
	const parameters = new ParameterReader(this);
	if (options.quotaGuard === true) await checkPerItemQuota.call(this, connection, parameters, itemCount, options);
	let idCount = 0;
	const results = await runPerItem.call(this, itemCount, {
		concurrency: connection.scheduler.concurrency,
		alreadyDone: (doneItems) => `the records of ${doneItems} other item(s) were deleted`,
		handle: async (itemIndex) => {
			const request = readDeleteRequest.call(this, connection, parameters, itemIndex);
			idCount += request.ids.length;
			try {
				const envelope = await apiRequest.call(this, connection, deleteApiRequest(request), itemIndex);
				checkListedIds.call(this, request, envelope, itemIndex);
				return [{ json: envelope as IDataObject, pairedItem: { item: itemIndex } }];
			} catch (error) {
				if (!isGoneAfterLostAnswer(error, request.ids)) throw toNodeError.call(this, error, itemIndex);
				return [{ json: alreadyGoneAnswer(request.ids), pairedItem: { item: itemIndex } }];
			}
		},
	});
	suggestBatching.call(this, itemCount, Math.ceil(idCount / DEFAULT_MAX_IDS_PER_REQUEST));
	return results;
}

/** Check Daily Quota First, one request per item: every item that passes its checks sends one. */
async function checkPerItemQuota(
	this: IExecuteFunctions,
	connection: Connection,
	parameters: ParameterReader,
	itemCount: number,
	options: IDataObject,
): Promise<void> {
	let needed = 0;
	let first: { itemIndex: number; crmOperation: string } | undefined;
	for (let itemIndex = 0; itemIndex < itemCount; itemIndex++) {
		try {
			const request = readDeleteRequest.call(this, connection, parameters, itemIndex);
			first ??= { itemIndex, crmOperation: request.operation };
			needed++;
		} catch {
			// This item fails before sending anything, in the run itself.
		}
	}
	if (first) await checkQuotaIfAsked(this, connection, options, { ...first, needed });
}

/** Batch Across Items: the ids of all items in as few requests as the limits allow. */
async function deleteInBatches(
	this: IExecuteFunctions,
	connection: Connection,
	itemCount: number,
	options: IDataObject,
	maxIdsPerRequest: number,
): Promise<INodeExecutionData[]> {
	const continueOnFail = this.continueOnFail();
	const parameters = new ParameterReader(this);
	const results: INodeExecutionData[] = new Array(itemCount);
	const run = new BatchRun(this, connection, deleteBatchOperation, {
		maxUnitsPerRequest: maxIdsPerRequest,
		stopOnFirstFailure: !continueOnFail,
		// Check Daily Quota First needs the exact plan, so every item is read before the first request.
		planBeforeSending:
			options.quotaGuard === true
				? async ({ requests, firstTarget, firstItemIndex }) =>
						await checkQuotaIfAsked(this, connection, options, {
							crmOperation: firstTarget?.operation ?? '',
							needed: requests,
							itemIndex: firstItemIndex ?? 0,
						})
				: undefined,
	});
	const alreadyDone = () => `${run.doneCount} record(s) were deleted; the IDs of the items after the error that were not sent yet are untouched`;

	let items;
	try {
		items = await run.run(
			itemCount,
			(itemIndex) => {
				const request = readDeleteRequest.call(this, connection, parameters, itemIndex);
				return { target: request, units: request.ids };
			},
			(itemIndex, error) => {
				const nodeError = toNodeError.call(this, error, itemIndex);
				if (!continueOnFail) throw nodeError;
				results[itemIndex] = errorItem(nodeError, itemIndex);
			},
		);
	} catch (error) {
		throw withAlreadyDone(error, run.doneCount > 0 ? alreadyDone() : undefined);
	}

	const failures: Array<{ error: Error; refused: boolean }> = [];
	for (const item of items) {
		try {
			results[item.itemIndex] = batchItemResult.call(this, item);
		} catch (error) {
			const nodeError = toNodeError.call(this, error, item.itemIndex);
			results[item.itemIndex] = errorItem(nodeError, item.itemIndex);
			failures.push({ error: nodeError, refused: item.units.some(({ outcome }) => outcome?.status === 'refused') });
		}
	}
	if (!continueOnFail && failures.length > 0) {
		// Stop with the item whose records were refused, and say what already happened to the others.
		const stop = failures.find((failure) => failure.refused) ?? failures[0];
		throw withAlreadyDone(stop.error, run.doneCount > 0 ? alreadyDone() : undefined);
	}
	return results;
}

export const execute: OperationExecute = async function (connection, items) {
	const options = this.getNodeParameter('options', 0, {}) as IDataObject;
	const settings = withOptions(connection, options);
	if (options.batchAcrossItems === true) {
		const maxIds = Number(options.maxIdsPerRequest);
		const maxIdsPerRequest = Number.isFinite(maxIds) && maxIds >= 1 ? maxIds : DEFAULT_MAX_IDS_PER_REQUEST;
		return await deleteInBatches.call(this, settings, items.length, options, maxIdsPerRequest);
	}
	return await deletePerItem.call(this, settings, items.length, options);
};
