import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { writeOutput } from '../../helpers/answers';
import type { Connection } from '../../transport';
import { runWritePerItem, writeOperationDescription } from './writeOperation';
import { createRecord } from './writes';

export const description: INodeProperties[] = writeOperationDescription('create');

/** One custom/insert.php per item; an item whose answer was lost is not sent again. */
export async function execute(
	this: IExecuteFunctions,
	connection: Connection,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	return await runWritePerItem.call(
		this,
		connection,
		items,
		(doneItems) => `the API had accepted the records of ${doneItems} other item(s)`,
		async ({ itemIndex, target, fields, connection: settings }) => {
			const envelope = await createRecord.call(this, settings, target, fields, itemIndex);
			return [{ json: writeOutput(envelope) as IDataObject, pairedItem: { item: itemIndex } }];
		},
	);
}
