import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { writeOutput } from '../../helpers/answers';
import { runPerItem } from '../../engine/perItem';
import type { Connection } from '../../transport';
import { ParameterReader } from '../parameters';
import { crmOperationField, moduleField, readCrmTarget, requestOptions, withOptions } from './common.fields';
import { readRecordFields, recordFieldsUi } from './recordFields';
import { createRecord } from './writes';

const showForCreate = { show: { resource: ['record'], operation: ['create'] } };

export const description: INodeProperties[] = [
	{ ...crmOperationField, displayOptions: showForCreate },
	{ ...moduleField, displayOptions: showForCreate },
	...recordFieldsUi(showForCreate),
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: showForCreate,
		options: [...requestOptions],
	},
];

/** One custom/insert.php per item; an item whose answer was lost is not sent again. */
export async function execute(
	this: IExecuteFunctions,
	connection: Connection,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	const settings = withOptions(connection, this.getNodeParameter('options', 0, {}) as IDataObject);
	const reader = new ParameterReader(this);
	return await runPerItem.call(this, items.length, {
		concurrency: settings.scheduler.concurrency,
		alreadyDone: (doneItems) => `the API had accepted the records of ${doneItems} other item(s)`,
		handle: async (itemIndex) => {
			const target = readCrmTarget.call(this, settings, itemIndex);
			const fields = readRecordFields.call(this, reader, items, itemIndex);
			const envelope = await createRecord.call(this, settings, target, fields, itemIndex);
			return [{ json: writeOutput(envelope) as IDataObject, pairedItem: { item: itemIndex } }];
		},
	});
}
