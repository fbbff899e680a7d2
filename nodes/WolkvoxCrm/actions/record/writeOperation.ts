/**
 * What Create, Update and Create or Update share around their own request: the parameter
 * layout (target, own parameters, fields, options) and the per-item run that reads the
 * target and the fields of each item before handing it to the operation.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { runPerItem } from '../../engine/perItem';
import type { FieldObject } from '../../helpers/fields';
import type { Connection } from '../../transport';
import { ParameterReader } from '../parameters';
import { crmOperationField, moduleField, readCrmTarget, requestOptions, withOptions } from './common.fields';
import { readRecordFields, recordFieldsUi } from './recordFields';
import type { WriteTarget } from './writes';

/** CRM Operation, Module, the operation's own parameters, the fields, and Options. */
export function writeOperationDescription(
	operation: 'create' | 'update' | 'upsert',
	own: { parameters?: INodeProperties[]; options?: INodeProperties[] } = {},
): INodeProperties[] {
	const displayOptions = { show: { resource: ['record'], operation: [operation] } };
	return [
		{ ...crmOperationField, displayOptions },
		{ ...moduleField, displayOptions },
		...(own.parameters ?? []).map((parameter) => ({ ...parameter, displayOptions })),
		...recordFieldsUi(displayOptions),
		{
			displayName: 'Options',
			name: 'options',
			type: 'collection',
			placeholder: 'Add Option',
			default: {},
			displayOptions,
			options: [...(own.options ?? []), ...requestOptions],
		},
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

/** Runs `write` for every item (within the run's limits, Continue On Fail honoured). */
export async function runWritePerItem(
	this: IExecuteFunctions,
	connection: Connection,
	items: INodeExecutionData[],
	alreadyDone: (doneItems: number) => string,
	write: (item: WriteItem) => Promise<INodeExecutionData[]>,
): Promise<INodeExecutionData[]> {
	const options = this.getNodeParameter('options', 0, {}) as IDataObject;
	const settings = withOptions(connection, options);
	const reader = new ParameterReader(this);
	return await runPerItem.call(this, items.length, {
		concurrency: settings.scheduler.concurrency,
		alreadyDone,
		handle: async (itemIndex) => {
			const target = readCrmTarget.call(this, settings, itemIndex);
			const fields = readRecordFields.call(this, reader, items, itemIndex);
			return await write({ itemIndex, target, fields, reader, options, connection: settings });
		},
	});
}
