/**
 * What Create, Update and Create or Update share around their own request: the parameter
 * layout (target, own parameters, fields, options) and the per-item run that reads the
 * target and the fields of each item before handing it to the operation.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import type { BatchOperation } from '../../engine/batches';
import { runPerItem } from '../../engine/perItem';
import { checkQuotaIfAsked, quotaGuardOption } from '../../engine/quota';
import type { FieldObject } from '../../helpers/fields';
import type { Connection } from '../../transport';
import { suggestBatching } from '../hints';
import { ParameterReader } from '../parameters';
import { crmOperationField, fieldPicker, moduleFields, optionsField, readCrmTarget, requestOptions, withOptions } from './common.fields';
import { readRecordFields, recordFieldsUi } from './recordFields';
import { DEFAULT_MAX_RECORDS_PER_REQUEST, runWriteBatches, type Words, type WriteResult } from './writeBatches';
import type { WriteTarget } from './writes';

/** CRM Operation, Module, the operation's own parameters, the fields, and Options. */
export function writeOperationDescription(
	operation: 'create' | 'update' | 'upsert',
	own: { parameters?: INodeProperties[]; fieldPickers?: INodeProperties[]; options?: INodeProperties[] } = {},
): INodeProperties[] {
	const displayOptions = { show: { resource: ['record'], operation: [operation] } };
	return [
		{ ...crmOperationField, displayOptions },
		...moduleFields(displayOptions.show),
		...(own.parameters ?? []).map((parameter) => ({ ...parameter, displayOptions })),
		...(own.fieldPickers ?? []).flatMap((parameter) => fieldPicker(parameter, displayOptions.show)),
		...recordFieldsUi(displayOptions),
		optionsField([...(own.options ?? []), quotaGuardOption, ...requestOptions], displayOptions),
	];
}

/** One item to write, read and checked: what an operation's handler gets. */
export interface WriteItem {
	itemIndex: number;
	target: WriteTarget;
	fields: FieldObject;
	reader: ParameterReader;
	/** The node's options, read once from the first item. */
	options: IDataObject;
	/** The connection with the options' limits applied. */
	connection: Connection;
}

export interface WriteSpec<Unit> {
	/** For the stopping error: what the items done so far had achieved. */
	alreadyDone: (doneItems: number) => string;
	/** API calls one item costs at least (for Check Daily Quota First). */
	requestsPerItem: number;
	/** One item, one request per item (or a few). */
	write: (item: WriteItem) => Promise<INodeExecutionData[]>;
	/** Batch Across Items, for operations that offer it: the item's record as a batch unit. */
	batch?: {
		run: { operation: BatchOperation<Unit, WriteResult>; words: Words };
		unitOf: (item: WriteItem) => Unit;
	};
}

/** Runs a write operation: per item, or with Batch Across Items when it is on and offered. */
export async function executeWrite<Unit>(
	context: IExecuteFunctions,
	connection: Connection,
	items: INodeExecutionData[],
	spec: WriteSpec<Unit>,
): Promise<INodeExecutionData[]> {
	const options = context.getNodeParameter('options', 0, {}) as IDataObject;
	const settings = withOptions(connection, options);
	const reader = new ParameterReader(context);
	const readItem = (itemIndex: number): WriteItem => {
		const target = readCrmTarget.call(context, settings, itemIndex, reader);
		const fields = readRecordFields.call(context, reader, items, itemIndex);
		return { itemIndex, target, fields, reader, options, connection: settings };
	};

	const { batch } = spec;
	if (batch && options.batchAcrossItems === true) {
		return await runWriteBatches(context, settings, items.length, options, batch.run, (itemIndex) => {
			const item = readItem(itemIndex);
			return { target: item.target, unit: batch.unitOf(item) };
		});
	}

	if (options.quotaGuard === true) {
		// Every item that passes its checks sends at least requestsPerItem requests.
		let first: WriteItem | undefined;
		let ready = 0;
		for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
			try {
				first ??= readItem(itemIndex);
				ready++;
			} catch {
				// This item fails before sending anything, in the run itself.
			}
		}
		if (first) {
			await checkQuotaIfAsked(context, settings, options, { crmOperation: first.target.operation, needed: ready * spec.requestsPerItem, itemIndex: first.itemIndex });
		}
	}
	const results = await runPerItem.call(context, items.length, {
		concurrency: settings.scheduler.concurrency,
		alreadyDone: spec.alreadyDone,
		handle: async (itemIndex) => await spec.write(readItem(itemIndex)),
	});
	if (batch) suggestBatching.call(context, items.length, Math.ceil(items.length / DEFAULT_MAX_RECORDS_PER_REQUEST));
	return results;
}
